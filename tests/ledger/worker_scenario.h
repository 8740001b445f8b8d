// The scenario shared by the multi-worker and crash tests and their helper
// process (deposit_worker): a fixed set of users in referral chains, a chain
// holding their deposits, and the balances that must result.

#ifndef BOTCORE_TESTS_LEDGER_WORKER_SCENARIO_H_
#define BOTCORE_TESTS_LEDGER_WORKER_SCENARIO_H_

#include <map>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "botcore/testing/simulated_chain.h"
#include "internal/status_macros.h"
#include "ledger/payment_stack.h"

namespace botcore::testing {

inline constexpr int kScenarioUsers = 40;

inline std::string ScenarioUser(int i) { return absl::StrCat("user", i); }

// Users form chains of four: user 4k has no referrer, 4k+1 is referred by
// 4k, and so on, so every deposit of user 4k+3 pays three rewards.
inline absl::Status RegisterScenarioUsers(PaymentStack& s) {
  for (int i = 0; i < kScenarioUsers; ++i) {
    const std::string code =
        i % 4 == 0 ? "" : ReferralEngine::CodeOf(ScenarioUser(i - 1));
    BOTCORE_RETURN_IF_ERROR(
        s.referral->Register(ScenarioUser(i), code).status());
    BOTCORE_RETURN_IF_ERROR(
        s.deposits->RegisterWallet(ScenarioUser(i), UserWallet(i)));
  }
  return absl::OkStatus();
}

// The amount of deposit `n`: distinct, with all 18 decimals in use.
inline absl::int128 ScenarioAmount(int n) {
  return absl::int128(1000000000000000000LL) * (1 + n % 7) +
         absl::int128(123456789) * (n + 1);
}

// Mines `deposits` deposits, five per block, then enough blocks to confirm
// them all. Deterministic: every process builds the same chain.
inline void MineScenario(SimulatedChain& chain, int deposits) {
  std::vector<SimulatedTransfer> block;
  for (int n = 0; n < deposits; ++n) {
    block.push_back({std::string(kBscUsdtContract),
                     UserWallet(n % kScenarioUsers), kWallet,
                     *Amount::FromUnits(ScenarioAmount(n), 18)});
    if (block.size() == 5) {
      chain.MineBlock(block);
      block.clear();
    }
  }
  if (!block.empty()) chain.MineBlock(block);
  chain.MineBlocks(12);
}

// Expected posted balances (in units) of every user and of the rewards
// pool, and the number of reward transfers.
struct ScenarioExpectation {
  std::map<std::string, absl::int128> posted;
  int rewards = 0;
};

// Adds a credited deposit of `units` by scenario user `user` and its
// rewards (5 %, 4 %, 3 % to the users above it in its chain of four).
inline void ExpectDeposit(ScenarioExpectation& e, int user,
                          absl::int128 units) {
  static constexpr int kRates[] = {5, 4, 3};
  e.posted[ScenarioUser(user)] += units;
  e.posted["$deposit_clearing"] -= units;
  for (int level = 1; level <= 3 && level <= user % 4; ++level) {
    const absl::int128 reward = units * kRates[level - 1] / 100;
    e.posted[ScenarioUser(user - level)] += reward;
    e.posted["$rewards_pool"] -= reward;
    ++e.rewards;
  }
}

// What crediting all `deposits` of the scenario must give.
inline ScenarioExpectation ExpectScenario(int deposits) {
  ScenarioExpectation e;
  for (int n = 0; n < deposits; ++n) {
    ExpectDeposit(e, n % kScenarioUsers, ScenarioAmount(n));
  }
  return e;
}

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_LEDGER_WORKER_SCENARIO_H_
