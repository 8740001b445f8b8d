// File: botcore/indicators/trend.h
//
// Trend indicators, as TA-Lib computes them: ADX, PLUS_DI, MINUS_DI, SAR,
// AROON. Conventions (NaN lookback region, errors, streaming) are in
// common.h.
//
//   absl::StatusOr<std::vector<double>> adx =
//       botcore::ta::Adx(high, low, close, 14);
//   absl::StatusOr<botcore::ta::StreamingSar> sar =
//       botcore::ta::StreamingSar::Create(0.02, 0.2);
//   double stop = sar->Update(bar);

#ifndef BOTCORE_INDICATORS_TREND_H_
#define BOTCORE_INDICATORS_TREND_H_

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

// ---------------------------------------------------------------- ADX, DI
// Wilder's ADX; timeperiod 2..100000 (default 14). Lookback 2p-1.
int AdxLookback(int timeperiod);
[[nodiscard]] absl::Status Adx(absl::Span<const double> high,
                               absl::Span<const double> low,
                               absl::Span<const double> close, int timeperiod,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Adx(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, int timeperiod = 14);

// +DI and -DI = 100*DM/TR of Wilder's smoothed sums (0 when TR is 0);
// timeperiod 2..100000 (default 14; TA-Lib's unsmoothed period 1 is not
// offered). Lookback p.
int PlusDiLookback(int timeperiod);
[[nodiscard]] absl::Status PlusDi(absl::Span<const double> high,
                                  absl::Span<const double> low,
                                  absl::Span<const double> close,
                                  int timeperiod, absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> PlusDi(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, int timeperiod = 14);
int MinusDiLookback(int timeperiod);
[[nodiscard]] absl::Status MinusDi(absl::Span<const double> high,
                                   absl::Span<const double> low,
                                   absl::Span<const double> close,
                                   int timeperiod, absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> MinusDi(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, int timeperiod = 14);

// ---------------------------------------------------------------- SAR
// Parabolic SAR; acceleration and maximum finite and >= 0 (defaults 0.02,
// 0.2; an acceleration above the maximum is lowered to it). Lookback 1.
int SarLookback(double acceleration = 0.02, double maximum = 0.2);
[[nodiscard]] absl::Status Sar(absl::Span<const double> high,
                               absl::Span<const double> low,
                               double acceleration, double maximum,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Sar(
    absl::Span<const double> high, absl::Span<const double> low,
    double acceleration = 0.02, double maximum = 0.2);

// ---------------------------------------------------------------- AROON
// aroondown/aroonup = 100/p * (p - bars since the lowest low / highest high
// of the last p+1 bars; ties go to the most recent); timeperiod 2..100000
// (default 14). Lookback p.
struct AroonSeries {
  std::vector<double> aroondown;
  std::vector<double> aroonup;
};
int AroonLookback(int timeperiod);
[[nodiscard]] absl::Status Aroon(absl::Span<const double> high,
                                 absl::Span<const double> low, int timeperiod,
                                 absl::Span<double> aroondown,
                                 absl::Span<double> aroonup);
[[nodiscard]] absl::StatusOr<AroonSeries> Aroon(absl::Span<const double> high,
                                                absl::Span<const double> low,
                                                int timeperiod = 14);

// ---------------------------------------------------------------- streaming

class StreamingAdx : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingAdx> Create(int timeperiod = 14);
  double Update(double high, double low, double close);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close);
  }
  void Reset();

 private:
  explicit StreamingAdx(internal::AdxCore core) : core_(core) {}
  internal::AdxCore core_;
};

// +DI or -DI.
class StreamingDi : public internal::StreamingState<double> {
 public:
  enum Direction { kPlus, kMinus };
  [[nodiscard]] static absl::StatusOr<StreamingDi> Create(Direction direction,
                                                          int timeperiod = 14);
  double Update(double high, double low, double close);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close);
  }
  void Reset();

 private:
  StreamingDi(Direction direction, internal::DirectionalCore core)
      : direction_(direction), core_(core) {}
  Direction direction_;
  internal::DirectionalCore core_;
};

class StreamingSar : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingSar> Create(
      double acceleration = 0.02, double maximum = 0.2);
  double Update(double high, double low);
  double Update(const Candle& bar) { return Update(bar.high, bar.low); }
  void Reset();

 private:
  explicit StreamingSar(internal::SarCore core) : core_(core) {}
  internal::SarCore core_;
};

struct AroonValue {
  double aroondown;
  double aroonup;
};

class StreamingAroon : public internal::StreamingState<AroonValue> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingAroon> Create(
      int timeperiod = 14);
  AroonValue Update(double high, double low);
  AroonValue Update(const Candle& bar) { return Update(bar.high, bar.low); }
  void Reset();

 private:
  explicit StreamingAroon(int timeperiod);
  int timeperiod_;
  RollingExtreme highest_, lowest_;
};

}  // namespace botcore::ta

#endif  // BOTCORE_INDICATORS_TREND_H_
