// NumPy price arrays in: any array-like of numbers, converted to a
// contiguous float64 array (no copy when it already is one).

#ifndef BOTCORE_BINDINGS_PYTHON_ARRAYS_H_
#define BOTCORE_BINDINGS_PYTHON_ARRAYS_H_

#include <pybind11/numpy.h>

#include <string>

#include "absl/status/status.h"
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

}  // namespace botcore::python

#endif  // BOTCORE_BINDINGS_PYTHON_ARRAYS_H_
