// botcore.OrderedExecutor: the runtime's worker pool, running Python
// callables on C++ worker threads in per-key order and completing a
// concurrent.futures.Future for each. Every call into the executor releases
// the GIL, and a task takes it only while it runs Python, so a task that
// calls back into botcore (releasing the GIL again) or submits more tasks
// cannot deadlock with the thread that waits for it.

#include <Python.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "botcore/runtime/ordered_executor.h"
#include "gil.h"
#include "status.h"
#include "time_caster.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

// A Python callable and the future it completes. Dropped unrun (executor
// shut down with a deadline), it cancels the future.
class PythonTask {
 public:
  PythonTask(py::object fn, py::object future)
      : fn_(std::move(fn)), future_(std::move(future)) {}

  PythonTask(const PythonTask&) = delete;
  PythonTask& operator=(const PythonTask&) = delete;

  ~PythonTask() {
    if (!fn_ || _Py_IsFinalizing()) {
      // At interpreter exit the objects are left to the interpreter.
      fn_.release();
      future_.release();
      return;
    }
    py::gil_scoped_acquire gil;
    try {
      future_.attr("cancel")();
    } catch (const py::error_already_set& e) {
      ReportUnraisable(StatusFromPythonError(e, "OrderedExecutor task"));
    }
    fn_ = py::object();
    future_ = py::object();
  }

  // Runs on a worker thread, without the GIL on entry.
  void Run() {
    if (_Py_IsFinalizing()) return;
    py::gil_scoped_acquire gil;
    const py::object fn = std::move(fn_);
    const py::object future = std::move(future_);
    try {
      if (!future.attr("set_running_or_notify_cancel")().cast<bool>()) return;
      py::object result;
      try {
        result = fn();
      } catch (const py::error_already_set& e) {
        future.attr("set_exception")(e.value());
        return;
      }
      future.attr("set_result")(result);
    } catch (const py::error_already_set& e) {
      ReportUnraisable(StatusFromPythonError(e, "OrderedExecutor task"));
    }
  }

 private:
  py::object fn_;
  py::object future_;
};

// Shuts the executor down without the GIL when Python drops it, so the
// tasks still queued can take the GIL and finish.
struct ExecutorHandle {
  explicit ExecutorHandle(int threads)
      : executor(std::make_unique<OrderedExecutor>(threads)) {}
  ~ExecutorHandle() {
    py::gil_scoped_release release;
    executor.reset();
  }
  std::unique_ptr<OrderedExecutor> executor;
};

void Shutdown(ExecutorHandle& h, std::optional<absl::Duration> timeout) {
  WithoutGil([&] {
    return h.executor->Shutdown(timeout.value_or(absl::InfiniteDuration()));
  });
}

}  // namespace

void BindRuntime(py::module_& m) {
  py::class_<ExecutorHandle>(
      m, "OrderedExecutor",
      "The bot runtime's worker pool: runs callables on C++ worker threads, "
      "keeping the order of those submitted with the same key (the bot uses "
      "the chat id) while different keys run in parallel. Use it as a "
      "context manager, or call shutdown(), so that queued work finishes.")
      .def(py::init([](int threads) {
             if (threads < 1) {
               RaiseStatus(absl::InvalidArgumentError(
                   absl::StrCat("threads must be at least 1, got ", threads)));
             }
             return std::make_unique<ExecutorHandle>(threads);
           }),
           py::arg("threads") = 4)
      .def(
          "submit",
          [](ExecutorHandle& h, int64_t key, py::function task) {
            py::object future =
                py::module_::import("concurrent.futures").attr("Future")();
            auto job = std::make_unique<PythonTask>(std::move(task), future);
            WithoutGil([&] {
              return h.executor->Submit(
                  key, [job = std::move(job)]() mutable { job->Run(); });
            });
            return future;
          },
          py::arg("key"), py::arg("task"),
          "Queues task() after every task submitted earlier with `key` and "
          "returns a concurrent.futures.Future of its result (or exception). "
          "Raises botcore.FailedPrecondition once shut down.")
      .def("shutdown", &Shutdown, py::arg("timeout") = std::nullopt,
           "Stops taking tasks and waits (for ever, or up to a timedelta) for "
           "the queued ones; raises botcore.DeadlineExceeded naming how many "
           "were dropped (their futures are cancelled).")
      .def_property_readonly(
          "pending",
          [](const ExecutorHandle& h) { return h.executor->pending(); },
          "Tasks queued or running.")
      .def(
          "__enter__", [](ExecutorHandle& h) -> ExecutorHandle& { return h; },
          py::return_value_policy::reference, "Returns the executor itself.")
      .def(
          "__exit__",
          [](ExecutorHandle& h, const py::args&) { Shutdown(h, std::nullopt); },
          "Shuts down, waiting for every queued task.");
}

}  // namespace botcore::python
