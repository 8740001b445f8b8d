// Candlestick patterns over the 1M-bar seeded random walk of the indicator
// benchmarks (random_walk.h): the `per_bar` counter is the
// CPU time of judging one bar (input validation included).

#include <benchmark/benchmark.h>

#include <vector>

#include "botcore/signals/candlestick_patterns.h"
#include "random_walk.h"

namespace botcore {
namespace {

constexpr size_t kBars = 1'000'000;

const bench::Bars& Data() {
  static const bench::Bars* bars = new bench::Bars(bench::RandomWalk(kBars));
  return *bars;
}

template <typename Fn>
void Run(benchmark::State& state, Fn fn) {
  const bench::Bars& bars = Data();
  const OhlcSpans spans{bars.open, bars.high, bars.low, bars.close};
  std::vector<int> out(kBars);
  for (auto _ : state) {
    if (!fn(spans, absl::MakeSpan(out)).ok()) state.SkipWithError("failed");
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
