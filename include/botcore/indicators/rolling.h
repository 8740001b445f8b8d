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
    head_ = head_ + 1 == static_cast<int>(data_.size()) ? 0 : head_ + 1;
    if (size_ < static_cast<int>(data_.size())) ++size_;
  }
  // The value pushed `age` pushes ago (0 = the newest).
  // REQUIRES: 0 <= age < size().
  double Ago(int age) const {
    int i = head_ - 1 - age;
    if (i < 0) i += static_cast<int>(data_.size());
    return data_[i];
  }
  int size() const { return size_; }
  int capacity() const { return static_cast<int>(data_.size()); }
  void Clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  std::vector<double> data_;
  int head_ = 0;  // where the next value goes
  int size_ = 0;
};

// The maximum (or minimum) of the last `window` values pushed. Among equal
// extremes the most recent one wins (TA-Lib's AROON rule).
class RollingExtreme {
 public:
  enum Kind { kMax, kMin };

  // REQUIRES: window >= 1.
  RollingExtreme(int window, Kind kind);

  void Push(double x);
  // The extreme of the last min(window, pushed) values.
  // REQUIRES: at least one value pushed.
  double value() const { return values_[front_]; }
  // Pushes since the extreme was pushed (0 = the newest value).
  int64_t age() const { return count_ - 1 - indexes_[front_]; }
  void Clear();

 private:
  bool Dominates(double a, double b) const {  // a replaces b in the queue
    return kind_ == kMax ? a >= b : a <= b;
  }

  int window_;
  Kind kind_;
  // A ring of (value, push index) with values strictly monotonic from front
  // to back.
  std::vector<double> values_;
  std::vector<int64_t> indexes_;
  int front_ = 0;
  int size_ = 0;
  int64_t count_ = 0;
};

}  // namespace botcore::ta

#endif  // BOTCORE_INDICATORS_ROLLING_H_
