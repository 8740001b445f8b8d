#include "botcore/indicators/moving_averages.h"

#include <algorithm>

#include "indicators/batch.h"
#include "indicators/validation.h"
#include "internal/status_macros.h"

namespace botcore::ta {

using internal::ArrayHistory;
using internal::Collect;
using internal::kNaN;
using internal::LookbackIf;
using internal::Validation;

namespace {

bool ValidPeriod(int p, int min) {
  return p >= min && p <= internal::kMaxPeriod;
}

Validation CheckSeries(const char* name, absl::Span<const double> close,
                       int timeperiod, int min, absl::Span<double> out) {
  return Validation(name)
      .Period("timeperiod", timeperiod, min)
      .Input("close", close)
      .Output("out", out);
}

// Runs `core` over `close` into `out`: an Update(history) core when
// kWindowed, an Update(double) core otherwise. The loop screens the inputs
// it reads (internal::ValueScreen), so a clean block skips the value check.
template <bool kWindowed, typename Core>
absl::Status Run(const Validation& v, Core core, absl::Span<const double> close,
                 absl::Span<double> out) {
  BOTCORE_RETURN_IF_ERROR(v.status());
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        internal::ValueScreen screen;
        for (int64_t i = begin; i < end; ++i) {
          screen.Add(close.data() + i);
          if constexpr (kWindowed) {
            out.data()[i] = local_core.Update(ArrayHistory{close.data(), i});
          } else {
            out.data()[i] = local_core.Update(close.data()[i]);
          }
        }
        core = local_core;
        return screen.clean();
      });
}

}  // namespace

// ---------------------------------------------------------------- SMA

int SmaLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), timeperiod - 1);
}

absl::Status Sma(absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out) {
  return Run<true>(CheckSeries("SMA", close, timeperiod, 2, out),
                   internal::SmaCore(timeperiod), close, out);
}

absl::StatusOr<std::vector<double>> Sma(absl::Span<const double> close,
                                        int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Sma(close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- EMA

int EmaLookback(int timeperiod, const TaSettings& settings) {
  return LookbackIf(ValidPeriod(timeperiod, 2) && settings.unstable_period >= 0,
                    timeperiod - 1 + settings.unstable_period);
}

absl::Status Ema(absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out, const TaSettings& settings) {
  const Validation v =
      CheckSeries("EMA", close, timeperiod, 2, out).Settings(settings);
  BOTCORE_RETURN_IF_ERROR(v.status());
  internal::EmaCore core(timeperiod, internal::EmaK(timeperiod),
                         settings.compatibility, settings.unstable_period);
  return internal::RunChecked(v, static_cast<int64_t>(close.size()), {out},
                              [&](int64_t begin, int64_t end) {
                                internal::ValueScreen screen;
                                core.Run(close.data() + begin,
                                         out.data() + begin, end - begin,
                                         screen);
                                return screen.clean();
                              });
}

absl::StatusOr<std::vector<double>> Ema(absl::Span<const double> close,
                                        int timeperiod,
                                        const TaSettings& settings) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Ema(close, timeperiod, out, settings);
  });
}

// ---------------------------------------------------------------- WMA

int WmaLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), timeperiod - 1);
}

absl::Status Wma(absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out) {
  return Run<true>(CheckSeries("WMA", close, timeperiod, 2, out),
                   internal::WmaCore(timeperiod), close, out);
}

absl::StatusOr<std::vector<double>> Wma(absl::Span<const double> close,
                                        int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Wma(close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- DEMA

int DemaLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), 2 * (timeperiod - 1));
}

absl::Status Dema(absl::Span<const double> close, int timeperiod,
                  absl::Span<double> out) {
  return Run<false>(CheckSeries("DEMA", close, timeperiod, 2, out),
                    internal::DemaCore(timeperiod), close, out);
}

absl::StatusOr<std::vector<double>> Dema(absl::Span<const double> close,
                                         int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Dema(close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- TEMA

int TemaLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), 3 * (timeperiod - 1));
}

absl::Status Tema(absl::Span<const double> close, int timeperiod,
                  absl::Span<double> out) {
  return Run<false>(CheckSeries("TEMA", close, timeperiod, 2, out),
                    internal::TemaCore(timeperiod), close, out);
}

absl::StatusOr<std::vector<double>> Tema(absl::Span<const double> close,
                                         int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Tema(close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- KAMA

int KamaLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), timeperiod);
}

absl::Status Kama(absl::Span<const double> close, int timeperiod,
                  absl::Span<double> out) {
  return Run<true>(CheckSeries("KAMA", close, timeperiod, 2, out),
                   internal::KamaCore(timeperiod), close, out);
}

absl::StatusOr<std::vector<double>> Kama(absl::Span<const double> close,
                                         int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Kama(close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- MA

int MaLookback(int timeperiod, MAType matype) {
  if (matype != MAType::kSma && matype != MAType::kEma) return -1;
  return LookbackIf(ValidPeriod(timeperiod, 1), timeperiod - 1);
}

absl::Status Ma(absl::Span<const double> close, int timeperiod, MAType matype,
                absl::Span<double> out) {
  return Run<true>(
      CheckSeries("MA", close, timeperiod, 1, out).MaType("matype", matype),
      internal::MaCore(timeperiod, matype), close, out);
}

absl::StatusOr<std::vector<double>> Ma(absl::Span<const double> close,
                                       int timeperiod, MAType matype) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Ma(close, timeperiod, matype, out);
  });
}

// ---------------------------------------------------------------- streaming

absl::StatusOr<StreamingSma> StreamingSma::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("SMA").Period("timeperiod", timeperiod, 2).status());
  return StreamingSma(timeperiod);
}
StreamingSma::StreamingSma(int timeperiod)
    : core_(timeperiod), window_(timeperiod) {}
void StreamingSma::Reset() {
  core_.Reset();
  window_.Clear();
  ClearState();
}

absl::StatusOr<StreamingEma> StreamingEma::Create(int timeperiod,
                                                  const TaSettings& settings) {
  Validation v("EMA");
  BOTCORE_RETURN_IF_ERROR(
      v.Period("timeperiod", timeperiod, 2).Settings(settings).status());
  return StreamingEma(internal::EmaCore(timeperiod, internal::EmaK(timeperiod),
                                        settings.compatibility,
                                        settings.unstable_period));
}
void StreamingEma::Reset() {
  core_.Reset();
  ClearState();
}

absl::StatusOr<StreamingWma> StreamingWma::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("WMA").Period("timeperiod", timeperiod, 2).status());
  return StreamingWma(timeperiod);
}
StreamingWma::StreamingWma(int timeperiod)
    : core_(timeperiod), window_(timeperiod) {}
double StreamingWma::Update(double x) {
  if (!internal::AllFinite(x)) return NaNValue();
  window_.Push(x);
  return Accept(core_.Update(window_));
}
void StreamingWma::Reset() {
  core_.Reset();
  window_.Clear();
  ClearState();
}

absl::StatusOr<StreamingDema> StreamingDema::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("DEMA").Period("timeperiod", timeperiod, 2).status());
  return StreamingDema(internal::DemaCore(timeperiod));
}
double StreamingDema::Update(double x) {
  if (!internal::AllFinite(x)) return NaNValue();
  return Accept(core_.Update(x));
}
void StreamingDema::Reset() {
  core_.Reset();
  ClearState();
}

absl::StatusOr<StreamingTema> StreamingTema::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("TEMA").Period("timeperiod", timeperiod, 2).status());
  return StreamingTema(internal::TemaCore(timeperiod));
}
double StreamingTema::Update(double x) {
  if (!internal::AllFinite(x)) return NaNValue();
  return Accept(core_.Update(x));
}
void StreamingTema::Reset() {
  core_.Reset();
  ClearState();
}

absl::StatusOr<StreamingKama> StreamingKama::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("KAMA").Period("timeperiod", timeperiod, 2).status());
  return StreamingKama(timeperiod);
}
StreamingKama::StreamingKama(int timeperiod)
    : core_(timeperiod), window_(timeperiod + 2) {}
double StreamingKama::Update(double x) {
  if (!internal::AllFinite(x)) return NaNValue();
  window_.Push(x);
  return Accept(core_.Update(window_));
}
void StreamingKama::Reset() {
  core_.Reset();
  window_.Clear();
  ClearState();
}

absl::StatusOr<StreamingMa> StreamingMa::Create(int timeperiod, MAType matype) {
  BOTCORE_RETURN_IF_ERROR(Validation("MA")
                              .Period("timeperiod", timeperiod, 1)
                              .MaType("matype", matype)
                              .status());
  return StreamingMa(timeperiod, matype);
}
StreamingMa::StreamingMa(int timeperiod, MAType matype)
    : core_(timeperiod, matype), window_(timeperiod) {}
double StreamingMa::Update(double x) {
  if (!internal::AllFinite(x)) return NaNValue();
  window_.Push(x);
  return Accept(core_.Update(window_));
}
void StreamingMa::Reset() {
  core_.Reset();
  window_.Clear();
  ClearState();
}

}  // namespace botcore::ta
