// File: botcore/indicators/volatility.h
//
// Volatility indicators, as TA-Lib computes them: BBANDS, ATR, NATR, TRANGE.
// Conventions (NaN lookback region, errors, streaming) are in common.h.
//
//   absl::StatusOr<botcore::ta::BbandsSeries> bands =
//       botcore::ta::Bbands(close, 20, 2.0, 2.0, botcore::ta::MAType::kSma);
//   absl::StatusOr<std::vector<double>> atr =
//       botcore::ta::Atr(high, low, close, 14);

#ifndef BOTCORE_INDICATORS_VOLATILITY_H_
#define BOTCORE_INDICATORS_VOLATILITY_H_

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "botcore/core/candle.h"
#include "botcore/indicators/common.h"
#include "botcore/indicators/internal/cores.h"
#include "botcore/indicators/internal/streaming.h"
#include "botcore/indicators/rolling.h"

namespace botcore::ta {

// ---------------------------------------------------------------- BBANDS
// middle = MA(timeperiod, matype) (kSma or kEma); the deviation is the
// population standard deviation of the window around its simple mean, from
// running sums (E[x^2] - E[x]^2, 0 when below 1e-14); upper = middle +
// nbdevup*sd, lower = middle - nbdevdn*sd. timeperiod 2..100000 (default 5),
// nbdevup/nbdevdn finite (default 2). Lookback p-1.
struct BbandsSeries {
  std::vector<double> upper;
  std::vector<double> middle;
  std::vector<double> lower;
};
int BbandsLookback(int timeperiod, MAType matype = MAType::kSma);
[[nodiscard]] absl::Status Bbands(absl::Span<const double> close,
                                  int timeperiod, double nbdevup,
                                  double nbdevdn, MAType matype,
                                  absl::Span<double> upper,
                                  absl::Span<double> middle,
                                  absl::Span<double> lower);
[[nodiscard]] absl::StatusOr<BbandsSeries> Bbands(
    absl::Span<const double> close, int timeperiod = 5, double nbdevup = 2,
    double nbdevdn = 2, MAType matype = MAType::kSma);

// ---------------------------------------------------------------- ATR, NATR
// ATR: the mean of TR over bars 1..p, then Wilder's average; timeperiod
// 1..100000 (default 14). Lookback p. NATR = ATR/close*100 (0 when close is
// 0), same parameters and lookback.
int AtrLookback(int timeperiod);
[[nodiscard]] absl::Status Atr(absl::Span<const double> high,
                               absl::Span<const double> low,
                               absl::Span<const double> close, int timeperiod,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Atr(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, int timeperiod = 14);
int NatrLookback(int timeperiod);
[[nodiscard]] absl::Status Natr(absl::Span<const double> high,
                                absl::Span<const double> low,
                                absl::Span<const double> close, int timeperiod,
                                absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Natr(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, int timeperiod = 14);

// ---------------------------------------------------------------- TRANGE
// True range max(H-L, |H-Cprev|, |L-Cprev|). Lookback 1.
int TrueRangeLookback();
[[nodiscard]] absl::Status TrueRange(absl::Span<const double> high,
                                     absl::Span<const double> low,
                                     absl::Span<const double> close,
                                     absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> TrueRange(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close);

// ---------------------------------------------------------------- streaming

using BbandsValue = internal::BbandsValue;  // {upper, middle, lower}

class StreamingBbands : public internal::StreamingState<BbandsValue> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingBbands> Create(
      int timeperiod = 5, double nbdevup = 2, double nbdevdn = 2,
      MAType matype = MAType::kSma);
  // Inline, as StreamingSma::Update (moving_averages.h).
  BbandsValue Update(double close) {
    if (internal::NonFiniteBits(std::bit_cast<uint64_t>(close))) {
      return NaNValue();
    }
    const internal::Pair sample = internal::VarianceCore::Sample(close);
    // Once primed the ring is full: its oldest sample is the trailing one.
    const internal::MeanVariance mv =
        variance_.Update(sample, samples_.Push(sample));
    const double mid = ema_middle_ ? ema_.Update(close) : mv.mean;
    return Accept(internal::BandsOf(mid, mv.variance, nbdevup_, nbdevdn_));
  }
  void Reset();

 private:
  StreamingBbands(int timeperiod, double nbdevup, double nbdevdn,
                  MAType matype);
  internal::VarianceCore variance_;
  internal::EmaCore ema_;
  bool ema_middle_;
  double nbdevup_, nbdevdn_;
  internal::SampleRing samples_;
};

class StreamingAtr : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingAtr> Create(int timeperiod = 14);
  double Update(double high, double low, double close);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close);
  }
  void Reset();

 private:
  explicit StreamingAtr(internal::AtrCore core) : core_(core) {}
  internal::AtrCore core_;
};

class StreamingNatr : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingNatr> Create(
      int timeperiod = 14);
  double Update(double high, double low, double close);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close);
  }
  void Reset();

 private:
  explicit StreamingNatr(internal::AtrCore core) : core_(core) {}
  internal::AtrCore core_;
};

class StreamingTrueRange : public internal::StreamingState<double> {
 public:
  StreamingTrueRange() = default;
  double Update(double high, double low, double close);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close);
  }
  void Reset();

 private:
  double prev_close_ = 0;
};

}  // namespace botcore::ta

#endif  // BOTCORE_INDICATORS_VOLATILITY_H_
