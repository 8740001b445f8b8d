// Swing points and chart patterns on constructed series with known answers,
// near-misses that must not match, and the real GAZP and SBER data.

#include "botcore/signals/chart_patterns.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "botcore/core/candle.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

using Kind = SwingPoint::Kind;

// A path through integer waypoints, one bar per unit of price, with
// high = low = close = the price on the path.
struct Path {
  std::vector<double> open, high, low, close;
  explicit Path(const std::vector<int>& waypoints) {
    int p = waypoints[0];
    Add(p);
    for (size_t w = 1; w < waypoints.size(); ++w) {
      while (p != waypoints[w]) {
        p += waypoints[w] > p ? 1 : -1;
        Add(p);
      }
    }
  }
  void Add(double p) {
    open.push_back(p);
    high.push_back(p);
    low.push_back(p);
    close.push_back(p);
  }
  OhlcSpans spans() const { return {open, high, low, close}; }
};

std::vector<ChartPattern> Of(const std::vector<ChartPattern>& all,
                             ChartPatternKind kind) {
  std::vector<ChartPattern> out;
  for (const ChartPattern& p : all) {
    if (p.kind == kind) out.push_back(p);
  }
  return out;
}

TEST_CASE("zig-zag swing points on a constructed path") {
  const Path path({100, 120, 105, 130, 106, 121, 95});
  ASSIGN_OR_REQUIRE(auto swings, FindSwingPoints(path.high, path.low, 5.0));
  // bar:   0    20   35   60   84   99; the last leg down is still forming.
  const std::vector<SwingPoint> want = {
      {Kind::kLow, 0, 100, 5},   {Kind::kHigh, 20, 120, 26},
      {Kind::kLow, 35, 105, 41}, {Kind::kHigh, 60, 130, 67},
      {Kind::kLow, 84, 106, 90}, {Kind::kHigh, 99, 121, 106}};
  CHECK(swings == want);
  // At 25% the smaller legs merge: the low at 100 is confirmed at 125 on
  // the way to 130, the 130 top when the last leg reaches 97.5.
  ASSIGN_OR_REQUIRE(auto coarse, FindSwingPoints(path.high, path.low, 25.0));
  CHECK(coarse == std::vector<SwingPoint>{{Kind::kLow, 0, 100, 55},
                                          {Kind::kHigh, 60, 130, 123}});
}

TEST_CASE("head and shoulders: points, neckline, breakout and target") {
  const Path path({100, 120, 105, 130, 106, 121, 95});
  ASSIGN_OR_REQUIRE(auto all, FindChartPatterns(path.spans()));
  const auto hs = Of(all, ChartPatternKind::kHeadAndShoulders);
  REQUIRE(hs.size() == 1);
  const ChartPattern& p = hs[0];
  CHECK(!p.bullish());
  REQUIRE(p.points.size() == 5);
  CHECK(p.points[0].index == 20);
  CHECK(p.points[2].price == 130);
  CHECK(p.points[4].index == 99);
  CHECK(p.neckline.from_index == 35);
  CHECK(p.neckline.to_price == 106);
  CHECK(p.neckline.At(84 + 49) == doctest::Approx(107));
  // Price 121 - (j - 99) first closes below 105 + (j - 35) / 49 at j = 114.
  REQUIRE(p.breakout_index.has_value());
  CHECK(*p.breakout_index == 114);
  const double height = 130 - (105 + 25.0 / 49);
  CHECK(p.height == doctest::Approx(height));
  CHECK(p.target == doctest::Approx(105 + 79.0 / 49 - height));
}

TEST_CASE("inverse head and shoulders is the mirror image") {
  const Path path({130, 110, 125, 100, 124, 109, 135});
  ASSIGN_OR_REQUIRE(auto all, FindChartPatterns(path.spans()));
  const auto inv = Of(all, ChartPatternKind::kInverseHeadAndShoulders);
  REQUIRE(inv.size() == 1);
  const ChartPattern& p = inv[0];
  CHECK(p.bullish());
  CHECK(p.points[2].price == 100);
  CHECK(p.points[2].kind == Kind::kLow);
  REQUIRE(p.breakout_index.has_value());
  CHECK(path.close[*p.breakout_index] > p.neckline.At(*p.breakout_index));
  CHECK(path.close[*p.breakout_index - 1] <=
        p.neckline.At(*p.breakout_index - 1));
  CHECK(p.target > p.neckline.At(*p.breakout_index));
  CHECK(p.height == doctest::Approx(p.neckline.At(p.points[2].index) - 100));
  CHECK(Of(all, ChartPatternKind::kHeadAndShoulders).empty());
}

TEST_CASE("near-misses of head and shoulders do not match") {
  // Right shoulder 113 differs from 120 by 5.8% > 5%.
  ASSIGN_OR_REQUIRE(
      auto lopsided,
      FindChartPatterns(Path({100, 120, 105, 130, 106, 113, 95}).spans()));
  CHECK(Of(lopsided, ChartPatternKind::kHeadAndShoulders).empty());
  // Head 121 is less than 1% above the shoulders at 120.
  ASSIGN_OR_REQUIRE(
      auto flat,
      FindChartPatterns(Path({100, 120, 105, 121, 106, 120, 95}).spans()));
  CHECK(Of(flat, ChartPatternKind::kHeadAndShoulders).empty());
  // Neckline 105 -> 112 slopes 6.25% > 5%.
  ASSIGN_OR_REQUIRE(
      auto sloped,
      FindChartPatterns(Path({100, 120, 105, 130, 112, 121, 95}).spans()));
  CHECK(Of(sloped, ChartPatternKind::kHeadAndShoulders).empty());
  // With a looser shoulder tolerance the lopsided one matches.
  ChartPatternOptions loose;
  loose.shoulder_tolerance_percent = 7;
  ASSIGN_OR_REQUIRE(
      auto matched,
      FindChartPatterns(Path({100, 120, 105, 130, 106, 113, 95}).spans(),
                        loose));
  CHECK(Of(matched, ChartPatternKind::kHeadAndShoulders).size() == 1);
}

TEST_CASE("double top and double bottom with their targets") {
  const Path top({100, 120, 108, 119, 100});
  ASSIGN_OR_REQUIRE(auto tops, FindChartPatterns(top.spans()));
  const auto dt = Of(tops, ChartPatternKind::kDoubleTop);
  REQUIRE(dt.size() == 1);
  CHECK(dt[0].points[0].index == 20);
  CHECK(dt[0].points[1].price == 108);
  CHECK(dt[0].points[2].index == 43);
  CHECK(dt[0].neckline.At(1000) == 108);
  REQUIRE(dt[0].breakout_index.has_value());
  CHECK(*dt[0].breakout_index == 55);  // close 107 < 108
  CHECK(dt[0].height == 12);
  CHECK(dt[0].target == 96);

  const Path bottom({120, 100, 112, 101, 120});
  ASSIGN_OR_REQUIRE(auto bottoms, FindChartPatterns(bottom.spans()));
  const auto db = Of(bottoms, ChartPatternKind::kDoubleBottom);
  REQUIRE(db.size() == 1);
  CHECK(db[0].bullish());
  CHECK(db[0].points[0].price == 100);
  CHECK(db[0].points[2].price == 101);
  REQUIRE(db[0].breakout_index.has_value());
  CHECK(*db[0].breakout_index == 55);  // close 113 > 112
  CHECK(db[0].height == 12);
  CHECK(db[0].target == 124);
}

TEST_CASE("near-misses of double tops and bottoms do not match") {
  // Second top 115 is 4.2% under 120 (> 3%).
  ASSIGN_OR_REQUIRE(auto uneven,
                    FindChartPatterns(Path({100, 120, 108, 115, 100}).spans()));
  CHECK(Of(uneven, ChartPatternKind::kDoubleTop).empty());
  // Tops 6 bars apart with a 10-bar minimum.
  ChartPatternOptions wide;
  wide.swing_threshold_percent = 2;
  wide.min_peak_separation_bars = 10;
  ASSIGN_OR_REQUIRE(
      auto close_tops,
      FindChartPatterns(Path({100, 110, 107, 110, 100}).spans(), wide));
  CHECK(Of(close_tops, ChartPatternKind::kDoubleTop).empty());
  wide.min_peak_separation_bars = 6;
  ASSIGN_OR_REQUIRE(
      auto ok_tops,
      FindChartPatterns(Path({100, 110, 107, 110, 100}).spans(), wide));
  CHECK(Of(ok_tops, ChartPatternKind::kDoubleTop).size() == 1);
  // A rally above the top before the neckline breaks voids the breakout.
  ASSIGN_OR_REQUIRE(
      auto voided,
      FindChartPatterns(Path({100, 120, 108, 119, 113, 125, 100}).spans()));
  const auto dt = Of(voided, ChartPatternKind::kDoubleTop);
  REQUIRE(!dt.empty());
  CHECK(!dt[0].breakout_index.has_value());
}

TEST_CASE("bad input is kInvalidArgument naming the value") {
  const Path path({100, 120, 105});
  absl::StatusOr<std::vector<SwingPoint>> s =
      FindSwingPoints(path.high, path.low, 0);
  CHECK_STATUS_IS(s, kInvalidArgument);
  CHECK(absl::StrContains(s.status().message(), "threshold_percent"));
  std::vector<double> low = path.low;
  low.pop_back();
  CHECK_STATUS_IS(FindSwingPoints(path.high, low), kInvalidArgument);
  low = path.low;
  low[3] = 200;
  s = FindSwingPoints(path.high, low);
  CHECK_STATUS_IS(s, kInvalidArgument);
  CHECK(absl::StrContains(s.status().message(), "high[3]"));
  low[3] = -1;
  CHECK_STATUS_IS(FindSwingPoints(path.high, low), kInvalidArgument);
  ChartPatternOptions bad;
  bad.peak_tolerance_percent = -1;
  absl::StatusOr<std::vector<ChartPattern>> p =
      FindChartPatterns(path.spans(), bad);
  CHECK_STATUS_IS(p, kInvalidArgument);
  CHECK(absl::StrContains(p.status().message(), "peak_tolerance_percent"));
  bad = {};
  bad.min_peak_separation_bars = -1;
  CHECK_STATUS_IS(FindChartPatterns(path.spans(), bad), kInvalidArgument);
  std::vector<double> close = path.close;
  close.pop_back();
  CHECK_STATUS_IS(FindChartPatterns({path.open, path.high, path.low, close}),
                  kInvalidArgument);
  ASSIGN_OR_REQUIRE(auto empty, FindChartPatterns({}));
  CHECK(empty.empty());
}

TEST_CASE("GAZP and SBER: every detection is well formed") {
  for (const char* file : {"gazp_daily.csv", "sber_daily.csv"}) {
    CAPTURE(file);
    ASSIGN_OR_REQUIRE(std::vector<Candle> bars,
                      ReadCandlesCsv(testing::SharedDir() + "/data/" + file));
    std::vector<double> o, h, l, c;
    for (const Candle& b : bars) {
      o.push_back(b.open);
      h.push_back(b.high);
      l.push_back(b.low);
      c.push_back(b.close);
    }
    ASSIGN_OR_REQUIRE(auto swings, FindSwingPoints(h, l));
    CHECK(swings.size() > 20);
    for (size_t i = 1; i < swings.size(); ++i) {
      CHECK(swings[i].kind != swings[i - 1].kind);
      CHECK(swings[i].index > swings[i - 1].index);
      CHECK(swings[i].confirmed_at > swings[i].index);
    }
    ASSIGN_OR_REQUIRE(auto found, FindChartPatterns({o, h, l, c}));
    CHECK(!found.empty());
    int with_breakout = 0;
    for (const ChartPattern& p : found) {
      CAPTURE(ChartPatternKindName(p.kind));
      CHECK(p.height > 0);
      CHECK(p.bullish()
                ? p.target > p.neckline.At(p.points.back().index) - 1e-9
                : p.target < p.neckline.At(p.points.back().index) + 1e-9);
      if (p.breakout_index) {
        ++with_breakout;
        CHECK(*p.breakout_index > p.points.back().index);
      }
    }
    CHECK(with_breakout > 0);
    MESSAGE(std::string(file), ": ", swings.size(), " swings, ", found.size(),
            " patterns, ", with_breakout, " broken out");
  }
}

}  // namespace
}  // namespace botcore
