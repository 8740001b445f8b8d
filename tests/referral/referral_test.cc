// The referral engine, with rewards paid through deposits, on SQLite and
// PostgreSQL.

#include "botcore/referral/referral.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "botcore/testing/manual_clock.h"
#include "botcore/testing/simulated_chain.h"
#include "internal/status_macros.h"
#include "ledger/payment_stack.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

using testing::kWallet;
using testing::PaymentStack;
using testing::SimulatedChain;
using testing::UserWallet;

Amount Usdt(std::string_view text) { return *Amount::Parse(text, 18); }

Amount Posted(PaymentStack& s, const std::string& owner) {
  absl::StatusOr<Balance> b = s.ledger->GetBalance({owner, "USDT"});
  if (absl::IsNotFound(b.status())) return Usdt("0");
  REQUIRE_MESSAGE(b.ok(), b.status().ToString());
  return b->posted;
}

// What the deposit engine does with a crediting batch's listener: the
// rewards `referral` adds are created as one ledger batch, in `tx`.
absl::Status PayRewards(PaymentStack& s, ReferralEngine& referral,
                        SqlTransaction& tx,
                        absl::Span<const Deposit> deposits) {
  std::vector<Transfer> rewards;
  BOTCORE_RETURN_IF_ERROR(referral.OnDepositsCredited(tx, deposits, rewards));
  return s.ledger->CreateTransfers(tx, rewards).status();
}

TEST_SUITE("referral") {
  TEST_CASE("a referrer is set once, from a code, and never changes") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(PaymentStack s, PaymentStack::Open(url, &clock));
      ReferralEngine& r = *s.referral;
      ASSIGN_OR_REQUIRE(ReferralMember a, r.Register("a", ""));
      CHECK(a.code == ReferralEngine::CodeOf("a"));
      CHECK(a.referrer.empty());
      ASSIGN_OR_REQUIRE(ReferralMember b, r.Register("b", a.code));
      CHECK(b.referrer == "a");
      ASSIGN_OR_REQUIRE(ReferralMember again, r.Register("b", a.code));
      CHECK(again.referrer == "a");
      ASSIGN_OR_REQUIRE(ReferralMember c, r.Register("c", b.code));
      // Self-referral.
      const absl::Status self =
          r.Register("d", ReferralEngine::CodeOf("d")).status();
      CHECK_STATUS_IS(self, kInvalidArgument);
      CHECK(self.message().find("own referral code") != std::string_view::npos);
      // A cycle: a (top of the chain) cannot be re-registered under c.
      const absl::Status cycle = r.Register("a", c.code).status();
      CHECK_STATUS_IS(cycle, kInvalidArgument);
      CHECK(cycle.message().find("cycle") != std::string_view::npos);
      // Also through a chain longer than one query follows (three levels):
      // a <- b <- c <- g1 <- ... <- g5.
      std::string code = c.code;
      for (int i = 1; i <= 5; ++i) {
        ASSIGN_OR_REQUIRE(ReferralMember g,
                          r.Register("g" + std::to_string(i), code));
        code = g.code;
      }
      const absl::Status deep = r.Register("a", code).status();
      CHECK_STATUS_IS(deep, kInvalidArgument);
      CHECK(deep.message().find("cycle") != std::string_view::npos);
      CHECK_STATUS_IS(r.Register("g2", code), kInvalidArgument);
      CHECK_STATUS_IS(r.Register("g5", c.code), kFailedPrecondition);
      // Changing the referrer.
      ASSIGN_OR_REQUIRE(ReferralMember e, r.Register("e", ""));
      CHECK_STATUS_IS(r.Register("c", e.code), kFailedPrecondition);
      CHECK_STATUS_IS(r.Register("c", ""), kFailedPrecondition);
      CHECK_STATUS_IS(r.Register("f", "no-such-code"), kNotFound);
      CHECK_STATUS_IS(r.Register("", a.code), kInvalidArgument);
      // A system account's owner would be paid rewards from the pool.
      CHECK_STATUS_IS(r.Register(std::string(kFees), a.code), kInvalidArgument);
      CHECK_STATUS_IS(r.Member("zed"), kNotFound);
      ASSIGN_OR_REQUIRE(ReferralMember check, r.Member("c"));
      CHECK(check.referrer == "b");
    }
  }

  TEST_CASE("a cycle stored by hand is reported, not followed") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(PaymentStack s, PaymentStack::Open(url, &clock));
      ReferralEngine& r = *s.referral;
      ASSIGN_OR_REQUIRE(ReferralMember x, r.Register("x", ""));
      ASSIGN_OR_REQUIRE(ReferralMember y, r.Register("y", x.code));
      REQUIRE_OK(r.Register("z", ""));
      REQUIRE_OK(s.db->Transact([](SqlTransaction& tx) {
        return tx
            .Execute(
                "UPDATE referral_members SET referrer = 'y'"
                " WHERE user_id = 'x'")
            .status();
      }));
      // Re-registering z under y walks the whole chain above y.
      const absl::Status status = r.Register("z", y.code).status();
      CHECK_STATUS_IS(status, kDataLoss);
      CHECK(status.message().find("cycle") != std::string_view::npos);
    }
  }

  TEST_CASE(
      "a credited deposit pays 5/4/3 % up three levels, exactly once,"
      " with the dust left in the pool") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(PaymentStack s, PaymentStack::Open(url, &clock));
      // top <- l3 <- l2 <- l1 <- payer: top is four levels up, unpaid.
      std::string code;
      for (const char* user : {"top", "l3", "l2", "l1", "payer"}) {
        ASSIGN_OR_REQUIRE(ReferralMember m, s.referral->Register(user, code));
        code = m.code;
      }
      REQUIRE_OK(s.deposits->RegisterWallet("payer", UserWallet(1)));
      SimulatedChain chain(56);
      // 1e-18 * 33 units: 5 % of 33 units is 1.65 -> 1 unit, dust stays.
      chain.MineBlock({{std::string(kBscUsdtContract), UserWallet(1), kWallet,
                        Usdt("100.000000000000000033")}});
      chain.MineBlocks(12);
      REQUIRE_OK(s.deposits->Sync(chain));
      REQUIRE_OK(s.deposits->Sync(chain));
      CHECK(Posted(s, "payer") == Usdt("100.000000000000000033"));
      CHECK(Posted(s, "l1") == Usdt("5.000000000000000001"));
      CHECK(Posted(s, "l2") == Usdt("4.000000000000000001"));
      CHECK(Posted(s, "l3") == Usdt("3.000000000000000000"));
      CHECK(Posted(s, "top") == Usdt("0"));
      CHECK(Posted(s, std::string(kRewardsPool)) ==
            Usdt("-12.000000000000000002"));
      ASSIGN_OR_REQUIRE(ReferralStats top, s.referral->Stats("top"));
      CHECK(top.referrals_per_level == std::vector<int64_t>{1, 1, 1});
      CHECK(top.rewards.empty());
      ASSIGN_OR_REQUIRE(ReferralStats l1, s.referral->Stats("l1"));
      CHECK(l1.referrals_per_level == std::vector<int64_t>{1, 0, 0});
      REQUIRE(l1.rewards.count("USDT") == 1);
      CHECK(l1.rewards.at("USDT") == Usdt("5.000000000000000001"));
      CHECK_STATUS_IS(s.referral->Stats("ghost"), kNotFound);
      ASSIGN_OR_REQUIRE(Deposit paid,
                        s.deposits->Get({56, chain.TxHash(1, 0), 0}));
      ASSIGN_OR_REQUIRE(
          TransferRecord reward,
          s.ledger->GetTransfer("referral:" + paid.TransferId() + ":2"));
      CHECK(reward.transfer.credit.owner == "l2");
      CHECK_OK(s.ledger->CheckInvariants());
    }
  }

  TEST_CASE("depth 1 and 2 pay exactly that many levels") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      for (int depth : {1, 2, 3}) {
        CAPTURE(url);
        CAPTURE(depth);
        testing::ManualClock clock;
        ASSIGN_OR_REQUIRE(PaymentStack s, PaymentStack::Open(url, &clock));
        ReferralOptions o;
        o.database = s.db.get();
        o.ledger = s.ledger.get();
        o.max_depth = depth;
        o.rates = {"0.05", "0.04", "0.03"};
        ASSIGN_OR_REQUIRE(auto r, ReferralEngine::Create(o));
        // Two depositors: payer (4 above) and p2 (1 above, under top).
        std::string code;
        for (const char* user : {"top", "l3", "l2", "l1", "payer"}) {
          ASSIGN_OR_REQUIRE(ReferralMember m, r->Register(user, code));
          code = m.code;
        }
        REQUIRE_OK(r->Register("p2", ReferralEngine::CodeOf("top")));
        std::vector<Deposit> ds(2);
        ds[0].user_id = "payer";
        ds[1].user_id = "p2";
        for (int i = 0; i < 2; ++i) {
          ds[i].asset = "USDT";
          ds[i].number = i + 1;
          ds[i].observation.key = {56, "0x" + std::string(64, '1' + i), 0};
          ds[i].observation.amount = Usdt("100");
        }
        REQUIRE_OK(s.db->Transact(
            [&](SqlTransaction& tx) { return PayRewards(s, *r, tx, ds); }));
        CHECK(Posted(s, "l1") == Usdt("5"));
        CHECK(Posted(s, "l2") == (depth >= 2 ? Usdt("4") : Usdt("0")));
        CHECK(Posted(s, "l3") == (depth >= 3 ? Usdt("3") : Usdt("0")));
        CHECK(Posted(s, "top") == Usdt("5"));
      }
    }
  }

  TEST_CASE("rewards can be switched off and the depth limited") {
    testing::ManualClock clock;
    ASSIGN_OR_REQUIRE(PaymentStack s,
                      PaymentStack::Open(testing::FreshSqliteUrl(), &clock));
    ReferralOptions o;
    o.database = s.db.get();
    o.ledger = s.ledger.get();
    o.max_depth = 4;
    CHECK_STATUS_IS(ReferralEngine::Create(o), kInvalidArgument);
    o.max_depth = 3;
    o.rates = {"0.5", "0.5"};
    CHECK_STATUS_IS(ReferralEngine::Create(o), kInvalidArgument);
    o.rates = {"-0.1"};
    CHECK_STATUS_IS(ReferralEngine::Create(o), kInvalidArgument);
    o.rates = {"0.05", "0.04", "0.03"};
    o.enabled = false;
    ASSIGN_OR_REQUIRE(auto off, ReferralEngine::Create(o));
    ASSIGN_OR_REQUIRE(ReferralMember a, off->Register("a", ""));
    REQUIRE_OK(off->Register("b", a.code));
    Deposit d;
    d.user_id = "b";
    d.asset = "USDT";
    d.observation.key = {56, "0x" + std::string(64, '1'), 0};
    d.observation.amount = Usdt("10");
    REQUIRE_OK(s.db->Transact(
        [&](SqlTransaction& tx) { return PayRewards(s, *off, tx, {d}); }));
    CHECK_STATUS_IS(s.ledger->GetBalance({"a", "USDT"}), kNotFound);
  }

  TEST_CASE("a code taken by another member gives the next candidate") {
    for (const std::string& first_url : testing::FreshDatabaseUrls()) {
      const bool postgres = first_url.starts_with("postgresql:");
      CAPTURE(first_url);
      // In a fresh database where squatters hold `codes`: the code "newbie"
      // registers with.
      auto code_beside = [&](const std::vector<std::string>& codes)
          -> absl::StatusOr<std::string> {
        testing::ManualClock clock;
        BOTCORE_ASSIGN_OR_RETURN(
            PaymentStack s,
            PaymentStack::Open(postgres ? testing::FreshPostgresUrl()
                                        : testing::FreshSqliteUrl(),
                               &clock));
        for (size_t i = 0; i < codes.size(); ++i) {
          BOTCORE_RETURN_IF_ERROR(s.db->Transact([&](SqlTransaction& tx) {
            return tx
                .Execute(
                    "INSERT INTO referral_members (user_id, code, referrer,"
                    " registered_at) VALUES (?, ?, '', 0)",
                    {"squatter" + std::to_string(i), codes[i]})
                .status();
          }));
        }
        BOTCORE_ASSIGN_OR_RETURN(ReferralMember m,
                                 s.referral->Register("newbie", ""));
        // A retry returns the same member; the code works for referrals,
        // and the squatter's code still names the squatter.
        BOTCORE_ASSIGN_OR_RETURN(ReferralMember again,
                                 s.referral->Register("newbie", ""));
        REQUIRE(again.code == m.code);
        BOTCORE_ASSIGN_OR_RETURN(ReferralMember stored,
                                 s.referral->Member("newbie"));
        REQUIRE(stored.code == m.code);
        BOTCORE_ASSIGN_OR_RETURN(ReferralMember invited,
                                 s.referral->Register("invited", m.code));
        CHECK(invited.referrer == "newbie");
        BOTCORE_ASSIGN_OR_RETURN(
            ReferralMember other,
            s.referral->Register("other", ReferralEngine::CodeOf("newbie")));
        CHECK(other.referrer == (codes.empty() ? "newbie" : "squatter0"));
        // Its own code is still refused as a self-referral.
        const absl::Status self =
            s.referral->Register("newbie", m.code).status();
        CHECK_STATUS_IS(self, kInvalidArgument);
        CHECK(self.message().find("own referral code") !=
              std::string_view::npos);
        return m.code;
      };
      const std::string first = ReferralEngine::CodeOf("newbie");
      ASSIGN_OR_REQUIRE(std::string free, code_beside({}));
      CHECK(free == first);
      ASSIGN_OR_REQUIRE(std::string second, code_beside({first}));
      CHECK(second != first);
      CHECK(second.size() == first.size());
      // The same user and taken codes always give the same code.
      ASSIGN_OR_REQUIRE(std::string second_again, code_beside({first}));
      CHECK(second_again == second);
      ASSIGN_OR_REQUIRE(std::string third, code_beside({first, second}));
      CHECK(third != first);
      CHECK(third != second);
    }
  }

  TEST_CASE("stats count the invited users of each rewarded level") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(PaymentStack s, PaymentStack::Open(url, &clock));
      std::string code;
      for (const char* user : {"top", "l1", "l2", "l3", "l4"}) {
        ASSIGN_OR_REQUIRE(ReferralMember m, s.referral->Register(user, code));
        code = m.code;
      }
      for (int depth = 0; depth <= kMaxReferralDepth; ++depth) {
        CAPTURE(depth);
        ReferralOptions o;
        o.database = s.db.get();
        o.ledger = s.ledger.get();
        o.max_depth = depth;
        ASSIGN_OR_REQUIRE(auto r, ReferralEngine::Create(o));
        ASSIGN_OR_REQUIRE(ReferralStats top, r->Stats("top"));
        CHECK(top.referrals_per_level ==
              std::vector<int64_t>(static_cast<size_t>(depth), 1));
        ASSIGN_OR_REQUIRE(ReferralStats l4, r->Stats("l4"));
        CHECK(l4.referrals_per_level ==
              std::vector<int64_t>(static_cast<size_t>(depth), 0));
      }
    }
  }

  TEST_CASE(
      "a pool that forbids overdraft and runs dry never stops deposits from"
      " being credited") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(PaymentStack s, PaymentStack::Open(url, &clock));
      const AccountKey pool{std::string(kRewardsPool), "USDT"};
      REQUIRE_OK(s.ledger->OpenAccount(pool, /*forbid_overdraft=*/true));
      ASSIGN_OR_REQUIRE(ReferralMember alice,
                        s.referral->Register("alice", ""));
      REQUIRE_OK(s.referral->Register("bob", alice.code));
      REQUIRE_OK(s.referral->Register("carol", ""));
      REQUIRE_OK(s.deposits->RegisterWallet("bob", UserWallet(1)));
      REQUIRE_OK(s.deposits->RegisterWallet("carol", UserWallet(2)));
      SimulatedChain chain(56);
      chain.MineBlock(
          {{std::string(kBscUsdtContract), UserWallet(1), kWallet, Usdt("10")},
           {std::string(kBscUsdtContract), UserWallet(2), kWallet, Usdt("7")}});
      chain.MineBlocks(12);
      REQUIRE_OK(s.deposits->Sync(chain));
      REQUIRE_OK(s.deposits->Sync(chain));
      CHECK(Posted(s, "bob") == Usdt("10"));
      CHECK(Posted(s, "carol") == Usdt("7"));
      CHECK(Posted(s, "alice") == Usdt("0"));
      CHECK(Posted(s, std::string(kRewardsPool)) == Usdt("0"));
      CHECK_OK(s.ledger->CheckInvariants());
      // The shortfall is recorded and the operator told.
      ASSIGN_OR_REQUIRE(Deposit first,
                        s.deposits->Get({56, chain.TxHash(1, 0), 0}));
      const std::string first_reward = "referral:" + first.TransferId() + ":1";
      CHECK_STATUS_IS(s.ledger->GetTransfer(first_reward), kNotFound);
      ASSIGN_OR_REQUIRE(ReferralStats owed, s.referral->Stats("alice"));
      CHECK(owed.rewards.empty());
      REQUIRE(owed.unpaid_rewards.count("USDT") == 1);
      CHECK(owed.unpaid_rewards.at("USDT") == Usdt("0.5"));
      auto topics = [&]() -> std::map<std::string, std::string> {
        std::map<std::string, std::string> by_key;
        absl::StatusOr<std::vector<OutboxEntry>> entries =
            s.outbox->List(OutboxState::kPending, 1000);
        REQUIRE_MESSAGE(entries.ok(), entries.status().ToString());
        for (const OutboxEntry& e : *entries) {
          by_key[e.message.key] = e.message.topic;
          if (e.message.key == "referral.reward_unpaid:" + first_reward) {
            CHECK(e.message.payload.find("\"user_id\":\"alice\"") !=
                  std::string::npos);
            CHECK(e.message.payload.find("\"from_user_id\":\"bob\"") !=
                  std::string::npos);
          }
        }
        return by_key;
      };
      {
        std::map<std::string, std::string> queued = topics();
        CHECK(queued["referral.reward_unpaid:" + first_reward] ==
              "referral.reward_unpaid");
        CHECK(queued.count(first_reward) == 0);
      }
      // Nothing to pay from a dry pool.
      ASSIGN_OR_REQUIRE(int none, s.referral->PayUnpaidRewards());
      CHECK(none == 0);
      // Funded with 1.2: bob's next deposit of 20 pays alice 1 at once.
      Transfer fund;
      fund.id = "fund-pool-1";
      fund.debit = {"$treasury", "USDT"};
      fund.credit = pool;
      fund.amount = Usdt("1.2");
      REQUIRE_OK(s.ledger->CreateTransfer(fund));
      chain.MineBlock({{std::string(kBscUsdtContract), UserWallet(1), kWallet,
                        Usdt("20")}});
      chain.MineBlocks(12);
      REQUIRE_OK(s.deposits->Sync(chain));
      REQUIRE_OK(s.deposits->Sync(chain));
      CHECK(Posted(s, "bob") == Usdt("30"));
      CHECK(Posted(s, "alice") == Usdt("1"));
      ASSIGN_OR_REQUIRE(Deposit second,
                        s.deposits->Get({56, chain.TxHash(14, 0), 0}));
      const std::string second_reward =
          "referral:" + second.TransferId() + ":1";
      CHECK(topics()[second_reward] == "referral.reward");
      // 0.2 left does not cover the 0.5 owed: it stays unpaid.
      ASSIGN_OR_REQUIRE(int still_none, s.referral->PayUnpaidRewards());
      CHECK(still_none == 0);
      fund.id = "fund-pool-2";
      fund.amount = Usdt("0.3");
      REQUIRE_OK(s.ledger->CreateTransfer(fund));
      ASSIGN_OR_REQUIRE(int paid, s.referral->PayUnpaidRewards());
      CHECK(paid == 1);
      ASSIGN_OR_REQUIRE(int again, s.referral->PayUnpaidRewards());
      CHECK(again == 0);
      CHECK(Posted(s, "alice") == Usdt("1.5"));
      CHECK(Posted(s, std::string(kRewardsPool)) == Usdt("0"));
      ASSIGN_OR_REQUIRE(TransferRecord late,
                        s.ledger->GetTransfer(first_reward));
      CHECK(late.transfer.credit.owner == "alice");
      CHECK(late.transfer.amount == Usdt("0.5"));
      CHECK(topics()[first_reward] == "referral.reward");
      ASSIGN_OR_REQUIRE(ReferralStats settled, s.referral->Stats("alice"));
      CHECK(settled.unpaid_rewards.empty());
      CHECK(settled.rewards.at("USDT") == Usdt("1.5"));
      CHECK_OK(s.ledger->CheckInvariants());
    }
  }

  TEST_CASE("a capped pool pays the rewards of a batch it covers, in order") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(PaymentStack s, PaymentStack::Open(url, &clock));
      const AccountKey pool{std::string(kRewardsPool), "USDT"};
      REQUIRE_OK(s.ledger->OpenAccount(pool, /*forbid_overdraft=*/true));
      Transfer fund;
      fund.id = "fund-pool";
      fund.debit = {"$treasury", "USDT"};
      fund.credit = pool;
      fund.amount = Usdt("5.5");
      REQUIRE_OK(s.ledger->CreateTransfer(fund));
      // top <- mid <- payer, and top <- p2.
      ASSIGN_OR_REQUIRE(ReferralMember top, s.referral->Register("top", ""));
      ASSIGN_OR_REQUIRE(ReferralMember mid,
                        s.referral->Register("mid", top.code));
      REQUIRE_OK(s.referral->Register("payer", mid.code));
      REQUIRE_OK(s.referral->Register("p2", top.code));
      // payer's 100 owes mid 5 and top 4; p2's 10 owes top 0.5. 5.5 covers
      // mid's 5, not top's 4, then top's 0.5.
      std::vector<Deposit> ds(2);
      ds[0].user_id = "payer";
      ds[0].observation.amount = Usdt("100");
      ds[1].user_id = "p2";
      ds[1].observation.amount = Usdt("10");
      for (int i = 0; i < 2; ++i) {
        ds[i].asset = "USDT";
        ds[i].number = i + 1;
        ds[i].observation.key = {56, "0x" + std::string(64, '1' + i), 0};
      }
      REQUIRE_OK(s.db->Transact([&](SqlTransaction& tx) {
        return PayRewards(s, *s.referral, tx, ds);
      }));
      CHECK(Posted(s, "mid") == Usdt("5"));
      CHECK(Posted(s, "top") == Usdt("0.5"));
      CHECK(Posted(s, std::string(kRewardsPool)) == Usdt("0"));
      ASSIGN_OR_REQUIRE(ReferralStats owed, s.referral->Stats("top"));
      CHECK(owed.unpaid_rewards.at("USDT") == Usdt("4"));
      CHECK_OK(s.ledger->CheckInvariants());
    }
  }
}

}  // namespace
}  // namespace botcore
