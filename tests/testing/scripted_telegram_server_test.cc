#include "botcore/testing/scripted_telegram_server.h"

#include <doctest/doctest.h>

#include "absl/strings/match.h"
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
}

}  // namespace
}  // namespace botcore::testing
