#include "botcore/runtime/scheduler.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "botcore/adapters/storage.h"
#include "botcore/testing/manual_clock.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);  // 22:13:20 UTC

std::unique_ptr<Scheduler> MakeScheduler(Database* db, Clock* clock,
                                         const std::string& id) {
  absl::StatusOr<std::unique_ptr<Scheduler>> s =
      Scheduler::Create({.database = db, .clock = clock, .instance_id = id});
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  return *std::move(s);
}

TEST_CASE("a job runs once per period, across two instances sharing the database") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
    testing::ManualClock clock(kStart);
    std::atomic<int> runs_a{0}, runs_b{0};
    auto a = MakeScheduler(db.get(), &clock, "a");
    auto b = MakeScheduler(db.get(), &clock, "b");
    REQUIRE_OK(a->Add({.name = "outbox", .period = absl::Minutes(5), .run = [&] {
                         ++runs_a;
                         return absl::OkStatus();
                       }}));
    REQUIRE_OK(b->Add({.name = "outbox", .period = absl::Minutes(5), .run = [&] {
                         ++runs_b;
                         return absl::OkStatus();
                       }}));
    ASSIGN_OR_REQUIRE(auto ran, a->RunDue());
    CHECK(ran == std::vector<std::string>{"outbox"});
    ASSIGN_OR_REQUIRE(auto ran_b, b->RunDue());
    CHECK(ran_b.empty());
    ASSIGN_OR_REQUIRE(auto again, a->RunDue());
    CHECK(again.empty());
    CHECK(runs_a + runs_b == 1);

    clock.Advance(absl::Minutes(5));  // next period: whoever asks first runs it
    ASSIGN_OR_REQUIRE(auto next_b, b->RunDue());
    CHECK(next_b == std::vector<std::string>{"outbox"});
    ASSIGN_OR_REQUIRE(auto next_a, a->RunDue());
    CHECK(next_a.empty());
    CHECK(runs_a == 1);
    CHECK(runs_b == 1);
  }
}

TEST_CASE("instances racing on threads still run each period once") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
    testing::ManualClock clock(kStart);
    std::atomic<int> runs{0};
    std::vector<std::unique_ptr<Scheduler>> instances;
    for (int i = 0; i < 4; ++i) {
      instances.push_back(MakeScheduler(db.get(), &clock, "i" + std::to_string(i)));
      REQUIRE_OK(instances.back()->Add(
          {.name = "chain", .period = absl::Minutes(1), .run = [&] {
             ++runs;
             return absl::OkStatus();
           }}));
    }
    for (int period = 0; period < 5; ++period) {
      std::vector<std::thread> threads;
      for (auto& s : instances) {
        threads.emplace_back([&s] { REQUIRE_OK(s->RunDue()); });
      }
      for (auto& t : threads) t.join();
      CHECK(runs == period + 1);
      clock.Advance(absl::Minutes(1));
    }
  }
}

TEST_CASE("a run that never finishes is taken over after its lease") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
    testing::ManualClock clock(kStart);
    auto a = MakeScheduler(db.get(), &clock, "a");
    auto b = MakeScheduler(db.get(), &clock, "b");
    absl::Notification a_started, a_release;
    REQUIRE_OK(a->Add({.name = "backup", .period = absl::Hours(24),
                       .lease = absl::Minutes(10), .run = [&] {
                         a_started.Notify();
                         a_release.WaitForNotification();  // "hung" or dead
                         return absl::OkStatus();
                       }}));
    std::atomic<int> b_runs{0};
    REQUIRE_OK(b->Add({.name = "backup", .period = absl::Hours(24),
                       .lease = absl::Minutes(10), .run = [&] {
                         ++b_runs;
                         return absl::OkStatus();
                       }}));
    std::thread hung([&] { REQUIRE_OK(a->RunDue()); });
    a_started.WaitForNotification();
    ASSIGN_OR_REQUIRE(auto within_lease, b->RunDue());
    CHECK(within_lease.empty());
    clock.Advance(absl::Minutes(11));
    ASSIGN_OR_REQUIRE(auto after_lease, b->RunDue());
    CHECK(after_lease == std::vector<std::string>{"backup"});
    a_release.Notify();
    hung.join();  // a's late finish does not overwrite b's claim
    ASSIGN_OR_REQUIRE(auto statuses, b->Statuses());
    REQUIRE(statuses.size() == 1);
    CHECK(statuses[0].owner == "b");
    CHECK(b_runs == 1);
  }
}

TEST_CASE("a new period waits for the previous run or its lease") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
    testing::ManualClock clock(kStart);
    auto a = MakeScheduler(db.get(), &clock, "a");
    auto b = MakeScheduler(db.get(), &clock, "b");
    absl::Notification a_started, a_release;
    REQUIRE_OK(a->Add({.name = "broadcast",
                       .period = absl::Seconds(5),
                       .lease = absl::Minutes(1),
                       .run = [&] {
                         a_started.Notify();
                         a_release.WaitForNotification();  // a long batch
                         return absl::OkStatus();
                       }}));
    std::atomic<int> b_runs{0};
    REQUIRE_OK(b->Add({.name = "broadcast",
                       .period = absl::Seconds(5),
                       .lease = absl::Minutes(1),
                       .run = [&] {
                         ++b_runs;
                         return absl::OkStatus();
                       }}));
    std::thread slow([&] { REQUIRE_OK(a->RunDue()); });
    a_started.WaitForNotification();
    clock.Advance(absl::Seconds(5));  // period N+1, a still runs period N
    ASSIGN_OR_REQUIRE(auto overlapping, b->RunDue());
    CHECK(overlapping.empty());
    a_release.Notify();
    slow.join();
    ASSIGN_OR_REQUIRE(auto after_finish, b->RunDue());  // N+1, once N is done
    CHECK(after_finish == std::vector<std::string>{"broadcast"});
    CHECK(b_runs == 1);
  }
}

TEST_CASE("a failing job is recorded and runs again next period") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
    testing::ManualClock clock(kStart);
    auto s = MakeScheduler(db.get(), &clock, "solo");
    int calls = 0;
    REQUIRE_OK(s->Add({.name = "daily_summary", .period = absl::Hours(24),
                       .phase = absl::Hours(6), .run = [&] {
                         return ++calls == 1 ? absl::UnavailableError("telegram down")
                                             : absl::OkStatus();
                       }}));
    REQUIRE_OK(s->RunDue());
    ASSIGN_OR_REQUIRE(auto failed, s->Statuses());
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].last_error == "UNAVAILABLE: telegram down");
    CHECK(failed[0].failures == 1);
    CHECK(failed[0].last_started == kStart);
    // kStart is 22:13 UTC; the next period starts at 06:00 the next day.
    clock.Advance(absl::Hours(7));
    ASSIGN_OR_REQUIRE(auto not_yet, s->RunDue());
    CHECK(not_yet.empty());
    clock.Advance(absl::Hours(1));
    ASSIGN_OR_REQUIRE(auto ran, s->RunDue());
    CHECK(ran.size() == 1);
    ASSIGN_OR_REQUIRE(auto ok, s->Statuses());
    CHECK(ok[0].last_error.empty());
    CHECK(ok[0].failures == 1);
  }
}

TEST_CASE("Add and Create validate their input") {
  ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase("sqlite::memory:"));
  testing::ManualClock clock;
  CHECK_STATUS_IS(Scheduler::Create({.database = db.get()}), kInvalidArgument);
  auto s = MakeScheduler(db.get(), &clock, "x");
  auto ok = [] { return absl::OkStatus(); };
  CHECK_STATUS_IS(s->Add({.name = "", .period = absl::Minutes(1), .run = ok}),
                  kInvalidArgument);
  CHECK_STATUS_IS(s->Add({.name = "j", .period = absl::ZeroDuration(), .run = ok}),
                  kInvalidArgument);
  CHECK_STATUS_IS(s->Add({.name = "j", .period = absl::Minutes(1)}), kInvalidArgument);
  REQUIRE_OK(s->Add({.name = "j", .period = absl::Minutes(1), .run = ok}));
  CHECK_STATUS_IS(s->Add({.name = "j", .period = absl::Minutes(1), .run = ok}),
                  kAlreadyExists);
}

}  // namespace
}  // namespace botcore
