#include "botcore/signals/chart_patterns.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "internal/status_macros.h"

namespace botcore {
namespace {

using Kind = SwingPoint::Kind;

absl::Status CheckPrices(absl::Span<const double> high,
                         absl::Span<const double> low,
                         absl::Span<const double> close) {
  if (low.size() != high.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "low has ", low.size(), " values but high has ", high.size()));
  }
  if (!close.empty() && close.size() != high.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "close has ", close.size(), " values but high has ", high.size()));
  }
  for (size_t i = 0; i < high.size(); ++i) {
    for (auto [name, v] : {std::pair<const char*, double>{"high", high[i]},
                           {"low", low[i]},
                           {"close", close.empty() ? 1.0 : close[i]}}) {
      if (!std::isfinite(v) || v <= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, "[", i, "] must be finite and > 0, got ", v));
      }
    }
    if (high[i] < low[i]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "high[", i, "] ", high[i], " is below low[", i, "] ", low[i]));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckThreshold(double threshold_percent) {
  if (!(threshold_percent > 0 && threshold_percent < 100)) {
    return absl::InvalidArgumentError(
        absl::StrCat("swing threshold_percent must be in (0, 100), got ",
                     threshold_percent));
  }
  return absl::OkStatus();
}

std::vector<SwingPoint> ZigZag(absl::Span<const double> high,
                               absl::Span<const double> low, double t) {
  std::vector<SwingPoint> points;
  const int64_t n = static_cast<int64_t>(high.size());
  if (n == 0) return points;
  enum class Trend { kUnknown, kUp, kDown } trend = Trend::kUnknown;
  SwingPoint top{Kind::kHigh, 0, high[0], 0};
  SwingPoint bottom{Kind::kLow, 0, low[0], 0};
  for (int64_t i = 1; i < n; ++i) {
    switch (trend) {
      case Trend::kUnknown: {
        if (high[i] > top.price) top = {Kind::kHigh, i, high[i], 0};
        if (low[i] < bottom.price) bottom = {Kind::kLow, i, low[i], 0};
        const bool low_done =
            bottom.index < i && high[i] >= bottom.price * (1 + t);
        const bool high_done = top.index < i && low[i] <= top.price * (1 - t);
        // When one bar confirms both, the earlier extreme is the swing.
        if (low_done && (!high_done || bottom.index < top.index)) {
          bottom.confirmed_at = i;
          points.push_back(bottom);
          trend = Trend::kUp;
          top = {Kind::kHigh, i, high[i], 0};
        } else if (high_done) {
          top.confirmed_at = i;
          points.push_back(top);
          trend = Trend::kDown;
          bottom = {Kind::kLow, i, low[i], 0};
        }
        break;
      }
      case Trend::kUp:
        if (high[i] > top.price) {
          top = {Kind::kHigh, i, high[i], 0};
        } else if (low[i] <= top.price * (1 - t)) {
          top.confirmed_at = i;
          points.push_back(top);
          trend = Trend::kDown;
          bottom = {Kind::kLow, i, low[i], 0};
        }
        break;
      case Trend::kDown:
        if (low[i] < bottom.price) {
          bottom = {Kind::kLow, i, low[i], 0};
        } else if (high[i] >= bottom.price * (1 + t)) {
          bottom.confirmed_at = i;
          points.push_back(bottom);
          trend = Trend::kUp;
          top = {Kind::kHigh, i, high[i], 0};
        }
        break;
    }
  }
  return points;
}

// |a - b| within `percent` of the larger magnitude.
bool Near(double a, double b, double percent) {
  return std::fabs(a - b) <= std::max(a, b) * percent / 100;
}

// Fills the breakout, height and target of `p` whose extreme (head or the
// farther of two tops/bottoms) is at `extreme`.
void Project(ChartPattern& p, double extreme, int64_t extreme_index,
             const OhlcSpans& bars) {
  const bool up = p.bullish();
  const int64_t last = p.points.back().index;
  for (int64_t j = last + 1; j < static_cast<int64_t>(bars.close.size()); ++j) {
    if (up ? bars.low[j] < extreme : bars.high[j] > extreme) break;
    const double line = p.neckline.At(j);
    if (up ? bars.close[j] > line : bars.close[j] < line) {
      p.breakout_index = j;
      break;
    }
  }
  p.height = std::fabs(extreme - p.neckline.At(extreme_index));
  const double base = p.neckline.At(p.breakout_index.value_or(last));
  p.target = up ? base + p.height : base - p.height;
}

void FindHeadAndShoulders(const std::vector<SwingPoint>& sw,
                          const OhlcSpans& bars, const ChartPatternOptions& o,
                          std::vector<ChartPattern>& out) {
  for (size_t i = 0; i + 4 < sw.size(); ++i) {
    const SwingPoint &ls = sw[i], &t1 = sw[i + 1], &head = sw[i + 2],
                     &t2 = sw[i + 3], &rs = sw[i + 4];
    const bool top = ls.kind == Kind::kHigh;
    const bool head_stands_out =
        top ? head.price >= std::max(ls.price, rs.price) *
                                (1 + o.head_margin_percent / 100)
            : head.price <= std::min(ls.price, rs.price) *
                                (1 - o.head_margin_percent / 100);
    if (!head_stands_out ||
        !Near(ls.price, rs.price, o.shoulder_tolerance_percent) ||
        !Near(t1.price, t2.price, o.neckline_tolerance_percent)) {
      continue;
    }
    ChartPattern p;
    p.kind = top ? ChartPatternKind::kHeadAndShoulders
                 : ChartPatternKind::kInverseHeadAndShoulders;
    p.points = {ls, t1, head, t2, rs};
    p.neckline = {t1.index, t1.price, t2.index, t2.price};
    Project(p, head.price, head.index, bars);
    out.push_back(std::move(p));
  }
}

void FindDoubles(const std::vector<SwingPoint>& sw, const OhlcSpans& bars,
                 const ChartPatternOptions& o, std::vector<ChartPattern>& out) {
  for (size_t i = 0; i + 2 < sw.size(); ++i) {
    const SwingPoint &a = sw[i], &mid = sw[i + 1], &b = sw[i + 2];
    if (b.index - a.index < o.min_peak_separation_bars ||
        !Near(a.price, b.price, o.peak_tolerance_percent)) {
      continue;
    }
    const bool top = a.kind == Kind::kHigh;
    ChartPattern p;
    p.kind =
        top ? ChartPatternKind::kDoubleTop : ChartPatternKind::kDoubleBottom;
    p.points = {a, mid, b};
    p.neckline = {mid.index, mid.price, b.index, mid.price};
    const SwingPoint& extreme =
        top ? (b.price > a.price ? b : a) : (b.price < a.price ? b : a);
    Project(p, extreme.price, extreme.index, bars);
    out.push_back(std::move(p));
  }
}

absl::Status CheckPercent(const char* name, double v) {
  if (!std::isfinite(v) || v < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ChartPatternOptions.", name, " must be finite and >= 0, got ", v));
  }
  return absl::OkStatus();
}

}  // namespace

double Neckline::At(int64_t index) const {
  if (to_index == from_index) return from_price;
  return from_price + (to_price - from_price) *
                          static_cast<double>(index - from_index) /
                          static_cast<double>(to_index - from_index);
}

bool ChartPattern::bullish() const {
  return kind == ChartPatternKind::kInverseHeadAndShoulders ||
         kind == ChartPatternKind::kDoubleBottom;
}

std::string_view ChartPatternKindName(ChartPatternKind kind) {
  switch (kind) {
    case ChartPatternKind::kHeadAndShoulders:
      return "head_and_shoulders";
    case ChartPatternKind::kInverseHeadAndShoulders:
      return "inverse_head_and_shoulders";
    case ChartPatternKind::kDoubleTop:
      return "double_top";
    case ChartPatternKind::kDoubleBottom:
      return "double_bottom";
  }
  return "double_top";
}

absl::StatusOr<std::vector<SwingPoint>> FindSwingPoints(
    absl::Span<const double> high, absl::Span<const double> low,
    double threshold_percent) {
  BOTCORE_RETURN_IF_ERROR(CheckThreshold(threshold_percent));
  BOTCORE_RETURN_IF_ERROR(CheckPrices(high, low, {}));
  return ZigZag(high, low, threshold_percent / 100);
}

absl::StatusOr<std::vector<ChartPattern>> FindChartPatterns(
    const OhlcSpans& bars, const ChartPatternOptions& options) {
  BOTCORE_RETURN_IF_ERROR(CheckThreshold(options.swing_threshold_percent));
  BOTCORE_RETURN_IF_ERROR(CheckPercent("shoulder_tolerance_percent",
                                       options.shoulder_tolerance_percent));
  BOTCORE_RETURN_IF_ERROR(
      CheckPercent("head_margin_percent", options.head_margin_percent));
  BOTCORE_RETURN_IF_ERROR(CheckPercent("neckline_tolerance_percent",
                                       options.neckline_tolerance_percent));
  BOTCORE_RETURN_IF_ERROR(
      CheckPercent("peak_tolerance_percent", options.peak_tolerance_percent));
  if (options.min_peak_separation_bars < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ChartPatternOptions.min_peak_separation_bars must be >= 0, got ",
        options.min_peak_separation_bars));
  }
  if (bars.close.size() != bars.high.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("close has ", bars.close.size(), " values but high has ",
                     bars.high.size()));
  }
  BOTCORE_RETURN_IF_ERROR(CheckPrices(bars.high, bars.low, bars.close));
  const std::vector<SwingPoint> swings =
      ZigZag(bars.high, bars.low, options.swing_threshold_percent / 100);
  std::vector<ChartPattern> found;
  FindHeadAndShoulders(swings, bars, options, found);
  FindDoubles(swings, bars, options, found);
  std::stable_sort(found.begin(), found.end(),
                   [](const ChartPattern& a, const ChartPattern& b) {
                     return std::make_tuple(a.points.back().index, a.kind) <
                            std::make_tuple(b.points.back().index, b.kind);
                   });
  return found;
}

}  // namespace botcore
