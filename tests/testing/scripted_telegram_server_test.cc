#include "botcore/testing/scripted_telegram_server.h"

#include <doctest/doctest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/storage.h"
#include "botcore/adapters/telegram.h"
#include "botcore/testing/manual_clock.h"
#include "support/status_testing.h"

namespace botcore::testing {
namespace {

TEST_SUITE("scripted_telegram_server") {
  TEST_CASE("a TelegramMessenger polls, acknowledges and sends through it") {
    ASSIGN_OR_REQUIRE(auto telegram, ScriptedTelegramServer::Start("42:abc"));
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    ASSIGN_OR_REQUIRE(auto db, OpenDatabase("sqlite::memory:"));
    ManualClock clock;
    TelegramOptions options;
    options.token = "42:abc";
    options.api_base_url = telegram->api_base_url();
    options.http = http.get();
    options.clock = &clock;
    options.database = db.get();
    ASSIGN_OR_REQUIRE(auto bot, TelegramMessenger::Create(options));

    const int64_t first = telegram->PushUpdate(
        R"("message":{"message_id":1,"date":0,"chat":{"id":7,"type":"private"},"text":"/start"})");
    telegram->PushUpdate(
        R"("callback_query":{"id":"q1","from":{"id":7,"first_name":"A"},"data":"ok"})");
    ASSIGN_OR_REQUIRE(std::vector<Update> updates,
                      bot->Receive(absl::ZeroDuration()));
    REQUIRE(updates.size() == 2);
    CHECK(updates[0].id == first);
    CHECK(updates[0].message->command == "start");
    CHECK(updates[1].callback_query->data == "ok");
    REQUIRE_OK(bot->Acknowledge(updates[1].id));

    telegram->PushUpdate(
        R"("message":{"message_id":2,"date":0,"chat":{"id":7,"type":"private"},"text":"hi"})");
    ASSIGN_OR_REQUIRE(std::vector<Update> next,
                      bot->Receive(absl::ZeroDuration()));
    REQUIRE(next.size() == 1);
    CHECK(next[0].message->text == "hi");

    OutgoingMessage reply;
    reply.chat_id = 7;
    reply.text = "Hello";
    ASSIGN_OR_REQUIRE(SentMessage a, bot->SendMessage(reply));
    ASSIGN_OR_REQUIRE(SentMessage b, bot->SendMessage(reply));
    CHECK(b.message_ids[0] == a.message_ids[0] + 1);
    REQUIRE(telegram->Sent("sendMessage").size() == 2);
    CHECK(absl::StrContains(telegram->Sent("sendMessage")[0].body,
                            R"("text":"Hello")"));

    telegram->FailNext(
        "sendMessage", 403,
        R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
    CHECK_STATUS_IS(bot->SendMessage(reply), kPermissionDenied);
    CHECK_OK(bot->SendMessage(reply).status());
    REQUIRE_OK(bot->AnswerCallbackQuery({.callback_query_id = "q1"}));
    CHECK(telegram->Sent("answerCallbackQuery").size() == 1);
  }
  TEST_CASE(
      "text messages queued by the thousand come 'limit' at a time; every "
      "Nth send is 429; deliveries are tallied") {
    ASSIGN_OR_REQUIRE(auto telegram, ScriptedTelegramServer::Start("42:abc"));
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    const std::string base = telegram->api_base_url() + "/bot42:abc/";
    auto call = [&](const std::string& method, const std::string& json) {
      absl::StatusOr<HttpResponse> response =
          http->Send({.method = "POST",
                      .url = base + method,
                      .headers = {{"Content-Type", "application/json"}},
                      .body = json});
      REQUIRE_OK(response.status());
      return *response;
    };
    const int64_t pushed = telegram->PushUpdate(
        R"("message":{"message_id":1,"date":0,"chat":{"id":9,"type":"private"},"text":"hi"})");
    CHECK(telegram->PushTextMessages(250, /*chats=*/3) == pushed + 250);
    const HttpResponse first = call("getUpdates", R"({"offset":0,"limit":2})");
    CHECK(
        first.body ==
        absl::StrCat(
            R"({"ok":true,"result":[{"update_id":1,"message":{"message_id":1,)",
            R"("date":0,"chat":{"id":9,"type":"private"},"text":"hi"}},)",
            R"({"update_id":2,"message":{"message_id":2,"date":0,)",
            R"("from":{"id":2,"is_bot":false,"first_name":"User"},)",
            R"("chat":{"id":2,"type":"private"},"text":"message 2"}}]})"));
    // The default limit is 100; updates below the offset are forgotten.
    const HttpResponse rest = call("getUpdates", R"({"offset":200})");
    CHECK(absl::StartsWith(rest.body,
                           R"({"ok":true,"result":[{"update_id":200,)"));
    CHECK(absl::StrContains(rest.body, R"({"update_id":251,)"));
    CHECK_FALSE(absl::StrContains(rest.body, R"({"update_id":252,)"));
    CHECK(absl::StartsWith(call("getUpdates", R"({"offset":0})").body,
                           R"({"ok":true,"result":[{"update_id":200,)"));

    telegram->RateLimitEvery("sendMessage", 3, /*retry_after_seconds=*/7);
    CHECK(call("sendMessage", R"({"chat_id":5,"text":"caf\u00e9 \"1\""})")
              .status == 200);
    CHECK(call("sendMessage", R"({"chat_id":5,"text":"caf\u00e9 \"1\""})")
              .status == 200);
    const HttpResponse limited =
        call("sendMessage", R"({"chat_id":5,"text":"x"})");
    CHECK(limited.status == 429);
    CHECK(absl::StrContains(limited.body, R"("parameters":{"retry_after":7})"));
    CHECK(FindHeader(limited.headers, "Retry-After") == "7");
    CHECK(call("sendMessage", R"({"chat_id":6,"text":"\ud83d\ude00\n"})")
              .status == 200);
    CHECK(telegram->DeliveredCount(5, "caf\xC3\xA9 \"1\"") == 2);
    CHECK(telegram->DeliveredCount(5, "x") == 0);
    CHECK(telegram->DeliveredCount(6, "\xF0\x9F\x98\x80\n") == 1);
    const DeliveryTally tally = telegram->Tally();
    CHECK(tally.delivered == 3);
    CHECK(tally.distinct == 2);
    CHECK(tally.duplicates == 1);
    CHECK(tally.rate_limited == 1);
  }
}

}  // namespace
}  // namespace botcore::testing
