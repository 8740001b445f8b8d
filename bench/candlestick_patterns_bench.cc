// Candlestick patterns over 1M generated bars: the `per_bar` counter is the
// CPU time of judging one bar (input validation included).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "botcore/signals/candlestick_patterns.h"

namespace botcore {
namespace {

constexpr size_t kBars = 1'000'000;

// A seeded random walk with realistic bodies and shadows.
struct Bars {
  std::vector<double> open, high, low, close;
  Bars() {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> step(0, 0.01);
    std::exponential_distribution<double> shadow(200);
    double price = 100;
    for (size_t i = 0; i < kBars; ++i) {
      const double o = price;
      const double c = o * std::exp(step(rng));
      open.push_back(o);
      close.push_back(c);
      high.push_back(std::max(o, c) * (1 + shadow(rng)));
      low.push_back(std::min(o, c) * (1 - shadow(rng)));
      price = c;
    }
  }
  OhlcSpans spans() const { return {open, high, low, close}; }
};

const Bars& Data() {
  static const Bars* bars = new Bars();
  return *bars;
}

template <typename Fn>
void Run(benchmark::State& state, Fn fn) {
  const Bars& bars = Data();
  std::vector<int> out(kBars);
  for (auto _ : state) {
    if (!fn(bars.spans(), absl::MakeSpan(out)).ok())
      state.SkipWithError("failed");
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  // Seconds per bar, printed with an SI prefix ("4.0n" is 4.0 ns).
  state.counters["per_bar"] =
      benchmark::Counter(static_cast<double>(kBars),
                         benchmark::Counter::kIsIterationInvariantRate |
                             benchmark::Counter::kInvert);
}

#define BOTCORE_PATTERN_BENCH(Name, call)                                   \
  void BM_##Name(benchmark::State& state) {                                 \
    Run(state, [](const OhlcSpans& b, absl::Span<int> o) { return call; }); \
  }                                                                         \
  BENCHMARK(BM_##Name)->Unit(benchmark::kMillisecond)

BOTCORE_PATTERN_BENCH(CDLDOJI, CdlDoji(b, o));
BOTCORE_PATTERN_BENCH(CDLHAMMER, CdlHammer(b, o));
BOTCORE_PATTERN_BENCH(CDLSHOOTINGSTAR, CdlShootingStar(b, o));
BOTCORE_PATTERN_BENCH(CDLENGULFING, CdlEngulfing(b, o));
BOTCORE_PATTERN_BENCH(CDLHARAMI, CdlHarami(b, o));
BOTCORE_PATTERN_BENCH(CDLMORNINGSTAR, CdlMorningStar(b, o));
BOTCORE_PATTERN_BENCH(CDLEVENINGSTAR, CdlEveningStar(b, o));
BOTCORE_PATTERN_BENCH(CDL3WHITESOLDIERS, Cdl3WhiteSoldiers(b, o));
BOTCORE_PATTERN_BENCH(CDL3BLACKCROWS, Cdl3BlackCrows(b, o));

}  // namespace
}  // namespace botcore

BENCHMARK_MAIN();
