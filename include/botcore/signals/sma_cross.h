// File: botcore/signals/sma_cross.h
//
// SmaCrossStrategy: the reference strategy of the backtester, a simple
// moving-average crossover on closes, long only.
//
//   SmaCrossOptions options;              // SMA(10) over SMA(30)
//   absl::StatusOr<std::unique_ptr<SmaCrossStrategy>> strategy =
//       SmaCrossStrategy::Create(options);
//
// Rules:
//   - The averages are exact window means: the window's sum is computed
//     exactly (a 128-bit fixed-point running sum that never drifts) and
//     rounded to double once, then divided by the window length -- the value
//     Python's math.fsum(window) / n gives. A drifting running sum would turn
//     an exact tie into a false cross on long series.
//   - A cross is judged against the last non-zero fast - slow difference: up
//     (a BUY signal) when that was negative and now fast > slow, down (SELL)
//     when it was positive and now fast < slow. With 10/30 the first signal
//     is possible at bar index 30.
//   - Signals carry the bar's close as entry and no stop or target (NaN).
// Closes must be 0 or have a magnitude in [2^-27, 2^36) (about 7.5e-9 to
// 6.9e10) so that the exact sum fits; others are kInvalidArgument.
//
// Thread safety: thread-compatible, like every Strategy.

#ifndef BOTCORE_SIGNALS_SMA_CROSS_H_
#define BOTCORE_SIGNALS_SMA_CROSS_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "botcore/signals/strategy.h"

namespace botcore {

struct SmaCrossOptions {
  // Window lengths; 1 <= fast < slow <= 1024. Defaults: 10 and 30.
  int fast = 10;
  int slow = 30;
  // Copied into every signal. Defaults: "GAZP", "1d".
  std::string symbol = "GAZP";
  std::string timeframe = "1d";
};

class SmaCrossStrategy final : public Strategy {
 public:
  // Errors: kInvalidArgument for windows outside 1 <= fast < slow <= 1024.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SmaCrossStrategy>> Create(
      const SmaCrossOptions& options);

  std::string_view name() const override { return "sma_cross"; }
  [[nodiscard]] absl::StatusOr<std::optional<Signal>> OnBar(
      const Candle& bar) override;
  void Reset() override;

  // The latest averages; NaN until the window is full.
  double fast_sma() const { return fast_sma_; }
  double slow_sma() const { return slow_sma_; }

 private:
  explicit SmaCrossStrategy(SmaCrossOptions options);

  SmaCrossOptions options_;
  std::vector<absl::int128> window_;  // ring of the last `slow` closes
  absl::int128 fast_sum_ = 0;
  absl::int128 slow_sum_ = 0;
  long long seen_ = 0;
  absl::Time last_time_ = absl::InfinitePast();
  double fast_sma_;
  double slow_sma_;
  double last_difference_ = 0;  // the last non-zero fast - slow
};

}  // namespace botcore

#endif  // BOTCORE_SIGNALS_SMA_CROSS_H_
