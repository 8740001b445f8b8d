// File: botcore/indicators/rolling.h
//
// Fixed-capacity building blocks of the streaming indicators, usable on their
// own: a ring of the last N values and the rolling maximum / minimum of the
// last N values (a monotonic queue: O(1) amortized per push, no allocation
// after construction).
//
//   botcore::ta::RollingExtreme highest(14, botcore::ta::RollingExtreme::kMax);
//   for (double h : high) {
//     highest.Push(h);
//     double hh = highest.value();    // max of the last min(14, pushed) values
//     int64_t age = highest.age();    // bars since that value (0 = newest)
//   }
//
// Thread safety: thread-compatible values.

#ifndef BOTCORE_INDICATORS_ROLLING_H_
#define BOTCORE_INDICATORS_ROLLING_H_

#include <cstdint>
#include <vector>

namespace botcore::ta {

// The last `capacity` values pushed.
class RingBuffer {
 public:
  // REQUIRES: capacity >= 1.
  explicit RingBuffer(int capacity);

  void Push(double x) {
    data_[head_] = x;
    head_ = head_ + 1 == capacity_ ? 0 : head_ + 1;
    if (size_ < capacity_) ++size_;
  }
  // The value pushed `age` pushes ago (0 = the newest).
  // REQUIRES: 0 <= age < size().
  double Ago(int age) const {
    int i = head_ - 1 - age;
    if (i < 0) i += capacity_;
    return data_[i];
  }
  // The value pushed size()-1 pushes ago (the oldest one kept).
  // REQUIRES: size() == capacity() (as Ago(capacity() - 1), in fewer steps).
  double Oldest() const { return data_[head_]; }
  int size() const { return size_; }
  int capacity() const { return capacity_; }
  void Clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  std::vector<double> data_;
  int capacity_;  // data_.size(), kept apart: one load instead of two
  int head_ = 0;  // where the next value goes
  int size_ = 0;
};

// The maximum (or minimum) of the last `window` values pushed. Among equal
// extremes the most recent one wins (TA-Lib's AROON rule).
//
// Van Herk / Gil-Werman: the pushes form blocks of `window` values; the
// window is the tail of the previous block (its suffix extremes, computed
// once when the block is complete) and the head of the current one (a
// running extreme). Push() is O(1) amortized: a few compare-and-selects,
// plus O(window) once every `window` pushes.
class RollingExtreme {
 public:
  enum Kind { kMax, kMin };

  // REQUIRES: window >= 1.
  RollingExtreme(int window, Kind kind);

  void Push(double x) {
    if (position_ == 0 && count_ > 0) SealBlock();
    block_[position_] = x;
    const Entry entry{x, count_};
    head_ = position_ == 0 ? entry : Dominant(entry, head_);
    // The previous block's values still in the window (a sentinel that any
    // value dominates when there are none).
    extreme_ = Dominant(head_, tail_[position_ + 1]);
    ++count_;
    position_ = position_ + 1 == window_ ? 0 : position_ + 1;
  }
  // The extreme of the last min(window, pushed) values.
  // REQUIRES: at least one value pushed.
  double value() const { return extreme_.value; }
  // Pushes since the extreme was pushed (0 = the newest value).
  int64_t age() const { return count_ - 1 - extreme_.index; }
  void Clear();

 private:
  struct Entry {
    double value;
    int64_t index;  // push number
  };
  // Whichever of two entries dominates, the newer one on a tie. Which one
  // is unpredictable, and GCC turns plain selects into branches here: the
  // value is taken with maxsd/minsd, the index through a mask.
  Entry Dominant(const Entry& newer, const Entry& older) const {
    const double a = newer.value, b = older.value;
    const bool take = kind_ == kMax ? a >= b : a <= b;
    const double value = kind_ == kMax ? (b > a ? b : a) : (b < a ? b : a);
    const int64_t mask = -static_cast<int64_t>(take);
    return {value, (newer.index & mask) | (older.index & ~mask)};
  }
  // The suffix extremes of the block just completed.
  void SealBlock();

  int window_;
  Kind kind_;
  std::vector<double> block_;  // the current block, by position
  std::vector<Entry> tail_;    // window_+1 suffix extremes of the last block
  Entry head_{0, 0};           // the extreme of the current block so far
  Entry extreme_{0, 0};
  int position_ = 0;  // of the next push in its block
  int64_t count_ = 0;
};

}  // namespace botcore::ta

#endif  // BOTCORE_INDICATORS_ROLLING_H_
