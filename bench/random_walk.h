// A seeded random-walk OHLCV series, the input of the indicator benchmarks
// (the same bars on every run and machine).

#ifndef BOTCORE_BENCH_RANDOM_WALK_H_
#define BOTCORE_BENCH_RANDOM_WALK_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace botcore::bench {

struct Bars {
  std::vector<double> open, high, low, close, volume;
};

// `n` bars of a multiplicative random walk starting at 100: each close moves
// by a normal step of 1%; high/low lie outside open/close by up to 0.5%.
inline Bars RandomWalk(size_t n, uint64_t seed = 20240607) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 0.01);
  std::uniform_real_distribution<double> wick(0.0, 0.005);
  std::uniform_real_distribution<double> volume(1e5, 1e6);
  Bars b;
  b.open.reserve(n);
  b.high.reserve(n);
  b.low.reserve(n);
  b.close.reserve(n);
  b.volume.reserve(n);
  double price = 100;
  for (size_t i = 0; i < n; ++i) {
    const double open = price;
    price *= std::exp(step(rng));
    const double top = std::max(open, price), bottom = std::min(open, price);
    b.open.push_back(open);
    b.close.push_back(price);
    b.high.push_back(top * (1 + wick(rng)));
    b.low.push_back(bottom * (1 - wick(rng)));
    b.volume.push_back(std::round(volume(rng)));
  }
  return b;
}

}  // namespace botcore::bench

#endif  // BOTCORE_BENCH_RANDOM_WALK_H_
