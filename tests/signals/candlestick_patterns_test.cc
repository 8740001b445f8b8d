// Candlestick patterns against TA-Lib 0.6.4 golden outputs on GAZP, on
// constructed candles, and on bad input.

#include "botcore/signals/candlestick_patterns.h"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "botcore/core/candle.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

struct Series {
  std::vector<double> open, high, low, close;
  OhlcSpans spans() const { return {open, high, low, close}; }
  size_t size() const { return open.size(); }
  void Add(double o, double h, double l, double c) {
    open.push_back(o);
    high.push_back(h);
    low.push_back(l);
    close.push_back(c);
  }
};

Series Gazp() {
  absl::StatusOr<std::vector<Candle>> bars =
      ReadCandlesCsv(testing::SharedDir() + "/data/gazp_daily.csv");
  REQUIRE_OK(bars);
  Series s;
  for (const Candle& b : *bars) s.Add(b.open, b.high, b.low, b.close);
  return s;
}

// The golden column as ints; bars before the lookback ("NaN") read as -1000
// so the test also checks where TA-Lib's output begins.
std::vector<int> Golden(const std::string& file) {
  std::ifstream in(testing::SharedDir() + "/golden/talib-gazp/" + file);
  REQUIRE_MESSAGE(in.good(), file);
  std::string line;
  std::getline(in, line);  // header
  std::vector<int> values;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    REQUIRE(cells.size() == 2);
    int v = -1000;
    if (cells[1] != "NaN") REQUIRE(absl::SimpleAtoi(cells[1], &v));
    values.push_back(v);
  }
  return values;
}

// Compares with the golden file: outputs before `lookback` must be 0 here
// and NaN there; every later output must be equal.
void CheckGolden(
    const std::string& file, int lookback,
    const std::function<absl::Status(const OhlcSpans&, absl::Span<int>)>& fn) {
  CAPTURE(file);
  const Series gazp = Gazp();
  const std::vector<int> golden = Golden(file);
  REQUIRE(golden.size() == gazp.size());
  std::vector<int> out(gazp.size(), 7);
  REQUIRE_OK(fn(gazp.spans(), absl::MakeSpan(out)));
  int mismatches = 0, nonzero = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const int want = static_cast<int>(i) < lookback ? 0 : golden[i];
    if (static_cast<int>(i) < lookback) CHECK(golden[i] == -1000);
    if (out[i] != want) {
      if (++mismatches <= 5)
        MESSAGE("bar ", i, ": got ", out[i], ", TA-Lib ", want);
    }
    nonzero += out[i] != 0;
  }
  CHECK(mismatches == 0);
  CHECK(nonzero > 0);
  CHECK(golden[lookback] != -1000);
}

TEST_CASE("CDLDOJI matches TA-Lib 0.6.4 on GAZP") {
  CHECK(CdlDojiLookback() == 10);
  CheckGolden(
      "CDLDOJI.csv", CdlDojiLookback(),
      [](const OhlcSpans& b, absl::Span<int> o) { return CdlDoji(b, o); });
}

TEST_CASE("CDLHAMMER matches TA-Lib 0.6.4 on GAZP") {
  CHECK(CdlHammerLookback() == 11);
  CheckGolden(
      "CDLHAMMER.csv", CdlHammerLookback(),
      [](const OhlcSpans& b, absl::Span<int> o) { return CdlHammer(b, o); });
}

TEST_CASE("CDLENGULFING matches TA-Lib 0.6.4 on GAZP, +-80 included") {
  CHECK(CdlEngulfingLookback() == 2);
  CheckGolden(
      "CDLENGULFING.csv", CdlEngulfingLookback(),
      [](const OhlcSpans& b, absl::Span<int> o) { return CdlEngulfing(b, o); });
  const Series gazp = Gazp();
  std::vector<int> out(gazp.size());
  REQUIRE_OK(CdlEngulfing(gazp.spans(), absl::MakeSpan(out)));
  CHECK(std::count(out.begin(), out.end(), 80) +
            std::count(out.begin(), out.end(), -80) >
        0);
}

TEST_CASE(
    "CDLMORNINGSTAR matches TA-Lib 0.6.4 on GAZP for penetration 0.3 and 0.5") {
  CHECK(CdlMorningStarLookback() == 12);
  CheckGolden("CDLMORNINGSTAR_0.3.csv", CdlMorningStarLookback(),
              [](const OhlcSpans& b, absl::Span<int> o) {
                return CdlMorningStar(b, o);
              });
  CheckGolden("CDLMORNINGSTAR_0.5.csv", CdlMorningStarLookback(),
              [](const OhlcSpans& b, absl::Span<int> o) {
                return CdlMorningStar(b, o, 0.5);
              });
}

TEST_CASE("lookbacks follow TA-Lib's formulas and the candle settings") {
  CHECK(CdlShootingStarLookback() == 11);
  CHECK(CdlHaramiLookback() == 11);
  CHECK(CdlEveningStarLookback() == 12);
  CHECK(Cdl3WhiteSoldiersLookback() == 12);
  CHECK(Cdl3BlackCrowsLookback() == 13);
  CandleSettings s;
  s.body_doji.avg_period = 3;
  s.near.avg_period = 20;
  CHECK(CdlDojiLookback(s) == 3);
  CHECK(CdlHammerLookback(s) == 21);
  CHECK(Cdl3WhiteSoldiersLookback(s) == 22);
}

// Ten quiet candles (body 1, range 2: averages body 1.0, range 2.0) so the
// candle settings are easy to work out by hand, then the pattern.
Series Quiet(int n = 12) {
  Series s;
  for (int i = 0; i < n; ++i)
    s.Add(100, 101, 99, 101);  // white, body 1, range 2
  return s;
}

std::vector<int> Run(absl::Status (*fn)(const OhlcSpans&, absl::Span<int>,
                                        const CandleSettings&),
                     const Series& s) {
  std::vector<int> out(s.size(), 7);
  REQUIRE_OK(fn(s.spans(), absl::MakeSpan(out), CandleSettings{}));
  return out;
}

TEST_CASE("a doji is a body within a tenth of the average range") {
  Series s = Quiet();
  s.Add(100, 101, 99, 100.125);  // body 0.125 <= 0.1 * 2.0
  s.Add(100, 101, 99, 100.25);   // body 0.25 > 0.2
  std::vector<int> out = Run(&CdlDoji, s);
  CHECK(out[12] == 100);
  CHECK(out[13] == 0);
  CHECK(out[0] == 0);  // before the lookback
}

TEST_CASE("hammer and shooting star on constructed candles") {
  Series s = Quiet();
  // Hammer: body 0.5 < 1, lower shadow 2 > body, upper 0.1 < 0.2, body
  // bottom 99 <= prior low 99 + 0.4.
  s.Add(99, 99.6, 97, 99.5);
  std::vector<int> hammer = Run(&CdlHammer, s);
  CHECK(hammer[12] == 100);
  // The same candle with an upper shadow of 0.3 is not a hammer.
  s.high.back() = 99.8;
  CHECK(Run(&CdlHammer, s)[12] == 0);

  Series t = Quiet();
  // Shooting star: body gaps up above 101, upper shadow long, no lower one.
  t.Add(102, 104, 101.95, 102.5);
  CHECK(Run(&CdlShootingStar, t)[12] == -100);
  t.open.back() = 100.5;  // no gap: body bottom 100.5 < prior top 101
  CHECK(Run(&CdlShootingStar, t)[12] == 0);
}

TEST_CASE(
    "engulfing: strict 100, one equal edge 80, sign of the second candle") {
  Series s;
  s.Add(10, 10.5, 8.5, 9);   // black 10 -> 9
  s.Add(10, 10.5, 8.5, 9);   // black
  s.Add(8.5, 11, 8, 10.5);   // white 8.5 -> 10.5 engulfs 9..10
  s.Add(11, 11.5, 8, 10.5);  // black 11 -> 10.5 does not engulf 8.5..10.5
  s.Add(11, 11.5, 8, 8.5);   // black after black: nothing
  s.Add(8.5, 11.5, 8,
        11.5);  // white 8.5 -> 11.5 vs black 11 -> 8.5: open edge equal
  s.Add(9, 11.5, 8, 11.5);  // white 9 -> 11.5, prior white: nothing
  s.Add(11.5, 12, 8,
        9);  // black 11.5 -> 9 vs white 9 -> 11.5: both edges equal, none
  s.Add(8, 9.5, 7, 9.5);  // white 8 -> 9.5 vs black 11.5 -> 9: open below 9,
                          // close 9.5 < 11.5: no
  s.Add(
      9.5, 10, 7,
      7.5);  // black 9.5 -> 7.5 vs white 8 -> 9.5: open == 9.5, close < 8: -80
  std::vector<int> out(s.size());
  REQUIRE_OK(CdlEngulfing(s.spans(), absl::MakeSpan(out)));
  CHECK(out == std::vector<int>{0, 0, 100, 0, 0, 80, 0, 0, 0, -80});
}

TEST_CASE("harami: long body then a short one inside it") {
  Series s = Quiet(11);
  s.Add(100, 103.5, 99.5, 103);   // white body 3 > 1
  s.Add(102, 102.5, 101, 101.5);  // black body 0.5 inside 100..103
  std::vector<int> out = Run(&CdlHarami, s);
  CHECK(out[12] == -100);  // after a white candle: bearish
  s.open.back() = 102;     // white 102 -> 103: top edge equal, 80
  s.close.back() = 103;
  CHECK(Run(&CdlHarami, s)[12] == -80);
  s.close.back() = 103.25;  // outside the first body
  CHECK(Run(&CdlHarami, s)[12] == 0);
}

TEST_CASE("morning and evening stars with their penetration") {
  Series m = Quiet(11);
  m.Add(104, 104.5, 100.5, 101);    // long black 104 -> 101 (body 3)
  m.Add(100.5, 100.9, 100, 100.3);  // short, body below 101
  m.Add(100.6, 103.2, 100.5, 103);  // white, closes above 101 + 0.3 * 3 = 101.9
  std::vector<int> out(m.size());
  REQUIRE_OK(CdlMorningStar(m.spans(), absl::MakeSpan(out)));
  CHECK(out[13] == 100);
  REQUIRE_OK(
      CdlMorningStar(m.spans(), absl::MakeSpan(out), 0.7));  // needs > 103.1
  CHECK(out[13] == 0);

  Series e = Quiet(11);
  e.Add(100, 103.5, 99.5, 103);     // long white
  e.Add(103.5, 104, 103.2, 103.8);  // short, gaps up
  e.Add(103.4, 103.5, 100.5, 101);  // black, closes below 103 - 0.9
  REQUIRE_OK(CdlEveningStar(e.spans(), absl::MakeSpan(out)));
  CHECK(out[13] == -100);
  e.open[12] = 102.9;  // star body overlaps the first body: no gap
  REQUIRE_OK(CdlEveningStar(e.spans(), absl::MakeSpan(out)));
  CHECK(out[13] == 0);
}

TEST_CASE("three white soldiers and three black crows") {
  Series w = Quiet(12);
  w.Add(101, 102.6, 100.8, 102.5);  // white, open within/near prior body
  w.Add(102, 104.1, 101.9, 104);
  w.Add(103.5, 105.6, 103.4, 105.5);
  std::vector<int> out = Run(&Cdl3WhiteSoldiers, w);
  CHECK(out[14] == 100);
  w.high[14] = 106;  // long upper shadow on the third
  CHECK(Run(&Cdl3WhiteSoldiers, w)[14] == 0);

  Series b = Quiet(12);  // the last quiet candle is white, high 101
  b.Add(100.9, 100.95, 99, 99.05);
  b.Add(100, 100.1, 97.5, 97.6);
  b.Add(98.5, 98.6, 96, 96.1);
  out = Run(&Cdl3BlackCrows, b);
  CHECK(out[14] == -100);
  b.open[13] = 101;  // second crow opens above the first one's body
  CHECK(Run(&Cdl3BlackCrows, b)[14] == 0);
}

TEST_CASE("a series shorter than the lookback gives zeros") {
  Series s = Quiet(5);
  std::vector<int> out(s.size(), 7);
  REQUIRE_OK(CdlMorningStar(s.spans(), absl::MakeSpan(out)));
  CHECK(out == std::vector<int>(5, 0));
  Series empty;
  std::vector<int> none;
  CHECK_OK(CdlEngulfing(empty.spans(), absl::MakeSpan(none)));
}

TEST_CASE("bad input is kInvalidArgument naming pattern, parameter and value") {
  Series s = Quiet();
  std::vector<int> out(s.size(), 7);
  absl::Status st = CdlMorningStar(s.spans(), absl::MakeSpan(out), -0.5);
  CHECK_STATUS_IS(st, kInvalidArgument);
  CHECK(absl::StrContains(st.message(), "CDLMORNINGSTAR"));
  CHECK(absl::StrContains(st.message(), "penetration"));
  CHECK(absl::StrContains(st.message(), "-0.5"));
  CHECK_STATUS_IS(CdlEveningStar(s.spans(), absl::MakeSpan(out),
                                 std::numeric_limits<double>::quiet_NaN()),
                  kInvalidArgument);

  Series nan = s;
  nan.close[4] = std::numeric_limits<double>::quiet_NaN();
  st = CdlDoji(nan.spans(), absl::MakeSpan(out));
  CHECK_STATUS_IS(st, kInvalidArgument);
  CHECK(absl::StrContains(st.message(), "CDLDOJI: close[4] is nan"));

  Series shorter = s;
  shorter.high.pop_back();
  st = CdlHammer(shorter.spans(), absl::MakeSpan(out));
  CHECK_STATUS_IS(st, kInvalidArgument);
  CHECK(absl::StrContains(st.message(), "high has 11 values"));

  std::vector<int> small(3);
  st = CdlEngulfing(s.spans(), absl::MakeSpan(small));
  CHECK_STATUS_IS(st, kInvalidArgument);
  CHECK(absl::StrContains(st.message(), "out has 3 slots"));

  CandleSettings bad;
  bad.near.factor = -1;
  st = CdlHammer(s.spans(), absl::MakeSpan(out), bad);
  CHECK_STATUS_IS(st, kInvalidArgument);
  CHECK(absl::StrContains(st.message(), "near.factor"));
  bad = {};
  bad.body_long.avg_period = -2;
  CHECK_STATUS_IS(CdlHarami(s.spans(), absl::MakeSpan(out), bad),
                  kInvalidArgument);
  CHECK(out == std::vector<int>(s.size(), 7));  // untouched on error
}

}  // namespace
}  // namespace botcore
