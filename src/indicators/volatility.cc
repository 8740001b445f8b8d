#include "botcore/indicators/volatility.h"

#include <algorithm>
#include <type_traits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

using internal::Quad;

// The square roots of four lanes, 0 in lanes below kEpsilon (SqrtOrZero,
// cores.h): two SSE2 (or scalar) halves, or (AvxLanes) one AVX instruction.
struct BaselineLanes {
  static void SqrtOrZero(Quad& v) {
    const internal::Pair lo = internal::SqrtOrZero(internal::Pair{v[0], v[1]});
    const internal::Pair hi = internal::SqrtOrZero(internal::Pair{v[2], v[3]});
    v = Quad{lo[0], lo[1], hi[0], hi[1]};
  }
};
#if defined(__x86_64__)
struct AvxLanes {
  __attribute__((target("avx"))) static void SqrtOrZero(Quad& v) {
    const Quad root =
        reinterpret_cast<Quad>(_mm256_sqrt_pd(reinterpret_cast<__m256d>(v)));
    const Quad epsilon{internal::kEpsilon, internal::kEpsilon,
                       internal::kEpsilon, internal::kEpsilon};
    v = v < epsilon ? Quad{0.0, 0.0, 0.0, 0.0} : root;
  }
};
#endif

// Batch BBANDS: the variance pass (cores.h) four bars at a time, the middle
// band the mean (SMA) or the EMA written to `mid` beforehand.
struct BbandsRun {
  internal::VarianceCore variance;
  internal::EmaCore ema;
  bool ema_middle;
  double nbdevup, nbdevdn;
  const double* close;
  double* up;
  double* mid;
  double* low;

  template <typename Lanes>
  void Block(int64_t begin, int64_t end) {
    if (ema_middle) ema.Run(close + begin, mid + begin, end - begin);
    variance.Run(
        close, begin, end, [&](int64_t j, const auto& mean, const auto& var) {
          if constexpr (std::is_same_v<std::decay_t<decltype(mean)>, Quad>) {
            Quad middle = mean;
            if (ema_middle) __builtin_memcpy(&middle, mid + j, sizeof middle);
            Quad sd = var;
            Lanes::SqrtOrZero(sd);
            internal::Bands<Quad> b;
            internal::BandsAround(middle, sd, nbdevup, nbdevdn, b);
            __builtin_memcpy(up + j, &b.upper, sizeof b.upper);
            __builtin_memcpy(mid + j, &b.middle, sizeof b.middle);
            __builtin_memcpy(low + j, &b.lower, sizeof b.lower);
          } else {
            const internal::BbandsValue b = internal::BandsOf(
                ema_middle ? mid[j] : mean, var, nbdevup, nbdevdn);
            up[j] = b.upper;
            mid[j] = b.middle;
            low[j] = b.lower;
          }
        });
  }
};

// The divisions and square roots of BBANDS share one divider, which limits
// its loop: compiled for AVX (flattened: everything inlined and encoded for
// AVX), a four-lane division or square root is one instruction instead of
// two, with the same correctly rounded lanes. Chosen at run time (no -march).
void BbandsBlock(BbandsRun& run, int64_t begin, int64_t end) {
  run.Block<BaselineLanes>(begin, end);
}
#if defined(__x86_64__)
__attribute__((target("avx"), flatten)) void BbandsBlockAvx(BbandsRun& run,
                                                            int64_t begin,
                                                            int64_t end) {
  run.Block<AvxLanes>(begin, end);
}
#endif
using BbandsBlockFn = void (*)(BbandsRun&, int64_t, int64_t);
BbandsBlockFn BbandsBlockFor() {
#if defined(__x86_64__)
  static const bool avx = __builtin_cpu_supports("avx");
  if (avx) return BbandsBlockAvx;
#endif
  return BbandsBlock;
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
  BbandsRun run{internal::VarianceCore(timeperiod),
                internal::EmaCore(timeperiod),
                matype == MAType::kEma,
                nbdevup,
                nbdevdn,
                close.data(),
                upper.data(),
                middle.data(),
                lower.data()};
  const auto block = BbandsBlockFor();
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {upper, middle, lower},
      [&](int64_t begin, int64_t end) { block(run, begin, end); });
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
      samples_(timeperiod) {}
void StreamingBbands::Reset() {
  variance_.Reset();
  ema_.Reset();
  samples_.Clear();
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
