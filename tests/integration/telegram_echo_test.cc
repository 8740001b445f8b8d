// TelegramMessenger under load against the fake Bot API: many chats, many
// sends in flight at once, and the server refusing every 1000th send with
// 429 retry_after 1. Every update must be answered exactly once.

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/storage.h"
#include "botcore/adapters/telegram.h"
#include "botcore/runtime/ordered_executor.h"
#include "botcore/testing/scripted_telegram_server.h"
#include "support/echo_bot.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

constexpr char kToken[] = "77:echo";

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
    ASSIGN_OR_REQUIRE(auto bot, TelegramMessenger::Create(options));

    OrderedExecutor executor(kThreads);
    testing::EchoBot echo(*bot, executor);
    REQUIRE_OK(echo.Run(kUpdates));
    REQUIRE_OK(executor.Shutdown(absl::Seconds(10)));

    CHECK(echo.result().failed == 0);
    CHECK(echo.result().answered == kUpdates);
    const testing::DeliveryTally tally = telegram->Tally();
    CHECK(tally.rate_limited >= 3);
    CHECK(tally.delivered == kUpdates);
    CHECK(tally.distinct == kUpdates);
    CHECK(tally.duplicates == 0);
    // Each update's own text reached its own chat, once.
    for (int64_t id = 1; id <= kUpdates; ++id) {
      const int64_t chat = 1 + (id - 1) % kChats;
      REQUIRE_MESSAGE(
          telegram->DeliveredCount(chat, absl::StrCat("message ", id)) == 1,
          "update " << id);
    }
    CHECK(bot->last_acknowledged_update_id() == kUpdates);
    // Sends went out in parallel over kept-alive connections: at most one
    // per handler thread and one for the poller, never one per request.
    CHECK(telegram->http().connections() <= kThreads + 1);
  }
}

}  // namespace
}  // namespace botcore
