// Helper process for the multi-process and crash tests: syncs the scenario's
// chain (worker_scenario.h) into a shared database until every deposit is
// settled.
//
//   deposit_worker <database url> <deposits> <threads> <credit batch size>
//
// With BOTCORE_KILL_POINT=<n> in its environment it kills itself with SIGKILL
// after its nth SQL statement or commit (self_killing_database.h).
//
// Exit status: 0 when done, 2 on an unexpected error (printed).

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "botcore/core/clock.h"
#include "botcore/testing/simulated_chain.h"
#include "ledger/payment_stack.h"
#include "ledger/self_killing_database.h"
#include "ledger/worker_scenario.h"

namespace botcore::testing {
namespace {

// Syncs until the cursor reached the head and nothing awaits crediting.
absl::Status SyncUntilSettled(PaymentStack& s, SimulatedChain& chain) {
  for (;;) {
    absl::StatusOr<SyncReport> r = s.deposits->Sync(chain);
    if (absl::IsAborted(r.status())) continue;  // conflicts: try again
    if (!r.ok()) return r.status();
    absl::StatusOr<std::vector<Deposit>> seen =
        s.deposits->List(DepositState::kSeen);
    if (!seen.ok()) return seen.status();
    absl::StatusOr<std::vector<Deposit>> confirming =
        s.deposits->List(DepositState::kConfirming);
    if (!confirming.ok()) return confirming.status();
    if (r->cursor == r->head && seen->empty() && confirming->empty()) {
      return absl::OkStatus();
    }
  }
}

int Main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: deposit_worker <url> <deposits> <threads> <batch>\n";
    return 2;
  }
  const std::string url = argv[1];
  const int deposits = std::atoi(argv[2]);
  const int threads = std::atoi(argv[3]);
  DepositEngineOptions options;
  options.credit_batch_size = std::atoi(argv[4]);
  SystemClock clock;
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url);
  if (!db.ok()) {
    std::cerr << "deposit_worker: " << db.status() << "\n";
    return 2;
  }
  if (const char* kill_point = std::getenv("BOTCORE_KILL_POINT")) {
    *db = std::make_unique<SelfKillingDatabase>(
        *std::move(db), std::strtoll(kill_point, nullptr, 10));
  }
  absl::StatusOr<PaymentStack> s =
      PaymentStack::Open(*std::move(db), &clock, options);
  if (!s.ok()) {
    std::cerr << "deposit_worker: " << s.status() << "\n";
    return 2;
  }
  SimulatedChain chain(56);
  MineScenario(chain, deposits);
  std::vector<absl::Status> results(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] { results[t] = SyncUntilSettled(*s, chain); });
  }
  for (std::thread& w : workers) w.join();
  for (const absl::Status& r : results) {
    if (!r.ok()) {
      std::cerr << "deposit_worker: " << r << "\n";
      return 2;
    }
  }
  return 0;
}

}  // namespace
}  // namespace botcore::testing

int main(int argc, char** argv) { return botcore::testing::Main(argc, argv); }
