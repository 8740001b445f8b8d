// A token bucket kept as a schedule: the time at which the bucket would be
// full again. Shared by the per-host HTTP rate limiter and Telegram's
// message pacing. Not thread-safe: the owner locks.

#ifndef BOTCORE_INTERNAL_TOKEN_BUCKET_H_
#define BOTCORE_INTERNAL_TOKEN_BUCKET_H_

#include <algorithm>

#include "absl/time/time.h"

namespace botcore::internal {

class TokenBucket {
 public:
  // REQUIRES: per_second > 0, burst >= 1.
  TokenBucket(double per_second, double burst)
      : interval_(absl::Seconds(1 / per_second)), burst_(burst) {}

  // The earliest time at or after `now` when a token is available.
  absl::Time Earliest(absl::Time now) const {
    return std::max(now, next_free_ - (burst_ - 1) * interval_);
  }

  // Takes a token at `at`. REQUIRES: at >= Earliest(at).
  void Take(absl::Time at) {
    next_free_ = std::max(next_free_, at) + interval_;
  }

  // Whether the bucket is full at `now`, so forgetting it changes nothing.
  bool IsFull(absl::Time now) const { return next_free_ <= now; }

 private:
  absl::Duration interval_;
  double burst_;
  absl::Time next_free_ = absl::InfinitePast();
};

}  // namespace botcore::internal

#endif  // BOTCORE_INTERNAL_TOKEN_BUCKET_H_
