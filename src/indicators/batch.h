// Private: helpers shared by the batch indicator functions.

#ifndef BOTCORE_SRC_INDICATORS_BATCH_H_
#define BOTCORE_SRC_INDICATORS_BATCH_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace botcore::ta::internal {

// The vector-returning overloads: runs `fill(span)` over a new vector of n
// values.
template <typename F>
absl::StatusOr<std::vector<double>> Collect(size_t n, F fill) {
  std::vector<double> out(n);
  absl::Status status = fill(absl::MakeSpan(out));
  if (!status.ok()) return status;
  return out;
}

// True when every argument is finite (the streaming objects reject a bar
// otherwise).
template <typename... T>
bool AllFinite(T... x) {
  return (std::isfinite(x) && ...);
}

// The lookback of a checked period, -1 outside min..max.
inline int LookbackIf(bool valid, int lookback) {
  return valid ? lookback : -1;
}

}  // namespace botcore::ta::internal

#endif  // BOTCORE_SRC_INDICATORS_BATCH_H_
