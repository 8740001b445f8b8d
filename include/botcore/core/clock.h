// File: botcore/core/clock.h
//
// The Clock port: everything in botcore that reads the time or waits gets a
// Clock, so tests control time (botcore::testing::ManualClock) and production
// code uses SystemClock.
//
//   SystemClock clock;
//   absl::Time now = clock.Now();

#ifndef BOTCORE_CORE_CLOCK_H_
#define BOTCORE_CORE_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace botcore {

// Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;

  // The current time (UTC; absl::Time has no zone).
  virtual absl::Time Now() const = 0;

  // Blocks the calling thread for `d` of this clock's time.
  virtual void SleepFor(absl::Duration d) = 0;
};

// The real wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  void SleepFor(absl::Duration d) override { absl::SleepFor(d); }
};

}  // namespace botcore

#endif  // BOTCORE_CORE_CLOCK_H_
