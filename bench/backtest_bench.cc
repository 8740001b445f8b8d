// Bars per second of the reference SMA(10)/SMA(30) strategy through the full
// backtest path: StrategyAdvisor -> RiskEngine::Review -> PortfolioBook, with
// the stop watcher, marks and the equity curve, on generated bars.

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "botcore/backtest/backtester.h"
#include "botcore/signals/sma_cross.h"

namespace botcore {
namespace {

// Deterministic daily GAZP-like bars on the 0.01 grid: a random walk in log
// price that slowly reverts to 150, so a million bars stay in range.
std::vector<Candle> GenerateBars(int64_t n) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> step(0, 0.015);
  std::vector<Candle> bars;
  bars.reserve(static_cast<size_t>(n));
  const double anchor = std::log(150.0);
  double log_price = anchor;
  for (int64_t i = 0; i < n; ++i) {
    const double open = std::round(std::exp(log_price) * 100) / 100;
    log_price += 0.01 * (anchor - log_price) + step(rng);
    const double price = std::exp(log_price);
    const double close = std::round(price * 100) / 100;
    Candle c;
    c.time = absl::FromUnixSeconds(1400000000 + i * 86400);
    c.open = open;
    c.close = close;
    c.high = std::max(open, close) + 0.5;
    c.low = std::max(0.01, std::min(open, close) - 0.5);
    c.volume = 1000;
    bars.push_back(c);
  }
  return bars;
}

void BM_SmaCrossBacktest(benchmark::State& state) {
  const std::vector<Candle> bars = GenerateBars(state.range(0));
  const BacktestOptions options;
  auto backtester = *Backtester::Create(options);
  auto strategy = *SmaCrossStrategy::Create({});
  int64_t trips = 0;
  for (auto _ : state) {
    absl::StatusOr<BacktestResult> result = backtester->Run(*strategy, bars);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    trips = result->report.round_trips;
    benchmark::DoNotOptimize(result->report.final_equity);
  }
  state.counters["round_trips"] = static_cast<double>(trips);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SmaCrossBacktest)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace botcore

BENCHMARK_MAIN();
