// Statuses and Python exceptions, both ways: a non-OK absl::Status raises a
// subclass of botcore.Error per status code (botcore.InvalidArgument, ...)
// whose message is the status message, and a Python exception raised where
// C++ expects a Status (a Python adapter) becomes one.

#ifndef BOTCORE_BINDINGS_PYTHON_STATUS_H_
#define BOTCORE_BINDINGS_PYTHON_STATUS_H_

#include <pybind11/pybind11.h>

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace botcore::python {

// Creates botcore.Error and its subclasses in `m`.
void BindErrors(pybind11::module_& m);

// Throws pybind11::error_already_set carrying the matching exception.
[[noreturn]] void RaiseStatus(const absl::Status& status);

inline void RaiseIfError(const absl::Status& status) {
  if (!status.ok()) RaiseStatus(status);
}

template <typename T>
T ValueOrRaise(absl::StatusOr<T> value) {
  if (!value.ok()) RaiseStatus(value.status());
  return *std::move(value);
}

// The Status for the Python exception `error` raised by `where` (e.g.
// "MarketData.get_candles"): a botcore.Error subclass gives its own code;
// the builtin exceptions those classes also derive from map back the same
// way (ValueError -> kInvalidArgument, LookupError -> kNotFound,
// TimeoutError -> kDeadlineExceeded, PermissionError -> kPermissionDenied,
// NotImplementedError -> kUnimplemented); any other OSError (connection
// trouble) -> kUnavailable; KeyboardInterrupt -> kCancelled; anything else
// -> kInternal. The message names `where`, the exception's type and its
// message. REQUIRES: the GIL is held.
absl::Status StatusFromPythonError(const pybind11::error_already_set& error,
                                   std::string_view where);

}  // namespace botcore::python

#endif  // BOTCORE_BINDINGS_PYTHON_STATUS_H_
