#include "botcore/indicators/rolling.h"

#include <cassert>
#include <limits>

namespace botcore::ta {

RingBuffer::RingBuffer(int capacity) : data_(capacity) {
  assert(capacity >= 1);
}

RollingExtreme::RollingExtreme(int window, Kind kind)
    : window_(window), kind_(kind), block_(window), tail_(window + 1) {
  assert(window >= 1);
  Clear();
}

void RollingExtreme::SealBlock() {
  const int64_t start = count_ - window_;
  Entry suffix{block_[window_ - 1], start + window_ - 1};
  tail_[window_ - 1] = suffix;
  const bool max = kind_ == kMax;
  for (int k = window_ - 2; k >= 0; --k) {
    // The later value wins a tie: keep `suffix` unless block_[k] beats it.
    // The outcome is unpredictable, and GCC turns plain selects into
    // branches here: the value as maxsd/minsd, the index through a mask.
    const double x = block_[k];
    const bool beats = max ? x > suffix.value : x < suffix.value;
    suffix.value = max ? (x > suffix.value ? x : suffix.value)
                       : (x < suffix.value ? x : suffix.value);
    const int64_t mask = -static_cast<int64_t>(beats);
    suffix.index = (suffix.index & ~mask) | ((start + k) & mask);
    tail_[k] = suffix;
  }
}

void RollingExtreme::Clear() {
  const double sentinel = kind_ == kMax
                              ? -std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::infinity();
  for (Entry& e : tail_) e = {sentinel, 0};
  position_ = 0;
  count_ = 0;
}

}  // namespace botcore::ta
