// File: botcore/runtime/scheduler.h
//
// Scheduler runs periodic jobs (chain monitor, confirmation checks, outbox
// delivery, daily summary, backups, cleanup) exactly once per period across
// every bot instance that shares the database: before running a job, an
// instance claims the job's current period in the `runtime_jobs` table. A
// claim carries a lease; if its holder dies before finishing, another
// instance takes the period over once the lease has expired. A period does
// not start while the previous one's run still holds its lease, so no two
// instances run a job at once while a lease holds: a run longer than its
// period delays the next one, and a run whose instance died delays it until
// its lease expires (keep leases short for frequent jobs).
//
//   ASSIGN_OR_RETURN(auto scheduler, Scheduler::Create({.database = db.get(),
//                                                       .clock = &clock}));
//   scheduler->Add({.name = "outbox", .period = absl::Minutes(5),
//                   .run = [&] { return outbox.DeliverDue(); }});
//   scheduler->Run(stop, absl::Seconds(1));   // until `stop` is notified
//
// Periods are aligned to the Unix epoch plus the job's phase: a daily job with
// phase 6h runs once per UTC day from 06:00.
//
// Thread safety: thread-safe.

#ifndef BOTCORE_RUNTIME_SCHEDULER_H_
#define BOTCORE_RUNTIME_SCHEDULER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "botcore/core/clock.h"
#include "botcore/ports/database.h"

namespace botcore {

struct ScheduledJob {
  // Unique and stable across restarts and instances. Required.
  std::string name;
  // Runs once per period. Required, > 0.
  absl::Duration period;
  // Offset of the periods from the Unix epoch. Default: 0.
  absl::Duration phase = absl::ZeroDuration();
  // How long a claim lasts; a run that has not finished by then may be taken
  // over by another instance (until then, no instance starts the job's next
  // period, even when the run's instance died). Default: 5 minutes.
  absl::Duration lease = absl::Minutes(5);
  // The work. Its error is recorded (JobStatus::last_error) and the period
  // counts as done: the job runs again in the next period.
  std::function<absl::Status()> run;
};

struct JobStatus {
  std::string name;
  std::optional<absl::Time> last_started;
  std::optional<absl::Time> last_finished;
  std::string last_error;  // empty when the last run succeeded
  int64_t failures = 0;    // runs that returned an error, ever
  std::string owner;       // the instance that ran it last
};

struct SchedulerOptions {
  // Where claims are kept. Required; must outlive the scheduler.
  Database* database = nullptr;
  // Required; must outlive the scheduler.
  Clock* clock = nullptr;
  // Names this process in the claims. Default: "<hostname>:<pid>".
  std::string instance_id;
};

class Scheduler {
 public:
  // Applies the "runtime" schema migrations.
  // Errors: kInvalidArgument when database or clock is missing; storage
  // errors from Database::Migrate.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Scheduler>> Create(
      const SchedulerOptions& options);

  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Registers a job.
  // Errors: kInvalidArgument for an empty name, a period <= 0, a negative
  // phase or lease, or no `run`; kAlreadyExists for a name added before.
  [[nodiscard]] absl::Status Add(ScheduledJob job);

  // Runs, on the calling thread and one after another, every job whose
  // current period this instance manages to claim. Returns the names of the
  // jobs it ran (whether they succeeded or not).
  // Errors: storage errors while claiming; jobs not reached are left for
  // the next call.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> RunDue();

  // Calls RunDue every `tick` of the clock until `stop` is notified.
  void Run(const absl::Notification& stop, absl::Duration tick);

  // The recorded state of every job that has run at least once.
  [[nodiscard]] absl::StatusOr<std::vector<JobStatus>> Statuses();

 private:
  explicit Scheduler(const SchedulerOptions& options) : options_(options) {}

  // Claims `job`'s period `period` for this instance; true when it did.
  absl::StatusOr<bool> Claim(const ScheduledJob& job, int64_t period,
                             absl::Time now);
  absl::Status Finish(const ScheduledJob& job, int64_t period,
                      const absl::Status& result);

  const SchedulerOptions options_;
  absl::Mutex mu_;
  std::vector<ScheduledJob> jobs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_SCHEDULER_H_
