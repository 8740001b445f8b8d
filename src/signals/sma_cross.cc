#include "botcore/signals/sma_cross.h"

#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace botcore {
namespace {

// Closes are held as integers in units of 2^-kFractionBits: every double of
// magnitude in [2^-27, 2^36) is such an integer, and a sum of up to 1024 of
// them stays below 2^126.
constexpr int kFractionBits = 80;
constexpr int kMaxWindow = 1024;

constexpr double kScale = 0x1p80;  // 2^kFractionBits
constexpr double kUnit = 0x1p-80;

// `x` * 2^80 exactly, or nullopt when it is not representable. Scaling by a
// power of two is exact, and in this range the result is an integer.
std::optional<absl::int128> FixedPoint(double x) {
  if (x == 0) return absl::int128(0);
  const double magnitude = std::fabs(x);
  if (!(magnitude >= 0x1p-27 && magnitude < 0x1p36)) return std::nullopt;
  return absl::int128(x * kScale);
}

// The exact sum rounded once to double: int128 -> double rounds to nearest,
// and the power-of-two scaling is exact.
double Mean(absl::int128 sum, int n) {
  return static_cast<double>(sum) * kUnit / n;
}

}  // namespace

SmaCrossStrategy::SmaCrossStrategy(SmaCrossOptions options)
    : options_(std::move(options)) {
  window_.resize(options_.slow);
  Reset();
}

absl::StatusOr<std::unique_ptr<SmaCrossStrategy>> SmaCrossStrategy::Create(
    const SmaCrossOptions& options) {
  if (options.fast < 1 || options.fast >= options.slow ||
      options.slow > kMaxWindow) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sma_cross: windows fast ", options.fast, " and slow ", options.slow,
        " must satisfy 1 <= fast < slow <= ", kMaxWindow));
  }
  return std::unique_ptr<SmaCrossStrategy>(new SmaCrossStrategy(options));
}

void SmaCrossStrategy::Reset() {
  std::fill(window_.begin(), window_.end(), absl::int128(0));
  fast_sum_ = slow_sum_ = 0;
  seen_ = 0;
  last_time_ = absl::InfinitePast();
  fast_sma_ = slow_sma_ = std::numeric_limits<double>::quiet_NaN();
  last_difference_ = 0;
}

absl::StatusOr<std::optional<Signal>> SmaCrossStrategy::OnBar(
    const Candle& bar) {
  if (bar.time <= last_time_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sma_cross: bar at ", FormatIsoTime(bar.time),
        " is not after the previous one at ", FormatIsoTime(last_time_)));
  }
  const std::optional<absl::int128> close = FixedPoint(bar.close);
  if (!close) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sma_cross: close ", bar.close, " at ", FormatIsoTime(bar.time),
        " is not finite or outside the exact-sum range [2^-27, 2^36)"));
  }
  last_time_ = bar.time;
  const int slow = options_.slow;
  const int fast = options_.fast;
  const size_t slot = static_cast<size_t>(seen_ % slow);
  slow_sum_ += *close - window_[slot];
  fast_sum_ += *close;
  if (seen_ >= fast) fast_sum_ -= window_[(seen_ - fast) % slow];
  window_[slot] = *close;
  ++seen_;
  if (seen_ >= fast) fast_sma_ = Mean(fast_sum_, fast);
  if (seen_ < slow) return std::nullopt;
  slow_sma_ = Mean(slow_sum_, slow);
  const double difference = fast_sma_ - slow_sma_;
  if (difference == 0) return std::nullopt;
  const double before = last_difference_;
  last_difference_ = difference;
  if (!((before < 0 && difference > 0) || (before > 0 && difference < 0))) {
    return std::nullopt;
  }
  Signal signal;
  signal.symbol = options_.symbol;
  signal.timeframe = options_.timeframe;
  signal.time = bar.time;
  signal.side = difference > 0 ? Side::kBuy : Side::kSell;
  signal.entry = bar.close;
  signal.stop_loss = signal.take_profit =
      std::numeric_limits<double>::quiet_NaN();
  signal.confidence = 50;
  signal.reasons.push_back(absl::StrCat("SMA(", fast, ") crossed ",
                                        difference > 0 ? "above" : "below",
                                        " SMA(", slow, ")"));
  return signal;
}

}  // namespace botcore
