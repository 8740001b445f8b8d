// Internal: not part of botcore's API; do not include it directly.
//
// What every StreamingXxx class shares: the value of the last bar, the count
// of accepted bars and the all-NaN value of a rejected bar.

#ifndef BOTCORE_INDICATORS_INTERNAL_STREAMING_H_
#define BOTCORE_INDICATORS_INTERNAL_STREAMING_H_

#include <array>
#include <bit>
#include <cstdint>
#include <type_traits>

#include "botcore/indicators/internal/cores.h"

namespace botcore::ta::internal {

// NaN, or a value struct (only double fields) with every field NaN.
template <typename Value>
Value AllNaN() {
  if constexpr (std::is_same_v<Value, double>) {
    return kNaN;
  } else {
    static_assert(std::is_trivially_copyable_v<Value> &&
                  sizeof(Value) % sizeof(double) == 0);
    std::array<double, sizeof(Value) / sizeof(double)> fields;
    fields.fill(kNaN);
    return std::bit_cast<Value>(fields);
  }
}

// The base of every streaming indicator class.
template <typename Value>
class StreamingState {
 public:
  // The value Update() returned for the last accepted bar (all NaN before
  // the first one and after Reset()).
  Value value() const { return value_; }
  // Bars accepted since Create() or Reset().
  int64_t bars() const { return bars_; }

 protected:
  // Records an accepted bar and its value; returns the value.
  Value Accept(Value value) {
    ++bars_;
    return value_ = value;
  }
  // All NaN: what Update() returns for a rejected bar (NaN, infinity, high
  // below low), which changes no state, and the value in the lookback.
  static Value NaNValue() { return AllNaN<Value>(); }
  // Back to no bars (for Reset()).
  void ClearState() {
    value_ = NaNValue();
    bars_ = 0;
  }

 private:
  Value value_ = NaNValue();
  int64_t bars_ = 0;
};

}  // namespace botcore::ta::internal

#endif  // BOTCORE_INDICATORS_INTERNAL_STREAMING_H_
