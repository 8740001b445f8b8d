// File: botcore/indicators/oscillators.h
//
// Momentum oscillators, as TA-Lib computes them: RSI, MACD, MACDFIX, STOCH,
// STOCHRSI, CCI, WILLR, ROC, MOM, TRIX, ULTOSC. Conventions (NaN lookback
// region, errors, streaming) are in common.h.
//
//   absl::StatusOr<botcore::ta::MacdSeries> macd = botcore::ta::Macd(close);
//   // macd->macd[i], macd->signal[i], macd->hist[i]
//
//   absl::StatusOr<botcore::ta::StreamingRsi> rsi =
//       botcore::ta::StreamingRsi::Create(14);
//   double value = rsi->Update(bar.close);

#ifndef BOTCORE_INDICATORS_OSCILLATORS_H_
#define BOTCORE_INDICATORS_OSCILLATORS_H_

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

// ---------------------------------------------------------------- RSI
// Wilder's RSI = 100*g/(g+l), 0 for a flat window; timeperiod 2..100000
// (default 14). Lookback p + unstable_period (one less under Metastock).
int RsiLookback(int timeperiod, const TaSettings& settings = {});
[[nodiscard]] absl::Status Rsi(absl::Span<const double> close, int timeperiod,
                               absl::Span<double> out,
                               const TaSettings& settings = {});
[[nodiscard]] absl::StatusOr<std::vector<double>> Rsi(
    absl::Span<const double> close, int timeperiod = 14,
    const TaSettings& settings = {});

// ---------------------------------------------------------------- MACD
// MACD line = EMA(fast) - EMA(slow), both starting at bar slow-1; signal =
// EMA(signal) of the line; hist = line - signal. Periods 2..100000 (defaults
// 12, 26, 9; fast and slow are swapped when slow < fast). All three outputs
// start at (slow-1)+(signal-1).
struct MacdSeries {
  std::vector<double> macd;
  std::vector<double> signal;
  std::vector<double> hist;
};
int MacdLookback(int fastperiod, int slowperiod, int signalperiod);
[[nodiscard]] absl::Status Macd(absl::Span<const double> close, int fastperiod,
                                int slowperiod, int signalperiod,
                                absl::Span<double> macd,
                                absl::Span<double> signal,
                                absl::Span<double> hist);
[[nodiscard]] absl::StatusOr<MacdSeries> Macd(absl::Span<const double> close,
                                              int fastperiod = 12,
                                              int slowperiod = 26,
                                              int signalperiod = 9);

// MACD with TA-Lib's fixed 12/26 constants k = 0.15 and 0.075; signalperiod
// 1..100000 (default 9). Lookback 25 + (signal-1).
int MacdFixLookback(int signalperiod);
[[nodiscard]] absl::Status MacdFix(absl::Span<const double> close,
                                   int signalperiod, absl::Span<double> macd,
                                   absl::Span<double> signal,
                                   absl::Span<double> hist);
[[nodiscard]] absl::StatusOr<MacdSeries> MacdFix(absl::Span<const double> close,
                                                 int signalperiod = 9);

// ---------------------------------------------------------------- STOCH
// fastK = (C - LL)/((HH - LL)/100) over fastk_period bars (0 when HH == LL),
// slowK = MA(fastK, slowk_period, slowk_matype), slowD = MA(slowK, ...).
// fastk_period 1..100000 (default 5), slowk/slowd periods 1..100000 (default
// 3), matypes kSma or kEma (default kSma). Both outputs start at
// (fastk-1) + MA lookbacks.
struct StochSeries {
  std::vector<double> slowk;
  std::vector<double> slowd;
};
int StochLookback(int fastk_period, int slowk_period, MAType slowk_matype,
                  int slowd_period, MAType slowd_matype);
[[nodiscard]] absl::Status Stoch(absl::Span<const double> high,
                                 absl::Span<const double> low,
                                 absl::Span<const double> close,
                                 int fastk_period, int slowk_period,
                                 MAType slowk_matype, int slowd_period,
                                 MAType slowd_matype, absl::Span<double> slowk,
                                 absl::Span<double> slowd);
[[nodiscard]] absl::StatusOr<StochSeries> Stoch(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, int fastk_period = 5, int slowk_period = 3,
    MAType slowk_matype = MAType::kSma, int slowd_period = 3,
    MAType slowd_matype = MAType::kSma);

// ---------------------------------------------------------------- STOCHRSI
// STOCHF over RSI(timeperiod): fastK over fastk_period RSI values, fastD =
// MA(fastK, fastd_period, fastd_matype). timeperiod 2..100000 (default 14),
// fastk_period 1..100000 (default 5), fastd_period 1..100000 (default 3).
// Lookback timeperiod + (fastk-1) + MA lookback.
struct StochRsiSeries {
  std::vector<double> fastk;
  std::vector<double> fastd;
};
int StochRsiLookback(int timeperiod, int fastk_period, int fastd_period,
                     MAType fastd_matype);
[[nodiscard]] absl::Status StochRsi(absl::Span<const double> close,
                                    int timeperiod, int fastk_period,
                                    int fastd_period, MAType fastd_matype,
                                    absl::Span<double> fastk,
                                    absl::Span<double> fastd);
[[nodiscard]] absl::StatusOr<StochRsiSeries> StochRsi(
    absl::Span<const double> close, int timeperiod = 14, int fastk_period = 5,
    int fastd_period = 3, MAType fastd_matype = MAType::kSma);

// ---------------------------------------------------------------- CCI
// Commodity channel index over the typical price; timeperiod 2..100000
// (default 14). Lookback p-1.
int CciLookback(int timeperiod);
[[nodiscard]] absl::Status Cci(absl::Span<const double> high,
                               absl::Span<const double> low,
                               absl::Span<const double> close, int timeperiod,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Cci(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, int timeperiod = 14);

// ---------------------------------------------------------------- WILLR
// Williams %R in [-100, 0], 0 when HH == LL; timeperiod 2..100000 (default
// 14). Lookback p-1.
int WillRLookback(int timeperiod);
[[nodiscard]] absl::Status WillR(absl::Span<const double> high,
                                 absl::Span<const double> low,
                                 absl::Span<const double> close, int timeperiod,
                                 absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> WillR(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, int timeperiod = 14);

// ---------------------------------------------------------------- ROC, MOM
// ROC = (x/x[-p] - 1)*100 (0 when x[-p] == 0); MOM = x - x[-p]. timeperiod
// 1..100000 (default 10). Lookback p.
int RocLookback(int timeperiod);
[[nodiscard]] absl::Status Roc(absl::Span<const double> close, int timeperiod,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Roc(
    absl::Span<const double> close, int timeperiod = 10);
int MomLookback(int timeperiod);
[[nodiscard]] absl::Status Mom(absl::Span<const double> close, int timeperiod,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Mom(
    absl::Span<const double> close, int timeperiod = 10);

// ---------------------------------------------------------------- TRIX
// 1-bar ROC (percent) of EMA(EMA(EMA(x))); timeperiod 1..100000 (default
// 30). Lookback 3(p-1)+1.
int TrixLookback(int timeperiod);
[[nodiscard]] absl::Status Trix(absl::Span<const double> close, int timeperiod,
                                absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Trix(
    absl::Span<const double> close, int timeperiod = 30);

// ---------------------------------------------------------------- ULTOSC
// Ultimate oscillator; periods 1..100000 (defaults 7, 14, 28), in any
// order. Lookback: the longest period.
int UltOscLookback(int timeperiod1, int timeperiod2, int timeperiod3);
[[nodiscard]] absl::Status UltOsc(absl::Span<const double> high,
                                  absl::Span<const double> low,
                                  absl::Span<const double> close,
                                  int timeperiod1, int timeperiod2,
                                  int timeperiod3, absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> UltOsc(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, int timeperiod1 = 7, int timeperiod2 = 14,
    int timeperiod3 = 28);

// ---------------------------------------------------------------- streaming
// Create() validates like the batch function (kInvalidArgument) and
// allocates once; Update() is O(1) (amortized where a rolling maximum or
// minimum is kept; StreamingCci: O(timeperiod), see there) and returns the
// value at this bar; see common.h for NaN bars.

class StreamingRsi : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingRsi> Create(
      int timeperiod = 14, const TaSettings& settings = {});
  double Update(double close);
  void Reset();

 private:
  explicit StreamingRsi(internal::RsiCore core) : core_(core) {}
  internal::RsiCore core_;
};

using MacdValue = internal::MacdValue;  // {macd, signal, hist}

class StreamingMacd : public internal::StreamingState<MacdValue> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingMacd> Create(
      int fastperiod = 12, int slowperiod = 26, int signalperiod = 9);
  // TA-Lib's MACDFIX.
  [[nodiscard]] static absl::StatusOr<StreamingMacd> CreateFix(
      int signalperiod = 9);
  // Inline, like StreamingSma::Update: the three averages stay in registers.
  MacdValue Update(double close) {
    if (!std::isfinite(close)) return NaNValue();
    return Accept(core_.Update(close));
  }
  void Reset();

 private:
  explicit StreamingMacd(internal::MacdCore core) : core_(core) {}
  internal::MacdCore core_;
};

struct StochValue {
  double slowk;
  double slowd;
};

class StreamingStoch : public internal::StreamingState<StochValue> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingStoch> Create(
      int fastk_period = 5, int slowk_period = 3,
      MAType slowk_matype = MAType::kSma, int slowd_period = 3,
      MAType slowd_matype = MAType::kSma);
  // Inline, as StreamingSma::Update (moving_averages.h).
  StochValue Update(double high, double low, double close) {
    if (!std::isfinite(high) || !std::isfinite(low) || !std::isfinite(close) ||
        high < low) {
      return NaNValue();
    }
    const int64_t i = bars();
    // Each value goes on in a register (each branch computes fastK from
    // its own extremes) as well as into its ring (see PushedHistory): the
    // bar's four divisions depend on one another.
    double fastk;
    if (scanned_) {
      const internal::Pair bar = window_.Push(high, low);
      if (i < fastk_period_ - 1) return Accept(NaNValue());
      const internal::HighLow extremes = window_.Extremes(bar);
      fastk = internal::StochasticK(close, extremes.highest, extremes.lowest);
    } else {
      highest_.Push(high);
      lowest_.Push(low);
      if (i < fastk_period_ - 1) return Accept(NaNValue());
      fastk = internal::StochasticK(close, highest_.value(), lowest_.value());
    }
    fastk_.Push(fastk);
    const double k =
        slowk_ma_.Update(internal::PushedHistory<RingBuffer>{fastk, fastk_});
    if (std::isnan(k)) return Accept(NaNValue());
    slowk_.Push(k);
    const double d =
        slowd_ma_.Update(internal::PushedHistory<RingBuffer>{k, slowk_});
    if (std::isnan(d)) return Accept(NaNValue());
    return Accept({k, d});
  }
  StochValue Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close);
  }
  void Reset();

 private:
  StreamingStoch(int fastk_period, int slowk_period, MAType slowk_matype,
                 int slowd_period, MAType slowd_matype);
  // fastK windows up to internal::kScannedWindow bars are scanned whole
  // (as the batch function does), longer ones tracked.
  bool scanned_;
  internal::HighLowWindow window_;
  RollingExtreme highest_, lowest_;
  RingBuffer fastk_, slowk_;
  internal::MaCore slowk_ma_, slowd_ma_;
  int fastk_period_;
};

struct StochRsiValue {
  double fastk;
  double fastd;
};

class StreamingStochRsi : public internal::StreamingState<StochRsiValue> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingStochRsi> Create(
      int timeperiod = 14, int fastk_period = 5, int fastd_period = 3,
      MAType fastd_matype = MAType::kSma);
  StochRsiValue Update(double close);
  void Reset();

 private:
  StreamingStochRsi(int timeperiod, int fastk_period, int fastd_period,
                    MAType fastd_matype);
  internal::RsiCore rsi_;
  RollingExtreme highest_, lowest_;
  RingBuffer fastk_;
  internal::MaCore fastd_ma_;
  int fastk_period_;
  int64_t rsi_bars_ = 0;  // RSI values seen
};

// CCI, one bar at a time. Update() is O(timeperiod), not O(1), and cannot
// be O(1) while staying bit-identical to TA-Lib (and to Cci()):
// * TA_CCI re-sums the window's typical prices every bar, in ring-slot order
//   (slot = bar index mod p), so the average is fl(...fl(fl(tp_a + tp_b) +
//   tp_c)...)/p with the starting slot moving every bar. A running total
//   (add the new price, subtract the old) rounds differently in the last
//   bits, and tp - avg, a difference of close numbers, magnifies that.
// * The mean deviation is fl(sum of fl(|tp_j - avg|))/p over the window, with
//   the *current* bar's avg. Every bar's avg is new, so every one of the p
//   terms |tp_j - avg| changes, each with its own rounding, and they are
//   added in slot order. No summary of earlier bars (a running sum, or sums
//   above and below a pivot kept in an order-statistics tree, which would
//   give O(log p) in exact arithmetic) determines those p rounded terms and
//   their rounded partial sums, and each partial sum's rounding depends on
//   the previous one: reproducing the double result takes the p
//   subtractions and p additions themselves (an O(1) form is possible only
//   by giving up bit-exactness, which the issue does not allow).
// A per-bar cost of 2p additions with no allocation (the window is a ring
// allocated by Create()).
class StreamingCci : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingCci> Create(int timeperiod = 14);
  double Update(double high, double low, double close);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close);
  }
  void Reset();

 private:
  explicit StreamingCci(int timeperiod);
  internal::CciCore core_;
  RingBuffer typical_;
};

class StreamingWillR : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingWillR> Create(
      int timeperiod = 14);
  double Update(double high, double low, double close);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close);
  }
  void Reset();

 private:
  explicit StreamingWillR(int timeperiod);
  int timeperiod_;
  RollingExtreme highest_, lowest_;
};

class StreamingRoc : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingRoc> Create(int timeperiod = 10);
  double Update(double close);
  void Reset();

 private:
  explicit StreamingRoc(int timeperiod);
  RingBuffer past_;  // the last timeperiod+1 closes
};

class StreamingMom : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingMom> Create(int timeperiod = 10);
  double Update(double close);
  void Reset();

 private:
  explicit StreamingMom(int timeperiod);
  RingBuffer past_;  // the last timeperiod+1 closes
};

class StreamingTrix : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingTrix> Create(
      int timeperiod = 30);
  double Update(double close);
  void Reset();

 private:
  explicit StreamingTrix(internal::TrixCore core) : core_(core) {}
  internal::TrixCore core_;
};

class StreamingUltOsc : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingUltOsc> Create(
      int timeperiod1 = 7, int timeperiod2 = 14, int timeperiod3 = 28);
  double Update(double high, double low, double close);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close);
  }
  void Reset();

 private:
  StreamingUltOsc(int p1, int p2, int p3);
  internal::UltOscCore core_;
  RingBuffer pressure_, range_;
  double prev_close_ = 0;
};

}  // namespace botcore::ta

#endif  // BOTCORE_INDICATORS_OSCILLATORS_H_
