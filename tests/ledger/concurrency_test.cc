// Several threads and processes crediting one batch of deposits against one
// database, and workers that kill themselves with SIGKILL after a random
// number of SQL statements (self_killing_database.h), again and again: after
// every kill nothing committed is lost or doubled and the invariants hold, and
// in the end every deposit is credited exactly once and every referral reward
// paid exactly once. The processes run tests/ledger/deposit_worker.cc.

#include <doctest/doctest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <random>
#include <set>
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

// Starts deposit_worker; with kill_point > 0 it kills itself after that many
// SQL statements and commits (BOTCORE_KILL_POINT).
pid_t StartWorker(const std::string& url, int deposits, int threads, int batch,
                  int64_t kill_point = 0) {
  std::vector<std::string> args = {
      BOTCORE_DEPOSIT_WORKER, url, std::to_string(deposits),
      std::to_string(threads), std::to_string(batch)};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!absl::StartsWith(*e, "BOTCORE_KILL_POINT=")) envp.push_back(*e);
  }
  std::string kill_env = absl::StrCat("BOTCORE_KILL_POINT=", kill_point);
  if (kill_point > 0) envp.push_back(kill_env.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(),
                      envp.data()) == 0);
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

// What is committed, at any moment, is consistent: the invariants hold; the
// ledger holds exactly one credit per credited deposit and no other, the
// rewards of exactly those deposits, and the balances they give; one
// deposit.credited notice per credit. Returns how many deposits are
// credited.
int CheckConsistent(PaymentStack& s) {
  REQUIRE_OK(s.ledger->CheckInvariants());
  ASSIGN_OR_REQUIRE(std::vector<Deposit> credited,
                    s.deposits->List(DepositState::kCredited, 1 << 20));
  testing::ScenarioExpectation want;
  std::set<std::string> credit_ids;
  for (const Deposit& d : credited) {
    REQUIRE(absl::StartsWith(d.user_id, "user"));
    testing::ExpectDeposit(want, std::stoi(d.user_id.substr(4)),
                           d.observation.amount.units());
    credit_ids.insert(d.TransferId());
  }
  for (int i = 0; i < testing::kScenarioUsers; ++i) {
    want.posted.try_emplace(testing::ScenarioUser(i), 0);
  }
  for (const auto& [owner, units] : want.posted) {
    CAPTURE(owner);
    absl::StatusOr<Balance> b = s.ledger->GetBalance({owner, "USDT"});
    if (absl::IsNotFound(b.status())) {
      CHECK(units == 0);
      continue;
    }
    REQUIRE_OK(b.status());
    CHECK(b->posted == *Amount::FromUnits(units, 18));
  }
  int credits = 0, rewards = 0;
  int64_t after = 0;
  for (;;) {
    ASSIGN_OR_REQUIRE(std::vector<TransferRecord> page,
                      s.ledger->Feed(after, 5000));
    if (page.empty()) break;
    for (const TransferRecord& r : page) {
      if (absl::StartsWith(r.transfer.id, "deposit:")) {
        ++credits;
        CHECK(credit_ids.contains(r.transfer.id));
      }
      if (absl::StartsWith(r.transfer.id, "referral:")) ++rewards;
    }
    after = page.back().sequence;
  }
  CHECK(credits == static_cast<int>(credited.size()));
  CHECK(rewards == want.rewards);
  ASSIGN_OR_REQUIRE(std::vector<OutboxEntry> queued,
                    s.outbox->List(OutboxState::kPending, 1 << 20));
  int notices = 0;
  for (const OutboxEntry& e : queued) {
    if (e.message.topic == "deposit.credited") ++notices;
  }
  CHECK(notices == static_cast<int>(credited.size()));
  return static_cast<int>(credited.size());
}

// Everything a finished run must show.
void CheckExactlyOnce(PaymentStack& s, int deposits) {
  CHECK(CheckConsistent(s) == deposits);
  const testing::ScenarioExpectation want = testing::ExpectScenario(deposits);
  for (const auto& [owner, units] : want.posted) {
    CAPTURE(owner);
    ASSIGN_OR_REQUIRE(Balance b, s.ledger->GetBalance({owner, "USDT"}));
    CHECK(b.posted == *Amount::FromUnits(units, 18));
  }
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
      "workers killed with SIGKILL at random statements lose and double"
      " nothing") {
    constexpr int kDeposits = 400;
    // A worker's whole run is about 1 600 statements and commits (80 batches
    // of five deposits, ~20 statements each, shared by its two threads);
    // kill points drawn below 300 make each run die after a few batches,
    // inside a crediting transaction or between two.
    constexpr int64_t kMaxKillPoint = 300;
    const uint64_t seed =
        std::getenv("BOTCORE_SEED") != nullptr
            ? std::strtoull(std::getenv("BOTCORE_SEED"), nullptr, 10)
            : std::random_device()();
    MESSAGE("crash test seed: ", seed, " (replay with BOTCORE_SEED=", seed,
            ")");
    std::mt19937_64 rng(seed);
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      SystemClock clock;
      PaymentStack s = OpenStack(url, &clock);
      REQUIRE_OK(testing::RegisterScenarioUsers(s));
      int kills = 0;
      int mid_crediting = 0;  // kills that left some deposits credited
      int credited = 0;
      for (int round = 0; round < 60; ++round) {
        const int64_t kill_point =
            std::uniform_int_distribution<int64_t>(1, kMaxKillPoint)(rng);
        CAPTURE(round);
        CAPTURE(kill_point);
        const int status = Wait(StartWorker(url, kDeposits, 2, 5, kill_point));
        if (status == 0) break;  // it finished before its kill point
        REQUIRE(WIFSIGNALED(status));
        REQUIRE(WTERMSIG(status) == SIGKILL);
        ++kills;
        // After every kill: nothing lost, nothing doubled, invariants hold.
        const int now_credited = CheckConsistent(s);
        CHECK(now_credited >= credited);
        if (now_credited > credited && now_credited < kDeposits) {
          ++mid_crediting;
        }
        credited = now_credited;
      }
      MESSAGE(kills, " workers killed, ", mid_crediting,
              " of them in the middle of crediting, on ", url);
      // The kill points work, and they land in the middle of the work.
      CHECK(kills >= 5);
      CHECK(mid_crediting >= 3);
      CHECK(Wait(StartWorker(url, kDeposits, 2, 5)) == 0);
      CheckExactlyOnce(s, kDeposits);
    }
  }
}

}  // namespace
}  // namespace botcore
