// File: botcore/signals/default_strategy.h
//
// DefaultStrategy: the signal bot's out-of-the-box Strategy. It triggers on a
// MACD cross, refuses signals into an overbought (oversold) RSI, and scores
// its confidence from three confirmations: RSI on the favourable side of its
// midline, the close near the matching Bollinger band, and a candlestick
// pattern in the same direction. Stop-loss and take-profit are set from ATR.
//
//   DefaultStrategyOptions options;
//   options.symbol = "GAZP";
//   options.timeframe = "1d";
//   absl::StatusOr<std::unique_ptr<DefaultStrategy>> strategy =
//       DefaultStrategy::Create(options);
//   for (const Candle& bar : bars) {
//     absl::StatusOr<std::optional<Signal>> signal = (*strategy)->OnBar(bar);
//     ...
//   }
//
// The rules, at the close of each bar once every indicator has a value:
//
//   BUY  when the MACD line crosses above its signal line (at the previous
//        bar it was at or below it, now it is above) and RSI < rsi_overbought;
//   SELL when it crosses below (at or above before, below now) and
//        RSI > rsi_oversold.
//
//   confidence = base_confidence
//              + rsi_weight      if RSI <= rsi_midline (BUY) / >= (SELL)
//              + bands_weight    if %B <= band_proximity (BUY) /
//                                   %B >= 1 - band_proximity (SELL), where
//                                   %B = (close - lower) / (upper - lower)
//              + pattern_weight  if a bullish (BUY) / bearish (SELL)
//                                   candlestick pattern (ENGULFING, HAMMER,
//                                   MORNINGSTAR, HARAMI, 3WHITESOLDIERS /
//                                   ENGULFING, SHOOTINGSTAR, EVENINGSTAR,
//                                   HARAMI, 3BLACKCROWS) appears in the last
//                                   pattern_bars bars
//   capped at 100; the signal is emitted when confidence >= min_confidence.
//
//   entry = close; risk = stop_atr_multiple * ATR;
//   BUY:  stop_loss = entry - risk, take_profit = entry + reward_risk * risk
//   SELL: stop_loss = entry + risk, take_profit = entry - reward_risk * risk
//   (a signal is not emitted when ATR is zero or its stop or target would be
//   at or below zero).
//
// The signal's time is the bar's close: its open time plus the timeframe.
// Its id is SignalId() of it, so replays record nothing twice. Indicators
// are botcore::ta's streaming ones (bit-identical to the batch functions over
// the same bars); the candlestick patterns are judged on the last
// (longest pattern lookback + pattern_bars) bars, so their candle averages
// are sums over that window. Everything is deterministic: the same bars
// always give the same signals.
//
// Thread safety: thread-compatible (one series, one thread at a time).

#ifndef BOTCORE_SIGNALS_DEFAULT_STRATEGY_H_
#define BOTCORE_SIGNALS_DEFAULT_STRATEGY_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/candle.h"
#include "botcore/signals/strategy.h"

namespace botcore {

struct DefaultStrategyOptions {
  // The instrument the bars belong to, copied into every signal. Required.
  // Default: "" (Create fails).
  std::string symbol;
  // The bar length: "1m", "5m", "15m", "30m", "1h", "4h", "1d" or "1w".
  // Default: "1d".
  std::string timeframe = "1d";

  // MACD periods. Default: 12, 26, 9.
  int macd_fast = 12;
  int macd_slow = 26;
  int macd_signal = 9;

  // RSI period. Default: 14.
  int rsi_period = 14;
  // No BUY while RSI >= this. Default: 70.
  double rsi_overbought = 70;
  // No SELL while RSI <= this. Default: 30.
  double rsi_oversold = 30;
  // RSI at or below it confirms a BUY, at or above it a SELL. Default: 50.
  double rsi_midline = 50;

  // Bollinger bands: period and width in standard deviations (SMA middle).
  // Default: 20, 2.
  int bbands_period = 20;
  double bbands_deviations = 2;
  // How close to a band (as a fraction of the band width, %B) the close must
  // be to confirm. Default: 0.2.
  double band_proximity = 0.2;

  // Candlestick patterns in the last this many bars confirm. Default: 3.
  int pattern_bars = 3;

  // ATR period and the stop distance in ATRs. Default: 14, 1.5.
  int atr_period = 14;
  double stop_atr_multiple = 1.5;
  // Take-profit distance as a multiple of the stop distance. Default: 2.
  double reward_risk = 2;

  // Confidence of a bare MACD cross and what each confirmation adds.
  // Default: 40, 20, 20, 20.
  int base_confidence = 40;
  int rsi_weight = 20;
  int bands_weight = 20;
  int pattern_weight = 20;
  // Signals below this confidence are not emitted. Default: 60.
  int min_confidence = 60;
};

class DefaultStrategy final : public Strategy {
 public:
  // Errors: kInvalidArgument naming the option and value for an empty
  // symbol, an unknown timeframe, an indicator period the indicator rejects,
  // RSI levels not in 0 <= oversold < midline < overbought <= 100, a
  // band_proximity outside [0, 1], pattern_bars < 1, a non-positive or
  // non-finite stop_atr_multiple or reward_risk, or confidences outside
  // 0..100.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DefaultStrategy>> Create(
      const DefaultStrategyOptions& options);

  ~DefaultStrategy() override;
  DefaultStrategy(const DefaultStrategy&) = delete;
  DefaultStrategy& operator=(const DefaultStrategy&) = delete;

  // "default".
  std::string_view name() const override;

  // See Strategy::OnBar and the rules above. Besides the bar order and
  // non-finite prices, a bar with high below low, or open or close outside
  // [low, high], or a non-positive price is kInvalidArgument (state
  // unchanged).
  [[nodiscard]] absl::StatusOr<std::optional<Signal>> OnBar(
      const Candle& bar) override;

  void Reset() override;

 private:
  struct State;
  DefaultStrategy(const DefaultStrategyOptions& options, absl::Duration bar,
                  std::unique_ptr<State> initial);

  const DefaultStrategyOptions options_;
  const absl::Duration bar_duration_;
  const std::unique_ptr<const State> initial_;  // for Reset()
  std::unique_ptr<State> state_;
};

}  // namespace botcore

#endif  // BOTCORE_SIGNALS_DEFAULT_STRATEGY_H_
