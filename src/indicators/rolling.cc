#include "botcore/indicators/rolling.h"

#include <cassert>

namespace botcore::ta {

RingBuffer::RingBuffer(int capacity) : data_(capacity) {
  assert(capacity >= 1);
}

RollingExtreme::RollingExtreme(int window, Kind kind)
    : window_(window), kind_(kind), values_(window), indexes_(window) {
  assert(window >= 1);
}

void RollingExtreme::Push(double x) {
  const int64_t index = count_++;
  // The oldest entry leaves the window first, so the ring never overflows.
  if (size_ > 0 && indexes_[front_] <= index - window_) {
    front_ = front_ + 1 == window_ ? 0 : front_ + 1;
    --size_;
  }
  while (size_ > 0) {
    int back = front_ + size_ - 1;
    if (back >= window_) back -= window_;
    if (!Dominates(x, values_[back])) break;
    --size_;
  }
  int slot = front_ + size_;
  if (slot >= window_) slot -= window_;
  values_[slot] = x;
  indexes_[slot] = index;
  ++size_;
}

void RollingExtreme::Clear() {
  front_ = 0;
  size_ = 0;
  count_ = 0;
}

}  // namespace botcore::ta
