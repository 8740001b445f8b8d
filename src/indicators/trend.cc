#include "botcore/indicators/trend.h"

#include <algorithm>

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

Validation CheckHlc(const char* name, absl::Span<const double> high,
                    absl::Span<const double> low,
                    absl::Span<const double> close, int timeperiod,
                    absl::Span<double> out) {
  return Validation(name)
      .Period("timeperiod", timeperiod, 2)
      .Input("high", high)
      .Input("low", low)
      .Input("close", close)
      .HighLow(high, low)
      .Output("out", out);
}

// +DI (plus) or -DI of Wilder's sums.
double DiOf(const internal::DirectionalSums& s, bool plus) {
  return internal::DirectionalIndex(plus ? s.dm[1] : s.dm[0], s.tr);
}

absl::Status RunDi(const char* name, bool plus, absl::Span<const double> high,
                   absl::Span<const double> low, absl::Span<const double> close,
                   int timeperiod, absl::Span<double> out) {
  const Validation v = CheckHlc(name, high, low, close, timeperiod, out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  internal::DirectionalCore core(timeperiod);
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i) {
          internal::DirectionalSums s;
          out.data()[i] = local_core.Update(high.data()[i], low.data()[i],
                                            close.data()[i], &s)
                              ? DiOf(s, plus)
                              : kNaN;
        }
        core = local_core;
      });
}

}  // namespace

// ---------------------------------------------------------------- ADX, DI

int AdxLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), 2 * timeperiod - 1);
}

absl::Status Adx(absl::Span<const double> high, absl::Span<const double> low,
                 absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out) {
  const Validation v = CheckHlc("ADX", high, low, close, timeperiod, out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  internal::AdxCore core(timeperiod);
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        core.Run(high.data() + begin, low.data() + begin, close.data() + begin,
                 out.data() + begin, end - begin);
      });
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
  const Validation v = Validation("SAR")
                           .AtLeast("acceleration", acceleration, 0)
                           .AtLeast("maximum", maximum, 0)
                           .Input("high", high)
                           .Input("low", low)
                           .HighLow(high, low)
                           .Output("out", out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  internal::SarCore core(acceleration, maximum);
  return internal::RunChecked(
      v, static_cast<int64_t>(high.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i) {
          out.data()[i] = local_core.Update(high.data()[i], low.data()[i]);
        }
        core = local_core;
      });
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
  const Validation v = Validation("AROON")
                           .Period("timeperiod", timeperiod, 2)
                           .Input("high", high)
                           .Input("low", low)
                           .HighLow(high, low)
                           .Output("aroondown", aroondown)
                           .Output("aroonup", aroonup);
  BOTCORE_RETURN_IF_ERROR(v.status());
  ArrayExtreme<true> highest(high.data(), timeperiod + 1);
  ArrayExtreme<false> lowest(low.data(), timeperiod + 1);
  return internal::RunChecked(
      v, static_cast<int64_t>(high.size()), {aroondown, aroonup},
      [&](int64_t begin, int64_t end) {
        auto local_highest = highest;  // a local copy stays in registers
        auto local_lowest = lowest;
        for (int64_t i = begin; i < end; ++i) {
          local_highest.Update(i);
          local_lowest.Update(i);
          if (i < timeperiod) {
            aroondown.data()[i] = aroonup.data()[i] = kNaN;
            continue;
          }
          aroondown.data()[i] =
              internal::AroonLine(timeperiod, i - local_lowest.index());
          aroonup.data()[i] =
              internal::AroonLine(timeperiod, i - local_highest.index());
        }
        highest = local_highest;
        lowest = local_lowest;
      });
}

absl::StatusOr<AroonSeries> Aroon(absl::Span<const double> high,
                                  absl::Span<const double> low,
                                  int timeperiod) {
  return Collect<AroonSeries>(high.size(), [&](auto down, auto up) {
    return Aroon(high, low, timeperiod, down, up);
  });
}

// ---------------------------------------------------------------- streaming

absl::StatusOr<StreamingAdx> StreamingAdx::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("ADX").Period("timeperiod", timeperiod, 2).status());
  return StreamingAdx(internal::AdxCore(timeperiod));
}
double StreamingAdx::Update(double high, double low, double close) {
  if (!AllFinite(high, low, close) || high < low) return NaNValue();
  return Accept(core_.Update(high, low, close));
}
void StreamingAdx::Reset() {
  core_.Reset();
  ClearState();
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
  if (!AllFinite(high, low, close) || high < low) return NaNValue();
  internal::DirectionalSums s;
  return Accept(
      core_.Update(high, low, close, &s) ? DiOf(s, direction_ == kPlus) : kNaN);
}
void StreamingDi::Reset() {
  core_.Reset();
  ClearState();
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
  if (!AllFinite(high, low) || high < low) return NaNValue();
  return Accept(core_.Update(high, low));
}
void StreamingSar::Reset() {
  core_.Reset();
  ClearState();
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
  if (!AllFinite(high, low) || high < low) return NaNValue();
  const int64_t i = bars();
  highest_.Push(high);
  lowest_.Push(low);
  if (i < timeperiod_) return Accept({kNaN, kNaN});
  return Accept({internal::AroonLine(timeperiod_, lowest_.age()),
                 internal::AroonLine(timeperiod_, highest_.age())});
}
void StreamingAroon::Reset() {
  highest_.Clear();
  lowest_.Clear();
  ClearState();
}

}  // namespace botcore::ta
