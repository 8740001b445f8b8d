// TA-Lib and tulipindicators on the bars of indicators_bench (1 000 000
// random-walk bars, the same seed), with the parameters of the issue's
// table, so the two libraries the performance goals are stated against can be
// measured on the machine at hand. Built and run by run.sh, which fetches the
// libraries' C sources; not part of the CMake build.

#include <benchmark/benchmark.h>

#include <vector>

extern "C" {
#include "indicators.h"  // tulipindicators
#include "ta_libc.h"     // TA-Lib
}
#include "../random_walk.h"

namespace {

constexpr int kBars = 1'000'000;

const botcore::bench::Bars& Data() {
  static const auto* bars =
      new botcore::bench::Bars(botcore::bench::RandomWalk(kBars));
  return *bars;
}

// Times `run(bars, outputs)` and reports CPU time per bar as "per_bar", like
// indicators_bench.
template <typename F>
void PerBar(benchmark::State& state, F run) {
  const botcore::bench::Bars& bars = Data();
  std::vector<double> a(kBars), b(kBars), c(kBars);
  double* out[3] = {a.data(), b.data(), c.data()};
  for (auto _ : state) {
    if (run(bars, out) != 0) state.SkipWithError("indicator failed");
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.counters["per_bar"] =
      benchmark::Counter(kBars, benchmark::Counter::kIsIterationInvariantRate |
                                    benchmark::Counter::kInvert);
}

using Bars = botcore::bench::Bars;
const int kLast = kBars - 1;

void BM_TalibSma(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    int begin, count;
    return TA_SMA(0, kLast, b.close.data(), 20, &begin, &count, o[0]);
  });
}
void BM_TalibEma(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    int begin, count;
    return TA_EMA(0, kLast, b.close.data(), 20, &begin, &count, o[0]);
  });
}
void BM_TalibRsi(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    int begin, count;
    return TA_RSI(0, kLast, b.close.data(), 14, &begin, &count, o[0]);
  });
}
void BM_TalibMacd(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    int begin, count;
    return TA_MACD(0, kLast, b.close.data(), 12, 26, 9, &begin, &count, o[0],
                   o[1], o[2]);
  });
}
void BM_TalibBbands(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    int begin, count;
    return TA_BBANDS(0, kLast, b.close.data(), 20, 2, 2, TA_MAType_SMA, &begin,
                     &count, o[0], o[1], o[2]);
  });
}
void BM_TalibAtr(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    int begin, count;
    return TA_ATR(0, kLast, b.high.data(), b.low.data(), b.close.data(), 14,
                  &begin, &count, o[0]);
  });
}
void BM_TalibAdx(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    int begin, count;
    return TA_ADX(0, kLast, b.high.data(), b.low.data(), b.close.data(), 14,
                  &begin, &count, o[0]);
  });
}
void BM_TalibStoch(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    int begin, count;
    return TA_STOCH(0, kLast, b.high.data(), b.low.data(), b.close.data(), 14,
                    3, TA_MAType_SMA, 3, TA_MAType_SMA, &begin, &count, o[0],
                    o[1]);
  });
}

// tulipindicators: one call per indicator through its uniform signature.
template <int kInputs>
int Tulip(int (*f)(int, const double* const*, const double*, double* const*),
          const Bars& b, std::vector<double> options, double** out) {
  const double* close[] = {b.close.data()};
  const double* hlc[] = {b.high.data(), b.low.data(), b.close.data()};
  return f(kBars, kInputs == 1 ? close : hlc, options.data(), out);
}
void BM_TulipSma(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    return Tulip<1>(ti_sma, b, {20}, o);
  });
}
void BM_TulipEma(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    return Tulip<1>(ti_ema, b, {20}, o);
  });
}
void BM_TulipRsi(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    return Tulip<1>(ti_rsi, b, {14}, o);
  });
}
void BM_TulipMacd(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    return Tulip<1>(ti_macd, b, {12, 26, 9}, o);
  });
}
void BM_TulipBbands(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    return Tulip<1>(ti_bbands, b, {20, 2}, o);
  });
}
void BM_TulipAtr(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    return Tulip<3>(ti_atr, b, {14}, o);
  });
}
void BM_TulipAdx(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    return Tulip<3>(ti_adx, b, {14}, o);
  });
}
void BM_TulipStoch(benchmark::State& s) {
  PerBar(s, [](const Bars& b, double** o) {
    return Tulip<3>(ti_stoch, b, {14, 3, 3}, o);
  });
}

BENCHMARK(BM_TalibSma);
BENCHMARK(BM_TulipSma);
BENCHMARK(BM_TalibEma);
BENCHMARK(BM_TulipEma);
BENCHMARK(BM_TalibRsi);
BENCHMARK(BM_TulipRsi);
BENCHMARK(BM_TalibMacd);
BENCHMARK(BM_TulipMacd);
BENCHMARK(BM_TalibBbands);
BENCHMARK(BM_TulipBbands);
BENCHMARK(BM_TalibAtr);
BENCHMARK(BM_TulipAtr);
BENCHMARK(BM_TalibAdx);
BENCHMARK(BM_TulipAdx);
BENCHMARK(BM_TalibStoch);
BENCHMARK(BM_TulipStoch);

}  // namespace

BENCHMARK_MAIN();
