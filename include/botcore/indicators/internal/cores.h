// Internal: not part of botcore's API; do not include it directly.
//
// The per-bar arithmetic of every indicator, shared by the batch functions
// (src/indicators/*.cc) and the streaming classes, so that both perform the
// same floating-point operations in the same order and agree bit for bit.
//
// A core is fed bar after bar through Update(), which returns the value at
// that bar (NaN in the lookback region). Values from earlier bars that a
// core needs beyond the previous one are read through a "history": any type
// with `double Ago(int k) const` giving the series value k bars before the
// current one (0 = the current bar). The batch functions pass views of the
// input arrays (ArrayHistory); the streaming classes pass ring buffers
// (RingBuffer). A core reads only ages below the capacity its caller
// documents.

#ifndef BOTCORE_INDICATORS_INTERNAL_CORES_H_
#define BOTCORE_INDICATORS_INTERNAL_CORES_H_

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "absl/base/attributes.h"
#include "botcore/indicators/common.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace botcore::ta::internal {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// TA-Lib 0.6's TA_EPSILON, TA_IS_ZERO and TA_IS_ZERO_OR_NEG.
inline constexpr double kEpsilon = 1e-14;
inline bool IsZero(double v) { return -kEpsilon < v && v < kEpsilon; }
inline bool IsZeroOrNeg(double v) { return v < kEpsilon; }

// Whether the bits of a double have an all-ones exponent: NaN or infinity.
// Testing a value this way takes integer instructions, which leaves the
// floating-point units to the arithmetic (see ValueScreen).
inline bool NonFiniteBits(uint64_t bits) {
  constexpr uint64_t kExponent = 0x7ff0000000000000;
  return (bits & kExponent) == kExponent;
}

// The series value k bars before bar `i` of an array.
struct ArrayHistory {
  const double* data;
  int64_t i;
  double Ago(int k) const { return data[i - k]; }
};

// A series computed from bar indexes, e.g. the typical price of the arrays.
template <typename F>
struct ComputedHistory {
  const F& f;
  int64_t i;
  auto Ago(int k) const { return f(i - k); }
};

// A ring buffer (rolling.h) whose newest value, just pushed, the caller
// still holds: Ago(0) returns it without a round trip through the ring's
// memory, which would lengthen a streaming update's chain of dependent
// operations (a store, then a load of the same address).
template <typename Ring>
struct PushedHistory {
  double newest;
  const Ring& ring;
  double Ago(int k) const { return k == 0 ? newest : ring.Ago(k); }
};

// The maximum (kMax) or minimum of data[i-window+1 .. i], tracked as TA-Lib
// does: the window is rescanned only when its extreme drops out. Among
// equal values the most recent wins.
template <bool kMax>
class ArrayExtreme {
 public:
  ArrayExtreme(const double* data, int window) : data_(data), window_(window) {}
  void Update(int64_t i) {
    const int64_t first = i - window_ + 1;
    if (index_ < first) {
      // The extreme left the window: the extreme of the window (selects, no
      // data-dependent branches), then its most recent position.
      const int64_t from = first < 0 ? 0 : first;
      double extreme = data_[from];
      for (int64_t j = from + 1; j <= i; ++j) {
        const double x = data_[j];
        extreme = (kMax ? x > extreme : x < extreme) ? x : extreme;
      }
      int64_t k = i;
      while (k > from && data_[k] != extreme) --k;
      index_ = k;
      value_ = data_[k];
    } else {
      const double x = data_[i];
      const bool take = kMax ? x >= value_ : x <= value_;
      value_ = take ? x : value_;
      index_ = take ? i : index_;
    }
  }
  double value() const { return value_; }
  int64_t index() const { return index_; }

 private:
  const double* data_;
  int window_;
  int64_t index_ = std::numeric_limits<int64_t>::min();
  double value_ = 0;
};

// ------------------------------------------------------------ input screens

// What a core's Run() does with each input value besides computing: nothing
// (NoScreen), or (ValueScreen) note what the batch functions reject, so that
// the separate value check runs only when this screen is not clean
// (RunChecked, src/indicators/batch.h). Add() reads a value's bits from
// memory and tests its exponent with integer instructions (all ones: NaN or
// infinity), work for the integer units, which these loops leave idle; as a
// double it would take a floating-point port or a register transfer from the
// latency chain. AddBar() screens a bar on the adders of loops whose chain
// leaves them idle: NaN or infinity makes `sum` non-finite (finite values
// whose sum overflows only cause the check to run), a high below its low
// makes `gap` positive.
struct NoScreen {
  void Add(const double*) {}
  void AddBar(double, double, double) {}
};
struct ValueScreen {
  void Add(const double* x) {
    uint64_t bits;
    std::memcpy(&bits, x, sizeof bits);
    nonfinite |= NonFiniteBits(bits);
  }
  void AddBar(double high, double low, double close) {
    sum += (high + low) + close;
    const double below = low - high;
    gap = below > gap ? below : gap;
  }
  bool clean() const {
    return !nonfinite && std::isfinite(sum) && !(gap > 0.0);
  }
  bool nonfinite = false;
  double sum = 0;
  double gap = 0;
};

// ------------------------------------------------------------ arithmetic

// Two doubles operated on lane by lane (one SSE2 / NEON instruction). Each
// lane is rounded exactly as the scalar operation would be, so pairing two
// independent quantities (the gain and loss averages of RSI, the +DM and -DM
// sums of ADX, ...) halves the divisions, the slowest instructions of these
// loops, without changing a bit.
typedef double Pair __attribute__((vector_size(16)));
// Four doubles: two SSE2 registers, or one AVX register in a function
// compiled for AVX (see Bbands). Never passed by value between functions
// (its calling convention differs with and without AVX).
typedef double Quad __attribute__((vector_size(32)));

inline Pair Broadcast(double v) { return Pair{v, v}; }

// sqrt(v), or 0 where v < kEpsilon (TA-Lib's standard deviation).
inline double SqrtOrZero(double v) {
#if defined(__SSE2__)
  // The instruction alone: std::sqrt adds a check of the result (for errno)
  // that waits for the square root.
  const __m128d x = _mm_set_sd(v);
  const double root = _mm_cvtsd_f64(_mm_sqrt_sd(x, x));
#else
  const double root = std::sqrt(v);
#endif
  return !IsZeroOrNeg(v) ? root : 0.0;
}
inline Pair SqrtOrZero(Pair v) {
#if defined(__SSE2__)
  // Negative lanes become NaN here and are replaced by 0 below.
  const Pair root = _mm_sqrt_pd(v);
#else
  const Pair root{std::sqrt(v[0]), std::sqrt(v[1])};
#endif
  return v < Broadcast(kEpsilon) ? Broadcast(0.0) : root;
}

// TA-Lib's PER_TO_K.
inline double EmaK(int period) { return 2.0 / static_cast<double>(period + 1); }
inline double EmaStep(double ema, double x, double k) {
  return ((x - ema) * k) + ema;
}
// Wilder's average: (avg*(p-1) + v)/p (RSI, ATR, ADX).
inline double WilderAverage(double avg, double v, int p) {
  return (avg * static_cast<double>(p - 1) + v) / static_cast<double>(p);
}
// Wilder's running sum: s - s/p + v (+DM, -DM and TR of ADX and DI).
inline double WilderSum(double sum, double v, int p) {
  return sum - sum / static_cast<double>(p) + v;
}
inline double TrueRange(double high, double low, double prev_close) {
  double range = high - low;
  double t = std::fabs(high - prev_close);
  if (t > range) range = t;
  t = std::fabs(low - prev_close);
  if (t > range) range = t;
  return range;
}
inline double TypicalPrice(double high, double low, double close) {
  return (high + low + close) / 3.0;
}

// {-DM, +DM} of a bar; ties give neither. -DM = prev_low - low when it is
// > 0 and > the high's rise; +DM likewise. Computed lane by lane with
// masks: the cases are unpredictable, and GCC turns scalar selects into
// branches here.
inline Pair DirectionalMoveOf(double high, double low, double prev_high,
                              double prev_low) {
  const double diff_p = high - prev_high;
  const double diff_m = prev_low - low;
  const Pair move{diff_m, diff_p};
  const Pair other{diff_p, diff_m};
  return ((move > Broadcast(0.0)) & (move > other)) ? move : Broadcast(0.0);
}
inline double DirectionalIndex(double dm, double tr) {
  return !IsZero(tr) ? 100.0 * (dm / tr) : 0.0;
}

// ------------------------------------------------------------ moving averages

// SMA over `period` values: a running total, emitted as total/p. Reads
// history ages < period.
class SmaCore {
 public:
  explicit SmaCore(int period)
      : period_(period), divisor_(static_cast<double>(period)) {}
  template <typename H>
  double Update(const H& x) {
    if (count_ < period_ - 1) {
      ++count_;
      Prime(x.Ago(0));
      return kNaN;
    }
    return Step(x.Ago(0), x.Ago(period_ - 1));
  }
  // The first period-1 values.
  void Prime(double x) { total_ += x; }
  // Every later value, with the one period-1 bars before it.
  double Step(double x, double trailing) {
    total_ += x;
    const double value = total_ / divisor_;
    total_ -= trailing;
    return value;
  }
  void Reset() { *this = SmaCore(period_); }

 private:
  int period_;
  double divisor_;  // the period
  int64_t count_ = 0;
  double total_ = 0;
};

// EMA seeded with the SMA of the first `period` values (or, Metastock, with
// the first value), k = 2/(p+1) unless given.
class EmaCore {
 public:
  EmaCore(int period, double k,
          Compatibility compatibility = Compatibility::kDefault,
          int unstable_period = 0)
      : period_(period),
        k_(k),
        metastock_(compatibility == Compatibility::kMetastock),
        first_output_(period - 1 + unstable_period) {}
  explicit EmaCore(int period) : EmaCore(period, EmaK(period)) {}

  double Update(double x) {
    if (seeded()) {  // the common case, without Run's loop set-up
      ema_ = EmaStep(ema_, x, k_);
      return count_++ >= first_output_ ? ema_ : kNaN;
    }
    double value;
    Run(&x, &value, 1);
    return value;
  }
  // Update() over x[0..n) into out[0..n).
  void Run(const double* x, double* out, int64_t n) {
    NoScreen screen;
    Run(x, out, n, screen);
  }
  template <typename Screen>
  void Run(const double* x, double* out, int64_t n, Screen& screen) {
    int64_t j = 0;
    for (; j < n && !seeded(); ++j) {
      screen.Add(x + j);
      const int64_t i = count_++;
      if (metastock_) {
        ema_ = x[j];
      } else {
        ema_ += x[j];  // the seed's running sum
        if (i + 1 < period_) {
          out[j] = kNaN;
          continue;
        }
        ema_ /= static_cast<double>(period_);
      }
      out[j] = i >= first_output_ ? ema_ : kNaN;
    }
    double ema = ema_;
    int64_t i = count_;
    for (; j < n; ++j, ++i) {
      screen.Add(x + j);
      ema = EmaStep(ema, x[j], k_);
      out[j] = i >= first_output_ ? ema : kNaN;
    }
    count_ = i;
    ema_ = ema;
  }
  void Reset() {
    count_ = 0;
    ema_ = 0;
  }

 private:
  friend class MacdCore;
  bool seeded() const { return count_ >= (metastock_ ? 1 : period_); }
  int period_;
  double k_;
  bool metastock_;
  int64_t first_output_;
  int64_t count_ = 0;
  double ema_ = 0;
};

// A moving average of TA-Lib's MAType kSma or kEma, as TA_MA computes it
// (period 1 copies the input). Reads history ages < period.
class MaCore {
 public:
  MaCore(int period, MAType type)
      : period_(period), type_(type), sma_(period), ema_(period) {}
  template <typename H>
  double Update(const H& x) {
    if (period_ == 1) return x.Ago(0);
    return type_ == MAType::kSma ? sma_.Update(x) : ema_.Update(x.Ago(0));
  }
  // Update() over x[0..n) into out[0..n), choosing the type once.
  void Run(const double* x, double* out, int64_t n) {
    if (period_ == 1) {
      for (int64_t i = 0; i < n; ++i) out[i] = x[i];
    } else if (type_ == MAType::kEma) {
      ema_.Run(x, out, n);
    } else {
      SmaCore sma = sma_;
      for (int64_t i = 0; i < n; ++i) out[i] = sma.Update(ArrayHistory{x, i});
      sma_ = sma;
    }
  }
  void Reset() {
    sma_.Reset();
    ema_.Reset();
  }

 private:
  int period_;
  MAType type_;
  SmaCore sma_;
  EmaCore ema_;
};

// WMA: weights 1..p kept as a running weighted sum. Reads ages < period.
class WmaCore {
 public:
  explicit WmaCore(int period)
      : period_(period), divider_((period * (period + 1)) >> 1) {}
  template <typename H>
  double Update(const H& x) {
    const double v = x.Ago(0);
    const int64_t i = count_++;
    if (i < period_ - 1) {
      sub_ += v;
      sum_ += v * static_cast<double>(i + 1);
      return kNaN;
    }
    sub_ += v;
    sub_ -= trailing_;
    sum_ += v * static_cast<double>(period_);
    trailing_ = x.Ago(period_ - 1);
    const double value = sum_ / static_cast<double>(divider_);
    sum_ -= sub_;
    return value;
  }
  void Reset() { *this = WmaCore(period_); }

 private:
  int period_;
  int divider_;
  int64_t count_ = 0;
  double sub_ = 0;
  double sum_ = 0;
  double trailing_ = 0;
};

// DEMA = 2*EMA1 - EMA2(EMA1).
class DemaCore {
 public:
  explicit DemaCore(int period) : ema1_(period), ema2_(period) {}
  double Update(double x) {
    const double e1 = ema1_.Update(x);
    if (std::isnan(e1)) return kNaN;
    const double e2 = ema2_.Update(e1);
    if (std::isnan(e2)) return kNaN;
    return (2.0 * e1) - e2;
  }
  void Reset() {
    ema1_.Reset();
    ema2_.Reset();
  }

 private:
  EmaCore ema1_, ema2_;
};

// TEMA = EMA3 + (3*EMA1 - 3*EMA2).
class TemaCore {
 public:
  explicit TemaCore(int period) : ema1_(period), ema2_(period), ema3_(period) {}
  double Update(double x) {
    const double e1 = ema1_.Update(x);
    if (std::isnan(e1)) return kNaN;
    const double e2 = ema2_.Update(e1);
    if (std::isnan(e2)) return kNaN;
    const double e3 = ema3_.Update(e2);
    if (std::isnan(e3)) return kNaN;
    return e3 + ((3.0 * e1) - (3.0 * e2));
  }
  void Reset() {
    ema1_.Reset();
    ema2_.Reset();
    ema3_.Reset();
  }

 private:
  EmaCore ema1_, ema2_, ema3_;
};

// KAMA with fast 2 and slow 30. Reads ages <= period + 1.
class KamaCore {
 public:
  explicit KamaCore(int period) : period_(period) {}
  template <typename H>
  double Update(const H& x) {
    const int64_t i = count_++;
    if (i == 0) return kNaN;
    if (i < period_) {
      noise_ += std::fabs(x.Ago(1) - x.Ago(0));
      return kNaN;
    }
    const double today = x.Ago(0);
    const double trailing = x.Ago(period_);
    if (i == period_) {
      noise_ += std::fabs(x.Ago(1) - today);
      kama_ = x.Ago(1);
    } else {
      noise_ -= std::fabs(x.Ago(period_ + 1) - trailing);
      noise_ += std::fabs(today - x.Ago(1));
    }
    const double change = today - trailing;
    double er = 1.0;
    if (!(noise_ <= change || IsZero(noise_))) er = std::fabs(change / noise_);
    double sc = er * kConstDiff + kConstMax;
    sc *= sc;
    kama_ = (today - kama_) * sc + kama_;
    return kama_;
  }
  void Reset() { *this = KamaCore(period_); }

 private:
  static constexpr double kConstMax = 2.0 / (30.0 + 1.0);
  static constexpr double kConstDiff = 2.0 / (2.0 + 1.0) - kConstMax;
  int period_;
  int64_t count_ = 0;
  double noise_ = 0;
  double kama_ = 0;
};

// ------------------------------------------------------------ momentum

// RSI with Wilder's averages of gains and losses.
class RsiCore {
 public:
  RsiCore(int period, const TaSettings& settings)
      : period_(period),
        metastock_early_(settings.unstable_period == 0 &&
                         settings.compatibility == Compatibility::kMetastock),
        first_output_(period + settings.unstable_period -
                      (settings.compatibility == Compatibility::kMetastock)) {}
  explicit RsiCore(int period) : RsiCore(period, TaSettings{}) {}

  double Update(double x) {
    double value;
    NoScreen screen;
    Run(&x, &value, 1, screen);
    return value;
  }
  // Update() over x[0..n) into out[0..n), with the state in registers.
  template <typename Screen>
  void Run(const double* x, double* out, int64_t n, Screen& screen) {
    int64_t j = 0;
    for (; j < n && count_ <= period_; ++j) {
      screen.Add(x + j);
      out[j] = Seed(x[j]);
    }
    double prev = prev_;
    Pair averages = averages_;
    int64_t i = count_;
    // Two bars at a time: their RSI divisions paired. The averages'
    // division is the loop's latency chain (mul, add, div: 19 cycles on
    // Zen 4). The RSI division shares the divider; issued as soon as its
    // sum is ready it takes the divider just before the chain's next
    // division and holds it back. Two exact additions of +0.0 (the sum is
    // never -0.0) delay it past that point: 5.57 -> 5.42 ns a bar.
    for (; j + 1 < n; j += 2, i += 2) {
      screen.Add(x + j);
      screen.Add(x + j + 1);
      const Pair a = Average(x[j], prev, averages);
      const Pair b = Average(x[j + 1], prev, averages);
      const Pair gain{a[1], b[1]};
      const Pair sum = ((gain + Pair{a[0], b[0]}) + 0.0) + 0.0;
      const Pair v = Value(gain, sum);
      out[j] = i >= first_output_ ? v[0] : kNaN;
      out[j + 1] = i + 1 >= first_output_ ? v[1] : kNaN;
    }
    for (; j < n; ++j, ++i) {
      screen.Add(x + j);
      const Pair a = Average(x[j], prev, averages);
      out[j] = i >= first_output_ ? Value(a[1], a[1] + a[0]) : kNaN;
    }
    count_ = i;
    prev_ = prev;
    averages_ = averages;
  }
  void Reset() {
    count_ = 0;
    prev_ = 0;
    averages_ = Pair{0.0, 0.0};
  }

 private:
  // Bars 0..period: the first change and the averages' seed.
  double Seed(double x) {
    const int64_t i = count_++;
    if (i == 0) {
      prev_ = x;
      return kNaN;
    }
    const double diff = x - prev_;
    prev_ = x;
    if (i <= period_) {
      if (diff < 0.0) {
        averages_[0] -= diff;
      } else {
        averages_[1] += diff;
      }
      if (i < period_) {
        // Metastock emits one more value, from the first p-1 changes.
        if (metastock_early_ && i == first_output_) {
          const Pair a = averages_ / Broadcast(static_cast<double>(period_));
          return Value(a[1], a[1] + a[0]);
        }
        return kNaN;
      }
      averages_ /= Broadcast(static_cast<double>(period_));
    }
    return i >= first_output_ ? Value(averages_[1], averages_[1] + averages_[0])
                              : kNaN;
  }
  // A bar after the seed: Wilder's averages {loss, gain}, as WilderAverage
  // lane by lane.
  Pair Average(double x, double& prev, Pair& averages) const {
    const double diff = x - prev;
    prev = x;
    // TA-Lib adds the change to one average only; adding +0.0 to the other
    // (never -0.0) leaves it bit-identical and avoids a branch
    // (x > 0 ? x : 0 compiles to maxsd).
    const double up = diff > 0.0 ? diff : 0.0;
    const double down = -diff > 0.0 ? -diff : 0.0;
    averages = (averages * Broadcast(static_cast<double>(period_ - 1)) +
                Pair{down, up}) /
               Broadcast(static_cast<double>(period_));
    return averages;
  }
  // 100*gain/sum, 0 when sum = gain + loss is about 0; T is double or Pair.
  template <typename T>
  static T Value(T gain, T sum) {
    const T value = 100.0 * (gain / sum);
    if constexpr (std::is_same_v<T, Pair>) {
      return ((sum > -kEpsilon) & (sum < kEpsilon)) ? Broadcast(0.0) : value;
    } else {
      return !IsZero(sum) ? value : 0.0;
    }
  }
  int period_;
  bool metastock_early_;
  int64_t first_output_;
  int64_t count_ = 0;
  double prev_ = 0;
  Pair averages_{0.0, 0.0};  // {loss, gain}: the seed's sums, then averages
};

struct MacdValue {
  double macd;
  double signal;
  double hist;
};

// MACD as TA_INT_MACD: both EMAs start at bar slow-1 (the fast one seeded
// with the SMA of the `fast` values before it); the signal EMA runs over
// the MACD line from there. fast_k/slow_k are 2/(p+1), or 0.15/0.075 for
// MACDFIX. REQUIRES: fast <= slow.
class MacdCore {
 public:
  MacdCore(int fast, double fast_k, int slow, double slow_k, int signal)
      : offset_(slow - fast),
        slow_period_(slow),
        fast_(fast, fast_k),
        slow_(slow, slow_k),
        signal_(signal, EmaK(signal)) {}

  MacdValue Update(double x) {
    if (signal_.seeded()) {  // as one bar of Run's second loop
      slow_.ema_ = EmaStep(slow_.ema_, x, slow_.k_);
      fast_.ema_ = EmaStep(fast_.ema_, x, fast_.k_);
      const double m = fast_.ema_ - slow_.ema_;
      signal_.ema_ = EmaStep(signal_.ema_, m, signal_.k_);
      ++count_;
      ++slow_.count_;
      ++fast_.count_;
      ++signal_.count_;
      return {m, signal_.ema_, m - signal_.ema_};
    }
    const int64_t i = count_++;
    const double s = slow_.Update(x);
    const double f = i >= offset_ ? fast_.Update(x) : kNaN;
    if (i < slow_period_ - 1) return {kNaN, kNaN, kNaN};
    const double macd = f - s;
    const double signal = signal_.Update(macd);
    if (std::isnan(signal)) return {kNaN, kNaN, kNaN};
    return {macd, signal, macd - signal};
  }
  // Update() over x[0..n) into the three arrays; once the signal line is
  // seeded, the three EMA recurrences run in one loop with their state in
  // registers (their latencies overlap).
  template <typename Screen>
  void Run(const double* x, double* macd, double* signal, double* hist,
           int64_t n, Screen& screen) {
    int64_t j = 0;
    for (; j < n && !signal_.seeded(); ++j) {
      screen.Add(x + j);
      const MacdValue v = Update(x[j]);
      macd[j] = v.macd;
      signal[j] = v.signal;
      hist[j] = v.hist;
    }
    double s = slow_.ema_, f = fast_.ema_, g = signal_.ema_;
    const double ks = slow_.k_, kf = fast_.k_, kg = signal_.k_;
    const int64_t steady = j;
    for (; j < n; ++j) {
      screen.Add(x + j);
      s = EmaStep(s, x[j], ks);
      f = EmaStep(f, x[j], kf);
      const double m = f - s;
      g = EmaStep(g, m, kg);
      macd[j] = m;
      signal[j] = g;
      hist[j] = m - g;
    }
    slow_.ema_ = s;
    fast_.ema_ = f;
    signal_.ema_ = g;
    count_ += j - steady;
    slow_.count_ += j - steady;
    fast_.count_ += j - steady;
    signal_.count_ += j - steady;
  }
  void Reset() {
    count_ = 0;
    fast_.Reset();
    slow_.Reset();
    signal_.Reset();
  }

 private:
  int offset_;
  int slow_period_;
  int64_t count_ = 0;
  EmaCore fast_, slow_, signal_;
};

// T (a double, or the two of a Pair) from p, which need not be aligned.
template <typename T>
T LoadLanes(const double* p) {
  T v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// STOCH windows up to this many bars take their extremes afresh, scanned
// whole (branch-free), instead of tracking them: TA-Lib's tracking
// (ArrayExtreme) rescans a window when its extreme leaves it, a
// mispredicted branch about every fifth bar on prices, and a streaming
// RollingExtreme recomputes a block's suffixes every `window` bars.
inline constexpr int kScannedWindow = 16;

// The highest of high[0..n) and the lowest of low[0..n), scanned oldest
// first, a tie taking the newer value; T is double (one window) or Pair
// (two windows a bar apart, one instruction each). Only the extremes'
// values matter to STOCH, and every way of taking them gives the same.
template <typename T>
void ScanExtremes(const double* high, const double* low, int n, T& highest,
                  T& lowest) {
  highest = LoadLanes<T>(high);
  lowest = LoadLanes<T>(low);
  for (int j = 1; j < n; ++j) {
    const T h = LoadLanes<T>(high + j), l = LoadLanes<T>(low + j);
    highest = highest > h ? highest : h;  // maxsd/maxpd: ties take h
    lowest = lowest < l ? lowest : l;
  }
}

// The highest high and the lowest low of a window. Returned by value, not
// through references, so that they stay in registers.
struct HighLow {
  double highest;
  double lowest;
};

// The last `window` highs and lows (window <= kScannedWindow), scanned
// whole for their extremes. A bar is kept as one Pair {high, -low}, so that
// one maxpd per bar takes both (the lowest low is minus the greatest
// negated low; negating is exact, and a <= b exactly when -a >= -b, so the
// same value is taken), and twice, `window` slots apart, so that the window
// always lies in one piece, oldest first. One 16-byte store and load per
// bar: a 16-byte load of two 8-byte values just stored would wait for the
// stores to reach the cache.
class HighLowWindow {
 public:
  explicit HighLowWindow(int window) : window_(window) {}
  // Pushes a bar and returns it as the window keeps it, for Extremes.
  Pair Push(double high, double low) {
    const Pair bar{high, -low};
    bars_[position_] = bar;
    bars_[position_ + window_] = bar;
    position_ = position_ + 1 == window_ ? 0 : position_ + 1;
    return bar;
  }
  // The extremes of the last `window` bars pushed, `newest` (returned by
  // the last Push) the last of them, a tie taking the newer value (as
  // ScanExtremes). The older bars are read from memory, the newest is taken
  // from the register that holds it: a streaming update does not wait for
  // its own store, and the older bars' extreme is ready before the bar is.
  // REQUIRES: at least `window` pushed.
  ABSL_ATTRIBUTE_ALWAYS_INLINE HighLow Extremes(Pair newest) const {
    const Pair* older = bars_ + position_;
    Pair extreme = newest;
    // clang-format off
    switch (window_) {  // a scan unrolled for each window length
      case 1: break;
      case 2: extreme = Newer(Scan<1>(older), newest); break;
      case 3: extreme = Newer(Scan<2>(older), newest); break;
      case 4: extreme = Newer(Scan<3>(older), newest); break;
      case 5: extreme = Newer(Scan<4>(older), newest); break;
      case 6: extreme = Newer(Scan<5>(older), newest); break;
      case 7: extreme = Newer(Scan<6>(older), newest); break;
      case 8: extreme = Newer(Scan<7>(older), newest); break;
      case 9: extreme = Newer(Scan<8>(older), newest); break;
      case 10: extreme = Newer(Scan<9>(older), newest); break;
      case 11: extreme = Newer(Scan<10>(older), newest); break;
      case 12: extreme = Newer(Scan<11>(older), newest); break;
      case 13: extreme = Newer(Scan<12>(older), newest); break;
      case 14: extreme = Newer(Scan<13>(older), newest); break;
      case 15: extreme = Newer(Scan<14>(older), newest); break;
      default: extreme = Newer(Scan<kScannedWindow - 1>(older), newest); break;
    }
    // clang-format on
    return {extreme[0], -extreme[1]};
  }
  void Clear() { position_ = 0; }

 private:
  // The greater of an older and a newer extreme, lane by lane; the newer
  // on a tie (maxpd's rule).
  static Pair Newer(Pair older, Pair newer) {
    return older > newer ? older : newer;
  }
  // The greatest of bars[0..N), the newest on a tie, taken pairwise: the
  // older half's extreme against the newer half's, so the newest of the
  // greatest still wins, in log2(N) dependent maxpd instead of N-1.
  template <int N>
  ABSL_ATTRIBUTE_ALWAYS_INLINE static Pair Scan(const Pair* bars) {
    if constexpr (N == 1) {
      return bars[0];
    } else {
      return Newer(Scan<N / 2>(bars), Scan<N - N / 2>(bars + N / 2));
    }
  }

  int window_;
  int position_ = 0;  // of the next push
  Pair bars_[2 * kScannedWindow] = {};
};

// (close - lowest)/((highest - lowest)/100), 0 when highest == lowest.
inline double StochasticK(double close, double highest, double lowest) {
  const double diff = (highest - lowest) / 100.0;
  return diff != 0.0 ? (close - lowest) / diff : 0.0;
}
// StochasticK of two bars, lane by lane (two divisions instead of four).
inline Pair StochasticK(Pair close, Pair highest, Pair lowest) {
  const Pair diff = (highest - lowest) / Broadcast(100.0);
  const Pair k = (close - lowest) / diff;  // lanes with diff == 0 unused
  return diff != Broadcast(0.0) ? k : Broadcast(0.0);
}
// (highest - close)/((highest - lowest)/-100), 0 when highest == lowest.
inline double WilliamsR(double close, double highest, double lowest) {
  const double diff = (highest - lowest) / (-100.0);
  return diff != 0.0 ? (highest - close) / diff : 0.0;
}

// CCI over the typical prices; the mean and mean deviation are summed in
// TA-Lib's circular-buffer slot order (slot = bar index mod period). Reads
// ages < period.
class CciCore {
 public:
  explicit CciCore(int period) : period_(period) {}
  template <typename H>
  double Update(const H& tp) {
    const int64_t i = count_++;
    if (i < period_ - 1) return kNaN;
    const int slot = static_cast<int>(i % period_);
    double average = 0;
    ForEachSlot(tp, slot, [&](double v) { average += v; });
    average /= static_cast<double>(period_);
    double deviation = 0;
    ForEachSlot(tp, slot,
                [&](double v) { deviation += std::fabs(v - average); });
    const double last = tp.Ago(0) - average;
    if (last != 0.0 && deviation != 0.0) {
      return last / (0.015 * (deviation / static_cast<double>(period_)));
    }
    return 0.0;
  }
  void Reset() { count_ = 0; }

 private:
  // Visits the window's values in slot order 0..p-1, where the current bar
  // sits in slot `slot`.
  template <typename H, typename F>
  void ForEachSlot(const H& tp, int slot, F visit) const {
    for (int j = 0; j <= slot; ++j) visit(tp.Ago(slot - j));
    for (int j = slot + 1; j < period_; ++j) visit(tp.Ago(slot - j + period_));
  }
  int period_;
  int64_t count_ = 0;
};

// ROC = (x/x[-p] - 1)*100, 0 when x[-p] == 0. Reads ages <= period.
inline double RateOfChange(double x, double past) {
  return past != 0.0 ? ((x / past) - 1.0) * 100.0 : 0.0;
}

// TRIX: the 1-bar ROC of a triple EMA.
class TrixCore {
 public:
  explicit TrixCore(int period) : ema1_(period), ema2_(period), ema3_(period) {}
  double Update(double x) {
    const double e1 = ema1_.Update(x);
    if (std::isnan(e1)) return kNaN;
    const double e2 = ema2_.Update(e1);
    if (std::isnan(e2)) return kNaN;
    const double e3 = ema3_.Update(e2);
    if (std::isnan(e3)) return kNaN;
    const double prev = prev_;
    prev_ = e3;
    if (!has_prev_) {
      has_prev_ = true;
      return kNaN;
    }
    return RateOfChange(e3, prev);
  }
  void Reset() {
    ema1_.Reset();
    ema2_.Reset();
    ema3_.Reset();
    has_prev_ = false;
  }

 private:
  EmaCore ema1_, ema2_, ema3_;
  bool has_prev_ = false;
  double prev_ = 0;
};

// The buying pressure and true range of one ULTOSC bar.
struct UltOscTerms {
  double pressure;  // close - min(low, prev close)
  double range;     // true range
};
inline UltOscTerms UltOscTermsOf(double high, double low, double close,
                                 double prev_close) {
  const double true_low = low < prev_close ? low : prev_close;
  double range = high - low;
  double t = std::fabs(prev_close - high);
  if (t > range) range = t;
  t = std::fabs(prev_close - low);
  if (t > range) range = t;
  return {close - true_low, range};
}

// ULTOSC over periods p1 <= p2 <= p3 (sorted by the caller). `terms` is a
// history of UltOscTerms (ages < p3), valid from the second bar.
class UltOscCore {
 public:
  UltOscCore(int p1, int p2, int p3) : periods_{p1, p2, p3} {}
  template <typename H>
  double Update(const H& terms) {
    const int64_t i = count_++;
    if (i == 0) return kNaN;
    const UltOscTerms t = terms.Ago(0);
    for (int k = 0; k < 3; ++k) {
      // Before the first output a total takes only the bars of its window.
      if (i > periods_[2] - periods_[k]) {
        a_[k] += t.pressure;
        b_[k] += t.range;
      }
    }
    if (i < periods_[2]) return kNaN;
    double output = 0.0;
    if (!IsZero(b_[0])) output += 4.0 * (a_[0] / b_[0]);
    if (!IsZero(b_[1])) output += 2.0 * (a_[1] / b_[1]);
    if (!IsZero(b_[2])) output += a_[2] / b_[2];
    for (int k = 0; k < 3; ++k) {
      const UltOscTerms old = terms.Ago(periods_[k] - 1);
      a_[k] -= old.pressure;
      b_[k] -= old.range;
    }
    return 100.0 * (output / 7.0);
  }
  void Reset() { *this = UltOscCore(periods_[0], periods_[1], periods_[2]); }

 private:
  int periods_[3];
  int64_t count_ = 0;
  double a_[3] = {0, 0, 0};
  double b_[3] = {0, 0, 0};
};

// ------------------------------------------------------------ volatility

// The last `capacity` samples of VarianceCore, for streaming.
class SampleRing {
 public:
  explicit SampleRing(int capacity) : data_(capacity), capacity_(capacity) {}
  // Pushes a sample; returns the one pushed capacity-1 pushes before it
  // (a stale or zero sample until `capacity` are in).
  Pair Push(Pair sample) {
    data_[head_] = sample;
    head_ = head_ + 1 == capacity_ ? 0 : head_ + 1;
    return data_[head_];
  }
  void Clear() { head_ = 0; }

 private:
  std::vector<Pair> data_;
  int capacity_;
  int head_ = 0;  // where the next sample goes
};

// The rolling mean and population variance of TA_INT_VAR: running sums of
// x and x*x, var = E[x^2] - E[x]^2. Reads ages < period.
struct MeanVariance {
  double mean;
  double variance;
};
class VarianceCore {
 public:
  explicit VarianceCore(int period)
      : period_(period), divisors_(Broadcast(static_cast<double>(period))) {}
  // A value as the two sums take it: {x, x*x}.
  static Pair Sample(double x) { return Pair{x, x * x}; }
  // One bar, from its sample and the sample period-1 bars before (read only
  // once primed). Streaming keeps the samples rather than the values, so
  // that each square is computed once.
  MeanVariance Update(Pair sample, Pair trailing) {
    if (!primed()) {
      ++count_;
      totals_ += sample;
      return {kNaN, kNaN};
    }
    return Means(Totals(sample, trailing));
  }
  // Whether the first period-1 values are in.
  bool primed() const { return count_ >= period_ - 1; }
  // Update() over bars [begin..end) of x (a whole array: bar j reads
  // x[j-p+1]), four bars at a time once primed: emit(j, means, variances)
  // receives bars j..j+3 as the lanes of two `const Quad&`, emit(j, mean,
  // variance) a single bar. The running totals are the only serial work
  // (6 cycles a bar); four bars' divisions go into two four-lane divisions,
  // which compiled for AVX are two instructions instead of four (the
  // divider, shared with the square roots, is what limits the loop).
  template <typename Emit>
  void Run(const double* x, int64_t begin, int64_t end, Emit emit) {
    int64_t j = begin;
    for (; j < end && count_ < period_ - 1; ++j, ++count_) {
      Prime(x[j]);
      emit(j, kNaN, kNaN);
    }
    VarianceCore core = *this;  // a local copy stays in registers
    const int64_t steady = j;
    const int back = period_ - 1;
    const double p = divisors_[0];
    const Quad divisors{p, p, p, p};
    for (; j + 3 < end; j += 4) {
      const Pair a = core.Totals(x[j], x[j - back]);
      const Pair b = core.Totals(x[j + 1], x[j + 1 - back]);
      const Pair c = core.Totals(x[j + 2], x[j + 2 - back]);
      const Pair d = core.Totals(x[j + 3], x[j + 3 - back]);
      const Quad ab = Quad{a[0], a[1], b[0], b[1]} / divisors;
      const Quad cd = Quad{c[0], c[1], d[0], d[1]} / divisors;
      const Quad means = __builtin_shufflevector(ab, cd, 0, 2, 4, 6);
      const Quad squares = __builtin_shufflevector(ab, cd, 1, 3, 5, 7);
      const Quad variances = squares - means * means;
      emit(j, means, variances);
    }
    for (; j < end; ++j) {
      const MeanVariance mv = core.Means(core.Totals(x[j], x[j - back]));
      emit(j, mv.mean, mv.variance);
    }
    core.count_ += j - steady;
    *this = core;
  }
  void Reset() { *this = VarianceCore(period_); }

 private:
  // The first period-1 values.
  void Prime(double v) { totals_ += Sample(v); }
  // A later value's sample, with the one period-1 bars before it: returns
  // the totals {sum of x, sum of x*x} of the window ending at the value
  // (TA_INT_VAR divides them by the period). The two sums run as the lanes
  // of a Pair, each lane as TA_INT_VAR's scalar total.
  Pair Totals(Pair sample, Pair trailing) {
    totals_ += sample;
    const Pair totals = totals_;
    totals_ -= trailing;
    return totals;
  }
  Pair Totals(double v, double trailing) {
    return Totals(Sample(v), Sample(trailing));
  }
  MeanVariance Means(Pair totals) const {
    const Pair means = totals / divisors_;
    return {means[0], means[1] - means[0] * means[0]};
  }
  int period_;
  Pair divisors_;  // {period, period}
  int64_t count_ = 0;
  Pair totals_{0.0, 0.0};  // {sum of x, sum of x*x}
};

template <typename T>
struct Bands {
  T upper;
  T middle;
  T lower;
};
using BbandsValue = Bands<double>;
// Bollinger bands around a middle value from its standard deviation, as
// TA_BBANDS; T is double or Quad (four bars, hence the references). TA-Lib
// skips a multiplier of 1.0; multiplying by 1.0 is exact, so this does not.
template <typename T>
void BandsAround(const T& middle, const T& sd, double nbdevup, double nbdevdn,
                 Bands<T>& bands) {
  bands.upper = middle + sd * nbdevup;
  bands.middle = middle;
  bands.lower = middle - sd * nbdevdn;
}
// The same from the variance (one bar).
inline BbandsValue BandsOf(double middle, double variance, double nbdevup,
                           double nbdevdn) {
  BbandsValue bands;
  BandsAround(middle, SqrtOrZero(variance), nbdevup, nbdevdn, bands);
  return bands;
}

// ATR: the mean of TR[1..p], then Wilder's average.
class AtrCore {
 public:
  explicit AtrCore(int period) : period_(period) {}
  double Update(double high, double low, double close) {
    double value;
    NoScreen screen;
    Run(&high, &low, &close, &value, 1, screen);
    return value;
  }
  // Update() over bars [0..n) of the arrays into out[0..n).
  template <typename Screen>
  void Run(const double* high, const double* low, const double* close,
           double* out, int64_t n, Screen& screen) {
    int64_t j = 0;
    for (; j < n && count_ <= period_; ++j) {
      screen.AddBar(high[j], low[j], close[j]);
      const int64_t i = count_++;
      const double prev_close = prev_close_;
      prev_close_ = close[j];
      out[j] = kNaN;
      if (i == 0) continue;
      atr_ += TrueRange(high[j], low[j], prev_close);
      if (i == period_) out[j] = atr_ /= static_cast<double>(period_);
    }
    double atr = atr_, prev_close = prev_close_;
    const int64_t seeded = j;
    for (; j < n; ++j) {
      screen.AddBar(high[j], low[j], close[j]);
      atr = WilderAverage(atr, TrueRange(high[j], low[j], prev_close), period_);
      prev_close = close[j];
      out[j] = atr;
    }
    count_ += j - seeded;
    atr_ = atr;
    prev_close_ = prev_close;
  }
  void Reset() { *this = AtrCore(period_); }

 private:
  int period_;
  int64_t count_ = 0;
  double prev_close_ = 0;
  double atr_ = 0;
};

inline double NormalizedAtr(double atr, double close) {
  return !IsZero(close) ? (atr / close) * 100.0 : 0.0;
}

// ------------------------------------------------------------ trend

// Wilder's smoothed +DM, -DM and TR: plain sums over bars 1..p-1, then
// s - s/p + v from bar p on.
struct DirectionalSums {
  Pair dm{0.0, 0.0};  // {-DM, +DM}: the lanes of one Pair (one division)
  double tr = 0;
};
class DirectionalCore {
 public:
  explicit DirectionalCore(int period) : period_(period) {}
  // Returns false until bar p (the first smoothed bar).
  bool Update(double high, double low, double close, DirectionalSums* sums) {
    const int64_t i = count_++;
    if (i >= period_) {
      Smooth(high, low, close, period_, bar_, sums_);
      *sums = sums_;
      return true;
    }
    const Bar prev = bar_;
    bar_ = {high, low, close};
    if (i == 0) return false;
    sums_.dm += DirectionalMoveOf(high, low, prev.high, prev.low);
    sums_.tr += TrueRange(high, low, prev.close);
    return false;
  }
  void Reset() { *this = DirectionalCore(period_); }

 private:
  friend class AdxCore;
  struct Bar {
    double high = 0, low = 0, close = 0;
  };
  // A bar from bar p on: Wilder's sums, updated in place; `prev` becomes
  // this bar.
  static void Smooth(double high, double low, double close, int p, Bar& prev,
                     DirectionalSums& sums) {
    const Pair dm = DirectionalMoveOf(high, low, prev.high, prev.low);
    const double tr = TrueRange(high, low, prev.close);
    prev = {high, low, close};
    // WilderSum lane by lane.
    sums.dm = sums.dm - sums.dm / Broadcast(static_cast<double>(p)) + dm;
    sums.tr = WilderSum(sums.tr, tr, p);
  }

  int period_;
  int64_t count_ = 0;
  Bar bar_;
  DirectionalSums sums_;
};

// ADX: the mean of the first p DX values, then Wilder's average; a bar whose
// DX is undefined keeps the previous ADX.
class AdxCore {
 public:
  explicit AdxCore(int period) : period_(period), dm_(period) {}
  double Update(double high, double low, double close) {
    if (smoothed_ >= period_) {
      return Step(high, low, close, dm_.bar_, dm_.sums_, adx_);
    }
    DirectionalSums s;
    if (!dm_.Update(high, low, close, &s)) return kNaN;
    const int64_t k = smoothed_++;  // 0 at bar p
    const double dx = Dx(s);
    if (!std::isnan(dx)) adx_ += dx;
    if (k + 1 < period_) return kNaN;
    adx_ = adx_ / static_cast<double>(period_);
    return adx_;
  }
  // Update() over bars [0..n) of the arrays into out[0..n), with the state
  // in registers.
  void Run(const double* high, const double* low, const double* close,
           double* out, int64_t n) {
    int64_t j = 0;
    for (; j < n && smoothed_ < period_; ++j) {
      out[j] = Update(high[j], low[j], close[j]);
    }
    DirectionalCore::Bar bar = dm_.bar_;
    DirectionalSums sums = dm_.sums_;
    double adx = adx_;
    for (; j < n; ++j) out[j] = Step(high[j], low[j], close[j], bar, sums, adx);
    dm_.bar_ = bar;
    dm_.sums_ = sums;
    adx_ = adx;
  }
  void Reset() { *this = AdxCore(period_); }

 private:
  // DX from Wilder's sums; NaN when undefined (TR or the DI sum is 0).
  static double Dx(const DirectionalSums& s) {
    if (IsZero(s.tr)) return kNaN;
    // {-DI, +DI}: 100*(dm/tr) lane by lane.
    const Pair di = Broadcast(100.0) * (s.dm / Broadcast(s.tr));
    const double sum = di[0] + di[1];
    if (IsZero(sum)) return kNaN;
    return 100.0 * (std::fabs(di[0] - di[1]) / sum);
  }
  // A bar after the first ADX.
  double Step(double high, double low, double close, DirectionalCore::Bar& bar,
              DirectionalSums& sums, double& adx) const {
    DirectionalCore::Smooth(high, low, close, period_, bar, sums);
    const double dx = Dx(sums);
    if (!std::isnan(dx)) adx = WilderAverage(adx, dx, period_);
    return adx;
  }

  int period_;
  DirectionalCore dm_;
  int64_t smoothed_ = 0;
  double adx_ = 0;
};

// Parabolic SAR as TA_SAR: the direction at bar 1 comes from -DM(1), a
// touch reverses.
class SarCore {
 public:
  SarCore(double acceleration, double maximum)
      : acceleration_(acceleration > maximum ? maximum : acceleration),
        maximum_(maximum),
        af_(acceleration_) {}
  double Update(double high, double low) {
    const int64_t i = count_++;
    if (i == 0) {
      new_high_ = high;
      new_low_ = low;
      return kNaN;
    }
    if (i == 1) {
      const double diff_m = new_low_ - low;
      const double diff_p = high - new_high_;
      long_ = !(diff_m > 0 && diff_p < diff_m);
      if (long_) {
        ep_ = high;
        sar_ = new_low_;
      } else {
        ep_ = low;
        sar_ = new_high_;
      }
      new_low_ = low;
      new_high_ = high;
    }
    const double prev_low = new_low_, prev_high = new_high_;
    new_low_ = low;
    new_high_ = high;
    double out;
    if (long_) {
      if (new_low_ <= sar_) {
        long_ = false;
        sar_ = ep_;
        if (sar_ < prev_high) sar_ = prev_high;
        if (sar_ < new_high_) sar_ = new_high_;
        out = sar_;
        af_ = acceleration_;
        ep_ = new_low_;
        sar_ = sar_ + af_ * (ep_ - sar_);
        if (sar_ < prev_high) sar_ = prev_high;
        if (sar_ < new_high_) sar_ = new_high_;
      } else {
        out = sar_;
        if (new_high_ > ep_) {
          ep_ = new_high_;
          af_ += acceleration_;
          if (af_ > maximum_) af_ = maximum_;
        }
        sar_ = sar_ + af_ * (ep_ - sar_);
        if (sar_ > prev_low) sar_ = prev_low;
        if (sar_ > new_low_) sar_ = new_low_;
      }
    } else if (new_high_ >= sar_) {
      long_ = true;
      sar_ = ep_;
      if (sar_ > prev_low) sar_ = prev_low;
      if (sar_ > new_low_) sar_ = new_low_;
      out = sar_;
      af_ = acceleration_;
      ep_ = new_high_;
      sar_ = sar_ + af_ * (ep_ - sar_);
      if (sar_ > prev_low) sar_ = prev_low;
      if (sar_ > new_low_) sar_ = new_low_;
    } else {
      out = sar_;
      if (new_low_ < ep_) {
        ep_ = new_low_;
        af_ += acceleration_;
        if (af_ > maximum_) af_ = maximum_;
      }
      sar_ = sar_ + af_ * (ep_ - sar_);
      if (sar_ < prev_high) sar_ = prev_high;
      if (sar_ < new_high_) sar_ = new_high_;
    }
    return out;
  }
  void Reset() { *this = SarCore(acceleration_, maximum_); }

 private:
  double acceleration_;
  double maximum_;
  double af_;
  int64_t count_ = 0;
  bool long_ = true;
  double ep_ = 0, sar_ = 0;
  double new_high_ = 0, new_low_ = 0;
};

// AROON line from the bars since the window's extreme.
inline double AroonLine(int period, int64_t age) {
  return (100.0 / static_cast<double>(period)) *
         static_cast<double>(period - age);
}

// ------------------------------------------------------------ volume

// OBV: volume[0], then +/- volume as close rises/falls.
class ObvCore {
 public:
  double Update(double close, double volume) {
    if (count_++ == 0) {
      obv_ = volume;
    } else if (close > prev_close_) {
      obv_ += volume;
    } else if (close < prev_close_) {
      obv_ -= volume;
    }
    prev_close_ = close;
    return obv_;
  }
  void Reset() { *this = ObvCore(); }

 private:
  int64_t count_ = 0;
  double prev_close_ = 0;
  double obv_ = 0;
};

// One bar's money flow: TP*V counted positive when TP rose, negative when it
// fell, neither when equal.
struct MoneyFlow {
  double positive;
  double negative;
};
inline MoneyFlow MoneyFlowOf(double tp, double prev_tp, double volume) {
  const double diff = tp - prev_tp;
  const double flow = tp * volume;
  if (diff < 0) return {0.0, flow};
  if (diff > 0) return {flow, 0.0};
  return {0.0, 0.0};
}

// MFI over sums of the last p flows; 0 when pos+neg < 1. `flows` is a
// history of MoneyFlow (ages < period), valid from the second bar.
class MfiCore {
 public:
  explicit MfiCore(int period) : period_(period) {}
  template <typename H>
  double Update(const H& flows) {
    const int64_t i = count_++;
    if (i == 0) return kNaN;
    if (i > period_) {
      const MoneyFlow old = flows.Ago(period_);
      positive_ -= old.positive;
      negative_ -= old.negative;
    }
    const MoneyFlow f = flows.Ago(0);
    negative_ += f.negative;
    positive_ += f.positive;
    if (i < period_) return kNaN;
    const double total = positive_ + negative_;
    return total < 1.0 ? 0.0 : 100.0 * (positive_ / total);
  }
  void Reset() { *this = MfiCore(period_); }

 private:
  int period_;
  int64_t count_ = 0;
  double positive_ = 0;
  double negative_ = 0;
};

// Session VWAP: cumulative TP*V / V since the session began; NaN while the
// session has no volume.
class SessionVwapCore {
 public:
  double Update(double tp, double volume, int64_t session) {
    if (count_++ == 0 || session != session_) {
      session_ = session;
      pv_ = 0;
      v_ = 0;
    }
    pv_ += tp * volume;
    v_ += volume;
    return v_ != 0.0 ? pv_ / v_ : kNaN;
  }
  void Reset() { *this = SessionVwapCore(); }

 private:
  int64_t count_ = 0;
  int64_t session_ = 0;
  double pv_ = 0;
  double v_ = 0;
};

// Rolling VWAP over the last p bars: running sums of TP*V and V. `pv` and
// `volume` are histories (ages < period).
class RollingVwapCore {
 public:
  explicit RollingVwapCore(int period) : period_(period) {}
  template <typename H1, typename H2>
  double Update(const H1& pv, const H2& volume) {
    pv_ += pv.Ago(0);
    v_ += volume.Ago(0);
    if (++count_ < period_) return kNaN;
    const double value = v_ != 0.0 ? pv_ / v_ : kNaN;
    pv_ -= pv.Ago(period_ - 1);
    v_ -= volume.Ago(period_ - 1);
    return value;
  }
  void Reset() { *this = RollingVwapCore(period_); }

 private:
  int period_;
  int64_t count_ = 0;
  double pv_ = 0;
  double v_ = 0;
};

}  // namespace botcore::ta::internal

#endif  // BOTCORE_INDICATORS_INTERNAL_CORES_H_
