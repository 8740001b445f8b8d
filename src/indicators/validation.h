// Private: argument checks shared by every indicator, producing
// kInvalidArgument messages that name the indicator, the parameter and the
// value, e.g. "RSI: timeperiod must be in 2..100000, got 1".

#ifndef BOTCORE_SRC_INDICATORS_VALIDATION_H_
#define BOTCORE_SRC_INDICATORS_VALIDATION_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "botcore/indicators/common.h"

namespace botcore::ta::internal {

inline constexpr int kMaxPeriod = 100000;

// Collects the checks of one call; status() runs them in a fixed order:
// parameters, empty or unequal inputs, periods longer than the input,
// non-finite values, high below low, output lengths.
class Validation {
 public:
  explicit Validation(const char* indicator) : indicator_(indicator) {}

  // A period in min..max; also at most the input length.
  Validation& Period(const char* name, int value, int min,
                     int max = kMaxPeriod);
  Validation& MaType(const char* name, MAType value);
  // TaSettings: unstable_period >= 0 and a known compatibility.
  Validation& Settings(const TaSettings& settings);
  // A finite double >= min.
  Validation& AtLeast(const char* name, double value, double min);
  Validation& Finite(const char* name, double value);
  Validation& Input(const char* name, absl::Span<const double> data);
  Validation& Sessions(absl::Span<const int64_t> session);
  Validation& HighLow(absl::Span<const double> high,
                      absl::Span<const double> low);
  // The volume input: also checked to be >= 0.
  Validation& Volume(absl::Span<const double> volume);
  Validation& Output(const char* name, absl::Span<double> data);

  absl::Status status() const;

 private:
  struct PeriodCheck {
    const char* name;
    int value = 0, min = 0, max = 0;
  };
  struct InputCheck {
    const char* name;
    absl::Span<const double> data;
  };
  struct OutputCheck {
    const char* name;
    size_t size = 0;
  };
  const char* indicator_;
  absl::Status parameter_error_;
  // Fixed capacity: validating allocates nothing.
  std::array<PeriodCheck, 3> periods_;
  std::array<InputCheck, 4> inputs_;
  std::array<OutputCheck, 3> outputs_;
  int period_count_ = 0, input_count_ = 0, output_count_ = 0;
  absl::Span<const double> volume_;
  absl::Span<const double> high_, low_;
  absl::Span<const int64_t> session_;
  bool has_session_ = false;
};

// Fills out[0..count) with NaN (count clamped to the span).
void FillNaN(absl::Span<double> out, int64_t count);

}  // namespace botcore::ta::internal

#endif  // BOTCORE_SRC_INDICATORS_VALIDATION_H_
