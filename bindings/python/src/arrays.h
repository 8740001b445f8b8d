// NumPy price arrays in: any array-like of numbers, converted to a
// contiguous float64 array (no copy when it already is one), and where
// TA-Lib's Python wrapper starts computing on them (leading NaN bars).

#ifndef BOTCORE_BINDINGS_PYTHON_ARRAYS_H_
#define BOTCORE_BINDINGS_PYTHON_ARRAYS_H_

#include <pybind11/numpy.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "status.h"

namespace botcore::python {

using Prices = pybind11::array_t<double, pybind11::array::c_style |
                                             pybind11::array::forcecast>;

// A view of `a`; raises botcore.InvalidArgument naming `name` unless `a` is
// one-dimensional.
inline absl::Span<const double> View(const Prices& a, const char* name) {
  if (a.ndim() != 1) {
    RaiseStatus(absl::InvalidArgumentError(std::string(name) +
                                           " must be a one-dimensional array"));
  }
  return absl::Span<const double>(a.data(), static_cast<size_t>(a.shape(0)));
}

// TA-Lib's Python wrapper runs an indicator from the first bar where no input
// is NaN, as if the series began there (so talib.RSI(talib.SMA(c, 5)) works),
// and returns NaN before it; when the rest is not longer than the lookback,
// every output is NaN (TA-Lib computes no value) where botcore's engine
// would refuse a period longer than the input. A NaN after that first bar
// is still refused by the engine. Returns the bar to run the engine from, or
// nullopt when every output is NaN; 0 when the inputs differ in length or
// the parameters are bad (`lookback` -1), so that the engine reports it.
inline std::optional<size_t> FirstBar(
    std::initializer_list<absl::Span<const double>> inputs, int lookback) {
  const size_t n = inputs.begin()->size();
  for (const absl::Span<const double> input : inputs) {
    if (input.size() != n) return 0;
  }
  if (lookback < 0) return 0;
  size_t first = 0;
  while (first < n && std::any_of(inputs.begin(), inputs.end(),
                                  [first](absl::Span<const double> input) {
                                    return std::isnan(input[first]);
                                  })) {
    ++first;
  }
  if (n - first <= static_cast<size_t>(lookback)) return std::nullopt;
  return first;
}

// The Status of an engine that ran from bar `first` (FirstBar): when bars
// were skipped, its message says where the indices it names count from.
inline absl::Status CountedFrom(size_t first, absl::Status status) {
  if (status.ok() || first == 0) return status;
  return absl::Status(
      status.code(),
      absl::StrCat(status.message(), " (indices count from bar ", first,
                   ", the first where no input is NaN: leading NaN bars are "
                   "skipped, as TA-Lib's Python wrapper does)"));
}

}  // namespace botcore::python

#endif  // BOTCORE_BINDINGS_PYTHON_ARRAYS_H_
