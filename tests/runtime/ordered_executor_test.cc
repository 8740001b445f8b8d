#include "botcore/runtime/ordered_executor.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

TEST_CASE("tasks with the same key run in submission order") {
  OrderedExecutor executor(4);
  absl::Mutex mu;
  std::map<int64_t, std::vector<int>> seen;
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const int64_t key = rng() % 13;
    const bool slow = rng() % 50 == 0;
    REQUIRE_OK(executor.Submit(key, [&, key, i, slow] {
      if (slow) absl::SleepFor(absl::Microseconds(200));
      absl::MutexLock lock(&mu);
      seen[key].push_back(i);
    }));
  }
  REQUIRE_OK(executor.Shutdown(absl::InfiniteDuration()));
  int total = 0;
  for (const auto& [key, order] : seen) {
    CAPTURE(key);
    total += static_cast<int>(order.size());
    for (size_t j = 1; j < order.size(); ++j) CHECK(order[j - 1] < order[j]);
  }
  CHECK(total == 2000);
}

TEST_CASE("a blocked key does not hold up other keys") {
  OrderedExecutor executor(2);
  absl::Notification release, other_ran;
  std::atomic<bool> second_of_blocked_ran{false};
  REQUIRE_OK(executor.Submit(1, [&] { release.WaitForNotification(); }));
  REQUIRE_OK(executor.Submit(1, [&] { second_of_blocked_ran = true; }));
  REQUIRE_OK(executor.Submit(2, [&] { other_ran.Notify(); }));
  other_ran.WaitForNotification();  // would hang if key 1 blocked key 2
  CHECK_FALSE(second_of_blocked_ran.load());
  // Key 2's task counts as pending until it has returned; then only key 1's
  // two remain.
  for (int i = 0; i < 10000 && executor.pending() != 2; ++i) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  CHECK(executor.pending() == 2);
  release.Notify();
  REQUIRE_OK(executor.Shutdown(absl::InfiniteDuration()));
  CHECK(second_of_blocked_ran.load());
}

TEST_CASE("Shutdown drains, then refuses new work; a deadline drops the rest") {
  OrderedExecutor executor(1);
  absl::Notification started, release;
  std::atomic<int> ran{0};
  REQUIRE_OK(executor.Submit(1, [&] {
    started.Notify();
    release.WaitForNotification();
    ++ran;
  }));
  for (int i = 0; i < 5; ++i) REQUIRE_OK(executor.Submit(1, [&] { ++ran; }));
  started.WaitForNotification();
  // The running task finishes once Shutdown's deadline dropped the others.
  std::thread releaser([&] {
    for (int i = 0; i < 10000 && executor.pending() != 1; ++i) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    release.Notify();
  });
  absl::Status s = executor.Shutdown(absl::Milliseconds(20));
  CHECK_STATUS_IS(s, kDeadlineExceeded);
  CHECK(s.message() == "5 queued tasks dropped at shutdown");
  releaser.join();
  CHECK(ran.load() ==
        1);  // the running task finished; the queued ones were dropped
  CHECK_STATUS_IS(executor.Submit(1, [] {}), kFailedPrecondition);
}

TEST_CASE("a held task keeps its key busy until released, from any thread") {
  OrderedExecutor executor(2);
  absl::Mutex mu;
  std::optional<OrderedExecutor::Release> held;
  std::vector<std::string> order;
  auto note = [&](std::string what) {
    absl::MutexLock lock(&mu);
    order.push_back(std::move(what));
  };
  REQUIRE_OK(executor.SubmitHeld(1, [&](OrderedExecutor::Release release) {
    note("first");
    absl::MutexLock lock(&mu);
    held.emplace(std::move(release));
  }));
  REQUIRE_OK(executor.Submit(1, [&] { note("second"); }));
  absl::Notification other_ran;
  REQUIRE_OK(executor.Submit(2, [&] {
    note("other");
    other_ran.Notify();
  }));
  other_ran.WaitForNotification();
  // Once the first task has returned and key 2's is finished, the first's
  // key is still held.
  auto first_returned = [&] {
    absl::MutexLock lock(&mu);
    return held.has_value();
  };
  for (int i = 0; i < 10000 && !(first_returned() && executor.pending() == 2);
       ++i) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  // Time for a key freed when its task returned to run "second".
  absl::SleepFor(absl::Milliseconds(50));
  {
    absl::MutexLock lock(&mu);
    CHECK(std::find(order.begin(), order.end(), "second") == order.end());
    REQUIRE(held.has_value());
  }
  CHECK(executor.pending() == 2);
  std::thread releaser([&] {
    absl::MutexLock lock(&mu);
    std::move (*held)();
  });
  releaser.join();
  REQUIRE_OK(executor.Shutdown(absl::InfiniteDuration()));
  CHECK(order.back() == "second");
  CHECK(order.size() == 3);
}

TEST_CASE("a Release dropped without a call frees its key") {
  OrderedExecutor executor(1);
  std::atomic<int> ran{0};
  REQUIRE_OK(executor.SubmitHeld(1, [&](OrderedExecutor::Release) { ++ran; }));
  REQUIRE_OK(executor.Submit(1, [&] { ++ran; }));
  REQUIRE_OK(executor.Shutdown(absl::InfiniteDuration()));
  CHECK(ran.load() == 2);
}

TEST_CASE("Shutdown waits for held tasks past its deadline, drops queued") {
  OrderedExecutor executor(1);
  std::thread releaser;
  std::atomic<bool> released{false};
  std::atomic<bool> shutting_down{false};
  std::atomic<bool> queued_ran{false};
  absl::Notification started;
  REQUIRE_OK(executor.SubmitHeld(1, [&](OrderedExecutor::Release release) {
    // Released once Shutdown has dropped the queued task.
    releaser = std::thread([&, release = std::move(release)]() mutable {
      for (int i = 0;
           i < 10000 && (!shutting_down.load() || executor.pending() != 1);
           ++i) {
        absl::SleepFor(absl::Milliseconds(1));
      }
      released = true;
      std::move(release)();
    });
    started.Notify();
  }));
  REQUIRE_OK(executor.Submit(1, [&] { queued_ran = true; }));
  started.WaitForNotification();
  shutting_down = true;
  CHECK_STATUS_IS(executor.Shutdown(absl::ZeroDuration()), kDeadlineExceeded);
  CHECK(released.load());  // returned only once the held task was released
  CHECK_FALSE(queued_ran.load());
  releaser.join();
}

}  // namespace
}  // namespace botcore
