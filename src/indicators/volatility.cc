#include "botcore/indicators/volatility.h"

#include <algorithm>
#include <type_traits>

#include "indicators/batch.h"
#include "indicators/validation.h"
#include "internal/status_macros.h"

namespace botcore::ta {

using internal::AllFinite;
using internal::Collect;
using internal::kMaxPeriod;
using internal::kNaN;
using internal::LookbackIf;
using internal::Validation;

namespace {

bool ValidPeriod(int p, int min) { return p >= min && p <= kMaxPeriod; }

Validation& CheckBbands(Validation& v, int timeperiod, double nbdevup,
                        double nbdevdn, MAType matype) {
  return v.Period("timeperiod", timeperiod, 2)
      .Finite("nbdevup", nbdevup)
      .Finite("nbdevdn", nbdevdn)
      .MaType("matype", matype);
}

Validation& CheckHlc(Validation& v, absl::Span<const double> high,
                     absl::Span<const double> low,
                     absl::Span<const double> close) {
  return v.Input("high", high)
      .Input("low", low)
      .Input("close", close)
      .HighLow(high, low);
}

}  // namespace

// ---------------------------------------------------------------- BBANDS

int BbandsLookback(int timeperiod, MAType matype) {
  return LookbackIf(ValidPeriod(timeperiod, 2) &&
                        (matype == MAType::kSma || matype == MAType::kEma),
                    timeperiod - 1);
}

absl::Status Bbands(absl::Span<const double> close, int timeperiod,
                    double nbdevup, double nbdevdn, MAType matype,
                    absl::Span<double> upper, absl::Span<double> middle,
                    absl::Span<double> lower) {
  Validation v("BBANDS");
  BOTCORE_RETURN_IF_ERROR(CheckBbands(v, timeperiod, nbdevup, nbdevdn, matype)
                              .Input("close", close)
                              .Output("upperband", upper)
                              .Output("middleband", middle)
                              .Output("lowerband", lower)
                              .status());
  internal::VarianceCore variance(timeperiod);
  internal::EmaCore ema(timeperiod);
  const bool ema_middle = matype == MAType::kEma;
  const int64_t n = static_cast<int64_t>(close.size());
  double* const up = upper.data();
  double* const mid = middle.data();
  double* const low = lower.data();
  // Bars j (and j+1 when T is a Pair): the middle is the SMA (the mean) or
  // the EMA written to `middle` beforehand.
  const auto emit = [&](int64_t j, auto mean, auto var) {
    using T = decltype(mean);
    if constexpr (std::is_same_v<T, internal::Pair>) {
      const T m = ema_middle ? T{mid[j], mid[j + 1]} : mean;
      const internal::Bands<T> b = internal::BandsOf(m, var, nbdevup, nbdevdn);
      up[j] = b.upper[0];
      up[j + 1] = b.upper[1];
      mid[j] = b.middle[0];
      mid[j + 1] = b.middle[1];
      low[j] = b.lower[0];
      low[j + 1] = b.lower[1];
    } else {
      const internal::BbandsValue b =
          internal::BandsOf(ema_middle ? mid[j] : mean, var, nbdevup, nbdevdn);
      up[j] = b.upper;
      mid[j] = b.middle;
      low[j] = b.lower;
    }
  };
  const auto run = [&](int64_t begin, int64_t end) {
    if (ema_middle) ema.Run(close.data() + begin, mid + begin, end - begin);
    variance.Run(close.data(), begin, end, emit);
  };
  return internal::RunChecked(v, n, {upper, middle, lower}, run);
}

absl::StatusOr<BbandsSeries> Bbands(absl::Span<const double> close,
                                    int timeperiod, double nbdevup,
                                    double nbdevdn, MAType matype) {
  return Collect<BbandsSeries>(close.size(), [&](auto up, auto mid, auto lo) {
    return Bbands(close, timeperiod, nbdevup, nbdevdn, matype, up, mid, lo);
  });
}

// ---------------------------------------------------------------- ATR, NATR

int AtrLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 1), timeperiod);
}

absl::Status Atr(absl::Span<const double> high, absl::Span<const double> low,
                 absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out) {
  Validation v("ATR");
  BOTCORE_RETURN_IF_ERROR(
      CheckHlc(v.Period("timeperiod", timeperiod, 1), high, low, close)
          .Output("out", out)
          .status());
  internal::AtrCore core(timeperiod);
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        internal::ValueScreen screen;
        core.Run(high.data() + begin, low.data() + begin, close.data() + begin,
                 out.data() + begin, end - begin, screen);
        return screen.clean();
      });
}

absl::StatusOr<std::vector<double>> Atr(absl::Span<const double> high,
                                        absl::Span<const double> low,
                                        absl::Span<const double> close,
                                        int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Atr(high, low, close, timeperiod, out);
  });
}

int NatrLookback(int timeperiod) { return AtrLookback(timeperiod); }

absl::Status Natr(absl::Span<const double> high, absl::Span<const double> low,
                  absl::Span<const double> close, int timeperiod,
                  absl::Span<double> out) {
  Validation v("NATR");
  BOTCORE_RETURN_IF_ERROR(
      CheckHlc(v.Period("timeperiod", timeperiod, 1), high, low, close)
          .Output("out", out)
          .status());
  internal::AtrCore core(timeperiod);
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i) {
          out.data()[i] = internal::NormalizedAtr(
              local_core.Update(high.data()[i], low.data()[i], close.data()[i]),
              close.data()[i]);
        }
        core = local_core;
      });
}

absl::StatusOr<std::vector<double>> Natr(absl::Span<const double> high,
                                         absl::Span<const double> low,
                                         absl::Span<const double> close,
                                         int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Natr(high, low, close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- TRANGE

int TrueRangeLookback() { return 1; }

absl::Status TrueRange(absl::Span<const double> high,
                       absl::Span<const double> low,
                       absl::Span<const double> close, absl::Span<double> out) {
  Validation v("TRANGE");
  BOTCORE_RETURN_IF_ERROR(
      CheckHlc(v, high, low, close).Output("out", out).status());
  out.data()[0] = kNaN;
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        for (int64_t i = std::max<int64_t>(begin, 1); i < end; ++i) {
          out.data()[i] = internal::TrueRange(high.data()[i], low.data()[i],
                                              close.data()[i - 1]);
        }
      });
}

absl::StatusOr<std::vector<double>> TrueRange(absl::Span<const double> high,
                                              absl::Span<const double> low,
                                              absl::Span<const double> close) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return TrueRange(high, low, close, out);
  });
}

// ---------------------------------------------------------------- streaming

absl::StatusOr<StreamingBbands> StreamingBbands::Create(int timeperiod,
                                                        double nbdevup,
                                                        double nbdevdn,
                                                        MAType matype) {
  Validation v("BBANDS");
  BOTCORE_RETURN_IF_ERROR(
      CheckBbands(v, timeperiod, nbdevup, nbdevdn, matype).status());
  return StreamingBbands(timeperiod, nbdevup, nbdevdn, matype);
}
StreamingBbands::StreamingBbands(int timeperiod, double nbdevup, double nbdevdn,
                                 MAType matype)
    : variance_(timeperiod),
      ema_(timeperiod),
      ema_middle_(matype == MAType::kEma),
      nbdevup_(nbdevup),
      nbdevdn_(nbdevdn),
      window_(timeperiod) {}
BbandsValue StreamingBbands::Update(double close) {
  if (!AllFinite(close)) return NaNValue();
  window_.Push(close);
  const internal::MeanVariance mv = variance_.Update(window_);
  const double mid = ema_middle_ ? ema_.Update(close) : mv.mean;
  return Accept(internal::BandsOf(mid, mv.variance, nbdevup_, nbdevdn_));
}
void StreamingBbands::Reset() {
  variance_.Reset();
  ema_.Reset();
  window_.Clear();
  ClearState();
}

absl::StatusOr<StreamingAtr> StreamingAtr::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("ATR").Period("timeperiod", timeperiod, 1).status());
  return StreamingAtr(internal::AtrCore(timeperiod));
}
double StreamingAtr::Update(double high, double low, double close) {
  if (!AllFinite(high, low, close) || high < low) return NaNValue();
  return Accept(core_.Update(high, low, close));
}
void StreamingAtr::Reset() {
  core_.Reset();
  ClearState();
}

absl::StatusOr<StreamingNatr> StreamingNatr::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("NATR").Period("timeperiod", timeperiod, 1).status());
  return StreamingNatr(internal::AtrCore(timeperiod));
}
double StreamingNatr::Update(double high, double low, double close) {
  if (!AllFinite(high, low, close) || high < low) return NaNValue();
  return Accept(internal::NormalizedAtr(core_.Update(high, low, close), close));
}
void StreamingNatr::Reset() {
  core_.Reset();
  ClearState();
}

double StreamingTrueRange::Update(double high, double low, double close) {
  if (!AllFinite(high, low, close) || high < low) return NaNValue();
  const double prev_close = prev_close_;
  prev_close_ = close;
  return Accept(bars() == 0 ? kNaN
                            : internal::TrueRange(high, low, prev_close));
}
void StreamingTrueRange::Reset() {
  prev_close_ = 0;
  ClearState();
}

}  // namespace botcore::ta
