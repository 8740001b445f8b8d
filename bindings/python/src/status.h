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

// Throws pybind11::error_already_set carrying the matching exception. When
// `status` came from the Python exception an adapter raised on this thread
// (KeepOriginalException), that exception is raised again instead if it is
// not an Exception (KeyboardInterrupt, SystemExit), and is the __cause__ of
// the botcore error otherwise. REQUIRES: the GIL is held.
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
// trouble) -> kUnavailable; what is not an Exception (KeyboardInterrupt,
// SystemExit) -> kCancelled; anything else -> kInternal. The message names
// `where`, the exception's type and its message. REQUIRES: the GIL is held.
absl::Status StatusFromPythonError(const pybind11::error_already_set& error,
                                   std::string_view where);

// Keeps `error`, which became `status`, for RaiseStatus on this thread: for
// an adapter called on the thread of a Python call that waits for C++
// (backtester.run calling Strategy.on_bar), so that the call raises the
// original exception rather than only its Status. One exception is kept per
// thread; the next RaiseStatus on the thread takes or drops it. REQUIRES:
// the GIL is held.
void KeepOriginalException(const absl::Status& status,
                           const pybind11::error_already_set& error);

}  // namespace botcore::python

#endif  // BOTCORE_BINDINGS_PYTHON_STATUS_H_
