// Costs of the Amount operations that sit on every money path.

#include <benchmark/benchmark.h>

#include <string>

#include "botcore/core/amount.h"

namespace botcore {
namespace {

void BM_Parse18(benchmark::State& state) {
  const std::string text = "12345.678901234567890123";
  for (auto _ : state) {
    benchmark::DoNotOptimize(Amount::Parse(text, 18));
  }
}
BENCHMARK(BM_Parse18);

void BM_ToString18(benchmark::State& state) {
  const Amount a = *Amount::Parse("12345.678901234567890123", 18);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.ToString());
  }
}
BENCHMARK(BM_ToString18);

void BM_Add(benchmark::State& state) {
  const Amount a = *Amount::Parse("12345.67", 2);
  const Amount b = *Amount::Parse("0.01", 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.Add(b));
  }
}
BENCHMARK(BM_Add);

void BM_MultiplyByRate(benchmark::State& state) {
  const Amount a = *Amount::Parse("12345.678901234567890123", 18);
  const Amount rate = *Amount::Parse("0.05", 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.MultiplyByRate(rate, RoundingMode::kHalfEven));
  }
}
BENCHMARK(BM_MultiplyByRate);

}  // namespace
}  // namespace botcore

BENCHMARK_MAIN();
