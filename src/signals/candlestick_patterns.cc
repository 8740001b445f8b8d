#include "botcore/signals/candlestick_patterns.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

// Read access to one series with TA-Lib's candle arithmetic. Every
// expression keeps TA-Lib's operand order, so results match it to the bit.
class Candles {
 public:
  explicit Candles(const OhlcSpans& bars)
      : o_(bars.open.data()),
        h_(bars.high.data()),
        l_(bars.low.data()),
        c_(bars.close.data()),
        size_(static_cast<int64_t>(bars.open.size())) {}

  int64_t size() const { return size_; }
  double open(int64_t i) const { return o_[i]; }
  double high(int64_t i) const { return h_[i]; }
  double low(int64_t i) const { return l_[i]; }
  double close(int64_t i) const { return c_[i]; }

  bool White(int64_t i) const { return c_[i] >= o_[i]; }
  bool Black(int64_t i) const { return !White(i); }
  double Body(int64_t i) const { return std::fabs(c_[i] - o_[i]); }
  double BodyTop(int64_t i) const { return std::max(c_[i], o_[i]); }
  double BodyBottom(int64_t i) const { return std::min(c_[i], o_[i]); }
  double UpperShadow(int64_t i) const {
    return h_[i] - (c_[i] >= o_[i] ? c_[i] : o_[i]);
  }
  double LowerShadow(int64_t i) const {
    return (c_[i] >= o_[i] ? o_[i] : c_[i]) - l_[i];
  }
  // TA_REALBODYGAPUP(i, j) and TA_REALBODYGAPDOWN(i, j).
  bool BodyGapUp(int64_t i, int64_t j) const {
    return BodyBottom(i) > BodyTop(j);
  }
  bool BodyGapDown(int64_t i, int64_t j) const {
    return BodyTop(i) < BodyBottom(j);
  }

  double Range(CandleRange range, int64_t i) const {
    switch (range) {
      case CandleRange::kRealBody:
        return Body(i);
      case CandleRange::kHighLow:
        return h_[i] - l_[i];
      case CandleRange::kShadows:
        return UpperShadow(i) + LowerShadow(i);
    }
    return 0;
  }

 private:
  const double* o_;
  const double* h_;
  const double* l_;
  const double* c_;
  int64_t size_;
};

// TA-Lib's running candle average of one setting, judged at candle
// i - offset while the loop is at bar i. The total is seeded over the
// avg_period candles before (first - offset) and then slides by one candle
// per bar, adding and subtracting in TA-Lib's order: its rounding drift is
// part of the reference output.
class CandleAverage {
 public:
  CandleAverage(const Candles& candles, const CandleSetting& setting,
                int64_t first, int offset)
      : candles_(candles),
        setting_(setting),
        offset_(offset),
        trailing_(first - offset - setting.avg_period) {
    for (int64_t j = trailing_; j < first - offset; ++j) {
      total_ += candles_.Range(setting_.range, j);
    }
  }

  // TA_CANDLEAVERAGE for the candle i - offset.
  double At(int64_t i) const {
    const double base = setting_.avg_period != 0
                            ? total_ / setting_.avg_period
                            : candles_.Range(setting_.range, i - offset_);
    return setting_.factor * base /
           (setting_.range == CandleRange::kShadows ? 2.0 : 1.0);
  }

  // Slides the window once bar i has been judged.
  void Advance(int64_t i) {
    total_ += candles_.Range(setting_.range, i - offset_) -
              candles_.Range(setting_.range, trailing_);
    ++trailing_;
  }

 private:
  const Candles& candles_;
  CandleSetting setting_;
  int offset_;
  int64_t trailing_;
  double total_ = 0;
};

absl::Status CheckSetting(std::string_view pattern, std::string_view name,
                          const CandleSetting& s) {
  if (s.avg_period < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(pattern), ": candle setting ", ToAbsl(name),
                     ".avg_period must be >= 0, got ", s.avg_period));
  }
  if (!std::isfinite(s.factor) || s.factor < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(pattern), ": candle setting ", ToAbsl(name),
                     ".factor must be finite and >= 0, got ", s.factor));
  }
  return absl::OkStatus();
}

absl::Status CheckSettings(std::string_view pattern, const CandleSettings& s) {
  BOTCORE_RETURN_IF_ERROR(CheckSetting(pattern, "body_long", s.body_long));
  BOTCORE_RETURN_IF_ERROR(
      CheckSetting(pattern, "body_very_long", s.body_very_long));
  BOTCORE_RETURN_IF_ERROR(CheckSetting(pattern, "body_short", s.body_short));
  BOTCORE_RETURN_IF_ERROR(CheckSetting(pattern, "body_doji", s.body_doji));
  BOTCORE_RETURN_IF_ERROR(CheckSetting(pattern, "shadow_long", s.shadow_long));
  BOTCORE_RETURN_IF_ERROR(
      CheckSetting(pattern, "shadow_very_long", s.shadow_very_long));
  BOTCORE_RETURN_IF_ERROR(
      CheckSetting(pattern, "shadow_short", s.shadow_short));
  BOTCORE_RETURN_IF_ERROR(
      CheckSetting(pattern, "shadow_very_short", s.shadow_very_short));
  BOTCORE_RETURN_IF_ERROR(CheckSetting(pattern, "near", s.near));
  BOTCORE_RETURN_IF_ERROR(CheckSetting(pattern, "far", s.far));
  return CheckSetting(pattern, "equal", s.equal);
}

absl::Status CheckSeries(std::string_view pattern, const OhlcSpans& bars,
                         absl::Span<int> out) {
  const size_t n = bars.open.size();
  const struct {
    const char* name;
    absl::Span<const double> values;
  } series[] = {{"open", bars.open},
                {"high", bars.high},
                {"low", bars.low},
                {"close", bars.close}};
  for (const auto& s : series) {
    if (s.values.size() != n) {
      return absl::InvalidArgumentError(
          absl::StrCat(ToAbsl(pattern), ": ", s.name, " has ", s.values.size(),
                       " values but open has ", n));
    }
  }
  if (out.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(pattern), ": out has ", out.size(),
                     " slots but the series has ", n, " bars"));
  }
  for (const auto& s : series) {
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(s.values[i])) {
        return absl::InvalidArgumentError(absl::StrCat(
            ToAbsl(pattern), ": ", s.name, "[", i, "] is ", s.values[i]));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPenetration(std::string_view pattern, double penetration) {
  if (!std::isfinite(penetration) || penetration < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        ToAbsl(pattern), ": penetration must be finite and >= 0, got ",
        penetration));
  }
  return absl::OkStatus();
}

// Zeroes the outputs before `lookback` and returns the first bar to judge
// (== out.size() when there is none).
int64_t ZeroLeadingOutputs(absl::Span<int> out, int lookback) {
  const int64_t first =
      std::min<int64_t>(lookback, static_cast<int64_t>(out.size()));
  std::fill(out.begin(), out.begin() + first, 0);
  return first;
}

int MaxPeriod(std::initializer_list<CandleSetting> settings) {
  int p = 0;
  for (const CandleSetting& s : settings) p = std::max(p, s.avg_period);
  return p;
}

// The shared part of the two star patterns; `sign` is +1 for the morning
// star (black, gap down, white) and -1 for the evening star.
absl::Status Star(std::string_view pattern, int sign, const OhlcSpans& bars,
                  absl::Span<int> out, double penetration,
                  const CandleSettings& s, int lookback) {
  BOTCORE_RETURN_IF_ERROR(CheckSeries(pattern, bars, out));
  BOTCORE_RETURN_IF_ERROR(CheckSettings(pattern, s));
  BOTCORE_RETURN_IF_ERROR(CheckPenetration(pattern, penetration));
  const Candles c(bars);
  const int64_t first = ZeroLeadingOutputs(out, lookback);
  if (first >= c.size()) return absl::OkStatus();
  CandleAverage first_long(c, s.body_long, first, 2);
  CandleAverage star_short(c, s.body_short, first, 1);
  CandleAverage third_short(c, s.body_short, first, 0);
  for (int64_t i = first; i < c.size(); ++i) {
    const bool shape =
        sign > 0
            ? c.Black(i - 2) && c.White(i) && c.BodyGapDown(i - 1, i - 2) &&
                  c.close(i) > c.close(i - 2) + c.Body(i - 2) * penetration
            : c.White(i - 2) && c.Black(i) && c.BodyGapUp(i - 1, i - 2) &&
                  c.close(i) < c.close(i - 2) - c.Body(i - 2) * penetration;
    const bool match = shape && c.Body(i - 2) > first_long.At(i) &&
                       c.Body(i - 1) <= star_short.At(i) &&
                       c.Body(i) > third_short.At(i);
    out[i] = match ? sign * 100 : 0;
    first_long.Advance(i);
    star_short.Advance(i);
    third_short.Advance(i);
  }
  return absl::OkStatus();
}

}  // namespace

int CdlDojiLookback(const CandleSettings& s) { return s.body_doji.avg_period; }

absl::Status CdlDoji(const OhlcSpans& bars, absl::Span<int> out,
                     const CandleSettings& s) {
  BOTCORE_RETURN_IF_ERROR(CheckSeries("CDLDOJI", bars, out));
  BOTCORE_RETURN_IF_ERROR(CheckSettings("CDLDOJI", s));
  const Candles c(bars);
  const int64_t first = ZeroLeadingOutputs(out, CdlDojiLookback(s));
  if (first >= c.size()) return absl::OkStatus();
  CandleAverage doji(c, s.body_doji, first, 0);
  for (int64_t i = first; i < c.size(); ++i) {
    out[i] = c.Body(i) <= doji.At(i) ? 100 : 0;
    doji.Advance(i);
  }
  return absl::OkStatus();
}

int CdlHammerLookback(const CandleSettings& s) {
  return MaxPeriod({s.body_short, s.shadow_long, s.shadow_very_short, s.near}) +
         1;
}

absl::Status CdlHammer(const OhlcSpans& bars, absl::Span<int> out,
                       const CandleSettings& s) {
  BOTCORE_RETURN_IF_ERROR(CheckSeries("CDLHAMMER", bars, out));
  BOTCORE_RETURN_IF_ERROR(CheckSettings("CDLHAMMER", s));
  const Candles c(bars);
  const int64_t first = ZeroLeadingOutputs(out, CdlHammerLookback(s));
  if (first >= c.size()) return absl::OkStatus();
  CandleAverage body(c, s.body_short, first, 0);
  CandleAverage shadow_long(c, s.shadow_long, first, 0);
  CandleAverage shadow_very_short(c, s.shadow_very_short, first, 0);
  CandleAverage near(c, s.near, first, 1);
  for (int64_t i = first; i < c.size(); ++i) {
    const bool match = c.Body(i) < body.At(i) &&
                       c.LowerShadow(i) > shadow_long.At(i) &&
                       c.UpperShadow(i) < shadow_very_short.At(i) &&
                       c.BodyBottom(i) <= c.low(i - 1) + near.At(i);
    out[i] = match ? 100 : 0;
    body.Advance(i);
    shadow_long.Advance(i);
    shadow_very_short.Advance(i);
    near.Advance(i);
  }
  return absl::OkStatus();
}

int CdlShootingStarLookback(const CandleSettings& s) {
  return MaxPeriod({s.body_short, s.shadow_long, s.shadow_very_short}) + 1;
}

absl::Status CdlShootingStar(const OhlcSpans& bars, absl::Span<int> out,
                             const CandleSettings& s) {
  BOTCORE_RETURN_IF_ERROR(CheckSeries("CDLSHOOTINGSTAR", bars, out));
  BOTCORE_RETURN_IF_ERROR(CheckSettings("CDLSHOOTINGSTAR", s));
  const Candles c(bars);
  const int64_t first = ZeroLeadingOutputs(out, CdlShootingStarLookback(s));
  if (first >= c.size()) return absl::OkStatus();
  CandleAverage body(c, s.body_short, first, 0);
  CandleAverage shadow_long(c, s.shadow_long, first, 0);
  CandleAverage shadow_very_short(c, s.shadow_very_short, first, 0);
  for (int64_t i = first; i < c.size(); ++i) {
    const bool match = c.BodyGapUp(i, i - 1) && c.Body(i) < body.At(i) &&
                       c.UpperShadow(i) > shadow_long.At(i) &&
                       c.LowerShadow(i) < shadow_very_short.At(i);
    out[i] = match ? -100 : 0;
    body.Advance(i);
    shadow_long.Advance(i);
    shadow_very_short.Advance(i);
  }
  return absl::OkStatus();
}

int CdlEngulfingLookback() { return 2; }

absl::Status CdlEngulfing(const OhlcSpans& bars, absl::Span<int> out) {
  BOTCORE_RETURN_IF_ERROR(CheckSeries("CDLENGULFING", bars, out));
  const Candles c(bars);
  const int64_t first = ZeroLeadingOutputs(out, CdlEngulfingLookback());
  for (int64_t i = first; i < c.size(); ++i) {
    const double o = c.open(i), cl = c.close(i);
    const double po = c.open(i - 1), pc = c.close(i - 1);
    const bool bullish = c.White(i) && c.Black(i - 1) &&
                         ((cl >= po && o < pc) || (cl > po && o <= pc));
    const bool bearish = c.Black(i) && c.White(i - 1) &&
                         ((o >= pc && cl < po) || (o > pc && cl <= po));
    if (!bullish && !bearish) {
      out[i] = 0;
    } else {
      const int sign = c.White(i) ? 1 : -1;
      out[i] = sign * (o != pc && cl != po ? 100 : 80);
    }
  }
  return absl::OkStatus();
}

int CdlHaramiLookback(const CandleSettings& s) {
  return MaxPeriod({s.body_short, s.body_long}) + 1;
}

absl::Status CdlHarami(const OhlcSpans& bars, absl::Span<int> out,
                       const CandleSettings& s) {
  BOTCORE_RETURN_IF_ERROR(CheckSeries("CDLHARAMI", bars, out));
  BOTCORE_RETURN_IF_ERROR(CheckSettings("CDLHARAMI", s));
  const Candles c(bars);
  const int64_t first = ZeroLeadingOutputs(out, CdlHaramiLookback(s));
  if (first >= c.size()) return absl::OkStatus();
  CandleAverage first_long(c, s.body_long, first, 1);
  CandleAverage second_short(c, s.body_short, first, 0);
  for (int64_t i = first; i < c.size(); ++i) {
    int result = 0;
    if (c.Body(i - 1) > first_long.At(i) && c.Body(i) <= second_short.At(i)) {
      const int sign = c.White(i - 1) ? -1 : 1;
      if (c.BodyTop(i) < c.BodyTop(i - 1) &&
          c.BodyBottom(i) > c.BodyBottom(i - 1)) {
        result = sign * 100;
      } else if (c.BodyTop(i) <= c.BodyTop(i - 1) &&
                 c.BodyBottom(i) >= c.BodyBottom(i - 1)) {
        result = sign * 80;
      }
    }
    out[i] = result;
    first_long.Advance(i);
    second_short.Advance(i);
  }
  return absl::OkStatus();
}

int CdlMorningStarLookback(const CandleSettings& s) {
  return MaxPeriod({s.body_short, s.body_long}) + 2;
}

absl::Status CdlMorningStar(const OhlcSpans& bars, absl::Span<int> out,
                            double penetration, const CandleSettings& s) {
  return Star("CDLMORNINGSTAR", 1, bars, out, penetration, s,
              CdlMorningStarLookback(s));
}

int CdlEveningStarLookback(const CandleSettings& s) {
  return MaxPeriod({s.body_short, s.body_long}) + 2;
}

absl::Status CdlEveningStar(const OhlcSpans& bars, absl::Span<int> out,
                            double penetration, const CandleSettings& s) {
  return Star("CDLEVENINGSTAR", -1, bars, out, penetration, s,
              CdlEveningStarLookback(s));
}

int Cdl3WhiteSoldiersLookback(const CandleSettings& s) {
  return MaxPeriod({s.shadow_very_short, s.body_short, s.far, s.near}) + 2;
}

absl::Status Cdl3WhiteSoldiers(const OhlcSpans& bars, absl::Span<int> out,
                               const CandleSettings& s) {
  BOTCORE_RETURN_IF_ERROR(CheckSeries("CDL3WHITESOLDIERS", bars, out));
  BOTCORE_RETURN_IF_ERROR(CheckSettings("CDL3WHITESOLDIERS", s));
  const Candles c(bars);
  const int64_t first = ZeroLeadingOutputs(out, Cdl3WhiteSoldiersLookback(s));
  if (first >= c.size()) return absl::OkStatus();
  CandleAverage upper2(c, s.shadow_very_short, first, 2);
  CandleAverage upper1(c, s.shadow_very_short, first, 1);
  CandleAverage upper0(c, s.shadow_very_short, first, 0);
  CandleAverage near2(c, s.near, first, 2);
  CandleAverage near1(c, s.near, first, 1);
  CandleAverage far2(c, s.far, first, 2);
  CandleAverage far1(c, s.far, first, 1);
  CandleAverage body(c, s.body_short, first, 0);
  for (int64_t i = first; i < c.size(); ++i) {
    const bool match =
        c.White(i - 2) && c.UpperShadow(i - 2) < upper2.At(i) &&
        c.White(i - 1) && c.UpperShadow(i - 1) < upper1.At(i) && c.White(i) &&
        c.UpperShadow(i) < upper0.At(i) && c.close(i) > c.close(i - 1) &&
        c.close(i - 1) > c.close(i - 2) && c.open(i - 1) > c.open(i - 2) &&
        c.open(i - 1) <= c.close(i - 2) + near2.At(i) &&
        c.open(i) > c.open(i - 1) &&
        c.open(i) <= c.close(i - 1) + near1.At(i) &&
        c.Body(i - 1) > c.Body(i - 2) - far2.At(i) &&
        c.Body(i) > c.Body(i - 1) - far1.At(i) && c.Body(i) > body.At(i);
    out[i] = match ? 100 : 0;
    for (CandleAverage* a :
         {&upper2, &upper1, &upper0, &near2, &near1, &far2, &far1, &body}) {
      a->Advance(i);
    }
  }
  return absl::OkStatus();
}

int Cdl3BlackCrowsLookback(const CandleSettings& s) {
  return s.shadow_very_short.avg_period + 3;
}

absl::Status Cdl3BlackCrows(const OhlcSpans& bars, absl::Span<int> out,
                            const CandleSettings& s) {
  BOTCORE_RETURN_IF_ERROR(CheckSeries("CDL3BLACKCROWS", bars, out));
  BOTCORE_RETURN_IF_ERROR(CheckSettings("CDL3BLACKCROWS", s));
  const Candles c(bars);
  const int64_t first = ZeroLeadingOutputs(out, Cdl3BlackCrowsLookback(s));
  if (first >= c.size()) return absl::OkStatus();
  CandleAverage lower2(c, s.shadow_very_short, first, 2);
  CandleAverage lower1(c, s.shadow_very_short, first, 1);
  CandleAverage lower0(c, s.shadow_very_short, first, 0);
  for (int64_t i = first; i < c.size(); ++i) {
    const bool match =
        c.White(i - 3) && c.Black(i - 2) && c.Black(i - 1) && c.Black(i) &&
        c.open(i - 1) < c.open(i - 2) && c.open(i - 1) > c.close(i - 2) &&
        c.open(i) < c.open(i - 1) && c.open(i) > c.close(i - 1) &&
        c.high(i - 3) > c.close(i - 2) && c.close(i - 2) > c.close(i - 1) &&
        c.close(i - 1) > c.close(i) && c.LowerShadow(i - 2) < lower2.At(i) &&
        c.LowerShadow(i - 1) < lower1.At(i) && c.LowerShadow(i) < lower0.At(i);
    out[i] = match ? -100 : 0;
    lower2.Advance(i);
    lower1.Advance(i);
    lower0.Advance(i);
  }
  return absl::OkStatus();
}

}  // namespace botcore
