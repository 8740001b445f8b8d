// botcore-backtest: runs a built-in strategy over an OHLCV CSV through the
// same advisor -> risk -> portfolio code as the bot, prints the report and
// writes the round trips and the equity curve.
//
//   botcore-backtest --data gazp_daily.csv --strategy sma_cross --fast 10
//       --slow 30 --lot 10 --commission-bps 5 --cash 100000
//       --trades trades.csv --equity equity.csv
//
// With --strategy default the signal engine's DefaultStrategy runs instead;
// its stop-losses and take-profits are watched like the bot's.

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "botcore/backtest/backtester.h"
#include "botcore/core/candle.h"
#include "botcore/portfolio/instrument.h"
#include "botcore/signals/default_strategy.h"
#include "botcore/signals/sma_cross.h"

namespace {

constexpr const char* kUsage =
    "usage: botcore-backtest --data FILE.csv [options]\n"
    "  --data FILE          OHLCV CSV: ts,open,high,low,close,volume "
    "(required)\n"
    "  --strategy NAME      built-in strategy: sma_cross (the default) or\n"
    "                       default (the signal engine's MACD/RSI/Bollinger/\n"
    "                       pattern strategy, stops and targets from ATR)\n"
    "  --fast N --slow N    sma_cross windows (default 10, 30)\n"
    "  --timeframe TF       bar length for the default strategy (default 1d)\n"
    "  --symbol S           instrument symbol (default GAZP)\n"
    "  --lot N              shares per lot (default 10)\n"
    "  --step D             price step (default 0.01)\n"
    "  --commission-bps D   commission per side in basis points (default 5)\n"
    "  --slippage-steps N   slippage in price steps (default 0)\n"
    "  --cash D             initial cash, 2 decimals (default 100000)\n"
    "  --buy-percent D      percent of equity per buy (default 95)\n"
    "  --trades FILE        write the round trips as CSV\n"
    "  --equity FILE        write the equity curve as CSV\n";

const std::map<std::string, std::string> kDefaults = {
    {"data", ""},       {"strategy", "sma_cross"}, {"fast", "10"},
    {"slow", "30"},     {"symbol", "GAZP"},        {"lot", "10"},
    {"step", "0.01"},   {"commission-bps", "5"},   {"slippage-steps", "0"},
    {"cash", "100000"}, {"buy-percent", "95"},     {"trades", ""},
    {"equity", ""},     {"timeframe", "1d"}};

absl::Status OptionError(const std::string& name, const std::string& value,
                         const std::string& what) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", name, ": \"", value, "\" ", what));
}

absl::StatusOr<int64_t> Integer(const std::map<std::string, std::string>& opts,
                                const std::string& name) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(opts.at(name), &v)) {
    return OptionError(name, opts.at(name), "is not an integer");
  }
  return v;
}

absl::StatusOr<double> Number(const std::map<std::string, std::string>& opts,
                              const std::string& name) {
  double v = 0;
  if (!absl::SimpleAtod(opts.at(name), &v)) {
    return OptionError(name, opts.at(name), "is not a number");
  }
  return v;
}

absl::StatusOr<botcore::Amount> Decimal(
    const std::map<std::string, std::string>& opts, const std::string& name,
    int scale) {
  absl::StatusOr<botcore::Amount> v =
      botcore::Amount::Parse(opts.at(name), scale);
  if (!v.ok()) {
    return OptionError(
        name, opts.at(name),
        absl::StrCat("is not a decimal with at most ", scale, " decimals"));
  }
  return v;
}

absl::Status Main(int argc, char** argv) {
  std::map<std::string, std::string> opts = kDefaults;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return absl::OkStatus();
    }
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", arg, "\"\n", kUsage));
    }
    std::string name = arg.substr(2);
    std::string value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, ": missing value"));
    }
    if (!kDefaults.contains(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option --", name, "\n", kUsage));
    }
    opts[name] = value;
  }
  if (opts["data"].empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--data is required\n", kUsage));
  }
  if (opts["strategy"] != "sma_cross" && opts["strategy"] != "default") {
    return OptionError("strategy", opts["strategy"],
                       "is not a built-in strategy (sma_cross, default)");
  }
  botcore::SmaCrossOptions sma;
  absl::StatusOr<int64_t> fast = Integer(opts, "fast");
  if (!fast.ok()) return fast.status();
  absl::StatusOr<int64_t> slow = Integer(opts, "slow");
  if (!slow.ok()) return slow.status();
  if (*fast < 1 || *slow <= *fast || *slow > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("--fast ", *fast, " / --slow ", *slow,
                     ": need 1 <= fast < slow <= 1024"));
  }
  sma.fast = static_cast<int>(*fast);
  sma.slow = static_cast<int>(*slow);
  sma.symbol = opts["symbol"];

  absl::StatusOr<int64_t> lot = Integer(opts, "lot");
  if (!lot.ok()) return lot.status();
  absl::StatusOr<botcore::Instrument> instrument =
      botcore::MakeInstrument(opts["symbol"], *lot, opts["step"]);
  if (!instrument.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--symbol/--lot/--step: ", instrument.status().message()));
  }
  botcore::BacktestOptions options;
  options.symbol = opts["symbol"];
  options.portfolio.instruments = {*instrument};
  absl::StatusOr<botcore::Amount> cash = Decimal(opts, "cash", 2);
  if (!cash.ok()) return cash.status();
  if (cash->is_negative())
    return OptionError("cash", opts["cash"], "is negative");
  options.portfolio.initial_cash = *cash;
  absl::StatusOr<botcore::Amount> bps = Decimal(opts, "commission-bps", 6);
  if (!bps.ok()) return bps.status();
  if (bps->is_negative()) {
    return OptionError("commission-bps", opts["commission-bps"], "is negative");
  }
  options.portfolio.commission_bps = *bps;
  absl::StatusOr<int64_t> slippage = Integer(opts, "slippage-steps");
  if (!slippage.ok()) return slippage.status();
  if (*slippage < 0) {
    return OptionError("slippage-steps", opts["slippage-steps"], "is negative");
  }
  options.portfolio.slippage_steps = *slippage;
  botcore::StrategyAdvisorOptions advisor;
  absl::StatusOr<double> percent = Number(opts, "buy-percent");
  if (!percent.ok()) return percent.status();
  if (!(*percent > 0 && *percent <= 100)) {
    return OptionError("buy-percent", opts["buy-percent"],
                       "is outside (0, 100]");
  }
  advisor.buy_percent = *percent;

  absl::StatusOr<std::vector<botcore::Candle>> bars =
      botcore::ReadCandlesCsv(opts["data"]);
  if (!bars.ok()) return bars.status();
  std::unique_ptr<botcore::Strategy> strategy;
  std::string description;
  if (opts["strategy"] == "sma_cross") {
    absl::StatusOr<std::unique_ptr<botcore::SmaCrossStrategy>> sma_cross =
        botcore::SmaCrossStrategy::Create(sma);
    if (!sma_cross.ok()) return sma_cross.status();
    strategy = *std::move(sma_cross);
    description = absl::StrCat("sma_cross(", sma.fast, ", ", sma.slow, ")");
  } else {
    botcore::DefaultStrategyOptions defaults;
    defaults.symbol = opts["symbol"];
    defaults.timeframe = opts["timeframe"];
    absl::StatusOr<std::unique_ptr<botcore::DefaultStrategy>> signal_engine =
        botcore::DefaultStrategy::Create(defaults);
    if (!signal_engine.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--timeframe: ", signal_engine.status().message()));
    }
    strategy = *std::move(signal_engine);
    description = "default";
  }
  absl::StatusOr<std::unique_ptr<botcore::Backtester>> backtester =
      botcore::Backtester::Create(options);
  if (!backtester.ok()) return backtester.status();
  absl::StatusOr<botcore::BacktestResult> result =
      (*backtester)->Run(*strategy, *bars, advisor);
  if (!result.ok()) return result.status();

  std::cout << "strategy         " << description << " on " << opts["data"]
            << "\n"
            << botcore::FormatBacktestReport(result->report);
  if (!opts["trades"].empty()) {
    if (absl::Status s =
            botcore::WriteTradesCsv(opts["trades"], result->round_trips);
        !s.ok()) {
      return s;
    }
  }
  if (!opts["equity"].empty()) {
    if (absl::Status s =
            botcore::WriteEquityCsv(opts["equity"], result->equity_curve,
                                    result->report.initial_equity);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::Status status = Main(argc, argv);
  if (!status.ok()) {
    std::cerr << "botcore-backtest: " << status.message() << "\n";
    return 2;
  }
  return 0;
}
