// File: botcore/indicators/volume.h
//
// Volume indicators: OBV and MFI as TA-Lib computes them, and VWAP (which
// TA-Lib lacks) per session and rolling. Conventions (NaN lookback region,
// errors, streaming) are in common.h.
//
//   std::vector<int64_t> days(bars.size());
//   for (size_t i = 0; i < bars.size(); ++i) {
//     days[i] = botcore::ta::DaySession(bars[i].time, moscow);
//   }
//   absl::StatusOr<std::vector<double>> vwap =
//       botcore::ta::Vwap(high, low, close, volume, days);

#ifndef BOTCORE_INDICATORS_VOLUME_H_
#define BOTCORE_INDICATORS_VOLUME_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "botcore/core/candle.h"
#include "botcore/indicators/common.h"
#include "botcore/indicators/internal/cores.h"
#include "botcore/indicators/internal/streaming.h"
#include "botcore/indicators/rolling.h"

namespace botcore::ta {

// ---------------------------------------------------------------- OBV
// On-balance volume, starting at volume[0]. Volumes must be >= 0.
// Lookback 0.
int ObvLookback();
[[nodiscard]] absl::Status Obv(absl::Span<const double> close,
                               absl::Span<const double> volume,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Obv(
    absl::Span<const double> close, absl::Span<const double> volume);

// ---------------------------------------------------------------- MFI
// Money flow index over typical price * volume; 0 when the window's flow is
// below 1. timeperiod 2..100000 (default 14). Lookback p.
int MfiLookback(int timeperiod);
[[nodiscard]] absl::Status Mfi(absl::Span<const double> high,
                               absl::Span<const double> low,
                               absl::Span<const double> close,
                               absl::Span<const double> volume, int timeperiod,
                               absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Mfi(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, absl::Span<const double> volume,
    int timeperiod = 14);

// ---------------------------------------------------------------- VWAP
// Session VWAP: sum(TP*V)/sum(V) with TP = (H+L+C)/3, restarting whenever
// session[i] differs from session[i-1] (any key: a day number, a week...).
// NaN while the session has traded no volume. Lookback 0.
[[nodiscard]] absl::Status Vwap(absl::Span<const double> high,
                                absl::Span<const double> low,
                                absl::Span<const double> close,
                                absl::Span<const double> volume,
                                absl::Span<const int64_t> session,
                                absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> Vwap(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, absl::Span<const double> volume,
    absl::Span<const int64_t> session);

// The session key of a bar for daily sessions: the civil day of `time` in
// `zone`, as days since 1970-01-01.
int64_t DaySession(absl::Time time, absl::TimeZone zone);

// Rolling VWAP over the last `timeperiod` bars (1..100000, no TA-Lib
// default; botcore's is 20), from running sums; NaN for a window without
// volume. Lookback p-1.
int RollingVwapLookback(int timeperiod);
[[nodiscard]] absl::Status RollingVwap(absl::Span<const double> high,
                                       absl::Span<const double> low,
                                       absl::Span<const double> close,
                                       absl::Span<const double> volume,
                                       int timeperiod, absl::Span<double> out);
[[nodiscard]] absl::StatusOr<std::vector<double>> RollingVwap(
    absl::Span<const double> high, absl::Span<const double> low,
    absl::Span<const double> close, absl::Span<const double> volume,
    int timeperiod = 20);

// ---------------------------------------------------------------- streaming

class StreamingObv : public internal::StreamingState<double> {
 public:
  StreamingObv() = default;
  double Update(double close, double volume);
  double Update(const Candle& bar) { return Update(bar.close, bar.volume); }
  void Reset();

 private:
  internal::ObvCore core_;
};

class StreamingMfi : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingMfi> Create(int timeperiod = 14);
  double Update(double high, double low, double close, double volume);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close, bar.volume);
  }
  void Reset();

 private:
  explicit StreamingMfi(int timeperiod);
  internal::MfiCore core_;
  RingBuffer positive_, negative_;
  double prev_tp_ = 0;
};

class StreamingVwap : public internal::StreamingState<double> {
 public:
  StreamingVwap() = default;
  // `session` as in Vwap(): a change starts a new session.
  double Update(double high, double low, double close, double volume,
                int64_t session);
  double Update(const Candle& bar, int64_t session) {
    return Update(bar.high, bar.low, bar.close, bar.volume, session);
  }
  void Reset();

 private:
  internal::SessionVwapCore core_;
};

class StreamingRollingVwap : public internal::StreamingState<double> {
 public:
  [[nodiscard]] static absl::StatusOr<StreamingRollingVwap> Create(
      int timeperiod = 20);
  double Update(double high, double low, double close, double volume);
  double Update(const Candle& bar) {
    return Update(bar.high, bar.low, bar.close, bar.volume);
  }
  void Reset();

 private:
  explicit StreamingRollingVwap(int timeperiod);
  internal::RollingVwapCore core_;
  RingBuffer pv_, volume_;
};

}  // namespace botcore::ta

#endif  // BOTCORE_INDICATORS_VOLUME_H_
