// File: botcore/indicators/moving_averages.h
//
// Moving averages, as TA-Lib computes them: SMA, EMA, WMA, DEMA, TEMA, KAMA.
// Conventions (NaN lookback region, errors, streaming) are in common.h.
//
//   // Batch, into caller-owned memory:
//   std::vector<double> sma(close.size());
//   absl::Status s = botcore::ta::Sma(close, 20, absl::MakeSpan(sma));
//   // Streaming, one bar at a time:
//   absl::StatusOr<botcore::ta::StreamingEma> ema =
//       botcore::ta::StreamingEma::Create(20);
//   for (double c : close) double value = ema->Update(c);

#ifndef BOTCORE_INDICATORS_MOVING_AVERAGES_H_
#define BOTCORE_INDICATORS_MOVING_AVERAGES_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "botcore/indicators/common.h"
#include "botcore/indicators/internal/cores.h"
#include "botcore/indicators/internal/streaming.h"
#include "botcore/indicators/rolling.h"

namespace botcore::ta {

// ---------------------------------------------------------------- SMA
// Simple moving average; period 2..100000 (TA-Lib default 30). Lookback p-1.
int SmaLookback(int timeperiod);
[[nodiscard]] absl::Status Sma(absl::Span<const double> close, int timeperiod,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Sma(
    absl::Span<const double> close, int timeperiod = 30);

// ---------------------------------------------------------------- EMA
// Exponential moving average, k = 2/(p+1), seeded with the SMA of the first p
// values (or the first value under Compatibility::kMetastock); period
// 2..100000 (default 30). Lookback p-1 + settings.unstable_period.
int EmaLookback(int timeperiod, const TaSettings& settings = {});
[[nodiscard]] absl::Status Ema(absl::Span<const double> close, int timeperiod,
                               absl::Span<double> out,
                               const TaSettings& settings = {});
[[nodiscard]] absl::StatusOr<std::vector<double>> Ema(
    absl::Span<const double> close, int timeperiod = 30,
    const TaSettings& settings = {});

// ---------------------------------------------------------------- WMA
// Linearly weighted moving average (weights 1..p, newest p); period 2..100000
// (default 30). Lookback p-1.
int WmaLookback(int timeperiod);
[[nodiscard]] absl::Status Wma(absl::Span<const double> close, int timeperiod,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Wma(
    absl::Span<const double> close, int timeperiod = 30);

// ---------------------------------------------------------------- DEMA
// 2*EMA - EMA(EMA); period 2..100000 (default 30). Lookback 2(p-1).
int DemaLookback(int timeperiod);
[[nodiscard]] absl::Status Dema(absl::Span<const double> close, int timeperiod,
                                absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Dema(
    absl::Span<const double> close, int timeperiod = 30);

// ---------------------------------------------------------------- TEMA
// EMA3 + 3*EMA1 - 3*EMA2; period 2..100000 (default 30). Lookback 3(p-1).
int TemaLookback(int timeperiod);
[[nodiscard]] absl::Status Tema(absl::Span<const double> close, int timeperiod,
                                absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Tema(
    absl::Span<const double> close, int timeperiod = 30);

// ---------------------------------------------------------------- KAMA
// Kaufman adaptive moving average (fast 2, slow 30); period 2..100000
// (default 30). Lookback p.
int KamaLookback(int timeperiod);
[[nodiscard]] absl::Status Kama(absl::Span<const double> close, int timeperiod,
                                absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Kama(
    absl::Span<const double> close, int timeperiod = 30);

// ---------------------------------------------------------------- MA
// The moving average of TA-Lib's MA(): matype kSma or kEma (others are
// kInvalidArgument); timeperiod 1..100000 (default 30; 1 copies the input).
int MaLookback(int timeperiod, MAType matype);
[[nodiscard]] absl::Status Ma(absl::Span<const double> close, int timeperiod,
                              MAType matype, absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Ma(
    absl::Span<const double> close, int timeperiod = 30,
    MAType matype = MAType::kSma);

// ---------------------------------------------------------------- streaming
// Each Create() validates the parameters as the batch function does
// (kInvalidArgument) and allocates the ring buffer once. Update(x) feeds the
// next value and returns the indicator at that bar (NaN in the lookback
// region, and NaN for a rejected non-finite value, which leaves the state
// unchanged). value() is the last value returned for an accepted bar; bars()
// counts accepted bars. Reset() forgets every bar.

class StreamingSma : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingSma> Create(int timeperiod = 30);
  // Inline: in a caller's loop over bars the running total can then stay in
  // a register (out of line, its two dependent additions wait on a store
  // and a load every bar).
  double Update(double x) {
    if (!std::isfinite(x)) return NaNValue();
    window_.Push(x);
    return Accept(core_.Update(window_));
  }
  void Reset();

 private:
  explicit StreamingSma(int timeperiod);
  internal::SmaCore core_;
  RingBuffer window_;
};

class StreamingEma : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingEma> Create(
      int timeperiod = 30, const TaSettings& settings = {});
  // Inline, like StreamingSma::Update: the average stays in a register.
  double Update(double x) {
    if (!std::isfinite(x)) return NaNValue();
    return Accept(core_.Update(x));
  }
  void Reset();

 private:
  explicit StreamingEma(internal::EmaCore core) : core_(core) {}
  internal::EmaCore core_;
};

class StreamingWma : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingWma> Create(int timeperiod = 30);
  double Update(double x);
  void Reset();

 private:
  explicit StreamingWma(int timeperiod);
  internal::WmaCore core_;
  RingBuffer window_;
};

class StreamingDema : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingDema> Create(
      int timeperiod = 30);
  double Update(double x);
  void Reset();

 private:
  explicit StreamingDema(internal::DemaCore core) : core_(core) {}
  internal::DemaCore core_;
};

class StreamingTema : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingTema> Create(
      int timeperiod = 30);
  double Update(double x);
  void Reset();

 private:
  explicit StreamingTema(internal::TemaCore core) : core_(core) {}
  internal::TemaCore core_;
};

class StreamingKama : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingKama> Create(
      int timeperiod = 30);
  double Update(double x);
  void Reset();

 private:
  explicit StreamingKama(int timeperiod);
  internal::KamaCore core_;
  RingBuffer window_;  // the last timeperiod+2 inputs
};

// A moving average of a TA-Lib MAType (kSma or kEma; period 1 copies the
// input), as the `matype` parameters of BBANDS, STOCH and STOCHRSI use it.
class StreamingMa : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingMa> Create(
      int timeperiod = 30, MAType matype = MAType::kSma);
  double Update(double x);
  void Reset();

 private:
  StreamingMa(int timeperiod, MAType matype);
  internal::MaCore core_;
  RingBuffer window_;
};

}  // namespace botcore::ta

#endif  // BOTCORE_INDICATORS_MOVING_AVERAGES_H_
