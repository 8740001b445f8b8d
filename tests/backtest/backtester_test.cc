#include "botcore/backtest/backtester.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "botcore/signals/sma_cross.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

Amount Money(const char* text) { return *Amount::Parse(text, 2); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("botcore_backtester_test_" + std::to_string(::getpid()) + "_" +
           name))
      .string();
}

Candle Bar(int i, double open, double high, double low, double close) {
  return Candle{absl::FromUnixSeconds(1700000000 + int64_t{i} * 86400),
                open,
                high,
                low,
                close,
                1000};
}

TEST_CASE(
    "the reference SMA(10)/SMA(30) run on GAZP matches the regression file") {
  ASSIGN_OR_REQUIRE(
      auto bars, ReadCandlesCsv(testing::SharedDir() + "/data/gazp_daily.csv"));
  ASSIGN_OR_REQUIRE(auto backtester, Backtester::Create({}));
  ASSIGN_OR_REQUIRE(auto strategy, SmaCrossStrategy::Create({}));
  ASSIGN_OR_REQUIRE(BacktestResult result, backtester->Run(*strategy, bars));
  const std::string path = TempPath("trades.csv");
  REQUIRE_OK(WriteTradesCsv(path, result.round_trips));
  CHECK(ReadFile(path) == ReadFile(std::string(BOTCORE_SOURCE_DIR) +
                                   "/tests/data/gazp_sma_cross_trades.csv"));
  std::filesystem::remove(path);
  // Equity = initial + realized + unrealized; the open position is marked.
  const BacktestReport& r = result.report;
  CHECK(r.bars == static_cast<int64_t>(bars.size()));
  CHECK(result.equity_curve.size() == bars.size());
  CHECK(r.round_trips == 60);
  CHECK(r.open_quantity == 490);
  CHECK(r.refused == 0);
  CHECK(r.final_equity == result.equity_curve.back().equity);
  CHECK(r.max_drawdown > 0);
  CHECK(r.max_drawdown < 1);

  // Deterministic: a second run gives the same trades and equity.
  ASSIGN_OR_REQUIRE(BacktestResult again, backtester->Run(*strategy, bars));
  REQUIRE(again.trades.size() == result.trades.size());
  for (size_t i = 0; i < again.trades.size(); ++i) {
    CHECK(again.trades[i].price == result.trades[i].price);
    CHECK(again.trades[i].cash_after == result.trades[i].cash_after);
  }
  CHECK(again.report.final_equity == r.final_equity);
  CHECK(again.report.sharpe == r.sharpe);
}

// Recommends once, at a chosen bar, with levels.
class OneShotAdvisor final : public Advisor {
 public:
  explicit OneShotAdvisor(size_t at) : at_(at) {}
  std::string_view name() const override { return "one_shot"; }
  absl::StatusOr<std::optional<Recommendation>> Advise(
      const AdvisorContext& c) override {
    if (c.candles.size() != at_ + 1) return std::nullopt;
    Recommendation r;
    r.symbol = std::string(c.symbol);
    r.action = TradeAction::kBuy;
    r.quantity = 100;
    r.stop_loss = Money("95.00");
    r.take_profit = Money("110.00");
    return r;
  }

 private:
  size_t at_;
};

TEST_CASE("a recommendation fills at the next open and the watcher closes it") {
  std::vector<Candle> bars = {
      Bar(0, 100, 101, 99, 100), Bar(1, 100.5, 102, 99, 101),  // signal at 0
      Bar(2, 101, 103, 100, 102), Bar(3, 102, 112, 101, 111),  // target at 3
      Bar(4, 111, 112, 110, 111)};
  ASSIGN_OR_REQUIRE(auto backtester, Backtester::Create({}));
  OneShotAdvisor advisor(0);
  ASSIGN_OR_REQUIRE(BacktestResult result, backtester->Run(advisor, bars));
  REQUIRE(result.trades.size() == 2);
  CHECK(result.trades[0].time == bars[1].time);
  CHECK(result.trades[0].price == Money("100.50"));
  CHECK(result.trades[1].reason == TradeReason::kTakeProfit);
  CHECK(result.trades[1].price == Money("110.00"));
  CHECK(result.trades[1].time == bars[3].time);
  REQUIRE(result.round_trips.size() == 1);
  CHECK(result.report.time_in_market == doctest::Approx(2.0 / 5));

  // A gap down through the stop fills at the open.
  bars[2] = Bar(2, 90, 91, 89, 90);
  OneShotAdvisor again(0);
  ASSIGN_OR_REQUIRE(BacktestResult gap, backtester->Run(again, bars));
  REQUIRE(gap.trades.size() == 2);
  CHECK(gap.trades[1].reason == TradeReason::kStopLoss);
  CHECK(gap.trades[1].price == Money("90.00"));
}

TEST_CASE("refusals are reported and progress is called") {
  BacktestOptions options;
  options.limits = RiskLimits{};  // live limits: daily bars are outside hours
  std::vector<std::pair<int64_t, int64_t>> calls;
  options.progress = [&](int64_t done, int64_t total) {
    calls.emplace_back(done, total);
  };
  options.progress_every = 2;
  ASSIGN_OR_REQUIRE(auto backtester, Backtester::Create(options));
  std::vector<Candle> bars = {Bar(0, 100, 101, 99, 100),
                              Bar(1, 100, 101, 99, 100),
                              Bar(2, 100, 101, 99, 100)};
  OneShotAdvisor advisor(0);
  ASSIGN_OR_REQUIRE(BacktestResult result, backtester->Run(advisor, bars));
  CHECK(result.trades.empty());
  REQUIRE(result.refusals.size() == 1);
  CHECK(result.refusals[0].verdict.reasons.back().code == "market_closed");
  CHECK(result.report.refused == 1);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0] == std::make_pair(int64_t{2}, int64_t{3}));
  CHECK(calls[1] == std::make_pair(int64_t{3}, int64_t{3}));
}

TEST_CASE("bad options and bad bars are errors") {
  BacktestOptions options;
  options.symbol = "SBER";
  CHECK_STATUS_IS(Backtester::Create(options), kInvalidArgument);
  options = {};
  options.progress_every = 0;
  CHECK_STATUS_IS(Backtester::Create(options), kInvalidArgument);
  ASSIGN_OR_REQUIRE(auto backtester, Backtester::Create({}));
  std::vector<Candle> bars = {Bar(0, 100, 101, 99, -5)};
  ASSIGN_OR_REQUIRE(auto strategy, SmaCrossStrategy::Create({}));
  CHECK_STATUS_IS(backtester->Run(*strategy, bars), kInvalidArgument);
  CHECK_STATUS_IS(WriteTradesCsv("/nonexistent/dir/trades.csv", {}),
                  kUnavailable);
}

TEST_CASE("the equity CSV has one row per bar with the drawdown") {
  std::vector<EquityPoint> curve = {
      {absl::FromUnixSeconds(0), Money("100.00")},
      {absl::FromUnixSeconds(86400), Money("80.00")}};
  const std::string path = TempPath("equity.csv");
  REQUIRE_OK(WriteEquityCsv(path, curve, Money("100.00")));
  CHECK(ReadFile(path) ==
        "time,equity,drawdown\n"
        "1970-01-01T00:00:00Z,100.00,0.000000\n"
        "1970-01-02T00:00:00Z,80.00,0.200000\n");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace botcore
