// Strategies (subclassable from Python), the paper PortfolioBook, the risk
// engine and the backtester. Candle, Side and Signal are bound with the
// signal journal (signal_journal.cc), which must be bound first.

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "botcore/backtest/backtester.h"
#include "botcore/core/candle.h"
#include "botcore/portfolio/book.h"
#include "botcore/portfolio/instrument.h"
#include "botcore/portfolio/strategy_advisor.h"
#include "botcore/ports/advisor.h"
#include "botcore/ports/market_data.h"
#include "botcore/risk/risk_engine.h"
#include "botcore/signals/sma_cross.h"
#include "botcore/signals/strategy.h"
#include "gil.h"
#include "pickling.h"
#include "status.h"
#include "time_caster.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

// Lets Python classes implement Strategy (see gil.h for errors and the GIL).
// name() and reset() cannot fail in C++: their exceptions go to
// sys.unraisablehook and name() falls back to the class name.
class PyStrategy final : public Strategy {
 public:
  std::string_view name() const override {
    name_ = OverriddenName(Base(), "Strategy.name");
    return name_;
  }

  absl::StatusOr<std::optional<Signal>> OnBar(const Candle& bar) override {
    return CallOverride<std::optional<Signal>>(Base(), "Strategy.on_bar",
                                               "on_bar", bar);
  }

  void Reset() override {
    absl::Status reset = CallOverride<void>(Base(), "Strategy.reset", "reset");
    if (reset.code() != absl::StatusCode::kUnimplemented) {
      ReportUnraisable(reset);
    }
  }

 private:
  const Strategy* Base() const { return this; }

  mutable std::string name_;
};

}  // namespace

void BindTrading(py::module_& m) {
  m.def("format_iso_time", &FormatIsoTime, py::arg("time"),
        "The time as ISO-8601 UTC, e.g. '2014-06-09T00:00:00Z'.");

  py::class_<Strategy, PyStrategy>(
      m, "Strategy",
      "The strategy port. Subclass it in Python: define name(), "
      "on_bar(candle) -> Signal | None and optionally reset(). An exception "
      "in on_bar becomes a Status that stops the backtest (botcore.Error "
      "subclasses keep their code; see docs/python.md for the others); one "
      "in name() or reset() goes to sys.unraisablehook.")
      .def(py::init<>())
      .def(
          "name", [](const Strategy& s) { return std::string(s.name()); },
          "A short stable name, e.g. 'sma_cross'.")
      .def(
          "on_bar",
          [](Strategy& s, const Candle& bar) {
            return ValueOrRaise(s.OnBar(bar));
          },
          py::arg("bar"),
          "Feeds one bar (in time order); returns a Signal or None.")
      .def("reset", &Strategy::Reset,
           "Forgets every bar, to start a new series.");

  py::class_<SmaCrossStrategy, Strategy>(
      m, "SmaCrossStrategy",
      "The reference SMA(fast)/SMA(slow) crossover on closes, long only, with "
      "exact "
      "window means.")
      .def(py::init([](int fast, int slow, const std::string& symbol) {
             SmaCrossOptions options;
             options.fast = fast;
             options.slow = slow;
             options.symbol = symbol;
             return ValueOrRaise(SmaCrossStrategy::Create(options));
           }),
           py::arg("fast") = 10, py::arg("slow") = 30,
           py::arg("symbol") = "GAZP")
      .def_property_readonly("fast_sma", &SmaCrossStrategy::fast_sma)
      .def_property_readonly("slow_sma", &SmaCrossStrategy::slow_sma);

  py::class_<Instrument>(m, "Instrument",
                         "Lot size and price step of a symbol.")
      .def(py::init([](const std::string& symbol, int64_t lot_size,
                       const std::string& step) {
             return ValueOrRaise(MakeInstrument(symbol, lot_size, step));
           }),
           py::arg("symbol"), py::arg("lot_size") = 1,
           py::arg("price_step") = "0.01")
      .def_readonly("symbol", &Instrument::symbol)
      .def_readonly("lot_size", &Instrument::lot_size)
      .def_readonly("price_step", &Instrument::price_step)
      .def(py::pickle(
          [](const Instrument& i) {
            return py::make_tuple(i.symbol, i.lot_size,
                                  i.price_step.ToString());
          },
          [](const py::tuple& state) {
            return ValueOrRaise(MakeInstrument(state[0].cast<std::string>(),
                                               state[1].cast<int64_t>(),
                                               state[2].cast<std::string>()));
          }))
      .def(
          "price_on_step",
          [](const Instrument& i, double price, RoundingMode mode) {
            return ValueOrRaise(PriceOnStep(i, price, mode));
          },
          py::arg("price"), py::arg("rounding") = RoundingMode::kHalfEven,
          "A float price as an Amount on the step.");

  py::enum_<TradeReason>(m, "TradeReason")
      .value("ORDER", TradeReason::kOrder)
      .value("STOP_LOSS", TradeReason::kStopLoss)
      .value("TAKE_PROFIT", TradeReason::kTakeProfit);

  py::class_<Order>(
      m, "Order",
      "An order for the paper portfolio: symbol, side, whole-lot quantity, "
      "price on the step and optional stop-loss / take-profit.")
      .def(py::init([](const std::string& symbol, Side side, int64_t quantity,
                       Amount price, std::optional<Amount> stop_loss,
                       std::optional<Amount> take_profit) {
             Order o;
             o.symbol = symbol;
             o.side = side;
             o.quantity = quantity;
             o.price = price;
             o.stop_loss = stop_loss;
             o.take_profit = take_profit;
             return o;
           }),
           py::arg("symbol"), py::arg("side"), py::arg("quantity"),
           py::arg("price"), py::arg("stop_loss") = std::nullopt,
           py::arg("take_profit") = std::nullopt)
      .def_readwrite("symbol", &Order::symbol)
      .def_readwrite("side", &Order::side)
      .def_readwrite("quantity", &Order::quantity)
      .def_readwrite("price", &Order::price)
      .def_readwrite("stop_loss", &Order::stop_loss)
      .def_readwrite("take_profit", &Order::take_profit)
      .def_readwrite("reason", &Order::reason)
      .def_readwrite("recommendation_id", &Order::recommendation_id);

  py::class_<Trade>(m, "Trade",
                    "One fill of the portfolio: price, commission, realized "
                    "P&L and cash after it.")
      .def(py::init<>())
      .def_readonly("sequence", &Trade::sequence)
      .def_readonly("time", &Trade::time)
      .def_readonly("symbol", &Trade::symbol)
      .def_readonly("side", &Trade::side)
      .def_readonly("quantity", &Trade::quantity)
      .def_readonly("price", &Trade::price)
      .def_readonly("commission", &Trade::commission)
      .def_readonly("realized_pnl", &Trade::realized_pnl)
      .def_readonly("cash_after", &Trade::cash_after)
      .def_readonly("reason", &Trade::reason)
      .def_readonly("recommendation_id", &Trade::recommendation_id)
      .def_readonly("stop_loss", &Trade::stop_loss)
      .def_readonly("take_profit", &Trade::take_profit);

  py::class_<Position>(
      m, "Position",
      "An open position: quantity, cost, last price and protective levels.")
      .def(py::init<>())
      .def_readonly("symbol", &Position::symbol)
      .def_readonly("quantity", &Position::quantity)
      .def_readonly("cost", &Position::cost)
      .def_readonly("last_price", &Position::last_price)
      .def_readonly("stop_loss", &Position::stop_loss)
      .def_readonly("take_profit", &Position::take_profit)
      .def_readonly("opened_at", &Position::opened_at)
      .def("market_value", &Position::MarketValue,
           "Quantity times the last price.")
      .def("unrealized_pnl", &Position::UnrealizedPnl,
           "Market value minus cost.")
      .def("average_entry_price", &Position::AverageEntryPrice,
           "Cost per share.");

  py::class_<RoundTrip>(
      m, "RoundTrip",
      "A closed position: entry and exit, quantity, P&L and why it closed.")
      .def(py::init<>())
      .def_readonly("symbol", &RoundTrip::symbol)
      .def_readonly("entry_time", &RoundTrip::entry_time)
      .def_readonly("exit_time", &RoundTrip::exit_time)
      .def_readonly("entry_price", &RoundTrip::entry_price)
      .def_readonly("exit_price", &RoundTrip::exit_price)
      .def_readonly("quantity", &RoundTrip::quantity)
      .def_readonly("pnl", &RoundTrip::pnl)
      .def_readonly("commission", &RoundTrip::commission)
      .def_readonly("exit_reason", &RoundTrip::exit_reason);

  py::class_<PortfolioBookOptions> portfolio_options(
      m, "PortfolioOptions",
      "Cash, commission (basis points), slippage (steps) "
      "and instruments of a paper portfolio.");
  PickleByFields(portfolio_options);
  portfolio_options.def(py::init<>())
      .def_readwrite("currency", &PortfolioBookOptions::currency)
      .def_readwrite("initial_cash", &PortfolioBookOptions::initial_cash)
      .def_readwrite("commission_bps", &PortfolioBookOptions::commission_bps)
      .def_readwrite("slippage_steps", &PortfolioBookOptions::slippage_steps)
      .def_readwrite("instruments", &PortfolioBookOptions::instruments);

  py::class_<PortfolioBook>(
      m, "Portfolio",
      "An in-memory paper portfolio (the core the bot persists).")
      .def(py::init([](const PortfolioBookOptions& options) {
             return ValueOrRaise(PortfolioBook::Create(options));
           }),
           py::arg("options") = PortfolioBookOptions{})
      .def_static(
          "replay",
          [](const PortfolioBookOptions& options,
             const std::vector<Trade>& trades) {
            return ValueOrRaise(PortfolioBook::Replay(options, trades));
          },
          py::arg("options"), py::arg("trades"),
          "Recomputes a portfolio from its trade history; raises "
          "botcore.DataLoss if "
          "the history is inconsistent.")
      .def(
          "execute",
          [](PortfolioBook& b, const Order& order, absl::Time time) {
            return ValueOrRaise(b.Execute(order, time));
          },
          py::arg("order"), py::arg("time"),
          "Fills an order. Raises InvalidArgument (lots, step, levels), "
          "NotFound "
          "(symbol), FailedPrecondition (cash, position).")
      .def(
          "mark",
          [](PortfolioBook& b, const std::string& symbol, const Amount& price) {
            RaiseIfError(b.Mark(symbol, price));
          },
          py::arg("symbol"), py::arg("price"),
          "Records `price` as the last price of `symbol`.")
      .def(
          "crossed_exit",
          [](const PortfolioBook& b, const std::string& symbol,
             const Amount& open, const Amount& high, const Amount& low) {
            return b.CrossedExit(symbol, open, high, low);
          },
          py::arg("symbol"), py::arg("open"), py::arg("high"), py::arg("low"),
          "The stop-loss / take-profit exit order these prices trigger, or "
          "None.")
      .def_property_readonly("cash", &PortfolioBook::cash)
      .def_property_readonly("initial_cash", &PortfolioBook::initial_cash)
      .def_property_readonly("realized_pnl", &PortfolioBook::realized_pnl)
      .def_property_readonly("commission_paid", &PortfolioBook::commission_paid)
      .def_property_readonly("peak_equity", &PortfolioBook::peak_equity)
      .def_property_readonly("market_value", &PortfolioBook::MarketValue)
      .def_property_readonly("equity", &PortfolioBook::Equity)
      .def_property_readonly("unrealized_pnl", &PortfolioBook::UnrealizedPnl)
      .def_property_readonly("exposure", &PortfolioBook::Exposure)
      .def_property_readonly("positions", &PortfolioBook::positions)
      .def_property_readonly("trades", &PortfolioBook::trades)
      .def_property_readonly("round_trips", &PortfolioBook::round_trips)
      .def(
          "position",
          [](const PortfolioBook& b,
             const std::string& symbol) -> std::optional<Position> {
            const Position* p = b.FindPosition(symbol);
            if (p == nullptr) return std::nullopt;
            return *p;
          },
          py::arg("symbol"), "The open position in `symbol`, or None.");

  py::enum_<TradeAction>(m, "TradeAction")
      .value("BUY", TradeAction::kBuy)
      .value("SELL", TradeAction::kSell)
      .value("HOLD", TradeAction::kHold);

  py::class_<Recommendation>(
      m, "Recommendation",
      "An advisor's proposal: quantity (shares) or percent, "
      "prices as Amounts on the step.")
      .def(py::init(
               [](const std::string& symbol, TradeAction action,
                  int64_t quantity, double percent, std::optional<Amount> entry,
                  std::optional<Amount> stop_loss,
                  std::optional<Amount> take_profit, int confidence,
                  const std::string& rationale, const std::string& source) {
                 Recommendation r;
                 r.symbol = symbol;
                 r.action = action;
                 r.quantity = quantity;
                 r.percent = percent;
                 r.entry = entry;
                 r.stop_loss = stop_loss;
                 r.take_profit = take_profit;
                 r.confidence = confidence;
                 r.rationale = rationale;
                 r.source = source;
                 return r;
               }),
           py::arg("symbol"), py::arg("action"), py::arg("quantity") = 0,
           py::arg("percent") = 0.0, py::arg("entry") = std::nullopt,
           py::arg("stop_loss") = std::nullopt,
           py::arg("take_profit") = std::nullopt, py::arg("confidence") = 0,
           py::arg("rationale") = "", py::arg("source") = "")
      .def_readwrite("id", &Recommendation::id)
      .def_readwrite("symbol", &Recommendation::symbol)
      .def_readwrite("action", &Recommendation::action)
      .def_readwrite("quantity", &Recommendation::quantity)
      .def_readwrite("percent", &Recommendation::percent)
      .def_readwrite("entry", &Recommendation::entry)
      .def_readwrite("stop_loss", &Recommendation::stop_loss)
      .def_readwrite("take_profit", &Recommendation::take_profit)
      .def_readwrite("confidence", &Recommendation::confidence)
      .def_readwrite("rationale", &Recommendation::rationale)
      .def_readwrite("source", &Recommendation::source);

  py::enum_<RiskDecision>(m, "RiskDecision")
      .value("APPROVED", RiskDecision::kApproved)
      .value("ADJUSTED", RiskDecision::kAdjusted)
      .value("REJECTED", RiskDecision::kRejected);
  py::enum_<TradingState>(m, "TradingState")
      .value("ACTIVE", TradingState::kActive)
      .value("REDUCING", TradingState::kReducing)
      .value("HALTED", TradingState::kHalted);

  py::class_<RiskReason>(m, "RiskReason",
                         "One reason of a risk verdict: its decision, a stable "
                         "code and a message for people.")
      .def(py::init<>())
      .def_readonly("decision", &RiskReason::decision)
      .def_readonly("code", &RiskReason::code)
      .def_readonly("message", &RiskReason::message);

  py::class_<RiskVerdict>(
      m, "RiskVerdict",
      "The risk engine's answer to a recommendation: approved, adjusted (see "
      "`order`) or rejected, with reasons.")
      .def(py::init<>())
      .def_readonly("decision", &RiskVerdict::decision)
      .def_readonly("order", &RiskVerdict::order)
      .def_readonly("reasons", &RiskVerdict::reasons)
      .def_readonly("trading_state", &RiskVerdict::trading_state)
      .def_property_readonly("allowed", &RiskVerdict::allowed)
      .def("summary", &RiskVerdict::Summary,
           "The verdict and its reasons as one line for people.");

  py::class_<RiskLimits> risk_limits(
      m, "RiskLimits",
      "Per-portfolio limits; None turns a check off. Defaults as "
      "DESIGN.md.");
  PickleByFields(risk_limits);
  risk_limits.def(py::init<>())
      .def_static("cash_only", &RiskLimits::CashOnly)
      .def_readwrite("max_position_fraction",
                     &RiskLimits::max_position_fraction)
      .def_readwrite("require_protective_levels",
                     &RiskLimits::require_protective_levels)
      .def_readwrite("default_stop_loss_fraction",
                     &RiskLimits::default_stop_loss_fraction)
      .def_readwrite("default_take_profit_fraction",
                     &RiskLimits::default_take_profit_fraction)
      .def_readwrite("min_reward_risk", &RiskLimits::min_reward_risk)
      .def_readwrite("max_trades_per_day", &RiskLimits::max_trades_per_day)
      .def_readwrite("daily_loss_limit", &RiskLimits::daily_loss_limit)
      .def_readwrite("enforce_trading_hours",
                     &RiskLimits::enforce_trading_hours)
      .def_readwrite("stop_loss_guard_count",
                     &RiskLimits::stop_loss_guard_count)
      .def_readwrite("stop_loss_guard_window",
                     &RiskLimits::stop_loss_guard_window)
      .def_readwrite("reducing_drawdown", &RiskLimits::reducing_drawdown)
      .def_readwrite("halted_drawdown", &RiskLimits::halted_drawdown)
      .def_readwrite("max_entry_deviation", &RiskLimits::max_entry_deviation)
      .def_readwrite("absurd_notional_multiple",
                     &RiskLimits::absurd_notional_multiple);

  py::class_<RiskEngine>(
      m, "RiskEngine", "Reviews recommendations (MOEX main-session calendar).")
      .def(py::init([](const std::vector<std::string>& holidays) {
             RiskEngineOptions options;
             for (const std::string& day : holidays) {
               absl::CivilDay d;
               if (!absl::ParseCivilTime(day, &d)) {
                 RaiseStatus(absl::InvalidArgumentError(
                     absl::StrCat("holiday \"", day, "\" is not YYYY-MM-DD")));
               }
               options.calendar.holidays.push_back(d);
             }
             return ValueOrRaise(RiskEngine::Create(options));
           }),
           py::arg("holidays") = std::vector<std::string>{},
           "holidays: exchange holidays as 'YYYY-MM-DD'.")
      .def("review", &RiskEngine::Review, py::arg("recommendation"),
           py::arg("portfolio"), py::arg("market_price"), py::arg("now"),
           py::arg("limits"),
           "Reviews a recommendation for `portfolio` at `market_price` and "
           "time `now` against `limits`; returns a RiskVerdict.")
      .def_static("trading_state", &RiskEngine::TradingStateOf,
                  py::arg("portfolio"), py::arg("limits"));

  py::class_<BacktestReport>(
      m, "BacktestReport",
      "The figures of a backtest: returns, drawdown, Sharpe, Sortino, win "
      "rate, profit factor, fills. str() formats them for people.")
      .def(py::init<>())
      .def_readonly("bars", &BacktestReport::bars)
      .def_readonly("initial_equity", &BacktestReport::initial_equity)
      .def_readonly("final_equity", &BacktestReport::final_equity)
      .def_readonly("years", &BacktestReport::years)
      .def_readonly("total_return", &BacktestReport::total_return)
      .def_readonly("cagr", &BacktestReport::cagr)
      .def_readonly("max_drawdown", &BacktestReport::max_drawdown)
      .def_readonly("sharpe", &BacktestReport::sharpe)
      .def_readonly("sortino", &BacktestReport::sortino)
      .def_readonly("calmar", &BacktestReport::calmar)
      .def_readonly("round_trips", &BacktestReport::round_trips)
      .def_readonly("fills", &BacktestReport::fills)
      .def_readonly("refused", &BacktestReport::refused)
      .def_readonly("win_rate", &BacktestReport::win_rate)
      .def_readonly("profit_factor", &BacktestReport::profit_factor)
      .def_readonly("expectancy", &BacktestReport::expectancy)
      .def_readonly("realized_pnl", &BacktestReport::realized_pnl)
      .def_readonly("commission", &BacktestReport::commission)
      .def_readonly("time_in_market", &BacktestReport::time_in_market)
      .def_readonly("open_quantity", &BacktestReport::open_quantity)
      .def("__str__", &FormatBacktestReport);

  py::class_<EquityPoint>(m, "EquityPoint", "Equity at a bar's close.")
      .def(py::init<>())
      .def_readonly("time", &EquityPoint::time)
      .def_readonly("equity", &EquityPoint::equity);

  py::class_<BacktestResult>(
      m, "BacktestResult",
      "A backtest's report, equity curve, trades, round trips and refusals.")
      .def(py::init<>())
      .def_readonly("report", &BacktestResult::report)
      .def_readonly("equity_curve", &BacktestResult::equity_curve)
      .def_readonly("trades", &BacktestResult::trades)
      .def_readonly("round_trips", &BacktestResult::round_trips)
      .def_property_readonly("refusals",
                             [](const BacktestResult& r) {
                               std::vector<RiskVerdict> out;
                               for (const BacktestRefusal& x : r.refusals)
                                 out.push_back(x.verdict);
                               return out;
                             })
      .def(
          "write_trades_csv",
          [](const BacktestResult& r, const std::string& path) {
            WithoutGil([&] { return WriteTradesCsv(path, r.round_trips); });
          },
          py::arg("path"),
          "Writes the round trips as CSV to `path`; raises botcore.Unavailable "
          "when it cannot.")
      .def(
          "write_equity_csv",
          [](const BacktestResult& r, const std::string& path) {
            WithoutGil([&] {
              return WriteEquityCsv(path, r.equity_curve,
                                    r.report.initial_equity);
            });
          },
          py::arg("path"),
          "Writes time, equity and drawdown per bar as CSV to `path`; raises "
          "botcore.Unavailable when it cannot.");

  py::class_<BacktestOptions> backtest_options(
      m, "BacktestOptions",
      "Portfolio, symbol, risk limits and progress callback of a backtest.");
  PickleByFields(backtest_options);
  backtest_options.def(py::init<>())
      .def_readwrite("portfolio", &BacktestOptions::portfolio)
      .def_readwrite("symbol", &BacktestOptions::symbol)
      .def_readwrite("limits", &BacktestOptions::limits)
      .def_property(
          "progress", [](const BacktestOptions& o) { return o.progress; },
          [](BacktestOptions& o,
             std::function<void(int64_t, int64_t)> progress) {
            if (!progress) {
              o.progress = nullptr;
              return;
            }
            // An exception in the callback must not unwind through the
            // backtester: it goes to sys.unraisablehook and the run goes on.
            o.progress = [progress = std::move(progress)](int64_t done,
                                                          int64_t total) {
              try {
                progress(done, total);
              } catch (const py::error_already_set& e) {
                py::gil_scoped_acquire gil;
                ReportUnraisable(
                    StatusFromPythonError(e, "BacktestOptions.progress"));
              }
            };
          },
          "Called as progress(done, total) every progress_every bars; an "
          "exception in it is reported through sys.unraisablehook.")
      .def_readwrite("progress_every", &BacktestOptions::progress_every)
      .def_readwrite("periods_per_year", &BacktestOptions::periods_per_year);

  py::class_<Backtester>(
      m, "Backtester",
      "Runs a Strategy through the bot's advisor -> risk -> portfolio "
      "path; fills at the next bar's open.")
      .def(py::init([](const BacktestOptions& options) {
             return ValueOrRaise(Backtester::Create(options));
           }),
           py::arg("options") = BacktestOptions{})
      .def(
          "run",
          [](const Backtester& b, const py::object& advisor,
             std::optional<std::vector<Candle>> candles,
             MarketData* market_data, std::optional<CandleQuery> query,
             double buy_percent) {
            if (candles.has_value() == (market_data != nullptr)) {
              RaiseStatus(absl::InvalidArgumentError(
                  "Backtester.run takes either candles or market_data (with "
                  "a query)"));
            }
            if (market_data != nullptr) {
              if (!query) {
                RaiseStatus(absl::InvalidArgumentError(
                    "Backtester.run: market_data needs a query"));
              }
              candles =
                  WithoutGil([&] { return market_data->GetCandles(*query); });
            }
            if (py::isinstance<Strategy>(advisor)) {
              Strategy& strategy = advisor.cast<Strategy&>();
              StrategyAdvisorOptions options;
              options.buy_percent = buy_percent;
              return WithoutGil(
                  [&] { return b.Run(strategy, *candles, options); });
            }
            if (py::isinstance<Advisor>(advisor)) {
              Advisor& a = advisor.cast<Advisor&>();
              return WithoutGil([&] { return b.Run(a, *candles); });
            }
            throw py::type_error(
                "Backtester.run takes a Strategy or an Advisor");
          },
          py::arg("advisor"), py::arg("candles") = std::nullopt, py::kw_only(),
          py::arg("market_data") = nullptr, py::arg("query") = std::nullopt,
          py::arg("buy_percent") = 95.0,
          "Runs a Strategy (reset first, through a StrategyAdvisor buying "
          "buy_percent of equity) or an Advisor over `candles`, or over the "
          "candles market_data.get_candles(query) returns, with the GIL "
          "released; returns a BacktestResult. Raises the advisor's error "
          "naming the bar.");
}

}  // namespace botcore::python
