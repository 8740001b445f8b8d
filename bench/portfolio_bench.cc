// /portfolio round trips through Bot::HandleUpdate: the update is claimed in
// SQLite, the user's paper portfolio is read from the database and the
// formatted answer goes to a messenger that only counts it. The users'
// portfolios exist before the timed loop, which cycles through them.
//
//   portfolio_bench --benchmark_filter=Portfolio
//
// state.range(0): whether updates are claimed (BotOptions::claim_updates);
// state.range(1): SQLite synchronous level, 2 = FULL (the default), 1 =
// NORMAL. Items per second are per wall-clock second.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench_bot.h"
#include "botcore/adapters/storage.h"
#include "botcore/runtime/bot.h"

namespace botcore {
namespace {

constexpr int kUsers = 1000;

void BM_PortfolioRoundTrip(benchmark::State& state) {
  const bool claim = state.range(0) != 0;
  const std::string synchronous = state.range(1) == 2 ? "FULL" : "NORMAL";
  char dir[] = "/tmp/botcore-portfolio-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    state.SkipWithError("cannot create a scratch directory");
    return;
  }
  SystemClock clock;
  auto db = OpenDatabase(absl::StrCat("sqlite:///", dir, "/bot.db"),
                         {.sqlite_synchronous = synchronous});
  auto ports = bench::NewBotPorts(clock.Now());
  if (!db.ok() || !ports.ok()) {
    state.SkipWithError("cannot open the database or read the candles");
    return;
  }
  bench::CountingMessenger messenger;
  BotOptions o = bench::LoadBotOptions(&messenger, **ports, db->get(), &clock);
  o.claim_updates = claim;
  auto bot = Bot::Create(o);
  if (!bot.ok()) {
    state.SkipWithError(std::string(bot.status().message()).c_str());
    return;
  }
  int64_t id = 0;
  for (int64_t user = 1; user <= kUsers; ++user) {
    (*bot)->HandleUpdate(bench::PortfolioUpdate(++id, user));
  }
  const int64_t before = messenger.portfolios();
  int64_t user = 0;
  for (auto _ : state) {
    user = user % kUsers + 1;
    if (!(*bot)->HandleUpdate(bench::PortfolioUpdate(++id, user))) {
      state.SkipWithError("an update was left unhandled");
      break;
    }
  }
  if (messenger.portfolios() - before != state.iterations()) {
    state.SkipWithError("not every update was answered with a portfolio");
  }
  state.SetItemsProcessed(state.iterations());
  bot->reset();
  db->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_PortfolioRoundTrip)
    ->ArgNames({"claim", "sync"})
    ->Args({1, 2})
    ->Args({1, 1})
    ->Args({0, 1})
    ->MinTime(2)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace botcore

BENCHMARK_MAIN();
