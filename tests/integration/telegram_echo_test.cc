// The Bot under load through the TelegramMessenger against the fake Bot
// API: many chats, many sends in flight at once, and the server refusing
// every 1000th send with 429 retry_after 1. Every update must be answered
// exactly once.

#include <doctest/doctest.h>

#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/storage.h"
#include "botcore/adapters/telegram.h"
#include "botcore/core/candle.h"
#include "botcore/runtime/bot.h"
#include "botcore/runtime/replay_market_data.h"
#include "botcore/testing/scripted_advisor.h"
#include "botcore/testing/scripted_telegram_server.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

constexpr char kToken[] = "77:echo";
// The Bot's answer to plain text.
constexpr char kHint[] = "Send a command, e.g. /help or /price GAZP.";

TEST_SUITE("telegram_echo") {
  TEST_CASE(
      "every 1000th send answered 429 retry_after 1: each update answered "
      "exactly once") {
    // 3 000 updates over 1 000 chats: three 429s, each waited out for the
    // whole second Telegram asks (retry_after is in whole seconds).
    constexpr int64_t kUpdates = 3000;
    constexpr int kChats = 1000;
    ASSIGN_OR_REQUIRE(auto telegram,
                      testing::ScriptedTelegramServer::Start(kToken));
    telegram->Record(false);
    telegram->PushTextMessages(kUpdates, kChats);
    telegram->RateLimitEvery("sendMessage", 1000, /*retry_after_seconds=*/1);

    constexpr int kThreads = 16;
    ASSIGN_OR_REQUIRE(
        auto http, NewCurlHttpClient({.max_idle_connections = kThreads + 1}));
    ASSIGN_OR_REQUIRE(auto db, OpenDatabase(testing::FreshSqliteUrl()));
    SystemClock clock;
    TelegramOptions options;
    options.token = kToken;
    options.api_base_url = telegram->api_base_url();
    options.http = http.get();
    options.clock = &clock;
    options.database = db.get();
    // The fake has no send limits; the 429s are the only pacing here.
    options.messages_per_second = 1e6;
    options.chat_messages_per_second = 1e6;
    ASSIGN_OR_REQUIRE(auto messenger, TelegramMessenger::Create(options));

    ASSIGN_OR_REQUIRE(
        std::vector<Candle> candles,
        ReadCandlesCsv(testing::SharedDir() + "/data/gazp_daily.csv"));
    ASSIGN_OR_REQUIRE(std::unique_ptr<MarketData> market,
                      NewReplayMarketData({.symbol = "GAZP",
                                           .candles = std::move(candles),
                                           .now = clock.Now()}));
    testing::ScriptedAdvisor advisor;
    BotOptions bo;
    bo.messenger = messenger.get();
    bo.market_data = market.get();
    bo.advisor = &advisor;
    bo.database = db.get();
    bo.clock = &clock;
    bo.worker_threads = kThreads;
    bo.poll_wait = absl::ZeroDuration();
    bo.idle_pause = absl::Milliseconds(1);
    // Three messages per user in a few seconds: lift the per-user limit.
    bo.rate_limit_max_requests = std::numeric_limits<int>::max();
    bo.log = [](std::string_view) {};
    ASSIGN_OR_REQUIRE(std::unique_ptr<Bot> bot, Bot::Create(bo));
    absl::Status run_status;
    std::thread runner([&] { run_status = bot->Run(); });
    const absl::Time deadline = absl::Now() + absl::Seconds(120);
    while (messenger->last_acknowledged_update_id() < kUpdates &&
           absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    bot->Stop();
    runner.join();
    CHECK_OK(run_status);
    REQUIRE(messenger->last_acknowledged_update_id() == kUpdates);

    const testing::DeliveryTally tally = telegram->Tally();
    CHECK(tally.rate_limited >= 3);
    CHECK(tally.delivered == kUpdates);
    // Each chat sent three messages and got the hint three times: none lost,
    // none repeated.
    for (int64_t chat = 1; chat <= kChats; ++chat) {
      REQUIRE_MESSAGE(telegram->DeliveredCount(chat, kHint) == 3,
                      "chat " << chat);
    }
    // Every update is recorded done (the workers' group commits lost none).
    int64_t done = 0;
    REQUIRE_OK(db->Transact([&](SqlTransaction& tx) -> absl::Status {
      absl::StatusOr<std::vector<SqlRow>> rows =
          tx.Query("SELECT COUNT(*) FROM bot_updates WHERE state = 'done'");
      if (!rows.ok()) return rows.status();
      absl::StatusOr<int64_t> count = (*rows)[0].Int64(0);
      if (!count.ok()) return count.status();
      done = *count;
      return absl::OkStatus();
    }));
    CHECK(done == kUpdates);
    // Sends went out in parallel over kept-alive connections: at most one
    // per worker thread and one for the poller, never one per request.
    CHECK(telegram->http().connections() <= kThreads + 1);
  }
}

}  // namespace
}  // namespace botcore
