#include "botcore/indicators/rolling.h"

#include <cassert>
#include <limits>

namespace botcore::ta {

RingBuffer::RingBuffer(int capacity)
    : data_(capacity), capacity_(capacity) {
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
  for (int k = window_ - 2; k >= 0; --k) {
    suffix = Dominant(suffix, Entry{block_[k], start + k});
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
