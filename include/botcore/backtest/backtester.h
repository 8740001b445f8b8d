// File: botcore/backtest/backtester.h
//
// The Backtester runs an Advisor (usually a StrategyAdvisor over a Strategy)
// over historical candles through the same code as the live bot: advisor ->
// risk engine review -> PortfolioBook execution, and the same stop-loss /
// take-profit watcher. It is deterministic: the same candles and options give
// the same trades, bit for bit.
//
//   BacktestOptions options;                    // 100 000 RUB, GAZP, 5 bp
//   auto backtester = *Backtester::Create(options);
//   auto strategy = *SmaCrossStrategy::Create({});
//   absl::StatusOr<BacktestResult> result = backtester->Run(*strategy, bars);
//   std::cout << FormatBacktestReport(result->report);
//   WriteTradesCsv("trades.csv", result->round_trips);
//
// Timing, for bar t (all prices snapped to the price step):
//   1. a recommendation made at bar t-1's close is reviewed by the risk engine
//      at bar t's open (the market price) and, unless rejected, fills there;
//   2. stops and targets are checked against bar t's open, high and low (see
//      PortfolioBook::CrossedExit: a gap fills at the open);
//   3. the portfolio is marked at the close; equity is recorded;
//   4. the advisor sees the candles up to t and may recommend.
// A recommendation still pending after the last bar is dropped, and a
// position still open is not closed, only marked at the last close.
//
// The hot path neither allocates nor touches storage: memory is the equity
// curve (one point per bar) plus the trades.
//
// Thread safety: a Backtester is immutable; Run may be called from several
// threads at once with different advisors.

#ifndef BOTCORE_BACKTEST_BACKTESTER_H_
#define BOTCORE_BACKTEST_BACKTESTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "botcore/core/amount.h"
#include "botcore/core/candle.h"
#include "botcore/portfolio/book.h"
#include "botcore/portfolio/strategy_advisor.h"
#include "botcore/ports/advisor.h"
#include "botcore/risk/risk_engine.h"
#include "botcore/signals/strategy.h"

namespace botcore {

struct BacktestOptions {
  // Cash, commission, slippage, instruments. Default: PortfolioBookOptions{}.
  PortfolioBookOptions portfolio;
  // The symbol the candles are of; one of portfolio.instruments.
  // Default: "GAZP".
  std::string symbol = "GAZP";
  // Limits the risk engine applies. Default: RiskLimits::CashOnly() (daily
  // bars carry no session times, so the live defaults would refuse them;
  // set RiskLimits{} to backtest the live limits on intraday bars).
  RiskLimits limits = RiskLimits::CashOnly();
  // Default: RiskEngineOptions{} (MOEX calendar, no extra checks).
  RiskEngineOptions risk;
  // How candle prices snap to the price step. Default: kHalfEven.
  RoundingMode price_rounding = RoundingMode::kHalfEven;
  // Called with (bars done, bars total) every `progress_every` bars and at
  // the end. Default: none, every 100 000 bars.
  std::function<void(int64_t, int64_t)> progress;
  int64_t progress_every = 100000;
  // Periods per year for Sharpe and Sortino; 0 infers it from the bar times
  // ((bars - 1) / years spanned). Default: 0.
  double periods_per_year = 0;
};

struct EquityPoint {
  absl::Time time;  // the bar's time; equity at its close
  Amount equity;
};

struct BacktestReport {
  int64_t bars = 0;
  Amount initial_equity;
  Amount final_equity;
  double years = 0;          // spanned by the bars
  double total_return = 0;   // final / initial - 1
  double cagr = 0;           // compound annual growth rate
  double max_drawdown = 0;   // largest fall from a peak, as a fraction (>= 0)
  double sharpe = 0;         // annualized, risk-free rate 0
  double sortino = 0;        // annualized, downside deviation
  double calmar = 0;         // cagr / max_drawdown
  int64_t round_trips = 0;   // closed positions
  int64_t fills = 0;         // trades (both sides)
  int64_t refused = 0;       // recommendations the risk engine rejected
  double win_rate = 0;       // share of round trips with pnl > 0
  double profit_factor = 0;  // gross profit / gross loss (inf without losses)
  Amount expectancy;         // mean pnl per round trip (half-even)
  Amount realized_pnl;
  Amount commission;
  double time_in_market = 0;  // share of bars closing with a position
  int64_t open_quantity = 0;  // shares still held at the end
};

// A recommendation the risk engine rejected during the run.
struct BacktestRefusal {
  absl::Time time;
  RiskVerdict verdict;
};

struct BacktestResult {
  BacktestReport report;
  std::vector<EquityPoint> equity_curve;
  std::vector<Trade> trades;
  std::vector<RoundTrip> round_trips;
  std::vector<BacktestRefusal> refusals;
};

class Backtester {
 public:
  // Errors: kInvalidArgument for bad portfolio or risk options, a symbol not
  // among the instruments, or progress_every < 1.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Backtester>> Create(
      const BacktestOptions& options);

  Backtester(const Backtester&) = delete;
  Backtester& operator=(const Backtester&) = delete;

  // Runs `advisor` over `bars` (time order). The advisor keeps its state
  // between runs; use a fresh one per run.
  // Errors: kInvalidArgument for a price that cannot be snapped to the step
  // (non-finite, negative) and the advisor's errors, each naming the bar;
  // kInternal if an approved order fails to execute.
  [[nodiscard]] absl::StatusOr<BacktestResult> Run(
      Advisor& advisor, absl::Span<const Candle> bars) const;

  // Resets `strategy` and runs it through a StrategyAdvisor.
  // Errors: as above and as StrategyAdvisor::Create.
  [[nodiscard]] absl::StatusOr<BacktestResult> Run(
      Strategy& strategy, absl::Span<const Candle> bars,
      const StrategyAdvisorOptions& advisor_options = {}) const;

 private:
  Backtester(BacktestOptions options, std::unique_ptr<RiskEngine> risk);

  BacktestOptions options_;
  std::unique_ptr<RiskEngine> risk_;
};

// Writes one row per round trip:
//   entry_time,entry_price,exit_time,exit_price,quantity,pnl,commission,exit_reason
// times ISO-8601 UTC, amounts in canonical decimal form.
// Errors: kUnavailable naming the path when it cannot be written.
[[nodiscard]] absl::Status WriteTradesCsv(const std::string& path,
                                          absl::Span<const RoundTrip> trips);

// Writes time,equity,drawdown per bar (drawdown as a fraction of the running
// peak, which starts at `initial_equity`).
// Errors: kUnavailable naming the path when it cannot be written.
[[nodiscard]] absl::Status WriteEquityCsv(const std::string& path,
                                          absl::Span<const EquityPoint> curve,
                                          const Amount& initial_equity);

// The report as aligned "name: value" lines for people.
std::string FormatBacktestReport(const BacktestReport& report);

}  // namespace botcore

#endif  // BOTCORE_BACKTEST_BACKTESTER_H_
