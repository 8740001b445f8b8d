// File: botcore/signals/chart_patterns.h
//
// Chart patterns that signal bots use and TA-Lib lacks, found on the swing
// points of a zig-zag:
//
//   - swing points: the zig-zag that reverses after price moves a given
//     percentage against the last extreme;
//   - head and shoulders (bearish) and inverse head and shoulders (bullish);
//   - double top (bearish) and double bottom (bullish).
//
// Every detection reports its swing points, its neckline and the projected
// target (the pattern's height measured from the neckline), and the bar at
// which the close first broke the neckline, if it has.
//
//   OhlcSpans bars{open, high, low, close};
//   absl::StatusOr<std::vector<ChartPattern>> found =
//       FindChartPatterns(bars);  // default tolerances
//   for (const ChartPattern& p : *found) {
//     if (p.kind == ChartPatternKind::kDoubleBottom && p.breakout_index) ...
//   }
//
// A swing point is reported only once the reversal that confirms it has
// happened (`confirmed_at`), so the detections use no future bars beyond
// `confirmed_at` of their last point and the breakout bar: a strategy can run
// them on the bars it has seen so far.
//
// Thread safety: the functions are pure; call them from any thread.

#ifndef BOTCORE_SIGNALS_CHART_PATTERNS_H_
#define BOTCORE_SIGNALS_CHART_PATTERNS_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "botcore/signals/candlestick_patterns.h"

namespace botcore {

// A zig-zag turning point: a swing high at a bar's high, or a swing low at a
// bar's low.
struct SwingPoint {
  enum class Kind { kHigh, kLow };
  Kind kind = Kind::kHigh;
  int64_t index = 0;         // the bar of the extreme
  double price = 0;          // its high (kHigh) or low (kLow)
  int64_t confirmed_at = 0;  // the bar whose move confirmed the reversal

  friend bool operator==(const SwingPoint&, const SwingPoint&) = default;
};

// Finds the zig-zag of `high` and `low` (equally long, oldest first): a
// swing high is confirmed when a later low is at least `threshold_percent`
// below the highest high since the last swing low, and symmetrically for a
// swing low. The points alternate high, low, high, ...; the extreme still
// forming at the end of the series is not reported. The first point is
// whichever extreme is confirmed first.
// Errors: kInvalidArgument for spans of different lengths, a non-finite or
// non-positive price, high below low, or threshold_percent not in (0, 100).
[[nodiscard]] absl::StatusOr<std::vector<SwingPoint>> FindSwingPoints(
    absl::Span<const double> high, absl::Span<const double> low,
    double threshold_percent = 5.0);

enum class ChartPatternKind {
  kHeadAndShoulders,         // bearish: high, low, higher high, low, high
  kInverseHeadAndShoulders,  // bullish: the mirror image
  kDoubleTop,                // bearish: high, low, high at about the same level
  kDoubleBottom,             // bullish: the mirror image
};

// "head_and_shoulders", "inverse_head_and_shoulders", "double_top",
// "double_bottom".
std::string_view ChartPatternKindName(ChartPatternKind kind);

// A straight line through two (bar, price) points.
struct Neckline {
  int64_t from_index = 0;
  double from_price = 0;
  int64_t to_index = 0;
  double to_price = 0;

  // The line's price at bar `index` (extended beyond its two points).
  double At(int64_t index) const;
};

struct ChartPattern {
  ChartPatternKind kind = ChartPatternKind::kDoubleTop;
  // In time order: left shoulder, neckline point, head, neckline point,
  // right shoulder (head and shoulders); first extreme, neckline point,
  // second extreme (double top or bottom).
  std::vector<SwingPoint> points;
  // Through the two troughs (peaks for the inverse) of a head and shoulders;
  // horizontal at the middle point of a double top or bottom.
  Neckline neckline;
  // The first bar after the last point whose close is beyond the neckline
  // (below it for bearish patterns, above for bullish ones), if any, before
  // a high above the head or top (a low below the bottom) voids the pattern.
  std::optional<int64_t> breakout_index;
  // Height = distance from the head (or the farther of the two extremes) to
  // the neckline at that bar; target = the neckline at the breakout bar (at
  // the last point while there is no breakout) minus the height for bearish
  // patterns, plus it for bullish ones.
  double height = 0;
  double target = 0;

  bool bullish() const;
};

struct ChartPatternOptions {
  // The zig-zag reversal threshold (FindSwingPoints). Default: 5.
  double swing_threshold_percent = 5.0;
  // Head and shoulders: the two shoulders may differ by at most this
  // percentage of the higher one. Default: 5.
  double shoulder_tolerance_percent = 5.0;
  // Head and shoulders: the head must exceed the higher shoulder (inverse:
  // stay below the lower one) by at least this percentage of it. Default: 1.
  double head_margin_percent = 1.0;
  // Head and shoulders: the two neckline points may differ by at most this
  // percentage of the higher one (limits the neckline's slope). Default: 5.
  double neckline_tolerance_percent = 5.0;
  // Double top/bottom: the two extremes may differ by at most this percentage
  // of the higher one. Default: 3.
  double peak_tolerance_percent = 3.0;
  // Double top/bottom: at least this many bars between the two extremes.
  // Default: 5.
  int min_peak_separation_bars = 5;
};

// Finds every head and shoulders, inverse head and shoulders, double top and
// double bottom on the swing points of `bars` (only high, low and close are
// read; open may be empty). Detections are ordered by their last point's bar,
// then by kind.
// Errors: kInvalidArgument naming the option and value for a tolerance that
// is negative or not finite, a threshold not in (0, 100), a negative
// separation; otherwise as FindSwingPoints (close must be as long as high).
[[nodiscard]] absl::StatusOr<std::vector<ChartPattern>> FindChartPatterns(
    const OhlcSpans& bars, const ChartPatternOptions& options = {});

}  // namespace botcore

#endif  // BOTCORE_SIGNALS_CHART_PATTERNS_H_
