// Turns a non-OK absl::Status into a Python exception: a subclass of
// botcore.Error per status code (botcore.InvalidArgument, ...), whose message
// is the status message.

#ifndef BOTCORE_BINDINGS_PYTHON_STATUS_H_
#define BOTCORE_BINDINGS_PYTHON_STATUS_H_

#include <pybind11/pybind11.h>

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

}  // namespace botcore::python

#endif  // BOTCORE_BINDINGS_PYTHON_STATUS_H_
