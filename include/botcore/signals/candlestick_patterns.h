// File: botcore/signals/candlestick_patterns.h
//
// Candlestick pattern recognition that reproduces TA-Lib 0.6.4 exactly: the
// same candle settings (BodyLong, BodyDoji, ShadowVeryShort, Near, Far, ...),
// the same running averages over the previous candles, the same comparisons,
// so every output equals TA_CDL<NAME> called over the full range
// (startIdx = 0). Outputs are 0 (no pattern), +100/-100 (bullish/bearish) and,
// where TA-Lib has it, +80/-80 (CDLENGULFING and CDLHARAMI when the two real
// bodies share one edge).
//
// Each pattern is a batch function over a whole series plus a lookback: the
// first `Cdl<Name>Lookback()` outputs are always 0, like TA-Lib's Python
// wrapper.
//
//   OhlcSpans bars{open, high, low, close};  // four equally long spans
//   std::vector<int> out(open.size());
//   absl::Status s = CdlEngulfing(bars, absl::MakeSpan(out));
//   // out[i] == 100: bullish engulfing at bar i; -80: bearish, non-strict.
//
// A candle is white when close >= open (so a doji counts as white), black
// otherwise. "Average" below always means the TA-Lib candle average of the
// setting over the candles *before* the one judged.
//
// Thread safety: the functions are pure; call them from any thread.

#ifndef BOTCORE_SIGNALS_CANDLESTICK_PATTERNS_H_
#define BOTCORE_SIGNALS_CANDLESTICK_PATTERNS_H_

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace botcore {

// Four equally long price series of one instrument, oldest first. Views:
// the caller owns the data.
struct OhlcSpans {
  absl::Span<const double> open;
  absl::Span<const double> high;
  absl::Span<const double> low;
  absl::Span<const double> close;
};

// What a candle setting measures (TA_RangeType).
enum class CandleRange {
  kRealBody,  // |close - open|
  kHighLow,   // high - low
  kShadows,   // upper shadow + lower shadow; its average is halved
};

// One TA-Lib candle setting: a candle part is "long", "short", "near"...
// when compared with `factor` times the average `range` of the previous
// `avg_period` candles (or, when avg_period is 0, of the candle itself).
struct CandleSetting {
  CandleRange range = CandleRange::kRealBody;
  int avg_period = 0;
  double factor = 0;
};

// TA-Lib's candle settings; the defaults are TA-Lib's
// (TA_CandleDefaultSettings).
struct CandleSettings {
  // Default: real body, 10 candles, 1.0.
  CandleSetting body_long{CandleRange::kRealBody, 10, 1.0};
  // Default: real body, 10 candles, 3.0.
  CandleSetting body_very_long{CandleRange::kRealBody, 10, 3.0};
  // Default: real body, 10 candles, 1.0.
  CandleSetting body_short{CandleRange::kRealBody, 10, 1.0};
  // Default: high-low range, 10 candles, 0.1.
  CandleSetting body_doji{CandleRange::kHighLow, 10, 0.1};
  // Default: real body of the candle itself, factor 1.0.
  CandleSetting shadow_long{CandleRange::kRealBody, 0, 1.0};
  // Default: real body of the candle itself, factor 2.0.
  CandleSetting shadow_very_long{CandleRange::kRealBody, 0, 2.0};
  // Default: shadows, 10 candles, 1.0.
  CandleSetting shadow_short{CandleRange::kShadows, 10, 1.0};
  // Default: high-low range, 10 candles, 0.1.
  CandleSetting shadow_very_short{CandleRange::kHighLow, 10, 0.1};
  // Default: high-low range, 5 candles, 0.2.
  CandleSetting near{CandleRange::kHighLow, 5, 0.2};
  // Default: high-low range, 5 candles, 0.6.
  CandleSetting far{CandleRange::kHighLow, 5, 0.6};
  // Default: high-low range, 5 candles, 0.05.
  CandleSetting equal{CandleRange::kHighLow, 5, 0.05};
};

// Every pattern function below:
//   - writes one output per bar into `out`, which must be as long as the
//     series; outputs before the pattern's lookback are 0;
//   - returns kInvalidArgument, naming the pattern, the parameter and the
//     value, when the four spans differ in length, `out` has another length,
//     a price is NaN or infinite, a candle setting has a negative period or a
//     negative or non-finite factor, or `penetration` is negative or not
//     finite. `out` is then left unchanged.
// A series shorter than lookback + 1 gives all zeros.

// CDLDOJI: |close - open| <= average BodyDoji. Outputs 0 or 100.
int CdlDojiLookback(const CandleSettings& settings = {});
[[nodiscard]] absl::Status CdlDoji(const OhlcSpans& bars, absl::Span<int> out,
                                   const CandleSettings& settings = {});

// CDLHAMMER: short body, lower shadow longer than ShadowLong, very short upper
// shadow, body at or below the previous low plus Near. Outputs 0 or 100.
int CdlHammerLookback(const CandleSettings& settings = {});
[[nodiscard]] absl::Status CdlHammer(const OhlcSpans& bars, absl::Span<int> out,
                                     const CandleSettings& settings = {});

// CDLSHOOTINGSTAR: short body gapping up from the previous body, long upper
// shadow, very short lower shadow. Outputs 0 or -100.
int CdlShootingStarLookback(const CandleSettings& settings = {});
[[nodiscard]] absl::Status CdlShootingStar(const OhlcSpans& bars,
                                           absl::Span<int> out,
                                           const CandleSettings& settings = {});

// CDLENGULFING: a white (black) body engulfing the previous black (white)
// body: +-100 when it does strictly, +-80 when one edge is equal (TA-Lib
// 0.6.x). The sign is the second candle's colour.
int CdlEngulfingLookback();
[[nodiscard]] absl::Status CdlEngulfing(const OhlcSpans& bars,
                                        absl::Span<int> out);

// CDLHARAMI: a long body followed by a short body inside it: +-100 strictly
// inside, +-80 when one edge is equal; the sign is opposite to the first
// candle's colour.
int CdlHaramiLookback(const CandleSettings& settings = {});
[[nodiscard]] absl::Status CdlHarami(const OhlcSpans& bars, absl::Span<int> out,
                                     const CandleSettings& settings = {});

// CDLMORNINGSTAR: a long black body, a short body gapping down, then a white
// body longer than short closing above close[i-2] + penetration * body[i-2].
// Outputs 0 or 100. TA-Lib's default penetration is 0.3.
int CdlMorningStarLookback(const CandleSettings& settings = {});
[[nodiscard]] absl::Status CdlMorningStar(const OhlcSpans& bars,
                                          absl::Span<int> out,
                                          double penetration = 0.3,
                                          const CandleSettings& settings = {});

// CDLEVENINGSTAR: the mirror of CDLMORNINGSTAR. Outputs 0 or -100.
int CdlEveningStarLookback(const CandleSettings& settings = {});
[[nodiscard]] absl::Status CdlEveningStar(const OhlcSpans& bars,
                                          absl::Span<int> out,
                                          double penetration = 0.3,
                                          const CandleSettings& settings = {});

// CDL3WHITESOLDIERS: three white candles with very short upper shadows,
// rising closes, each opening within or near the previous body and not far
// shorter than it, the last not short. Outputs 0 or 100.
int Cdl3WhiteSoldiersLookback(const CandleSettings& settings = {});
[[nodiscard]] absl::Status Cdl3WhiteSoldiers(
    const OhlcSpans& bars, absl::Span<int> out,
    const CandleSettings& settings = {});

// CDL3BLACKCROWS: a white candle, then three declining black candles with
// very short lower shadows, each opening within the previous body, the first
// closing under the white candle's high. Outputs 0 or -100.
int Cdl3BlackCrowsLookback(const CandleSettings& settings = {});
[[nodiscard]] absl::Status Cdl3BlackCrows(const OhlcSpans& bars,
                                          absl::Span<int> out,
                                          const CandleSettings& settings = {});

}  // namespace botcore

#endif  // BOTCORE_SIGNALS_CANDLESTICK_PATTERNS_H_
