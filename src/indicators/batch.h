// Private: helpers shared by the batch indicator functions.
//
// Debian builds Abseil hardened: absl::Span::operator[] checks its bound,
// which keeps loop state out of registers; hot loops index span.data().

#ifndef BOTCORE_SRC_INDICATORS_BATCH_H_
#define BOTCORE_SRC_INDICATORS_BATCH_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "indicators/validation.h"

namespace botcore::ta::internal {

// The vector-returning overloads: runs `fill(spans...)` over new vectors of
// n values. Out is std::vector<double> (one output) or a struct of two or
// three std::vector<double> fields (MacdSeries, StochSeries, ...), filled in
// field order.
template <typename Out = std::vector<double>, typename F>
absl::StatusOr<Out> Collect(size_t n, F fill) {
  Out out;
  absl::Status status;
  if constexpr (std::is_same_v<Out, std::vector<double>>) {
    out.resize(n);
    status = fill(absl::MakeSpan(out));
  } else if constexpr (requires(std::vector<double> v) { Out{v, v, v}; }) {
    auto& [a, b, c] = out;
    a.resize(n);
    b.resize(n);
    c.resize(n);
    status = fill(absl::MakeSpan(a), absl::MakeSpan(b), absl::MakeSpan(c));
  } else {
    auto& [a, b] = out;
    a.resize(n);
    b.resize(n);
    status = fill(absl::MakeSpan(a), absl::MakeSpan(b));
  }
  if (!status.ok()) return status;
  return out;
}

// Bars per block of RunChecked: a block's inputs (64 KiB a series) stay in
// L2 between the computation and the value checks; most loops screen their
// inputs and skip the checks, and fewer blocks cost less set-up (2048 bars:
// SMA 1.649, MACD 2.63, BBANDS 2.09 ns/bar; 8192: 1.642, 2.55, 1.98).
inline constexpr int64_t kBlockBars = 8192;

// Calls body(begin, end) out of line. Inlined into the batch function, whose
// cores are captured by reference, GCC 12 keeps the cores' state on the
// stack even in local copies, adding a store-to-load delay to every bar;
// out of line, the local copies live in registers.
template <typename Body>
ABSL_ATTRIBUTE_NOINLINE auto RunBlock(Body& body, int64_t begin, int64_t end) {
  return body(begin, end);
}

// Runs body(begin, end) over consecutive blocks of the n bars and checks
// each block's values (v.CheckValues) right after computing it, while they
// are in cache: the computation streams the inputs from memory (its latency
// hides that), the check then costs little. A body may return a bool: true
// when it screened every input value of the block itself (a ValueScreen,
// cores.h) and found nothing CheckValues would reject; the check is then
// skipped. Computing over a bad value is harmless (IEEE arithmetic, no
// integer conversions); on a bad value every output is set to NaN and the
// error is returned.
template <typename Body>
absl::Status RunChecked(const Validation& v, int64_t n,
                        std::initializer_list<absl::Span<double>> outputs,
                        Body body) {
  for (int64_t begin = 0; begin < n; begin += kBlockBars) {
    const int64_t end = std::min(n, begin + kBlockBars);
    if constexpr (std::is_same_v<decltype(body(begin, end)), bool>) {
      if (RunBlock(body, begin, end)) continue;
    } else {
      RunBlock(body, begin, end);
    }
    absl::Status status = v.CheckValues(begin, end);
    if (!status.ok()) {
      for (absl::Span<double> out : outputs) {
        FillNaN(out, static_cast<int64_t>(out.size()));
      }
      return status;
    }
  }
  return absl::OkStatus();
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
