#include "botcore/indicators/volume.h"

#include <algorithm>

#include "absl/time/civil_time.h"
#include "indicators/batch.h"
#include "indicators/validation.h"
#include "internal/status_macros.h"

namespace botcore::ta {

using internal::AllFinite;
using internal::ArrayHistory;
using internal::Collect;
using internal::ComputedHistory;
using internal::kMaxPeriod;
using internal::kNaN;
using internal::LookbackIf;
using internal::Validation;

namespace {

bool ValidPeriod(int p, int min) { return p >= min && p <= kMaxPeriod; }

Validation& CheckHlcv(Validation& v, absl::Span<const double> high,
                      absl::Span<const double> low,
                      absl::Span<const double> close,
                      absl::Span<const double> volume) {
  return v.Input("high", high)
      .Input("low", low)
      .Input("close", close)
      .Volume(volume)
      .HighLow(high, low);
}

bool GoodBar(double high, double low, double close, double volume) {
  return AllFinite(high, low, close, volume) && high >= low && volume >= 0;
}

}  // namespace

// ---------------------------------------------------------------- OBV

int ObvLookback() { return 0; }

absl::Status Obv(absl::Span<const double> close,
                 absl::Span<const double> volume, absl::Span<double> out) {
  const Validation v =
      Validation("OBV").Input("close", close).Volume(volume).Output("out", out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  internal::ObvCore core;
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i) {
          out.data()[i] = local_core.Update(close.data()[i], volume.data()[i]);
        }
        core = local_core;
      });
}

absl::StatusOr<std::vector<double>> Obv(absl::Span<const double> close,
                                        absl::Span<const double> volume) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Obv(close, volume, out);
  });
}

// ---------------------------------------------------------------- MFI

int MfiLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), timeperiod);
}

absl::Status Mfi(absl::Span<const double> high, absl::Span<const double> low,
                 absl::Span<const double> close,
                 absl::Span<const double> volume, int timeperiod,
                 absl::Span<double> out) {
  Validation v("MFI");
  BOTCORE_RETURN_IF_ERROR(
      CheckHlcv(v.Period("timeperiod", timeperiod, 2), high, low, close, volume)
          .Output("out", out)
          .status());
  const auto typical = [&](int64_t j) {
    return internal::TypicalPrice(high.data()[j], low.data()[j],
                                  close.data()[j]);
  };
  const auto flow = [&](int64_t j) {
    return internal::MoneyFlowOf(typical(j), typical(j - 1), volume.data()[j]);
  };
  internal::MfiCore core(timeperiod);
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i) {
          out.data()[i] = local_core.Update(
              ComputedHistory<decltype(flow)>{flow, static_cast<int64_t>(i)});
        }
        core = local_core;
      });
}

absl::StatusOr<std::vector<double>> Mfi(absl::Span<const double> high,
                                        absl::Span<const double> low,
                                        absl::Span<const double> close,
                                        absl::Span<const double> volume,
                                        int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Mfi(high, low, close, volume, timeperiod, out);
  });
}

// ---------------------------------------------------------------- VWAP

absl::Status Vwap(absl::Span<const double> high, absl::Span<const double> low,
                  absl::Span<const double> close,
                  absl::Span<const double> volume,
                  absl::Span<const int64_t> session, absl::Span<double> out) {
  Validation v("VWAP");
  BOTCORE_RETURN_IF_ERROR(CheckHlcv(v, high, low, close, volume)
                              .Sessions(session)
                              .Output("out", out)
                              .status());
  internal::SessionVwapCore core;
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i) {
          out.data()[i] = local_core.Update(
              internal::TypicalPrice(high.data()[i], low.data()[i],
                                     close.data()[i]),
              volume.data()[i], session.data()[i]);
        }
        core = local_core;
      });
}

absl::StatusOr<std::vector<double>> Vwap(absl::Span<const double> high,
                                         absl::Span<const double> low,
                                         absl::Span<const double> close,
                                         absl::Span<const double> volume,
                                         absl::Span<const int64_t> session) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Vwap(high, low, close, volume, session, out);
  });
}

int64_t DaySession(absl::Time time, absl::TimeZone zone) {
  return absl::ToCivilDay(time, zone) - absl::CivilDay(1970, 1, 1);
}

int RollingVwapLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 1), timeperiod - 1);
}

absl::Status RollingVwap(absl::Span<const double> high,
                         absl::Span<const double> low,
                         absl::Span<const double> close,
                         absl::Span<const double> volume, int timeperiod,
                         absl::Span<double> out) {
  Validation v("ROLLING_VWAP");
  BOTCORE_RETURN_IF_ERROR(
      CheckHlcv(v.Period("timeperiod", timeperiod, 1), high, low, close, volume)
          .Output("out", out)
          .status());
  const auto pv = [&](int64_t j) {
    return internal::TypicalPrice(high.data()[j], low.data()[j],
                                  close.data()[j]) *
           volume.data()[j];
  };
  internal::RollingVwapCore core(timeperiod);
  return internal::RunChecked(v, static_cast<int64_t>(close.size()), {out},
                              [&](int64_t begin, int64_t end) {
                                auto local_core =
                                    core;  // a local copy stays in registers
                                for (int64_t i = begin; i < end; ++i) {
                                  const int64_t j = static_cast<int64_t>(i);
                                  out.data()[i] = local_core.Update(
                                      ComputedHistory<decltype(pv)>{pv, j},
                                      ArrayHistory{volume.data(), j});
                                }
                                core = local_core;
                              });
}

absl::StatusOr<std::vector<double>> RollingVwap(absl::Span<const double> high,
                                                absl::Span<const double> low,
                                                absl::Span<const double> close,
                                                absl::Span<const double> volume,
                                                int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return RollingVwap(high, low, close, volume, timeperiod, out);
  });
}

// ---------------------------------------------------------------- streaming

double StreamingObv::Update(double close, double volume) {
  if (!AllFinite(close, volume) || volume < 0) return NaNValue();
  return Accept(core_.Update(close, volume));
}
void StreamingObv::Reset() {
  core_.Reset();
  ClearState();
}

absl::StatusOr<StreamingMfi> StreamingMfi::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("MFI").Period("timeperiod", timeperiod, 2).status());
  return StreamingMfi(timeperiod);
}
StreamingMfi::StreamingMfi(int timeperiod)
    : core_(timeperiod), positive_(timeperiod + 1), negative_(timeperiod + 1) {}
double StreamingMfi::Update(double high, double low, double close,
                            double volume) {
  if (!GoodBar(high, low, close, volume)) return NaNValue();
  const double tp = internal::TypicalPrice(high, low, close);
  const internal::MoneyFlow f =
      bars() == 0 ? internal::MoneyFlow{0.0, 0.0}
                  : internal::MoneyFlowOf(tp, prev_tp_, volume);
  prev_tp_ = tp;
  positive_.Push(f.positive);
  negative_.Push(f.negative);
  struct Flows {
    const RingBuffer& p;
    const RingBuffer& n;
    internal::MoneyFlow Ago(int k) const { return {p.Ago(k), n.Ago(k)}; }
  };
  return Accept(core_.Update(Flows{positive_, negative_}));
}
void StreamingMfi::Reset() {
  core_.Reset();
  positive_.Clear();
  negative_.Clear();
  prev_tp_ = 0;
  ClearState();
}

double StreamingVwap::Update(double high, double low, double close,
                             double volume, int64_t session) {
  if (!GoodBar(high, low, close, volume)) return NaNValue();
  return Accept(
      core_.Update(internal::TypicalPrice(high, low, close), volume, session));
}
void StreamingVwap::Reset() {
  core_.Reset();
  ClearState();
}

absl::StatusOr<StreamingRollingVwap> StreamingRollingVwap::Create(
    int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("ROLLING_VWAP").Period("timeperiod", timeperiod, 1).status());
  return StreamingRollingVwap(timeperiod);
}
StreamingRollingVwap::StreamingRollingVwap(int timeperiod)
    : core_(timeperiod), pv_(timeperiod), volume_(timeperiod) {}
double StreamingRollingVwap::Update(double high, double low, double close,
                                    double volume) {
  if (!GoodBar(high, low, close, volume)) return NaNValue();
  pv_.Push(internal::TypicalPrice(high, low, close) * volume);
  volume_.Push(volume);
  return Accept(core_.Update(pv_, volume_));
}
void StreamingRollingVwap::Reset() {
  core_.Reset();
  pv_.Clear();
  volume_.Clear();
  ClearState();
}

}  // namespace botcore::ta
