// Crossing between Python and C++ with the GIL handled the one way the
// bindings use:
//  - Python -> C++: WithoutGil(fn) runs an engine call that may block (I/O,
//    database, long computations) with the GIL released, then raises its
//    error or returns its value with the GIL held again;
//  - C++ -> Python: CallOverride<T>(self, "Port.method", "method", args...)
//    calls a Python subclass's method from any thread (it takes the GIL) and
//    turns whatever goes wrong into a Status, so no exception ever unwinds
//    through C++ engine code. Trampolines (PyStrategy, PyAdvisor, ...) use
//    nothing else.

#ifndef BOTCORE_BINDINGS_PYTHON_GIL_H_
#define BOTCORE_BINDINGS_PYTHON_GIL_H_

#include <Python.h>
#include <pybind11/pybind11.h>

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "status.h"

namespace botcore::python {

// Runs `fn` (returning a Status or StatusOr) without the GIL; raises its
// error, or returns its value, with the GIL held again.
template <typename Fn>
auto WithoutGil(Fn&& fn) {
  auto result = [&] {
    pybind11::gil_scoped_release release;
    return fn();
  }();
  if constexpr (std::is_same_v<decltype(result), absl::Status>) {
    RaiseIfError(result);
  } else {
    return ValueOrRaise(std::move(result));
  }
}

// What CallOverride<T> returns: a Status for T = void, else StatusOr<T>.
template <typename T>
using OverrideResult =
    std::conditional_t<std::is_void_v<T>, absl::Status, absl::StatusOr<T>>;

// Calls the Python override `method` of `self` (an object of a Python
// subclass of the bound class `Base`) with `args`, holding the GIL, and
// converts its result to T. `where` names the call in error messages, e.g.
// "MarketData.get_candles".
// Errors: kUnimplemented when the subclass does not define `method`; the
// Python exception as StatusFromPythonError maps it (on a thread whose Python
// call waits for C++, kept for that call: KeepOriginalException); kInternal
// when the result is not a T; kCancelled when the interpreter is shutting
// down.
// Thread-safe: callable from any thread, with or without the GIL.
template <typename T, typename Base, typename... Args>
OverrideResult<T> CallOverride(const Base* self, const char* where,
                               const char* method, Args&&... args) {
  if (_Py_IsFinalizing()) {
    return absl::CancelledError(
        absl::StrCat(where, ": the Python interpreter is shutting down"));
  }
  // A thread already known to Python is one whose Python call waits for
  // C++ (with the GIL released); a C++ worker thread gets a thread state
  // for this call only.
  const bool python_waits_here = PyGILState_GetThisThreadState() != nullptr;
  pybind11::gil_scoped_acquire gil;
  try {
    pybind11::function override = pybind11::get_override(self, method);
    if (!override) {
      return absl::UnimplementedError(absl::StrCat(
          where, ": the Python subclass does not define ", method, "()"));
    }
    pybind11::object result = override(std::forward<Args>(args)...);
    if constexpr (std::is_void_v<T>) {
      return absl::OkStatus();
    } else {
      return result.template cast<T>();
    }
  } catch (const pybind11::error_already_set& e) {
    absl::Status status = StatusFromPythonError(e, where);
    if (python_waits_here) KeepOriginalException(status, e);
    return status;
  } catch (const pybind11::cast_error& e) {
    return absl::InternalError(
        absl::StrCat(where, " returned the wrong type: ", e.what()));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(where, ": ", e.what()));
  }
}

// The name() a Python subclass of `Base` gives, or its class name when it
// defines none or name() fails (reported as ReportUnraisable does).
template <typename Base>
std::string OverriddenName(const Base* self, const char* where);

// For the few port methods that cannot fail (Strategy.name, Strategy.reset):
// reports a non-OK `status` through sys.unraisablehook, as Python does for
// exceptions in __del__. Thread-safe.
inline void ReportUnraisable(const absl::Status& status) {
  if (status.ok() || _Py_IsFinalizing()) return;
  pybind11::gil_scoped_acquire gil;
  PyErr_SetString(PyExc_RuntimeError, std::string(status.message()).c_str());
  PyErr_WriteUnraisable(nullptr);
}

template <typename Base>
std::string OverriddenName(const Base* self, const char* where) {
  absl::StatusOr<std::string> name =
      CallOverride<std::string>(self, where, "name");
  if (name.ok()) return *std::move(name);
  if (name.status().code() != absl::StatusCode::kUnimplemented) {
    ReportUnraisable(name.status());
  }
  if (_Py_IsFinalizing()) return "python";
  pybind11::gil_scoped_acquire gil;
  return pybind11::str(
      pybind11::type::handle_of(pybind11::cast(self)).attr("__name__"));
}

}  // namespace botcore::python

#endif  // BOTCORE_BINDINGS_PYTHON_GIL_H_
