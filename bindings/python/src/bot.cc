// botcore.Config and botcore.Bot: the whole bot runtime (BotAssembly) built
// from a configuration and run from Python, with any mix of built-in and
// Python adapters. Bot.run runs the C++ Run on a worker thread while the
// calling thread waits without the GIL and looks for signals every
// kSignalPoll, so Ctrl-C stops the bot gracefully and then raises
// KeyboardInterrupt. In console mode the bot reads stdin through the
// assembly's ConsoleInput (botcore/adapters/console.h), which a stop ends.

#include <Python.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "botcore/core/config.h"
#include "botcore/ports/advisor.h"
#include "botcore/ports/chain_client.h"
#include "botcore/ports/market_data.h"
#include "botcore/ports/messenger.h"
#include "botcore/runtime/bot_assembly.h"
#include "gil.h"
#include "status.h"
#include "time_caster.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

// How often Bot.run looks for a pending signal (Ctrl-C).
constexpr absl::Duration kSignalPoll = absl::Milliseconds(100);

// The BotAssembly Python holds, with the adapters handed to it, which stay
// alive as long as the assembly uses them. close() destroys the assembly
// (closing the database) once no call is using it.
class PythonBot {
 public:
  PythonBot(std::unique_ptr<BotAssembly> assembly,
            std::vector<py::object> adapters)
      : assembly_(std::move(assembly)), adapters_(std::move(adapters)) {}

  PythonBot(const PythonBot&) = delete;
  PythonBot& operator=(const PythonBot&) = delete;

  // Called with the GIL held; the adapters go after the assembly.
  ~PythonBot() {
    py::gil_scoped_release release;
    absl::MutexLock lock(&mu_);
    assembly_.reset();
  }

  // REQUIRES: the GIL is held.
  void Run() {
    if (running_) {
      RaiseStatus(absl::FailedPreconditionError("Bot.run is already running"));
    }
    running_ = true;
    struct ClearRunning {
      bool& running;
      ~ClearRunning() { running = false; }
    } clear_running{running_};
    absl::Status status;
    std::optional<py::error_already_set> interrupt;
    {
      py::gil_scoped_release release;
      absl::ReaderMutexLock lock(&mu_);
      if (assembly_ == nullptr) {
        status = Closed();
      } else {
        absl::Notification finished;
        std::thread worker([&] {
          status = assembly_->Run();
          finished.Notify();
        });
        while (!finished.WaitForNotificationWithTimeout(kSignalPoll)) {
          py::gil_scoped_acquire gil;
          // Runs the Python signal handlers (main thread only); the default
          // SIGINT handler raises KeyboardInterrupt.
          if (PyErr_CheckSignals() != 0) {
            interrupt.emplace();
            StopLocked();
            break;
          }
        }
        worker.join();
      }
    }
    if (interrupt) throw std::move(*interrupt);
    RaiseIfError(status);
  }

  void Stop() {
    absl::ReaderMutexLock lock(&mu_);
    if (assembly_ != nullptr) StopLocked();
  }

  HealthSnapshot Health() {
    return WithoutGil([&]() -> absl::StatusOr<HealthSnapshot> {
      absl::ReaderMutexLock lock(&mu_);
      if (assembly_ == nullptr) return Closed();
      return assembly_->Health();
    });
  }

  std::string Mode() {
    absl::ReaderMutexLock lock(&mu_);
    if (assembly_ == nullptr) RaiseStatus(Closed());
    return std::string(BotModeName(assembly_->settings().mode));
  }

  // REQUIRES: the GIL is held.
  void Close() {
    if (running_) {
      RaiseStatus(absl::FailedPreconditionError(
          "Bot.close: run() is in progress; call stop() and let it return "
          "first"));
    }
    {
      py::gil_scoped_release release;
      absl::MutexLock lock(&mu_);
      assembly_.reset();
    }
    adapters_.clear();
  }

  bool closed() {
    absl::ReaderMutexLock lock(&mu_);
    return assembly_ == nullptr;
  }

 private:
  static absl::Status Closed() {
    return absl::FailedPreconditionError("the bot is closed");
  }

  void StopLocked() ABSL_SHARED_LOCKS_REQUIRED(mu_) { assembly_->Stop(); }

  absl::Mutex mu_;
  std::unique_ptr<BotAssembly> assembly_ ABSL_GUARDED_BY(mu_);
  // Guarded by the GIL.
  std::vector<py::object> adapters_;
  bool running_ = false;
};

// The port `object` stands for, or nullptr for None; keeps `object` in
// `keep`. Raises TypeError when it is not a `Port`.
template <typename Port>
Port* Adapter(const py::object& object, const char* name,
              std::vector<py::object>& keep) {
  if (object.is_none()) return nullptr;
  if (!py::isinstance<Port>(object)) {
    throw py::type_error(absl::StrCat(
        name, " must be a botcore.",
        py::str(py::type::of<Port>().attr("__name__")).cast<std::string>(),
        " or None, got ",
        py::str(py::type::handle_of(object).attr("__name__"))
            .cast<std::string>()));
  }
  keep.push_back(object);
  return object.cast<Port*>();
}

std::unique_ptr<PythonBot> MakeBot(const Config& config,
                                   const py::object& market_data,
                                   const py::object& advisor,
                                   const py::object& messenger,
                                   const py::object& chain) {
  std::vector<py::object> adapters;
  BotAssemblyOptions options;
  options.market_data =
      Adapter<MarketData>(market_data, "market_data", adapters);
  options.advisor = Adapter<Advisor>(advisor, "advisor", adapters);
  options.messenger = Adapter<Messenger>(messenger, "messenger", adapters);
  options.chain = Adapter<ChainClient>(chain, "chain", adapters);
  std::unique_ptr<BotAssembly> assembly =
      WithoutGil([&] { return BotAssembly::Create(config, options); });
  return std::make_unique<PythonBot>(std::move(assembly), std::move(adapters));
}

void BindConfig(py::module_& m) {
  py::class_<Config>(
      m, "Config",
      "The settings a Bot is built from (every key: docs/configuration.md). "
      "Config(values) holds exactly `values`, a dict of str to str; "
      "Config.load('.env') reads the process environment overlaid on the "
      "file, as botcore-bot does. Secret values (tokens, keys, passwords) "
      "are shown masked by display_value and never appear in error "
      "messages.")
      .def(py::init([](std::map<std::string, std::string> values) {
             return Config::FromMap(std::move(values));
           }),
           py::arg("values") = std::map<std::string, std::string>{})
      .def_static(
          "load",
          [](const std::string& env_file) {
            return ValueOrRaise(Config::Load(env_file));
          },
          py::arg("env_file") = ".env",
          "The process environment overlaid on `env_file` (a missing file is "
          "not an error; a variable set in the environment wins). Raises "
          "botcore.InvalidArgument naming the file and line of a malformed "
          "line.")
      .def("get", &Config::Get, py::arg("key"),
           "The raw value of `key`, or None when it is not set.")
      .def("display_value", &Config::DisplayValue, py::arg("key"),
           "The value of `key` as it may be printed or logged: '***' for "
           "secret keys, URLs with their password masked, '<unset>' when "
           "unset.");
}

void BindHealth(py::module_& m) {
  py::class_<HealthSnapshot>(m, "BotHealth",
                             "What a bot's /healthz reports (Bot.health()).")
      .def_property_readonly(
          "database_reachable",
          [](const HealthSnapshot& h) { return h.database.ok(); },
          "A trivial query succeeded just now.")
      .def_property_readonly(
          "database_error",
          [](const HealthSnapshot& h) -> std::optional<std::string> {
            if (h.database.ok()) return std::nullopt;
            return h.database.ToString();
          },
          "Why the database did not answer, or None when it did.")
      .def_readonly("last_poll_age", &HealthSnapshot::last_poll_age,
                    "Time since the messenger last returned updates, or None "
                    "before the first time.")
      .def_readonly("running", &HealthSnapshot::running,
                    "Whether run() is running and stop() was not called.")
      .def_readonly("in_flight", &HealthSnapshot::in_flight,
                    "Updates queued or being handled.")
      .def("__repr__", [](const HealthSnapshot& h) {
        return absl::StrCat(
            "BotHealth(database_reachable=", h.database.ok() ? "True" : "False",
            ", running=", h.running ? "True" : "False",
            ", in_flight=", h.in_flight, ")");
      });
}

}  // namespace

void BindBot(py::module_& m) {
  BindConfig(m);
  BindHealth(m);
  py::class_<PythonBot>(
      m, "Bot",
      "The bot runtime built from a Config, as botcore-bot runs it: the "
      "database (DATABASE_URL, migrated), the messenger (Telegram when "
      "TELEGRAM_BOT_TOKEN is set, else the console), market data, the "
      "advisor, the chain and the engines. Any of `market_data`, `advisor`, "
      "`messenger` and `chain` may be given instead: a Python subclass of "
      "the port or a built-in one (SimulatedChain); the Bot keeps them "
      "alive. Creating it contacts no server. Use it as a context manager, "
      "or call close(), to close the database.")
      .def(py::init(&MakeBot), py::arg("config"), py::kw_only(),
           py::arg("market_data") = py::none(), py::arg("advisor") = py::none(),
           py::arg("messenger") = py::none(), py::arg("chain") = py::none())
      .def("run", &PythonBot::Run,
           "Runs the bot until stop() is called or the messenger's receive() "
           "raises botcore.OutOfRange (end of input), then finishes the "
           "updates in flight and returns. The GIL is released meanwhile. "
           "Ctrl-C (SIGINT, when run from the main thread) stops the bot the "
           "same way and then raises KeyboardInterrupt (any exception a Python "
           "signal handler raises is handled so). Raises "
           "botcore.DeadlineExceeded when in-flight work did not finish "
           "within SHUTDOWN_TIMEOUT, botcore.FailedPrecondition when run "
           "twice or closed.")
      .def("stop", &PythonBot::Stop,
           "Asks run() to return; callable from any thread, including a "
           "Python adapter's method. A no-op once closed.")
      .def("health", &PythonBot::Health,
           "The BotHealth /healthz reports. Any thread.")
      .def_property_readonly("mode", &PythonBot::Mode,
                             "'console', 'polling' or 'webhook', as the "
                             "configuration chose.")
      .def("close", &PythonBot::Close,
           "Closes the database and lets go of the adapters; a no-op once "
           "closed. Raises botcore.FailedPrecondition while run() is in "
           "progress.")
      .def_property_readonly("closed", &PythonBot::closed,
                             "Whether close() was called.")
      .def(
          "__enter__", [](PythonBot& bot) -> PythonBot& { return bot; },
          py::return_value_policy::reference, "Returns the bot itself.")
      .def(
          "__exit__", [](PythonBot& bot, const py::args&) { bot.Close(); },
          "Closes the bot.");
}

}  // namespace botcore::python
