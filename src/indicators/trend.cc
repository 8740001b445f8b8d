#include "botcore/indicators/trend.h"

#include "indicators/batch.h"
#include "indicators/validation.h"
#include "internal/status_macros.h"

namespace botcore::ta {

using internal::AllFinite;
using internal::ArrayExtreme;
using internal::Collect;
using internal::kMaxPeriod;
using internal::kNaN;
using internal::LookbackIf;
using internal::Validation;

namespace {

bool ValidPeriod(int p, int min) { return p >= min && p <= kMaxPeriod; }

absl::Status CheckHlc(const char* name, absl::Span<const double> high,
                      absl::Span<const double> low,
                      absl::Span<const double> close, int timeperiod,
                      absl::Span<double> out) {
  return Validation(name)
      .Period("timeperiod", timeperiod, 2)
      .Input("high", high)
      .Input("low", low)
      .Input("close", close)
      .HighLow(high, low)
      .Output("out", out)
      .status();
}

// +DI (plus) or -DI of Wilder's sums.
double DiOf(const internal::DirectionalSums& s, bool plus) {
  return internal::DirectionalIndex(plus ? s.plus_dm : s.minus_dm, s.tr);
}

absl::Status RunDi(const char* name, bool plus, absl::Span<const double> high,
                   absl::Span<const double> low, absl::Span<const double> close,
                   int timeperiod, absl::Span<double> out) {
  BOTCORE_RETURN_IF_ERROR(CheckHlc(name, high, low, close, timeperiod, out));
  internal::DirectionalCore core(timeperiod);
  for (size_t i = 0; i < close.size(); ++i) {
    internal::DirectionalSums s;
    out[i] = core.Update(high[i], low[i], close[i], &s) ? DiOf(s, plus) : kNaN;
  }
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------- ADX, DI

int AdxLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), 2 * timeperiod - 1);
}

absl::Status Adx(absl::Span<const double> high, absl::Span<const double> low,
                 absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out) {
  BOTCORE_RETURN_IF_ERROR(CheckHlc("ADX", high, low, close, timeperiod, out));
  internal::AdxCore core(timeperiod);
  for (size_t i = 0; i < close.size(); ++i) {
    out[i] = core.Update(high[i], low[i], close[i]);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<double>> Adx(absl::Span<const double> high,
                                        absl::Span<const double> low,
                                        absl::Span<const double> close,
                                        int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Adx(high, low, close, timeperiod, out);
  });
}

int PlusDiLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), timeperiod);
}

absl::Status PlusDi(absl::Span<const double> high, absl::Span<const double> low,
                    absl::Span<const double> close, int timeperiod,
                    absl::Span<double> out) {
  return RunDi("PLUS_DI", true, high, low, close, timeperiod, out);
}

absl::StatusOr<std::vector<double>> PlusDi(absl::Span<const double> high,
                                           absl::Span<const double> low,
                                           absl::Span<const double> close,
                                           int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return PlusDi(high, low, close, timeperiod, out);
  });
}

int MinusDiLookback(int timeperiod) { return PlusDiLookback(timeperiod); }

absl::Status MinusDi(absl::Span<const double> high,
                     absl::Span<const double> low,
                     absl::Span<const double> close, int timeperiod,
                     absl::Span<double> out) {
  return RunDi("MINUS_DI", false, high, low, close, timeperiod, out);
}

absl::StatusOr<std::vector<double>> MinusDi(absl::Span<const double> high,
                                            absl::Span<const double> low,
                                            absl::Span<const double> close,
                                            int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return MinusDi(high, low, close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- SAR

int SarLookback(double acceleration, double maximum) {
  return LookbackIf(std::isfinite(acceleration) && acceleration >= 0 &&
                        std::isfinite(maximum) && maximum >= 0,
                    1);
}

absl::Status Sar(absl::Span<const double> high, absl::Span<const double> low,
                 double acceleration, double maximum, absl::Span<double> out) {
  BOTCORE_RETURN_IF_ERROR(Validation("SAR")
                              .AtLeast("acceleration", acceleration, 0)
                              .AtLeast("maximum", maximum, 0)
                              .Input("high", high)
                              .Input("low", low)
                              .HighLow(high, low)
                              .Output("out", out)
                              .status());
  internal::SarCore core(acceleration, maximum);
  for (size_t i = 0; i < high.size(); ++i)
    out[i] = core.Update(high[i], low[i]);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<double>> Sar(absl::Span<const double> high,
                                        absl::Span<const double> low,
                                        double acceleration, double maximum) {
  return Collect(high.size(), [&](absl::Span<double> out) {
    return Sar(high, low, acceleration, maximum, out);
  });
}

// ---------------------------------------------------------------- AROON

int AroonLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), timeperiod);
}

absl::Status Aroon(absl::Span<const double> high, absl::Span<const double> low,
                   int timeperiod, absl::Span<double> aroondown,
                   absl::Span<double> aroonup) {
  BOTCORE_RETURN_IF_ERROR(Validation("AROON")
                              .Period("timeperiod", timeperiod, 2)
                              .Input("high", high)
                              .Input("low", low)
                              .HighLow(high, low)
                              .Output("aroondown", aroondown)
                              .Output("aroonup", aroonup)
                              .status());
  ArrayExtreme<true> highest(high.data(), timeperiod + 1);
  ArrayExtreme<false> lowest(low.data(), timeperiod + 1);
  for (int64_t i = 0; i < static_cast<int64_t>(high.size()); ++i) {
    highest.Update(i);
    lowest.Update(i);
    if (i < timeperiod) {
      aroondown[i] = aroonup[i] = kNaN;
      continue;
    }
    aroondown[i] = internal::AroonLine(timeperiod, i - lowest.index());
    aroonup[i] = internal::AroonLine(timeperiod, i - highest.index());
  }
  return absl::OkStatus();
}

absl::StatusOr<AroonSeries> Aroon(absl::Span<const double> high,
                                  absl::Span<const double> low,
                                  int timeperiod) {
  AroonSeries s{std::vector<double>(high.size()),
                std::vector<double>(high.size())};
  BOTCORE_RETURN_IF_ERROR(Aroon(high, low, timeperiod,
                                absl::MakeSpan(s.aroondown),
                                absl::MakeSpan(s.aroonup)));
  return s;
}

// ---------------------------------------------------------------- streaming

absl::StatusOr<StreamingAdx> StreamingAdx::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("ADX").Period("timeperiod", timeperiod, 2).status());
  return StreamingAdx(internal::AdxCore(timeperiod));
}
double StreamingAdx::Update(double high, double low, double close) {
  if (!AllFinite(high, low, close) || high < low) return kNaN;
  ++bars_;
  return value_ = core_.Update(high, low, close);
}
void StreamingAdx::Reset() {
  core_.Reset();
  value_ = kNaN;
  bars_ = 0;
}

absl::StatusOr<StreamingDi> StreamingDi::Create(Direction direction,
                                                int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation(direction == kPlus ? "PLUS_DI" : "MINUS_DI")
          .Period("timeperiod", timeperiod, 2)
          .status());
  return StreamingDi(direction, internal::DirectionalCore(timeperiod));
}
double StreamingDi::Update(double high, double low, double close) {
  if (!AllFinite(high, low, close) || high < low) return kNaN;
  ++bars_;
  internal::DirectionalSums s;
  return value_ = core_.Update(high, low, close, &s)
                      ? DiOf(s, direction_ == kPlus)
                      : kNaN;
}
void StreamingDi::Reset() {
  core_.Reset();
  value_ = kNaN;
  bars_ = 0;
}

absl::StatusOr<StreamingSar> StreamingSar::Create(double acceleration,
                                                  double maximum) {
  BOTCORE_RETURN_IF_ERROR(Validation("SAR")
                              .AtLeast("acceleration", acceleration, 0)
                              .AtLeast("maximum", maximum, 0)
                              .status());
  return StreamingSar(internal::SarCore(acceleration, maximum));
}
double StreamingSar::Update(double high, double low) {
  if (!AllFinite(high, low) || high < low) return kNaN;
  ++bars_;
  return value_ = core_.Update(high, low);
}
void StreamingSar::Reset() {
  core_.Reset();
  value_ = kNaN;
  bars_ = 0;
}

absl::StatusOr<StreamingAroon> StreamingAroon::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("AROON").Period("timeperiod", timeperiod, 2).status());
  return StreamingAroon(timeperiod);
}
StreamingAroon::StreamingAroon(int timeperiod)
    : timeperiod_(timeperiod),
      highest_(timeperiod + 1, RollingExtreme::kMax),
      lowest_(timeperiod + 1, RollingExtreme::kMin) {}
AroonValue StreamingAroon::Update(double high, double low) {
  if (!AllFinite(high, low) || high < low) return {kNaN, kNaN};
  const int64_t i = bars_++;
  highest_.Push(high);
  lowest_.Push(low);
  if (i < timeperiod_) return value_ = {kNaN, kNaN};
  return value_ = {internal::AroonLine(timeperiod_, lowest_.age()),
                   internal::AroonLine(timeperiod_, highest_.age())};
}
void StreamingAroon::Reset() {
  highest_.Clear();
  lowest_.Clear();
  value_ = {kNaN, kNaN};
  bars_ = 0;
}

}  // namespace botcore::ta
