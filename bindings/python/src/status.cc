#include "status.h"

#include <Python.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace botcore::python {
namespace {

namespace py = pybind11;

struct ErrorClass {
  absl::StatusCode code;
  const char* name;
  PyObject* extra_base;  // a builtin exception the class also derives from
  PyObject* type;
};

// The classes live as long as the module (and the interpreter).
ErrorClass error_classes[] = {
    {absl::StatusCode::kCancelled, "Cancelled", nullptr, nullptr},
    {absl::StatusCode::kUnknown, "Unknown", nullptr, nullptr},
    {absl::StatusCode::kInvalidArgument, "InvalidArgument", PyExc_ValueError,
     nullptr},
    {absl::StatusCode::kDeadlineExceeded, "DeadlineExceeded",
     PyExc_TimeoutError, nullptr},
    {absl::StatusCode::kNotFound, "NotFound", PyExc_LookupError, nullptr},
    {absl::StatusCode::kAlreadyExists, "AlreadyExists", nullptr, nullptr},
    {absl::StatusCode::kPermissionDenied, "PermissionDenied",
     PyExc_PermissionError, nullptr},
    {absl::StatusCode::kResourceExhausted, "ResourceExhausted", nullptr,
     nullptr},
    {absl::StatusCode::kFailedPrecondition, "FailedPrecondition", nullptr,
     nullptr},
    {absl::StatusCode::kAborted, "Aborted", nullptr, nullptr},
    {absl::StatusCode::kOutOfRange, "OutOfRange", PyExc_ValueError, nullptr},
    {absl::StatusCode::kUnimplemented, "Unimplemented",
     PyExc_NotImplementedError, nullptr},
    {absl::StatusCode::kInternal, "Internal", nullptr, nullptr},
    {absl::StatusCode::kUnavailable, "Unavailable", nullptr, nullptr},
    {absl::StatusCode::kDataLoss, "DataLoss", nullptr, nullptr},
    {absl::StatusCode::kUnauthenticated, "Unauthenticated", nullptr, nullptr},
};

PyObject* base_error = nullptr;

// The Python exception an adapter raised on a thread whose Python call is
// waiting for C++ (KeepOriginalException), and the Status it became, until
// RaiseStatus on that thread takes it. Raw references, released with the GIL
// held: a thread_local py::object would be released at thread exit without
// it.
struct OriginalException {
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* trace = nullptr;

  void Clear() {
    Py_CLEAR(type);
    Py_CLEAR(value);
    Py_CLEAR(trace);
    code = absl::StatusCode::kOk;
    message.clear();
  }
};
thread_local OriginalException original_exception;

// Takes the exception kept on this thread, if `status` is the Status it
// became: the same code, and a message containing that Status's (engines
// prefix where it happened, e.g. the backtester the bar). Any other Status
// means the kept exception was handled in C++: it is dropped.
bool TakeOriginalException(const absl::Status& status,
                           OriginalException& taken) {
  const bool same = original_exception.value != nullptr &&
                    original_exception.code == status.code() &&
                    status.message().find(original_exception.message) !=
                        absl::string_view::npos;
  if (same) {
    taken = original_exception;
    original_exception = OriginalException{};
  } else {
    original_exception.Clear();
  }
  return same;
}

}  // namespace

void BindErrors(py::module_& m) {
  base_error = PyErr_NewExceptionWithDoc(
      "botcore.Error",
      "Base of every botcore error. `code` names the absl::StatusCode, e.g. "
      "'INVALID_ARGUMENT'; str(error) is the status message.",
      PyExc_Exception, nullptr);
  if (base_error == nullptr) throw py::error_already_set();
  py::handle(base_error).attr("code") =
      py::str(absl::StatusCodeToString(absl::StatusCode::kUnknown));
  m.attr("Error") = py::handle(base_error);
  for (ErrorClass& c : error_classes) {
    py::tuple bases =
        c.extra_base != nullptr
            ? py::make_tuple(py::handle(base_error), py::handle(c.extra_base))
            : py::make_tuple(py::handle(base_error));
    c.type = PyErr_NewException(absl::StrCat("botcore.", c.name).c_str(),
                                bases.ptr(), nullptr);
    if (c.type == nullptr) throw py::error_already_set();
    py::handle type(c.type);
    type.attr("code") = py::str(absl::StatusCodeToString(c.code));
    m.attr(c.name) = type;
  }
}

absl::Status StatusFromPythonError(const py::error_already_set& error,
                                   std::string_view where) {
  PyObject* type = error.type().ptr();
  const auto is = [type](PyObject* base) {
    return base != nullptr && PyObject_IsSubclass(type, base) == 1;
  };
  absl::StatusCode code = absl::StatusCode::kInternal;
  if (is(base_error)) {
    code = absl::StatusCode::kUnknown;
    for (const ErrorClass& c : error_classes) {
      if (is(c.type)) code = c.code;
    }
  } else if (is(PyExc_ValueError)) {
    code = absl::StatusCode::kInvalidArgument;
  } else if (is(PyExc_LookupError)) {
    code = absl::StatusCode::kNotFound;
  } else if (is(PyExc_TimeoutError)) {
    code = absl::StatusCode::kDeadlineExceeded;
  } else if (is(PyExc_PermissionError)) {
    code = absl::StatusCode::kPermissionDenied;
  } else if (is(PyExc_NotImplementedError)) {
    code = absl::StatusCode::kUnimplemented;
  } else if (is(PyExc_OSError)) {
    code = absl::StatusCode::kUnavailable;
  } else if (!is(PyExc_Exception)) {
    // KeyboardInterrupt, SystemExit, GeneratorExit: stop, do not retry.
    code = absl::StatusCode::kCancelled;
  }
  // The names and the message are read defensively: an exception whose
  // __str__ raises must still become a Status, not escape into C++.
  std::string type_name = "exception";
  std::string message = "<unprintable>";
  try {
    const py::handle type_handle = error.type();
    type_name = py::str(type_handle.attr("__qualname__"));
    const std::string module = py::str(type_handle.attr("__module__"));
    if (module != "builtins") type_name = absl::StrCat(module, ".", type_name);
    message = py::str(error.value());
  } catch (const py::error_already_set&) {
  }
  return absl::Status(code, absl::StrCat(std::string(where), " raised ",
                                         type_name, ": ", message));
}

void KeepOriginalException(const absl::Status& status,
                           const py::error_already_set& error) {
  original_exception.Clear();
  original_exception.code = status.code();
  original_exception.message = std::string(status.message());
  original_exception.type = py::object(error.type()).release().ptr();
  original_exception.value = py::object(error.value()).release().ptr();
  original_exception.trace = py::object(error.trace()).release().ptr();
}

void RaiseStatus(const absl::Status& status) {
  PyObject* type = base_error;
  for (const ErrorClass& c : error_classes) {
    if (c.code == status.code()) type = c.type;
  }
  OriginalException original;
  if (!TakeOriginalException(status, original)) {
    PyErr_SetString(type, std::string(status.message()).c_str());
    throw py::error_already_set();
  }
  if (original.value != nullptr &&
      PyObject_IsInstance(original.value, PyExc_Exception) != 1) {
    // KeyboardInterrupt, SystemExit: the caller gets the very exception,
    // with its traceback, as if C++ had not been in between.
    PyErr_Restore(original.type, original.value, original.trace);
    throw py::error_already_set();
  }
  // An ordinary exception becomes the botcore error of its status code, with
  // the original (and its traceback) as __cause__.
  PyObject* error =
      PyObject_CallFunction(type, "s", std::string(status.message()).c_str());
  if (error == nullptr) {
    original.Clear();
    throw py::error_already_set();
  }
  if (original.value != nullptr) {
    if (original.trace != nullptr) {
      PyException_SetTraceback(original.value, original.trace);
    }
    PyException_SetCause(error, original.value);  // steals the reference
    original.value = nullptr;
  }
  original.Clear();
  PyErr_SetObject(type, error);
  Py_DECREF(error);
  throw py::error_already_set();
}

}  // namespace botcore::python
