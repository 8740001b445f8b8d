// Several threads and processes crediting one batch of deposits against one
// database, and workers killed with SIGKILL in the middle of it: every deposit
// is credited exactly once, every referral reward paid exactly once, and the
// ledger's invariants hold. The processes run tests/ledger/deposit_worker.cc.

#include <doctest/doctest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "botcore/core/clock.h"
#include "ledger/payment_stack.h"
#include "ledger/worker_scenario.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

extern char** environ;

namespace botcore {
namespace {

using testing::PaymentStack;

pid_t StartWorker(const std::string& url, int deposits, int threads,
                  int batch) {
  std::vector<std::string> args = {
      BOTCORE_DEPOSIT_WORKER, url, std::to_string(deposits),
      std::to_string(threads), std::to_string(batch)};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) ==
          0);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return status;
}

PaymentStack OpenStack(const std::string& url, Clock* clock) {
  auto s = PaymentStack::Open(url, clock);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  return *std::move(s);
}

// Everything a finished run must show.
void CheckExactlyOnce(PaymentStack& s, int deposits) {
  const testing::ScenarioExpectation want = testing::ExpectScenario(deposits);
  REQUIRE_OK(s.ledger->CheckInvariants());
  for (const auto& [owner, units] : want.posted) {
    CAPTURE(owner);
    ASSIGN_OR_REQUIRE(Balance b, s.ledger->GetBalance({owner, "USDT"}));
    CHECK(b.posted == *Amount::FromUnits(units, 18));
  }
  int credits = 0, rewards = 0;
  int64_t after = 0;
  for (;;) {
    ASSIGN_OR_REQUIRE(std::vector<TransferRecord> page,
                      s.ledger->Feed(after, 5000));
    if (page.empty()) break;
    for (const TransferRecord& r : page) {
      if (absl::StartsWith(r.transfer.id, "deposit:")) ++credits;
      if (absl::StartsWith(r.transfer.id, "referral:")) ++rewards;
    }
    after = page.back().sequence;
  }
  CHECK(credits == deposits);
  CHECK(rewards == want.rewards);
  ASSIGN_OR_REQUIRE(std::vector<Deposit> credited,
                    s.deposits->List(DepositState::kCredited, 1 << 20));
  CHECK(static_cast<int>(credited.size()) == deposits);
  ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> queued,
                    s.outbox->List(OutboxState::kPending, 1 << 20));
  int notices = 0;
  for (const OutboxEntry& e : queued) {
    if (e.message.topic == "deposit.credited") ++notices;
  }
  CHECK(notices == deposits);
}

TEST_SUITE("concurrency") {
  TEST_CASE("threads and two processes credit every deposit exactly once") {
    constexpr int kDeposits = 600;
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      SystemClock clock;
      PaymentStack s = OpenStack(url, &clock);
      REQUIRE_OK(testing::RegisterScenarioUsers(s));
      const pid_t a = StartWorker(url, kDeposits, 2, 20);
      const pid_t b = StartWorker(url, kDeposits, 2, 20);
      // And two threads in this process, sharing its engines.
      testing::SimulatedChain chain(56);
      testing::MineScenario(chain, kDeposits);
      std::vector<absl::Status> results(2);
      std::vector<std::thread> threads;
      for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
          for (;;) {
            absl::StatusOr<SyncReport> r = s.deposits->Sync(chain);
            if (absl::IsAborted(r.status())) continue;
            if (!r.ok()) {
              results[t] = r.status();
              return;
            }
            absl::StatusOr<std::vector<Deposit>> open =
                s.deposits->List(DepositState::kConfirming);
            if (r->cursor == r->head && open.ok() && open->empty()) return;
          }
        });
      }
      for (std::thread& t : threads) t.join();
      CHECK_OK(results[0]);
      CHECK_OK(results[1]);
      CHECK(Wait(a) == 0);
      CHECK(Wait(b) == 0);
      REQUIRE_OK(s.deposits->Sync(chain));
      CheckExactlyOnce(s, kDeposits);
    }
  }

  TEST_CASE(
      "workers killed with SIGKILL at random points lose and double"
      " nothing") {
    constexpr int kDeposits = 1000;
    const uint64_t seed =
        std::getenv("BOTCORE_SEED") != nullptr
            ? std::strtoull(std::getenv("BOTCORE_SEED"), nullptr, 10)
            : std::random_device()();
    MESSAGE("crash test seed: ", seed, " (replay with BOTCORE_SEED=", seed,
            ")");
    std::mt19937_64 rng(seed);
    // Rounds that ended with part of the work done, over both backends. SQLite
    // commits a worker's batch at once, so its kills rarely leave a visible
    // part; PostgreSQL's interleaved workers do.
    int interrupted_total = 0;
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      SystemClock clock;
      PaymentStack s = OpenStack(url, &clock);
      REQUIRE_OK(testing::RegisterScenarioUsers(s));
      int killed = 0;
      int interrupted = 0;
      size_t credited_before = 0;
      int max_delay_ms = 700;
      for (int round = 0; round < 8; ++round) {
        const pid_t pid = StartWorker(url, kDeposits, 2, 5);
        const int delay_ms =
            std::uniform_int_distribution<int>(50, max_delay_ms)(rng);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        if (kill(pid, SIGKILL) == 0) ++killed;
        const int status = Wait(pid);
        CHECK((status == 0 ||
               (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)));
        // Whatever was committed is consistent.
        REQUIRE_OK(s.ledger->CheckInvariants());
        ASSIGN_OR_REQUIRE(std::vector<Deposit> credited,
                          s.deposits->List(DepositState::kCredited, 1 << 20));
        if (credited.size() > credited_before &&
            credited.size() < static_cast<size_t>(kDeposits)) {
          ++interrupted;
        }
        // A slow machine (or a sanitizer build) may need longer to start.
        if (credited.size() == credited_before) max_delay_ms *= 2;
        credited_before = credited.size();
      }
      interrupted_total += interrupted;
      MESSAGE("killed ", killed, " workers, ", interrupted,
              " of them in the middle of crediting, on ", url);
      const pid_t last = StartWorker(url, kDeposits, 2, 5);
      CHECK(Wait(last) == 0);
      CheckExactlyOnce(s, kDeposits);
    }
    // The kills landed in the middle of crediting, not only before it.
    CHECK(interrupted_total > 0);
  }
}

}  // namespace
}  // namespace botcore
