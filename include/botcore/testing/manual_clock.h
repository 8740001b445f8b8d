// File: botcore/testing/manual_clock.h
//
// A Clock that moves only when told to, for deterministic tests.
//
//   botcore::testing::ManualClock clock(absl::FromUnixSeconds(1700000000));
//   engine_options.clock = &clock;
//   clock.Advance(absl::Minutes(15));   // a pending proposal now expires

#ifndef BOTCORE_TESTING_MANUAL_CLOCK_H_
#define BOTCORE_TESTING_MANUAL_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/core/clock.h"

namespace botcore::testing {

// Thread-safe.
class ManualClock final : public Clock {
 public:
  // Starts at `start` (default: the Unix epoch).
  explicit ManualClock(absl::Time start = absl::UnixEpoch()) : now_(start) {}

  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }

  // Does not block: advances the clock by `d`, as if the sleep had passed.
  void SleepFor(absl::Duration d) override { Advance(d); }

  // Moves the clock forward by `d`. REQUIRES: d >= absl::ZeroDuration().
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

  // Sets the clock to `t`, which may be earlier than now.
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTING_MANUAL_CLOCK_H_
