// What the benchmarks that run the whole Bot share: its ports other than
// the messenger (replayed GAZP candles, a scripted advisor) and options
// with the limits meant for people raised.

#ifndef BOTCORE_BENCH_BENCH_BOT_H_
#define BOTCORE_BENCH_BENCH_BOT_H_

#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/candle.h"
#include "botcore/runtime/bot.h"
#include "botcore/runtime/replay_market_data.h"
#include "botcore/testing/scripted_advisor.h"

namespace botcore::bench {

// The ports a Bot needs besides its messenger, database and clock.
struct BotPorts {
  std::unique_ptr<MarketData> market;
  testing::ScriptedAdvisor advisor;
};

// GAZP daily candles (BOTCORE_SHARED_DIR/data/gazp_daily.csv) replayed up to
// `now`.
inline absl::StatusOr<std::unique_ptr<BotPorts>> NewBotPorts(absl::Time now) {
  absl::StatusOr<std::vector<Candle>> candles =
      ReadCandlesCsv(std::string(BOTCORE_SHARED_DIR) + "/data/gazp_daily.csv");
  if (!candles.ok()) return candles.status();
  ReplayMarketDataOptions o;
  o.symbol = "GAZP";
  o.candles = *std::move(candles);
  o.now = now;
  auto ports = std::make_unique<BotPorts>();
  absl::StatusOr<std::unique_ptr<MarketData>> market = NewReplayMarketData(o);
  if (!market.ok()) return market.status();
  ports->market = *std::move(market);
  return ports;
}

// Options for a Bot under load: no admin (no alerts or daily summary), no
// log lines, the per-user rate limit out of the way (a one-second window
// keeps its memory small).
inline BotOptions LoadBotOptions(Messenger* messenger, BotPorts& ports,
                                 Database* db, Clock* clock) {
  BotOptions o;
  o.messenger = messenger;
  o.market_data = ports.market.get();
  o.advisor = &ports.advisor;
  o.database = db;
  o.clock = clock;
  o.limits.enforce_trading_hours = false;
  o.rate_limit_max_requests = std::numeric_limits<int>::max();
  o.rate_limit_window = absl::Seconds(1);
  o.log = [](std::string_view) {};
  return o;
}

}  // namespace botcore::bench

#endif  // BOTCORE_BENCH_BENCH_BOT_H_
