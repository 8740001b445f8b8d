#include "botcore/runtime/scheduler.h"

#include <unistd.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "internal/schema.h"
#include "internal/status_macros.h"

namespace botcore {
namespace {

constexpr Migration kRuntimeMigrations[] = {
    {1, "runtime_jobs: once-per-period claims of scheduled jobs",
     "CREATE TABLE runtime_jobs ("
     " name TEXT PRIMARY KEY,"
     " claimed_period BIGINT NOT NULL,"
     " completed_period BIGINT NOT NULL,"
     " lease_until_us BIGINT NOT NULL,"
     " owner TEXT NOT NULL,"
     " last_started_us BIGINT,"
     " last_finished_us BIGINT,"
     " last_error TEXT NOT NULL DEFAULT '',"
     " failures BIGINT NOT NULL DEFAULT 0)"},
};

std::string DefaultInstanceId() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return absl::StrCat(host, ":", getpid());
}

int64_t PeriodIndex(const ScheduledJob& job, absl::Time now) {
  absl::Duration remainder;
  return absl::IDivDuration(now - absl::UnixEpoch() - job.phase, job.period,
                            &remainder);
}

std::optional<absl::Time> OptionalTime(const SqlRow& row, size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  absl::StatusOr<int64_t> micros = row.Int64(i);
  if (!micros.ok()) return std::nullopt;
  return absl::FromUnixMicros(*micros);
}

}  // namespace

namespace internal {
ComponentSchema RuntimeSchema() { return {"runtime", kRuntimeMigrations}; }
}  // namespace internal

absl::StatusOr<std::unique_ptr<Scheduler>> Scheduler::Create(
    const SchedulerOptions& options) {
  if (options.database == nullptr || options.clock == nullptr) {
    return absl::InvalidArgumentError(
        "SchedulerOptions needs both a database and a clock");
  }
  BOTCORE_RETURN_IF_ERROR(
      internal::ApplySchema(*options.database, internal::RuntimeSchema()));
  SchedulerOptions resolved = options;
  if (resolved.instance_id.empty()) resolved.instance_id = DefaultInstanceId();
  return std::unique_ptr<Scheduler>(new Scheduler(resolved));
}

absl::Status Scheduler::Add(ScheduledJob job) {
  if (job.name.empty()) {
    return absl::InvalidArgumentError("scheduled job needs a name");
  }
  if (job.period <= absl::ZeroDuration() || job.phase < absl::ZeroDuration() ||
      job.lease < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "job '", job.name, "': period ", absl::FormatDuration(job.period),
        " must be > 0, phase ", absl::FormatDuration(job.phase), " and lease ",
        absl::FormatDuration(job.lease), " must be >= 0"));
  }
  if (!job.run) {
    return absl::InvalidArgumentError(
        absl::StrCat("job '", job.name, "' has nothing to run"));
  }
  absl::MutexLock lock(&mu_);
  for (const ScheduledJob& existing : jobs_) {
    if (existing.name == job.name) {
      return absl::AlreadyExistsError(
          absl::StrCat("a job named '", job.name, "' is already scheduled"));
    }
  }
  jobs_.push_back(std::move(job));
  return absl::OkStatus();
}

absl::StatusOr<bool> Scheduler::Claim(const ScheduledJob& job, int64_t period,
                                      absl::Time now) {
  int64_t claimed = 0;
  BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_RETURN_IF_ERROR(
            tx.Execute("INSERT INTO runtime_jobs (name, claimed_period,"
                       " completed_period, lease_until_us, owner)"
                       " VALUES (?, -1, -1, 0, '') ON CONFLICT (name) DO NOTHING",
                       {job.name})
                .status());
        // Either the period is new and the last run finished, or the last
        // run was claimed, never finished, and its claim has expired. (A
        // new period does not start while a run still holds its lease: two
        // instances would then run the job at once.)
        BOTCORE_ASSIGN_OR_RETURN(
            claimed,
            tx.Execute("UPDATE runtime_jobs SET claimed_period = ?,"
                       " lease_until_us = ?, owner = ?, last_started_us = ?"
                       " WHERE name = ? AND claimed_period <= ? AND"
                       " ((claimed_period < ? AND"
                       " completed_period >= claimed_period) OR"
                       " (completed_period < claimed_period AND"
                       " lease_until_us < ?))",
                       {period, absl::ToUnixMicros(now + job.lease),
                        options_.instance_id, absl::ToUnixMicros(now), job.name,
                        period, period, absl::ToUnixMicros(now)}));
        return absl::OkStatus();
      }));
  return claimed == 1;
}

absl::Status Scheduler::Finish(const ScheduledJob& job, int64_t period,
                               const absl::Status& result) {
  const absl::Time now = options_.clock->Now();
  return options_.database->Transact([&](SqlTransaction& tx) {
    return tx
        .Execute("UPDATE runtime_jobs SET completed_period = ?,"
                 " last_finished_us = ?, last_error = ?, failures = failures + ?"
                 " WHERE name = ? AND owner = ? AND claimed_period = ?",
                 {period, absl::ToUnixMicros(now),
                  result.ok() ? std::string() : result.ToString(),
                  int64_t{result.ok() ? 0 : 1}, job.name, options_.instance_id,
                  period})
        .status();
  });
}

absl::StatusOr<std::vector<std::string>> Scheduler::RunDue() {
  std::vector<ScheduledJob> jobs;
  {
    absl::MutexLock lock(&mu_);
    jobs = jobs_;
  }
  std::vector<std::string> ran;
  for (const ScheduledJob& job : jobs) {
    const absl::Time now = options_.clock->Now();
    const int64_t period = PeriodIndex(job, now);
    BOTCORE_ASSIGN_OR_RETURN(bool claimed, Claim(job, period, now));
    if (!claimed) continue;
    const absl::Status result = job.run();
    ran.push_back(job.name);
    BOTCORE_RETURN_IF_ERROR(Finish(job, period, result));
  }
  return ran;
}

void Scheduler::Run(const absl::Notification& stop, absl::Duration tick) {
  while (!stop.HasBeenNotified()) {
    // A storage error is retried at the next tick; the statuses show the
    // jobs' own failures.
    RunDue().IgnoreError();
    options_.clock->SleepFor(tick);
  }
}

absl::StatusOr<std::vector<JobStatus>> Scheduler::Statuses() {
  std::vector<JobStatus> statuses;
  BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        statuses.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query("SELECT name, last_started_us, last_finished_us,"
                     " last_error, failures, owner FROM runtime_jobs"
                     " WHERE claimed_period >= 0 ORDER BY name"));
        for (const SqlRow& row : rows) {
          JobStatus status;
          BOTCORE_ASSIGN_OR_RETURN(status.name, row.Text(0));
          status.last_started = OptionalTime(row, 1);
          status.last_finished = OptionalTime(row, 2);
          BOTCORE_ASSIGN_OR_RETURN(status.last_error, row.Text(3));
          BOTCORE_ASSIGN_OR_RETURN(status.failures, row.Int64(4));
          BOTCORE_ASSIGN_OR_RETURN(status.owner, row.Text(5));
          statuses.push_back(std::move(status));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return statuses;
}

}  // namespace botcore
