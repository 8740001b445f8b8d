// The deposit engine over a SimulatedChain, on SQLite and PostgreSQL.

#include "botcore/ledger/deposits.h"

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "botcore/testing/manual_clock.h"
#include "botcore/testing/simulated_chain.h"
#include "internal/schema.h"
#include "internal/status_macros.h"
#include "ledger/payment_stack.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

using testing::kWallet;
using testing::PaymentStack;
using testing::SimulatedChain;
using testing::SimulatedTransfer;
using testing::UserWallet;

Amount Usdt(std::string_view text) { return *Amount::Parse(text, 18); }

SimulatedTransfer Pay(int user, std::string_view amount) {
  return {std::string(kBscUsdtContract), UserWallet(user), kWallet,
          Usdt(amount)};
}

Amount Balance(PaymentStack& s, const std::string& user) {
  absl::StatusOr<botcore::Balance> b = s.ledger->GetBalance({user, "USDT"});
  if (absl::IsNotFound(b.status())) return Usdt("0");
  REQUIRE_MESSAGE(b.ok(), b.status().ToString());
  return b->posted;
}

PaymentStack Open(const std::string& url, Clock* clock,
                  const DepositEngineOptions& options = {}) {
  auto s = PaymentStack::Open(url, clock, options);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  return *std::move(s);
}

TEST_SUITE("deposits") {
  TEST_CASE(
      "re-org: a deposit whose block is replaced is orphaned, the other"
      " is credited once") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      PaymentStack s = Open(url, &clock);
      REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      REQUIRE_OK(s.deposits->RegisterWallet("bob", UserWallet(2)));
      SimulatedChain chain(56);
      chain.MineBlock({Pay(1, "10")});  // block 1: survives
      chain.MineBlocks(3);
      chain.MineBlock({Pay(2, "7")});  // block 5: replaced
      ASSIGN_OR_REQUIRE(SyncReport first, s.deposits->Sync(chain));
      CHECK(first.recorded == 2);
      CHECK(first.credited == 0);
      const DepositKey alice_key{56, chain.TxHash(1, 0), 0};
      const DepositKey bob_key{56, chain.TxHash(5, 0), 0};
      ASSIGN_OR_REQUIRE(Deposit bob, s.deposits->Get(bob_key));
      CHECK(bob.state == DepositState::kConfirming);

      chain.Reorg(1);
      chain.MineBlocks(11);  // alice's block now has 16 confirmations
      ASSIGN_OR_REQUIRE(SyncReport second, s.deposits->Sync(chain));
      CHECK(second.credited == 1);
      CHECK(second.orphaned == 1);
      ASSIGN_OR_REQUIRE(bob, s.deposits->Get(bob_key));
      CHECK(bob.state == DepositState::kOrphaned);
      ASSIGN_OR_REQUIRE(Deposit alice, s.deposits->Get(alice_key));
      CHECK(alice.state == DepositState::kCredited);
      CHECK(alice.user_id == "alice");

      chain.MineBlocks(20);
      ASSIGN_OR_REQUIRE(SyncReport third, s.deposits->Sync(chain));
      CHECK(third.credited == 0);
      CHECK(Balance(s, "alice") == Usdt("10"));
      CHECK(Balance(s, "bob") == Usdt("0"));
      CHECK_OK(s.ledger->CheckInvariants());
    }
  }

  TEST_CASE("a deposit is credited only after the configured confirmations") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      DepositEngineOptions o;
      o.confirmations = 3;
      PaymentStack s = Open(url, &clock, o);
      REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      SimulatedChain chain(56);
      chain.MineBlock({Pay(1, "1")});
      chain.MineBlock();
      ASSIGN_OR_REQUIRE(SyncReport r, s.deposits->Sync(chain));
      CHECK(r.credited == 0);  // 2 confirmations
      chain.MineBlock();
      ASSIGN_OR_REQUIRE(r, s.deposits->Sync(chain));
      CHECK(r.credited == 1);
      CHECK(Balance(s, "alice") == Usdt("1"));
    }
  }

  TEST_CASE(
      "a transaction moved to another block by a re-org is credited"
      " once, from its new block") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      PaymentStack s = Open(url, &clock);
      REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      SimulatedChain chain(56);
      chain.MineBlocks(2);
      chain.MineBlock({Pay(1, "3")});
      const std::string tx = chain.TxHash(3, 0);
      chain.MineBlocks(2);
      REQUIRE_OK(s.deposits->Sync(chain));
      chain.Reorg(3, /*reinclude=*/true);  // now in the new block 3
      REQUIRE_OK(s.deposits->Sync(chain));
      ASSIGN_OR_REQUIRE(Deposit d, s.deposits->Get({56, tx, 0}));
      CHECK(d.state == DepositState::kConfirming);
      ASSIGN_OR_REQUIRE(std::optional<BlockHeader> h, chain.HeaderByNumber(3));
      CHECK(d.observation.block_hash == h->hash);
      chain.MineBlocks(12);
      ASSIGN_OR_REQUIRE(SyncReport r, s.deposits->Sync(chain));
      CHECK(r.credited == 1);
      CHECK(Balance(s, "alice") == Usdt("3"));
    }
  }

  TEST_CASE(
      "a transfer of zero tokens (address poisoning) is skipped and the scan"
      " goes on") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      PaymentStack s = Open(url, &clock);
      REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      SimulatedChain chain(56);
      chain.MineBlock({Pay(1, "10")});
      chain.MineBlock({Pay(2, "0")});
      chain.MineBlocks(12);
      ASSIGN_OR_REQUIRE(SyncReport r, s.deposits->Sync(chain));
      CHECK(r.recorded == 1);
      CHECK(r.credited == 1);
      CHECK(r.cursor == 14);
      chain.MineBlock({Pay(1, "2")});
      chain.MineBlocks(12);
      ASSIGN_OR_REQUIRE(r, s.deposits->Sync(chain));
      CHECK(r.credited == 1);
      CHECK(Balance(s, "alice") == Usdt("12"));
    }
  }

  // A node behind a load balancer: its headers may lag behind the logs
  // another node returned, or (briefly) show another fork.
  class UnsteadyNode : public ChainClient {
   public:
    explicit UnsteadyNode(SimulatedChain& chain) : chain_(chain) {}
    // Headers above `head` are not known yet; std::nullopt: all are.
    void LagAt(std::optional<uint64_t> head) { lag_head_ = head; }
    // Block `number` shows a hash of another fork; std::nullopt: none does.
    void ForkAt(std::optional<uint64_t> number) { fork_at_ = number; }

    absl::StatusOr<uint64_t> ChainId() override { return chain_.ChainId(); }
    absl::StatusOr<uint64_t> BlockNumber() override {
      return chain_.BlockNumber();
    }
    absl::StatusOr<std::optional<BlockHeader>> HeaderByNumber(
        uint64_t number) override {
      if (lag_head_.has_value() && number > *lag_head_) {
        return std::optional<BlockHeader>();
      }
      BOTCORE_ASSIGN_OR_RETURN(std::optional<BlockHeader> h,
                               chain_.HeaderByNumber(number));
      if (h.has_value() && fork_at_ == number) {
        h->hash = "0x" + std::string(64, 'f');
      }
      return h;
    }
    absl::StatusOr<std::vector<TransferLog>> TransferLogs(
        const TransferLogFilter& filter) override {
      BOTCORE_ASSIGN_OR_RETURN(std::vector<TransferLog> logs,
                               chain_.TransferLogs(filter));
      std::erase_if(logs, [&](const TransferLog& l) {
        return l.block_number == fork_at_;  // not on the fork shown
      });
      return logs;
    }

   private:
    SimulatedChain& chain_;
    std::optional<uint64_t> lag_head_;
    std::optional<uint64_t> fork_at_;
  };

  TEST_CASE(
      "a deposit whose block the node does not have yet waits; an orphan"
      " seen again in its own block is revived and credited once") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      PaymentStack s = Open(url, &clock);
      REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      SimulatedChain chain(56);
      UnsteadyNode node(chain);
      chain.MineBlock({Pay(1, "10")});  // block 1
      const DepositKey key{56, chain.TxHash(1, 0), 0};
      node.LagAt(0);
      ASSIGN_OR_REQUIRE(SyncReport r, s.deposits->Sync(node));
      CHECK(r.recorded == 1);
      CHECK(r.orphaned == 0);
      ASSIGN_OR_REQUIRE(Deposit d, s.deposits->Get(key));
      CHECK(d.state == DepositState::kSeen);

      // The node shows another fork at block 1: orphaned.
      node.LagAt(std::nullopt);
      node.ForkAt(1);
      ASSIGN_OR_REQUIRE(r, s.deposits->Sync(node));
      CHECK(r.orphaned == 1);
      ASSIGN_OR_REQUIRE(d, s.deposits->Get(key));
      CHECK(d.state == DepositState::kOrphaned);

      // The chain is back on the deposit's block.
      node.ForkAt(std::nullopt);
      chain.MineBlocks(12);
      ASSIGN_OR_REQUIRE(r, s.deposits->Sync(node));
      CHECK(r.credited == 1);
      ASSIGN_OR_REQUIRE(r, s.deposits->Sync(node));
      CHECK(r.credited == 0);
      CHECK(Balance(s, "alice") == Usdt("10"));
      CHECK_OK(s.ledger->CheckInvariants());
    }
  }

  TEST_CASE(
      "two engines for two tokens on one database each credit their own"
      " deposits, in their own asset") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
      LedgerOptions lo;
      lo.database = db.get();
      lo.clock = &clock;
      lo.assets = {{"USDT", 18}, {"USDC", 18}};
      ASSIGN_OR_REQUIRE(std::unique_ptr<Ledger> ledger, Ledger::Create(lo));
      const std::string usdc = "0x8ac76a51cc950d9822d68b83fe1ad97b32cd580d";
      auto engine = [&](std::string token, std::string asset) {
        DepositEngineOptions o;
        o.database = db.get();
        o.ledger = ledger.get();
        o.clock = &clock;
        o.token = std::move(token);
        o.asset = std::move(asset);
        o.wallets = {kWallet};
        auto e = DepositEngine::Create(o);
        REQUIRE_MESSAGE(e.ok(), e.status().ToString());
        return *std::move(e);
      };
      std::unique_ptr<DepositEngine> tether =
          engine(std::string(kBscUsdtContract), "USDT");
      std::unique_ptr<DepositEngine> circle = engine(usdc, "USDC");
      REQUIRE_OK(tether->RegisterWallet("alice", UserWallet(1)));
      SimulatedChain chain(56);
      chain.MineBlock(
          {Pay(1, "10"), {usdc, UserWallet(1), kWallet, Usdt("3")}});
      // Each scan records its own token's deposit, not yet confirmed.
      ASSIGN_OR_REQUIRE(SyncReport c, circle->Sync(chain));
      CHECK(c.recorded == 1);
      ASSIGN_OR_REQUIRE(SyncReport t, tether->Sync(chain));
      CHECK(t.recorded == 1);
      chain.MineBlocks(12);
      ASSIGN_OR_REQUIRE(t, tether->Process(chain));
      CHECK(t.credited == 1);
      ASSIGN_OR_REQUIRE(c, circle->Process(chain));
      CHECK(c.credited == 1);
      ASSIGN_OR_REQUIRE(botcore::Balance usdt,
                        ledger->GetBalance({"alice", "USDT"}));
      ASSIGN_OR_REQUIRE(botcore::Balance usdc_balance,
                        ledger->GetBalance({"alice", "USDC"}));
      CHECK(usdt.posted == Usdt("10"));
      CHECK(usdc_balance.posted == Usdt("3"));
      ASSIGN_OR_REQUIRE(std::vector<Deposit> credited,
                        tether->List(DepositState::kCredited));
      REQUIRE(credited.size() == 1);
      CHECK(credited[0].asset == "USDT");
      CHECK_STATUS_IS(tether->Get({56, chain.TxHash(1, 1), 1}), kNotFound);
      CHECK_OK(ledger->CheckInvariants());
    }
  }

  TEST_CASE("observations recorded twice or out of order count once") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      PaymentStack s = Open(url, &clock);
      DepositObservation a;
      a.key = {56, "0x" + std::string(64, 'a'), 1};
      a.block_number = 9;
      a.block_hash = "0x" + std::string(64, 'b');
      a.from = UserWallet(1);
      a.to = kWallet;
      a.token = std::string(kBscUsdtContract);
      a.amount = Usdt("2");
      DepositObservation b = a;
      b.key.log_index = 0;
      ASSIGN_OR_REQUIRE(int n, s.deposits->Record({a}));
      CHECK(n == 1);
      ASSIGN_OR_REQUIRE(n, s.deposits->Record({b, a}));
      CHECK(n == 1);
      ASSIGN_OR_REQUIRE(n, s.deposits->Record({a, b}));
      CHECK(n == 0);
      ASSIGN_OR_REQUIRE(std::vector<Deposit> seen,
                        s.deposits->List(DepositState::kSeen));
      CHECK(seen.size() == 2);
    }
  }

  TEST_CASE("bad observations are rejected and nothing is recorded") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      PaymentStack s = Open(url, &clock);
      DepositObservation good;
      good.key = {56, "0x" + std::string(64, 'a'), 0};
      good.block_number = 1;
      good.block_hash = "0x" + std::string(64, 'b');
      good.from = UserWallet(1);
      good.to = kWallet;
      good.token = std::string(kBscUsdtContract);
      good.amount = Usdt("1");
      std::vector<DepositObservation> bad(8, good);
      bad[0].key.chain_id = 1;
      bad[1].token = "0x" + std::string(40, 'c');
      bad[2].to = UserWallet(3);
      bad[3].from = "0x123";
      bad[4].amount = Usdt("0");
      bad[5].amount = Usdt("-1");
      bad[6].amount = *Amount::FromUnits(1, 18);
      bad[6].amount = *bad[6].amount.Rescale(18, RoundingMode::kHalfEven);
      bad[7].key.tx_hash = "0xnothex";
      for (size_t i = 0; i < bad.size(); ++i) {
        CAPTURE(i);
        if (i == 6) continue;  // 1e-18 is a valid smallest unit
        CHECK_STATUS_IS(s.deposits->Record({good, bad[i]}), kInvalidArgument);
      }
      ASSIGN_OR_REQUIRE(std::vector<Deposit> seen,
                        s.deposits->List(DepositState::kSeen));
      CHECK(seen.empty());
      CHECK_STATUS_IS(s.deposits->RegisterWallet("alice", "0xnope"),
                      kInvalidArgument);
      CHECK_STATUS_IS(s.deposits->RegisterWallet("", UserWallet(1)),
                      kInvalidArgument);
      // A system account's owner: its deposits would be debit == credit.
      CHECK_STATUS_IS(s.deposits->RegisterWallet(std::string(kDepositClearing),
                                                 UserWallet(1)),
                      kInvalidArgument);
      CHECK_STATUS_IS(
          s.deposits->RegisterWallet(std::string(kMaxUserIdLength + 1, 'u'),
                                     UserWallet(1)),
          kInvalidArgument);
      REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      CHECK_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      CHECK_STATUS_IS(s.deposits->RegisterWallet("bob", UserWallet(1)),
                      kAlreadyExists);
    }
  }

  TEST_CASE(
      "unmatched deposits wait for an admin; small ones are not"
      " credited") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      DepositEngineOptions o;
      o.minimum_deposit = "1";
      PaymentStack s = Open(url, &clock, o);
      REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      SimulatedChain chain(56);
      chain.MineBlock({Pay(9, "5"), Pay(1, "0.5")});
      chain.MineBlocks(12);
      ASSIGN_OR_REQUIRE(SyncReport r, s.deposits->Sync(chain));
      CHECK(r.unmatched == 1);
      CHECK(r.below_minimum == 1);
      CHECK(r.credited == 0);
      ASSIGN_OR_REQUIRE(std::vector<Deposit> queue,
                        s.deposits->List(DepositState::kUnmatched));
      REQUIRE(queue.size() == 1);
      const DepositKey key = queue[0].observation.key;
      CHECK_STATUS_IS(s.deposits->Assign(key, ""), kInvalidArgument);
      CHECK_STATUS_IS(s.deposits->Assign(key, std::string(kRewardsPool)),
                      kInvalidArgument);
      CHECK_STATUS_IS(s.deposits->Assign({56, "0xnothex", 0}, "bob"),
                      kInvalidArgument);
      CHECK_STATUS_IS(s.deposits->Assign({56, key.tx_hash, 7}, "bob"),
                      kNotFound);
      // The hash as an admin may paste it: upper case.
      DepositKey pasted = key;
      pasted.tx_hash = "0x" + absl::AsciiStrToUpper(key.tx_hash.substr(2));
      ASSIGN_OR_REQUIRE(Deposit d, s.deposits->Assign(pasted, "bob"));
      CHECK(d.state == DepositState::kCredited);
      ASSIGN_OR_REQUIRE(d, s.deposits->Get(pasted));
      CHECK(d.observation.key.tx_hash == key.tx_hash);
      ASSIGN_OR_REQUIRE(d, s.deposits->Assign(key, "bob"));  // idempotent
      CHECK_STATUS_IS(s.deposits->Assign(key, "carol"), kFailedPrecondition);
      const DepositKey small{56, chain.TxHash(1, 1), 1};
      CHECK_STATUS_IS(s.deposits->Assign(small, "alice"), kFailedPrecondition);
      CHECK(Balance(s, "bob") == Usdt("5"));
      CHECK(Balance(s, "alice") == Usdt("0"));
      CHECK_OK(s.ledger->CheckInvariants());
    }
  }

  TEST_CASE("levels rise with cumulative credited deposits, with an event") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      PaymentStack s = Open(url, &clock);
      REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      SimulatedChain chain(56);
      chain.MineBlock({Pay(1, "0.04")});
      chain.MineBlocks(12);
      REQUIRE_OK(s.deposits->Sync(chain));
      ASSIGN_OR_REQUIRE(DepositLevel level, s.deposits->Level("alice"));
      CHECK(level.level == 0);
      chain.MineBlock({Pay(1, "0.06")});
      chain.MineBlocks(12);
      REQUIRE_OK(s.deposits->Sync(chain));
      ASSIGN_OR_REQUIRE(level, s.deposits->Level("alice"));
      CHECK(level.level == 2);  // 0.10 reaches 0.05 and 0.1
      CHECK(level.credited_total == Usdt("0.1"));
      ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> queued,
                        s.outbox->List(OutboxState::kPending));
      int level_ups = 0;
      for (const OutboxEntry& e : queued) {
        if (e.message.topic == "deposit.level_up") {
          ++level_ups;
          CHECK(e.message.payload.find("\"level\":\"2\"") != std::string::npos);
        }
      }
      CHECK(level_ups == 1);
      ASSIGN_OR_REQUIRE(level, s.deposits->Level("nobody"));
      CHECK(level.level == 0);
    }
  }

  TEST_CASE("the cursor survives a restart and nothing is missed") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      SimulatedChain chain(56);
      chain.MineBlock({Pay(1, "1")});
      chain.MineBlocks(20);
      {
        PaymentStack s = Open(url, &clock);
        ASSIGN_OR_REQUIRE(std::optional<uint64_t> none, s.deposits->Cursor());
        CHECK_FALSE(none.has_value());
        REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
        REQUIRE_OK(s.deposits->Sync(chain));
        ASSIGN_OR_REQUIRE(std::optional<uint64_t> cursor, s.deposits->Cursor());
        CHECK(cursor == std::optional<uint64_t>(21));
      }
      chain.MineBlock({Pay(1, "2")});
      chain.MineBlocks(30);
      PaymentStack s = Open(url, &clock);
      ASSIGN_OR_REQUIRE(std::optional<uint64_t> cursor, s.deposits->Cursor());
      CHECK(cursor == std::optional<uint64_t>(21));
      ASSIGN_OR_REQUIRE(SyncReport r, s.deposits->Sync(chain));
      CHECK(r.recorded == 1);
      CHECK(r.credited == 1);
      CHECK(r.cursor == 52);
      CHECK(Balance(s, "alice") == Usdt("3"));
    }
  }

  TEST_CASE(
      "schema 2 numbers the deposits already recorded, in recording order") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
      const internal::ComponentSchema schema = internal::DepositsSchema();
      REQUIRE_OK(db->Migrate(schema.component, schema.migrations.first(1)));
      REQUIRE_OK(db->Transact([](SqlTransaction& tx) {
        for (int i : {2, 1}) {  // recorded later first: seen_at decides
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute("INSERT INTO deposits (chain_id, tx_hash, log_index,"
                         " block_number, block_hash, from_address, to_address,"
                         " token, amount, state, user_id, confirmations,"
                         " seen_at) VALUES (56, ?, 0, 7, ?, ?, ?, ?, '1.5',"
                         " 'seen', '', 0, ?)",
                         {"0x" + std::string(64, static_cast<char>('0' + i)),
                          "0x" + std::string(64, 'b'), UserWallet(i),
                          std::string(kWallet), std::string(kBscUsdtContract),
                          int64_t{100 - i}})
                  .status());
        }
        return absl::OkStatus();
      }));
      testing::ManualClock clock;
      auto s = PaymentStack::Open(std::move(db), &clock, {});
      REQUIRE_MESSAGE(s.ok(), s.status().ToString());
      ASSIGN_OR_REQUIRE(std::vector<Deposit> seen,
                        s->deposits->List(DepositState::kSeen, 10));
      REQUIRE(seen.size() == 2);  // listed by block, then tx hash
      CHECK(seen[0].observation.key.tx_hash == "0x" + std::string(64, '1'));
      CHECK(seen[0].number == 2);
      CHECK(seen[1].number == 1);
      CHECK(seen[1].TransferId() == "deposit:00000000000000000001");
      CHECK(seen[1].observation.amount == Usdt("1.5"));
    }
  }

  TEST_CASE("a chain client on another chain is refused") {
    testing::ManualClock clock;
    PaymentStack s = Open(testing::FreshSqliteUrl(), &clock);
    SimulatedChain other(97);
    CHECK_STATUS_IS(s.deposits->Sync(other), kFailedPrecondition);
  }
}

}  // namespace
}  // namespace botcore
