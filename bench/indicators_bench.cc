// Nanoseconds per bar of the indicators on 1 000 000 random-walk bars, batch
// (caller-provided outputs) and streaming (one Update per bar).
//
//   build/bench/indicators_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include <vector>

#include "botcore/indicators/indicators.h"
#include "random_walk.h"

namespace botcore::ta {
namespace {

constexpr size_t kBars = 1'000'000;

const bench::Bars& Data() {
  static const bench::Bars* bars = new bench::Bars(bench::RandomWalk(kBars));
  return *bars;
}

// Reports the CPU time per bar as the "per_bar" counter (e.g. 2.3n).
void PerBar(benchmark::State& state) {
  state.counters["per_bar"] =
      benchmark::Counter(static_cast<double>(kBars),
                         benchmark::Counter::kIsIterationInvariantRate |
                             benchmark::Counter::kInvert);
}

template <typename F>
void Batch(benchmark::State& state, int outputs, F run) {
  std::vector<std::vector<double>> out(outputs, std::vector<double>(kBars));
  for (auto _ : state) {
    if (!run(out).ok()) state.SkipWithError("indicator failed");
    benchmark::DoNotOptimize(out[0].data());
    benchmark::ClobberMemory();
  }
  PerBar(state);
}

template <typename Make, typename Step>
void Stream(benchmark::State& state, Make make, Step step) {
  const bench::Bars& b = Data();
  for (auto _ : state) {
    auto indicator = *make();
    for (size_t i = 0; i < kBars; ++i) {
      auto v = step(indicator, b, i);
      benchmark::DoNotOptimize(v);
    }
  }
  PerBar(state);
}

absl::Span<double> S(std::vector<double>& v) { return absl::MakeSpan(v); }

void BM_SmaBatch(benchmark::State& state) {
  Batch(state, 1, [](auto& out) { return Sma(Data().close, 20, S(out[0])); });
}
void BM_SmaStream(benchmark::State& state) {
  Stream(
      state, [] { return StreamingSma::Create(20); },
      [](auto& s, const bench::Bars& b, size_t i) {
        return s.Update(b.close[i]);
      });
}
void BM_EmaBatch(benchmark::State& state) {
  Batch(state, 1, [](auto& out) { return Ema(Data().close, 20, S(out[0])); });
}
void BM_EmaStream(benchmark::State& state) {
  Stream(
      state, [] { return StreamingEma::Create(20); },
      [](auto& s, const bench::Bars& b, size_t i) {
        return s.Update(b.close[i]);
      });
}
void BM_RsiBatch(benchmark::State& state) {
  Batch(state, 1, [](auto& out) { return Rsi(Data().close, 14, S(out[0])); });
}
void BM_RsiStream(benchmark::State& state) {
  Stream(
      state, [] { return StreamingRsi::Create(14); },
      [](auto& s, const bench::Bars& b, size_t i) {
        return s.Update(b.close[i]);
      });
}
void BM_MacdBatch(benchmark::State& state) {
  Batch(state, 3, [](auto& out) {
    return Macd(Data().close, 12, 26, 9, S(out[0]), S(out[1]), S(out[2]));
  });
}
void BM_MacdStream(benchmark::State& state) {
  Stream(
      state, [] { return StreamingMacd::Create(12, 26, 9); },
      [](auto& s, const bench::Bars& b, size_t i) {
        return s.Update(b.close[i]);
      });
}
void BM_BbandsBatch(benchmark::State& state) {
  Batch(state, 3, [](auto& out) {
    return Bbands(Data().close, 20, 2, 2, MAType::kSma, S(out[0]), S(out[1]),
                  S(out[2]));
  });
}
void BM_BbandsStream(benchmark::State& state) {
  Stream(
      state, [] { return StreamingBbands::Create(20, 2, 2); },
      [](auto& s, const bench::Bars& b, size_t i) {
        return s.Update(b.close[i]);
      });
}
void BM_AtrBatch(benchmark::State& state) {
  Batch(state, 1, [](auto& out) {
    const bench::Bars& b = Data();
    return Atr(b.high, b.low, b.close, 14, S(out[0]));
  });
}
void BM_AtrStream(benchmark::State& state) {
  Stream(
      state, [] { return StreamingAtr::Create(14); },
      [](auto& s, const bench::Bars& b, size_t i) {
        return s.Update(b.high[i], b.low[i], b.close[i]);
      });
}
void BM_AdxBatch(benchmark::State& state) {
  Batch(state, 1, [](auto& out) {
    const bench::Bars& b = Data();
    return Adx(b.high, b.low, b.close, 14, S(out[0]));
  });
}
void BM_AdxStream(benchmark::State& state) {
  Stream(
      state, [] { return StreamingAdx::Create(14); },
      [](auto& s, const bench::Bars& b, size_t i) {
        return s.Update(b.high[i], b.low[i], b.close[i]);
      });
}
void BM_StochBatch(benchmark::State& state) {
  Batch(state, 2, [](auto& out) {
    const bench::Bars& b = Data();
    return Stoch(b.high, b.low, b.close, 14, 3, MAType::kSma, 3, MAType::kSma,
                 S(out[0]), S(out[1]));
  });
}
void BM_StochStream(benchmark::State& state) {
  Stream(
      state, [] { return StreamingStoch::Create(14, 3, MAType::kSma, 3); },
      [](auto& s, const bench::Bars& b, size_t i) {
        return s.Update(b.high[i], b.low[i], b.close[i]);
      });
}

// Lower bounds: the bare floating-point recurrences of SMA (an add and a
// subtract per bar on one running total) and EMA (subtract, multiply, add),
// without checks, NaN handling or outputs beyond one store. No
// implementation with TA-Lib's operation order can beat their latency.
void BM_BoundSmaRecurrence(benchmark::State& state) {
  const std::vector<double>& x = Data().close;
  std::vector<double> out(kBars);
  for (auto _ : state) {
    double total = 0;
    for (size_t i = 0; i < 19; ++i) total += x[i];
    for (size_t i = 19; i < kBars; ++i) {
      total += x[i];
      out[i] = total / 20;
      total -= x[i - 19];
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  PerBar(state);
}
void BM_BoundEmaRecurrence(benchmark::State& state) {
  const std::vector<double>& x = Data().close;
  std::vector<double> out(kBars);
  for (auto _ : state) {
    double ema = x[0];
    for (size_t i = 1; i < kBars; ++i) {
      ema = (x[i] - ema) * (2.0 / 21) + ema;
      out[i] = ema;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  PerBar(state);
}

BENCHMARK(BM_BoundSmaRecurrence);
BENCHMARK(BM_BoundEmaRecurrence);
BENCHMARK(BM_SmaBatch);
BENCHMARK(BM_SmaStream);
BENCHMARK(BM_EmaBatch);
BENCHMARK(BM_EmaStream);
BENCHMARK(BM_RsiBatch);
BENCHMARK(BM_RsiStream);
BENCHMARK(BM_MacdBatch);
BENCHMARK(BM_MacdStream);
BENCHMARK(BM_BbandsBatch);
BENCHMARK(BM_BbandsStream);
BENCHMARK(BM_AtrBatch);
BENCHMARK(BM_AtrStream);
BENCHMARK(BM_AdxBatch);
BENCHMARK(BM_AdxStream);
BENCHMARK(BM_StochBatch);
BENCHMARK(BM_StochStream);

}  // namespace
}  // namespace botcore::ta

BENCHMARK_MAIN();
