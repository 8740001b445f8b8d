#include "botcore/signals/default_strategy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "botcore/indicators/oscillators.h"
#include "botcore/indicators/volatility.h"
#include "botcore/signals/candlestick_patterns.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Four significant digits are what a person reading a reason needs.
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

absl::StatusOr<absl::Duration> BarDuration(const std::string& timeframe) {
  static constexpr std::pair<std::string_view, int64_t> kMinutes[] = {
      {"1m", 1},  {"5m", 5},   {"15m", 15},  {"30m", 30},
      {"1h", 60}, {"4h", 240}, {"1d", 1440}, {"1w", 10080}};
  for (const auto& [name, minutes] : kMinutes) {
    if (timeframe == name) return absl::Minutes(minutes);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "DefaultStrategyOptions.timeframe must be one of 1m, 5m, 15m, 30m, 1h, "
      "4h, 1d, 1w; got \"",
      timeframe, "\""));
}

absl::Status CheckOptions(const DefaultStrategyOptions& o) {
  auto bad = [](auto&&... parts) {
    return absl::InvalidArgumentError(
        absl::StrCat("DefaultStrategyOptions.", parts...));
  };
  if (o.symbol.empty()) return bad("symbol is empty");
  if (!(0 <= o.rsi_oversold && o.rsi_oversold < o.rsi_midline &&
        o.rsi_midline < o.rsi_overbought && o.rsi_overbought <= 100)) {
    return bad(
        "rsi levels must satisfy 0 <= rsi_oversold < rsi_midline < "
        "rsi_overbought <= 100; got ",
        o.rsi_oversold, ", ", o.rsi_midline, ", ", o.rsi_overbought);
  }
  if (!(o.band_proximity >= 0 && o.band_proximity <= 1)) {
    return bad("band_proximity must be in [0, 1], got ", o.band_proximity);
  }
  if (o.pattern_bars < 1) {
    return bad("pattern_bars must be >= 1, got ", o.pattern_bars);
  }
  if (!std::isfinite(o.stop_atr_multiple) || o.stop_atr_multiple <= 0) {
    return bad("stop_atr_multiple must be finite and > 0, got ",
               o.stop_atr_multiple);
  }
  if (!std::isfinite(o.reward_risk) || o.reward_risk <= 0) {
    return bad("reward_risk must be finite and > 0, got ", o.reward_risk);
  }
  for (auto [name, v] :
       {std::pair<const char*, int>{"base_confidence", o.base_confidence},
        {"rsi_weight", o.rsi_weight},
        {"bands_weight", o.bands_weight},
        {"pattern_weight", o.pattern_weight},
        {"min_confidence", o.min_confidence}}) {
    if (v < 0 || v > 100) return bad(name, " must be in 0..100, got ", v);
  }
  return absl::OkStatus();
}

absl::Status CheckBar(const Candle& bar,
                      const std::optional<absl::Time>& last) {
  for (auto [name, v] : {std::pair<const char*, double>{"open", bar.open},
                         {"high", bar.high},
                         {"low", bar.low},
                         {"close", bar.close}}) {
    if (!std::isfinite(v) || v <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("bar at ", FormatIsoTime(bar.time), ": ", name,
                       " must be finite and > 0, got ", v));
    }
  }
  if (bar.high < bar.low || bar.open < bar.low || bar.open > bar.high ||
      bar.close < bar.low || bar.close > bar.high) {
    return absl::InvalidArgumentError(
        absl::StrCat("bar at ", FormatIsoTime(bar.time), ": open ", bar.open,
                     " high ", bar.high, " low ", bar.low, " close ", bar.close,
                     " are not a valid candle"));
  }
  if (last && !(bar.time > *last)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bar at ", FormatIsoTime(bar.time),
        " is not after the previous bar at ", FormatIsoTime(*last)));
  }
  return absl::OkStatus();
}

// A candlestick pattern the strategy reads, with TA-Lib's name.
struct Pattern {
  const char* name;
  int (*lookback)();
  absl::Status (*run)(const OhlcSpans&, absl::Span<int>);
};

const Pattern kPatterns[] = {
    {"CDLENGULFING", [] { return CdlEngulfingLookback(); },
     [](const OhlcSpans& b, absl::Span<int> o) { return CdlEngulfing(b, o); }},
    {"CDLHAMMER", [] { return CdlHammerLookback(); },
     [](const OhlcSpans& b, absl::Span<int> o) { return CdlHammer(b, o); }},
    {"CDLSHOOTINGSTAR", [] { return CdlShootingStarLookback(); },
     [](const OhlcSpans& b, absl::Span<int> o) {
       return CdlShootingStar(b, o);
     }},
    {"CDLHARAMI", [] { return CdlHaramiLookback(); },
     [](const OhlcSpans& b, absl::Span<int> o) { return CdlHarami(b, o); }},
    {"CDLMORNINGSTAR", [] { return CdlMorningStarLookback(); },
     [](const OhlcSpans& b, absl::Span<int> o) {
       return CdlMorningStar(b, o);
     }},
    {"CDLEVENINGSTAR", [] { return CdlEveningStarLookback(); },
     [](const OhlcSpans& b, absl::Span<int> o) {
       return CdlEveningStar(b, o);
     }},
    {"CDL3WHITESOLDIERS", [] { return Cdl3WhiteSoldiersLookback(); },
     [](const OhlcSpans& b, absl::Span<int> o) {
       return Cdl3WhiteSoldiers(b, o);
     }},
    {"CDL3BLACKCROWS", [] { return Cdl3BlackCrowsLookback(); },
     [](const OhlcSpans& b, absl::Span<int> o) {
       return Cdl3BlackCrows(b, o);
     }},
};

// The first pattern (in kPatterns order) pointing the signal's way in the
// last `bars` bars of `window`, described for people; nullopt when none.
absl::StatusOr<std::optional<std::string>> ConfirmingPattern(
    const std::deque<Candle>& window, bool buy, int bars) {
  std::vector<double> open, high, low, close;
  for (const Candle& c : window) {
    open.push_back(c.open);
    high.push_back(c.high);
    low.push_back(c.low);
    close.push_back(c.close);
  }
  const OhlcSpans spans{open, high, low, close};
  std::vector<int> out(window.size());
  const size_t recent = std::min(static_cast<size_t>(bars), out.size());
  for (const Pattern& p : kPatterns) {
    BOTCORE_RETURN_IF_ERROR(p.run(spans, absl::MakeSpan(out)));
    for (size_t ago = 0; ago < recent; ++ago) {
      const int v = out[out.size() - 1 - ago];
      if (buy ? v > 0 : v < 0) {
        return absl::StrCat(
            buy ? "bullish " : "bearish ", p.name, " (", v, ") ",
            ago == 0 ? std::string("on this bar")
                     : absl::StrCat(ago, " bar", ago == 1 ? "" : "s", " ago"));
      }
    }
  }
  return std::nullopt;
}

size_t PatternWindow(int pattern_bars) {
  int lookback = 0;
  for (const Pattern& p : kPatterns)
    lookback = std::max(lookback, p.lookback());
  return static_cast<size_t>(lookback + pattern_bars);
}

}  // namespace

struct DefaultStrategy::State {
  ta::StreamingMacd macd;
  ta::StreamingRsi rsi;
  ta::StreamingBbands bbands;
  ta::StreamingAtr atr;
  ta::MacdValue previous_macd{kNaN, kNaN, kNaN};
  std::optional<absl::Time> last_time;
  std::deque<Candle> window;  // the latest PatternWindow() bars
};

DefaultStrategy::DefaultStrategy(const DefaultStrategyOptions& options,
                                 absl::Duration bar,
                                 std::unique_ptr<State> initial)
    : options_(options),
      bar_duration_(bar),
      initial_(std::move(initial)),
      state_(std::make_unique<State>(*initial_)) {}

DefaultStrategy::~DefaultStrategy() = default;

absl::StatusOr<std::unique_ptr<DefaultStrategy>> DefaultStrategy::Create(
    const DefaultStrategyOptions& options) {
  BOTCORE_RETURN_IF_ERROR(CheckOptions(options));
  BOTCORE_ASSIGN_OR_RETURN(const absl::Duration bar,
                           BarDuration(options.timeframe));
  BOTCORE_ASSIGN_OR_RETURN(
      ta::StreamingMacd macd,
      ta::StreamingMacd::Create(options.macd_fast, options.macd_slow,
                                options.macd_signal));
  BOTCORE_ASSIGN_OR_RETURN(ta::StreamingRsi rsi,
                           ta::StreamingRsi::Create(options.rsi_period));
  BOTCORE_ASSIGN_OR_RETURN(ta::StreamingBbands bbands,
                           ta::StreamingBbands::Create(
                               options.bbands_period, options.bbands_deviations,
                               options.bbands_deviations, ta::MAType::kSma));
  BOTCORE_ASSIGN_OR_RETURN(ta::StreamingAtr atr,
                           ta::StreamingAtr::Create(options.atr_period));
  auto initial = std::make_unique<State>(State{std::move(macd),
                                               std::move(rsi),
                                               std::move(bbands),
                                               std::move(atr),
                                               {kNaN, kNaN, kNaN},
                                               std::nullopt,
                                               {}});
  return std::unique_ptr<DefaultStrategy>(
      new DefaultStrategy(options, bar, std::move(initial)));
}

std::string_view DefaultStrategy::name() const { return "default"; }

void DefaultStrategy::Reset() { *state_ = *initial_; }

absl::StatusOr<std::optional<Signal>> DefaultStrategy::OnBar(
    const Candle& bar) {
  BOTCORE_RETURN_IF_ERROR(CheckBar(bar, state_->last_time));
  State& s = *state_;
  const DefaultStrategyOptions& o = options_;
  s.last_time = bar.time;
  const ta::MacdValue previous = s.previous_macd;
  const ta::MacdValue macd = s.macd.Update(bar.close);
  s.previous_macd = macd;
  const double rsi = s.rsi.Update(bar.close);
  const ta::BbandsValue bands = s.bbands.Update(bar.close);
  const double atr = s.atr.Update(bar.high, bar.low, bar.close);
  s.window.push_back(bar);
  if (s.window.size() > PatternWindow(o.pattern_bars)) s.window.pop_front();

  if (std::isnan(previous.macd) || std::isnan(previous.signal) ||
      std::isnan(macd.macd) || std::isnan(macd.signal) || std::isnan(rsi) ||
      std::isnan(bands.upper) || std::isnan(atr)) {
    return std::nullopt;
  }
  const bool cross_up =
      previous.macd <= previous.signal && macd.macd > macd.signal;
  const bool cross_down =
      previous.macd >= previous.signal && macd.macd < macd.signal;
  if (!cross_up && !cross_down) return std::nullopt;
  const bool buy = cross_up;
  if (buy ? !(rsi < o.rsi_overbought) : !(rsi > o.rsi_oversold)) {
    return std::nullopt;
  }

  Signal signal;
  signal.symbol = o.symbol;
  signal.timeframe = o.timeframe;
  signal.time = bar.time + bar_duration_;
  signal.side = buy ? Side::kBuy : Side::kSell;
  signal.reasons.push_back(absl::StrCat("MACD ", Num(macd.macd), " crossed ",
                                        buy ? "above" : "below",
                                        " its signal line ", Num(macd.signal)));
  int confidence = o.base_confidence;
  if (buy ? rsi <= o.rsi_midline : rsi >= o.rsi_midline) {
    confidence += o.rsi_weight;
    signal.reasons.push_back(
        absl::StrCat("RSI ", Num(rsi), buy ? " at or below " : " at or above ",
                     Num(o.rsi_midline)));
  }
  const double width = bands.upper - bands.lower;
  const double percent_b = width > 0 ? (bar.close - bands.lower) / width : 0.5;
  if (buy ? percent_b <= o.band_proximity : percent_b >= 1 - o.band_proximity) {
    confidence += o.bands_weight;
    signal.reasons.push_back(absl::StrCat(
        "close ", Num(bar.close), " near the ", buy ? "lower" : "upper",
        " Bollinger band ", Num(buy ? bands.lower : bands.upper), " (%B ",
        Num(percent_b), ")"));
  }

  BOTCORE_ASSIGN_OR_RETURN(std::optional<std::string> pattern,
                           ConfirmingPattern(s.window, buy, o.pattern_bars));
  if (pattern) {
    confidence += o.pattern_weight;
    signal.reasons.push_back(*std::move(pattern));
  }

  signal.confidence = std::min(confidence, 100);
  if (signal.confidence < o.min_confidence) return std::nullopt;
  const double risk = o.stop_atr_multiple * atr;
  signal.entry = bar.close;
  signal.stop_loss = buy ? bar.close - risk : bar.close + risk;
  signal.take_profit =
      buy ? bar.close + o.reward_risk * risk : bar.close - o.reward_risk * risk;
  if (!(risk > 0) || (buy && signal.stop_loss <= 0) ||
      (!buy && signal.take_profit <= 0)) {
    return std::nullopt;
  }
  signal.reasons.push_back(
      absl::StrCat("ATR ", Num(atr), ": stop ", Num(o.stop_atr_multiple),
                   " ATR away, target ", Num(o.reward_risk), "x the risk"));
  signal.id = SignalId(signal);
  return signal;
}

}  // namespace botcore
