// What the benchmarks that run the whole Bot share: its ports other than
// the messenger (replayed GAZP candles, a scripted advisor), options with
// the limits meant for people raised, and a messenger that only counts the
// portfolios it is asked to send.

#ifndef BOTCORE_BENCH_BENCH_BOT_H_
#define BOTCORE_BENCH_BENCH_BOT_H_

#include <atomic>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/core/candle.h"
#include "botcore/ports/messenger.h"
#include "botcore/runtime/bot.h"
#include "botcore/runtime/replay_market_data.h"
#include "botcore/testing/quiet_messenger.h"
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

// A /portfolio message from `user` in their private chat.
inline Update PortfolioUpdate(int64_t id, int64_t user) {
  Update u;
  u.id = id;
  u.kind = UpdateKind::kMessage;
  Message m;
  m.message_id = id;
  m.chat.id = user;
  m.from = MessengerUser{.id = user, .first_name = "User"};
  m.text = "/portfolio";
  m.command = "portfolio";
  u.message = std::move(m);
  return u;
}

// Counts the answers that are a portfolio and keeps the last one's text;
// receives nothing (the benchmark hands the updates to Bot::HandleUpdate).
// Thread-safe.
class CountingMessenger final : public testing::QuietMessenger {
 public:
  absl::StatusOr<std::vector<Update>> Receive(absl::Duration) override {
    return absl::OutOfRangeError("no input");
  }
  absl::StatusOr<SentMessage> SendMessage(
      const OutgoingMessage& message) override {
    if (absl::StartsWith(message.text, "Cash: ")) {
      portfolios_.fetch_add(1);
      absl::MutexLock lock(&mu_);
      last_portfolio_ = message.text;
    }
    return SentMessage{message.chat_id, {1}};
  }

  // Answers that were a portfolio.
  int64_t portfolios() const { return portfolios_.load(); }

  // The text of the last portfolio answered, empty before the first.
  std::string last_portfolio() {
    absl::MutexLock lock(&mu_);
    return last_portfolio_;
  }

 private:
  std::atomic<int64_t> portfolios_{0};
  absl::Mutex mu_;
  std::string last_portfolio_ ABSL_GUARDED_BY(mu_);
};

}  // namespace botcore::bench

#endif  // BOTCORE_BENCH_BENCH_BOT_H_
