// End to end: the deposit engine syncing through BscChainClient, libcurl and
// a JSON-RPC node on 127.0.0.1 whose answers change (a SimulatedChain behind
// it mines and re-orgs), on SQLite and PostgreSQL.

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "adapters/json_rpc_node.h"
#include "botcore/adapters/bsc.h"
#include "botcore/adapters/http.h"
#include "botcore/ledger/deposits.h"
#include "botcore/testing/manual_clock.h"
#include "botcore/testing/simulated_chain.h"
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

TEST_SUITE("bsc_deposits") {
  TEST_CASE(
      "a deposit whose block is replaced before 12 confirmations is"
      " orphaned; one whose block survives is credited once") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      testing::ManualClock clock;
      DepositEngineOptions deposit_options;
      deposit_options.max_blocks_per_scan = 4;  // several eth_getLogs per sync
      auto opened = PaymentStack::Open(url, &clock, deposit_options);
      REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
      PaymentStack s = *std::move(opened);
      REQUIRE_OK(s.deposits->RegisterWallet("alice", UserWallet(1)));
      REQUIRE_OK(s.deposits->RegisterWallet("bob", UserWallet(2)));

      SimulatedChain chain(56);
      testing::JsonRpcNode node;
      node.Serve(&chain);
      ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
      BscOptions options;
      options.http = http.get();
      options.url = node.url();
      ASSIGN_OR_REQUIRE(auto bsc, BscChainClient::Create(options));

      chain.MineBlock({Pay(1, "10.123456789012345678")});  // block 1: survives
      chain.MineBlocks(3);
      chain.MineBlock({Pay(2, "7")});  // block 5: will be replaced
      ASSIGN_OR_REQUIRE(SyncReport first, s.deposits->Sync(*bsc));
      CHECK(first.recorded == 2);
      CHECK(first.credited == 0);
      const DepositKey alice_key{56, chain.TxHash(1, 0), 0};
      const DepositKey bob_key{56, chain.TxHash(5, 0), 0};
      ASSIGN_OR_REQUIRE(Deposit bob, s.deposits->Get(bob_key));
      CHECK(bob.state == DepositState::kConfirming);
      CHECK(bob.observation.amount == Usdt("7"));

      chain.Reorg(1);        // block 5 replaced by an empty one
      chain.MineBlocks(11);  // alice's block now has 16 confirmations
      ASSIGN_OR_REQUIRE(SyncReport second, s.deposits->Sync(*bsc));
      CHECK(second.credited == 1);
      CHECK(second.orphaned == 1);
      ASSIGN_OR_REQUIRE(bob, s.deposits->Get(bob_key));
      CHECK(bob.state == DepositState::kOrphaned);
      ASSIGN_OR_REQUIRE(Deposit alice, s.deposits->Get(alice_key));
      CHECK(alice.state == DepositState::kCredited);
      CHECK(alice.user_id == "alice");
      // The engine re-read block 5's header: the client saw its hash change.
      ASSIGN_OR_REQUIRE(std::optional<uint64_t> replaced, bsc->DetectReorg());
      CHECK(replaced == std::optional<uint64_t>(5));

      chain.MineBlocks(20);
      ASSIGN_OR_REQUIRE(SyncReport third, s.deposits->Sync(*bsc));
      CHECK(third.credited == 0);
      CHECK(Balance(s, "alice") == Usdt("10.123456789012345678"));
      CHECK(Balance(s, "bob") == Usdt("0"));
      CHECK_OK(s.ledger->CheckInvariants());
    }
  }
}

}  // namespace
}  // namespace botcore
