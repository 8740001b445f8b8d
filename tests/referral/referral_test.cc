// The referral engine, with rewards paid through deposits, on SQLite and
// PostgreSQL.

#include "botcore/referral/referral.h"

#include <doctest/doctest.h>

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
      auto opened = PaymentStack::Open(url, &clock);
      REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
      PaymentStack& s = *opened;
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
      CHECK_STATUS_IS(r.Member("zed"), kNotFound);
      ASSIGN_OR_REQUIRE(ReferralMember check, r.Member("c"));
      CHECK(check.referrer == "b");
    }
  }

  TEST_CASE("a cycle stored by hand is reported, not followed") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      auto opened = PaymentStack::Open(url, &clock);
      REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
      ReferralEngine& r = *opened->referral;
      ASSIGN_OR_REQUIRE(ReferralMember x, r.Register("x", ""));
      ASSIGN_OR_REQUIRE(ReferralMember y, r.Register("y", x.code));
      REQUIRE_OK(r.Register("z", ""));
      REQUIRE_OK(opened->db->Transact([](SqlTransaction& tx) {
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
      auto opened = PaymentStack::Open(url, &clock);
      REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
      PaymentStack& s = *opened;
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
        auto opened = PaymentStack::Open(url, &clock);
        REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
        ReferralOptions o;
        o.database = opened->db.get();
        o.ledger = opened->ledger.get();
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
        REQUIRE_OK(opened->db->Transact([&](SqlTransaction& tx) {
          return PayRewards(*opened, *r, tx, ds);
        }));
        CHECK(Posted(*opened, "l1") == Usdt("5"));
        CHECK(Posted(*opened, "l2") == (depth >= 2 ? Usdt("4") : Usdt("0")));
        CHECK(Posted(*opened, "l3") == (depth >= 3 ? Usdt("3") : Usdt("0")));
        CHECK(Posted(*opened, "top") == Usdt("5"));
      }
    }
  }

  TEST_CASE("rewards can be switched off and the depth limited") {
    testing::ManualClock clock;
    auto opened = PaymentStack::Open(testing::FreshSqliteUrl(), &clock);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    ReferralOptions o;
    o.database = opened->db.get();
    o.ledger = opened->ledger.get();
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
    REQUIRE_OK(opened->db->Transact([&](SqlTransaction& tx) {
      return PayRewards(*opened, *off, tx, {d});
    }));
    CHECK_STATUS_IS(opened->ledger->GetBalance({"a", "USDT"}), kNotFound);
  }
}

}  // namespace
}  // namespace botcore
