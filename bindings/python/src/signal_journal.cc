// botcore.Signal, botcore.Candle and botcore.SignalJournal (with
// botcore.Database to give it a store). Times are timezone-aware datetimes
// (time_caster.h).

#include "botcore/signals/signal_journal.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "botcore/adapters/storage.h"
#include "botcore/core/candle.h"
#include "botcore/ports/database.h"
#include "botcore/signals/strategy.h"
#include "gil.h"
#include "pickling.h"
#include "status.h"
#include "time_caster.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

// The Database Python holds: it forwards to the opened database until
// close(), which waits for the transactions in progress and closes it; the
// engines still pointing at it then get kFailedPrecondition instead of a
// dangling pointer.
class ClosableDatabase final : public Database {
 public:
  explicit ClosableDatabase(std::unique_ptr<Database> database)
      : dialect_(database->dialect()),
        url_(database->url()),
        database_(std::move(database)) {}

  SqlDialect dialect() const override { return dialect_; }
  std::string url() const override { return url_; }

  absl::Status Transact(absl::FunctionRef<absl::Status(SqlTransaction&)> fn,
                        const TransactionOptions& options) override {
    absl::ReaderMutexLock lock(&mu_);
    if (database_ == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("database ", url_, " is closed"));
    }
    return database_->Transact(fn, options);
  }

  // Closes the connections; a no-op once closed.
  void Close() {
    std::unique_ptr<Database> closing;
    {
      absl::MutexLock lock(&mu_);
      closing = std::move(database_);
    }
  }

  bool closed() const {
    absl::ReaderMutexLock lock(&mu_);
    return database_ == nullptr;
  }

 private:
  const SqlDialect dialect_;
  const std::string url_;
  mutable absl::Mutex mu_;
  std::unique_ptr<Database> database_ ABSL_GUARDED_BY(mu_);
};

ClosableDatabase& Closable(Database& database) {
  // Python only ever gets databases made by Database(url).
  return static_cast<ClosableDatabase&>(database);
}

void Close(Database& database) {
  py::gil_scoped_release release;
  Closable(database).Close();
}

}  // namespace

void BindSignalJournal(py::module_& m) {
  py::enum_<Side>(m, "Side", "Which way a signal trades.")
      .value("BUY", Side::kBuy)
      .value("SELL", Side::kSell);

  py::class_<Candle> candle(m, "Candle",
                            "One OHLCV bar; `time` is when it opened.");
  PickleByFields(candle);
  candle
      .def(py::init([](absl::Time time, double open, double high, double low,
                       double close, double volume) {
             return Candle{time, open, high, low, close, volume};
           }),
           py::arg("time"), py::arg("open"), py::arg("high"), py::arg("low"),
           py::arg("close"), py::arg("volume") = 0.0)
      .def_readwrite("time", &Candle::time)
      .def_readwrite("open", &Candle::open)
      .def_readwrite("high", &Candle::high)
      .def_readwrite("low", &Candle::low)
      .def_readwrite("close", &Candle::close)
      .def_readwrite("volume", &Candle::volume)
      .def("__repr__", [](const Candle& c) {
        return absl::StrCat("Candle(", FormatIsoTime(c.time), ", o=", c.open,
                            ", h=", c.high, ", l=", c.low, ", c=", c.close,
                            ", v=", c.volume, ")");
      });

  m.def(
      "read_candles_csv",
      [](const std::string& path) {
        return WithoutGil([&] { return ReadCandlesCsv(path); });
      },
      py::arg("path"),
      "Reads an OHLCV CSV file (ts,open,high,low,close,volume) into Candles; "
      "raises botcore.NotFound or botcore.InvalidArgument.");

  py::class_<Signal>(m, "Signal", "A trading signal a strategy emitted.")
      .def(py::init([](std::string symbol, std::string timeframe,
                       absl::Time time, Side side, double entry,
                       double take_profit, double stop_loss, int confidence,
                       std::vector<std::string> reasons, std::string id) {
             Signal s;
             s.symbol = std::move(symbol);
             s.timeframe = std::move(timeframe);
             s.time = time;
             s.side = side;
             s.entry = entry;
             s.take_profit = take_profit;
             s.stop_loss = stop_loss;
             s.confidence = confidence;
             s.reasons = std::move(reasons);
             s.id = std::move(id);
             return s;
           }),
           py::arg("symbol"), py::arg("timeframe"), py::arg("time"),
           py::arg("side"), py::arg("entry"), py::arg("take_profit"),
           py::arg("stop_loss"), py::arg("confidence") = 0,
           py::arg("reasons") = std::vector<std::string>{},
           py::arg("id") = std::string())
      .def_readwrite("symbol", &Signal::symbol)
      .def_readwrite("timeframe", &Signal::timeframe)
      .def_readwrite("time", &Signal::time)
      .def_readwrite("side", &Signal::side)
      .def_readwrite("entry", &Signal::entry)
      .def_readwrite("take_profit", &Signal::take_profit)
      .def_readwrite("stop_loss", &Signal::stop_loss)
      .def_readwrite("confidence", &Signal::confidence)
      .def_readwrite("reasons", &Signal::reasons)
      .def_readwrite("id", &Signal::id)
      .def("__repr__",
           [](const Signal& s) {
             return absl::StrCat("Signal(", SignalId(s), " entry=", s.entry,
                                 " take_profit=", s.take_profit,
                                 " stop_loss=", s.stop_loss,
                                 " confidence=", s.confidence, ")");
           })
      .def_property_readonly(
          "effective_id", [](const Signal& s) { return SignalId(s); },
          "`id`, or the id derived from symbol, timeframe, time and side.");

  py::class_<Database, std::shared_ptr<Database>>(
      m, "Database",
      "A SQLite or PostgreSQL store, for the engines to share. A context "
      "manager: leaving the `with` block closes it.")
      .def(py::init([](const std::string& url) -> std::shared_ptr<Database> {
             return std::make_shared<ClosableDatabase>(
                 WithoutGil([&] { return OpenDatabase(url); }));
           }),
           py::arg("url"),
           "Opens (creating if needed) 'sqlite::memory:', "
           "'sqlite:///relative.db', 'sqlite:////absolute.db' or "
           "'postgresql://user:pass@host/db'. Raises botcore.InvalidArgument "
           "for a malformed URL, botcore.Unavailable when it cannot connect.")
      .def_property_readonly("url", &Database::url,
                             "The URL it was opened with, password masked.")
      .def("close", &Close,
           "Waits for the transactions in progress and closes the "
           "connections; engines using the database then raise "
           "botcore.FailedPrecondition. Closing twice is harmless.")
      .def_property_readonly(
          "closed", [](Database& d) { return Closable(d).closed(); },
          "True once close() was called.")
      .def(
          "__enter__", [](py::object self) { return self; },
          "Returns the database itself.")
      .def(
          "__exit__", [](Database& d, const py::args&) { Close(d); },
          "Closes the database.");

  py::enum_<SignalOutcome>(m, "SignalOutcome")
      .value("OPEN", SignalOutcome::kOpen)
      .value("TAKE_PROFIT", SignalOutcome::kTakeProfit)
      .value("STOP_LOSS", SignalOutcome::kStopLoss)
      .value("EXPIRED", SignalOutcome::kExpired);

  py::class_<JournalEntry>(m, "JournalEntry",
                           "A recorded signal and what became of it.")
      .def(py::init<>())
      .def_readonly("signal", &JournalEntry::signal)
      .def_readonly("outcome", &JournalEntry::outcome)
      .def_readonly("bars", &JournalEntry::bars)
      .def_readonly("resolved_at", &JournalEntry::resolved_at)
      .def_readonly("exit_price", &JournalEntry::exit_price)
      .def_readonly("r_multiple", &JournalEntry::r_multiple)
      .def_readonly("return_percent", &JournalEntry::return_percent)
      .def("__repr__", [](const JournalEntry& e) {
        return absl::StrCat("JournalEntry(", SignalId(e.signal), " ",
                            std::string(SignalOutcomeName(e.outcome)),
                            " bars=", e.bars, " r=", e.r_multiple, ")");
      });

  py::class_<SignalStats>(m, "SignalStats",
                          "Performance of one symbol and timeframe.")
      .def(py::init<>())
      .def_readonly("symbol", &SignalStats::symbol)
      .def_readonly("timeframe", &SignalStats::timeframe)
      .def_readonly("recorded", &SignalStats::recorded)
      .def_readonly("open", &SignalStats::open)
      .def_readonly("resolved", &SignalStats::resolved)
      .def_readonly("take_profits", &SignalStats::take_profits)
      .def_readonly("stop_losses", &SignalStats::stop_losses)
      .def_readonly("expired", &SignalStats::expired)
      .def_readonly("wins", &SignalStats::wins)
      .def_readonly("losses", &SignalStats::losses)
      .def_readonly("win_rate", &SignalStats::win_rate)
      .def_readonly("average_r", &SignalStats::average_r)
      .def_readonly("profit_factor", &SignalStats::profit_factor)
      .def_readonly("expectancy_percent", &SignalStats::expectancy_percent)
      .def_readonly("longest_losing_streak",
                    &SignalStats::longest_losing_streak)
      .def("__repr__", [](const SignalStats& st) {
        return absl::StrCat(
            "SignalStats(", st.symbol, " ", st.timeframe,
            " recorded=", st.recorded, " resolved=", st.resolved,
            " win_rate=", st.win_rate, " average_r=", st.average_r,
            " profit_factor=", st.profit_factor, ")");
      });

  // The journal keeps its database alive.
  struct PyJournal {
    std::shared_ptr<Database> db;
    std::unique_ptr<SignalJournal> journal;
  };
  py::class_<PyJournal>(
      m, "SignalJournal",
      "Records signals, resolves them against later candles (a bar touching "
      "both levels counts as a stop-loss) and reports statistics.")
      .def(py::init([](std::shared_ptr<Database> db, int expiry_bars) {
             SignalJournalOptions options;
             options.database = db.get();
             options.expiry_bars = expiry_bars;
             std::unique_ptr<SignalJournal> journal =
                 WithoutGil([&] { return SignalJournal::Create(options); });
             return PyJournal{std::move(db), std::move(journal)};
           }),
           py::arg("database"), py::arg("expiry_bars") = 20)
      .def(
          "record",
          [](PyJournal& j, const Signal& s) {
            return WithoutGil([&] { return j.journal->Record(s); });
          },
          py::arg("signal"),
          "True when newly recorded, False when already recorded as is; "
          "raises botcore.AlreadyExists when the id holds another signal.")
      .def(
          "resolve",
          [](PyJournal& j, const std::string& symbol,
             const std::string& timeframe, const std::vector<Candle>& candles) {
            return WithoutGil(
                [&] { return j.journal->Resolve(symbol, timeframe, candles); });
          },
          py::arg("symbol"), py::arg("timeframe"), py::arg("candles"),
          "Resolves open signals against `candles` (oldest first); returns the "
          "entries this call resolved.")
      .def(
          "entries",
          [](PyJournal& j, const std::string& symbol,
             const std::string& timeframe) {
            return WithoutGil(
                [&] { return j.journal->Entries(symbol, timeframe); });
          },
          py::arg("symbol"), py::arg("timeframe"),
          "Every recorded signal of `symbol` and `timeframe` with its outcome.")
      .def(
          "stats",
          [](PyJournal& j, const std::string& symbol,
             const std::string& timeframe) {
            return WithoutGil(
                [&] { return j.journal->Stats(symbol, timeframe); });
          },
          py::arg("symbol"), py::arg("timeframe"),
          "Win rate, average R, profit factor and more of `symbol` and "
          "`timeframe`.")
      .def(
          "all_stats",
          [](PyJournal& j) {
            return WithoutGil([&] { return j.journal->AllStats(); });
          },
          "SignalStats of every symbol and timeframe recorded.");
}

}  // namespace botcore::python
