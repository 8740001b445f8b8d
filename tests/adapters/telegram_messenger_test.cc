#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "adapters/callback_outcomes.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/storage.h"
#include "botcore/adapters/telegram.h"
#include "botcore/testing/manual_clock.h"
#include "botcore/testing/scripted_http_server.h"
#include "support/fixtures.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

using testing::ReadFixture;
using testing::RecordedRequest;
using testing::ScriptedHttpServer;
using testing::ScriptedResponse;

constexpr char kToken[] = "123456:TEST-token_secret";
constexpr char kBotPath[] = "/bot123456:TEST-token_secret/";

std::string MethodPath(const std::string& method) { return kBotPath + method; }

// A recorded Update with its update_id replaced by `id`. (No std::regex:
// GCC 12 warns inside it under the sanitizers.)
std::string UpdateWithId(const std::string& fixture, int64_t id) {
  std::string json = ReadFixture("telegram/" + fixture);
  const size_t key = json.find("\"update_id\"");
  REQUIRE(key != std::string::npos);
  const size_t value = json.find_first_of("0123456789", key);
  const size_t end = json.find_first_not_of("0123456789", value);
  return json.replace(value, end - value, std::to_string(id));
}

std::string Envelope(const std::vector<std::string>& updates) {
  return absl::StrCat("{\"ok\":true,\"result\":[", absl::StrJoin(updates, ","),
                      "]}");
}

// A sendMessage success reply. SYNTHETIC: no verbatim recording exists (see
// fixtures/telegram/README.md); built from the Message fixtures' shape.
std::string SentReply(int64_t message_id, int64_t chat_id) {
  return absl::StrCat(
      R"({"ok":true,"result":{"message_id":)", message_id,
      R"(,"from":{"id":123456,"is_bot":true,"first_name":"botcore"},)",
      R"("chat":{"id":)", chat_id,
      R"(,"type":"private"},"date":1700000000,"text":"ok"}})");
}

ScriptedResponse Fixture(int status, const std::string& file,
                         HttpHeaders headers = {}) {
  return {.status = status,
          .headers = std::move(headers),
          .body = ReadFixture("telegram/" + file)};
}

struct Bot {
  std::unique_ptr<ScriptedHttpServer> server;
  std::unique_ptr<HttpClient> http;
  testing::ManualClock clock{absl::FromUnixSeconds(1700000000)};
  std::unique_ptr<Database> db;
  std::unique_ptr<TelegramMessenger> telegram;
  std::atomic<int64_t> next_message_id{100};

  explicit Bot(const std::string& db_url = testing::FreshSqliteUrl(),
               TelegramOptions options = {}) {
    ASSIGN_OR_REQUIRE(server, ScriptedHttpServer::Start());
    ASSIGN_OR_REQUIRE(http, NewCurlHttpClient({}));
    ASSIGN_OR_REQUIRE(db, OpenDatabase(db_url));
    // sendMessage answers with increasing message ids.
    server->Handle(
        "POST", MethodPath("sendMessage"), [this](const RecordedRequest&) {
          return ScriptedResponse{.body = SentReply(next_message_id++, 42)};
        });
    Open(options);
  }

  void Open(TelegramOptions options = {}) {
    telegram.reset();
    options.token = kToken;
    options.api_base_url = server->base_url();
    options.http = http.get();
    options.clock = &clock;
    options.database = db.get();
    ASSIGN_OR_REQUIRE(telegram, TelegramMessenger::Create(options));
  }

  absl::Duration Elapsed() const {
    return clock.Now() - absl::FromUnixSeconds(1700000000);
  }

  std::vector<RecordedRequest> Calls(const std::string& method) const {
    return server->requests(MethodPath(method));
  }
};

OutgoingMessage Text(int64_t chat_id, std::string text) {
  OutgoingMessage m;
  m.chat_id = chat_id;
  m.text = std::move(text);
  return m;
}

TEST_SUITE("telegram_messenger") {
  TEST_CASE(
      "long polling returns typed updates and asks from the last "
      "acknowledged") {
    Bot bot;
    bot.server->Script(
        "POST", MethodPath("getUpdates"),
        {.body = Envelope(
             {UpdateWithId("update_message_start_command_DOCEXAMPLE.json", 501),
              UpdateWithId("update_callback_query_DOCEXAMPLE.json", 502),
              UpdateWithId("update_edited_message_DOCEXAMPLE.json", 503)})});
    ASSIGN_OR_REQUIRE(std::vector<Update> updates,
                      bot.telegram->Receive(absl::Seconds(25)));
    REQUIRE(updates.size() == 3);
    CHECK(updates[0].id == 501);
    CHECK(updates[0].message->command == "start");
    CHECK(updates[1].kind == UpdateKind::kCallbackQuery);
    CHECK(updates[2].kind == UpdateKind::kEditedMessage);

    const RecordedRequest first = bot.Calls("getUpdates").at(0);
    CHECK(absl::StrContains(first.body, "\"offset\":1,"));
    CHECK(absl::StrContains(first.body, "\"timeout\":25"));
    CHECK(absl::StrContains(first.body, "\"limit\":100"));
    CHECK(absl::StrContains(
        first.body,
        R"("allowed_updates":["message","edited_message","callback_query","my_chat_member"])"));

    // Not acknowledged yet: the server sends them again, the messenger does
    // not hand them out twice.
    ASSIGN_OR_REQUIRE(std::vector<Update> again,
                      bot.telegram->Receive(absl::Seconds(25)));
    CHECK(again.empty());

    REQUIRE_OK(bot.telegram->Acknowledge(503));
    CHECK(bot.telegram->last_acknowledged_update_id() == 503);
    REQUIRE_OK(bot.telegram->Receive(absl::Seconds(25)).status());
    CHECK(absl::StrContains(bot.Calls("getUpdates").back().body,
                            "\"offset\":504,"));
  }

  TEST_CASE(
      "an item without an integer update_id is skipped, not a failed poll") {
    Bot bot;
    bot.server->Script(
        "POST", MethodPath("getUpdates"),
        {.body = Envelope(
             {R"({"update_id":"x","message":{"message_id":1,"date":0,)"
              R"("chat":{"id":1,"type":"private"},"text":"bad"}})",
              UpdateWithId("update_message_start_command_DOCEXAMPLE.json",
                           7)})});
    ASSIGN_OR_REQUIRE(std::vector<Update> updates,
                      bot.telegram->Receive(absl::ZeroDuration()));
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].id == 7);
  }

  TEST_CASE("the acknowledged update survives a restart, on both databases") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      Bot bot(url);
      bot.server->Script(
          "POST", MethodPath("getUpdates"),
          {.body = Envelope(
               {UpdateWithId("update_message_text_private_teloxide.json", 7001),
                UpdateWithId(
                    "update_my_chat_member_kicked_private_teloxide.json",
                    7002)})});
      ASSIGN_OR_REQUIRE(std::vector<Update> updates,
                        bot.telegram->Receive(absl::Seconds(1)));
      REQUIRE(updates.size() == 2);
      CHECK(updates[1].my_chat_member->new_status == MemberStatus::kKicked);
      REQUIRE_OK(bot.telegram->Acknowledge(7001));
      REQUIRE_OK(bot.telegram->Acknowledge(7000));  // older: no effect

      // Restart: 7002 was delivered but not handled, so it comes again.
      bot.Open();
      CHECK(bot.telegram->last_acknowledged_update_id() == 7001);
      ASSIGN_OR_REQUIRE(std::vector<Update> redelivered,
                        bot.telegram->Receive(absl::Seconds(1)));
      REQUIRE(redelivered.size() == 1);
      CHECK(redelivered[0].id == 7002);
      CHECK(absl::StrContains(bot.Calls("getUpdates").back().body,
                              "\"offset\":7002,"));
    }
  }

  TEST_CASE(
      "409 from another poller or a webhook is kFailedPrecondition, not "
      "retried") {
    for (const char* file :
         {"error_409_conflict_terminated_by_other_getUpdates.json",
          "error_409_conflict_webhook_active_CATALOG.json"}) {
      CAPTURE(file);
      Bot bot;
      bot.server->Script("POST", MethodPath("getUpdates"), Fixture(409, file));
      absl::StatusOr<std::vector<Update>> r =
          bot.telegram->Receive(absl::Seconds(1));
      CHECK_STATUS_IS(r, kFailedPrecondition);
      CHECK(absl::StrContains(r.status().message(), "Conflict"));
      CHECK(bot.Calls("getUpdates").size() == 1);
    }
  }

  TEST_CASE(
      "401, malformed, truncated and proxy bodies; the token never shows") {
    Bot bot;
    bot.server->Script("POST", MethodPath("getUpdates"),
                       Fixture(401, "error_401_unauthorized.json"));
    bot.server->Script("POST", MethodPath("getUpdates"),
                       {.body = R"({"ok":true,"result":[{"update_id":1,"mes)"});
    bot.server->Script("POST", MethodPath("getUpdates"),
                       {.status = 502,
                        .body = "<html>502 Bad Gateway</html>",
                        .content_type = "text/html"});
    bot.server->Script("POST", MethodPath("getUpdates"),
                       {.body = R"({"ok":true,"result":[{"message":{}}]})"});
    absl::StatusOr<std::vector<Update>> unauthorized =
        bot.telegram->Receive(absl::Seconds(1));
    CHECK_STATUS_IS(unauthorized, kUnauthenticated);
    CHECK_STATUS_IS(bot.telegram->Receive(absl::Seconds(1)), kUnavailable);
    absl::StatusOr<std::vector<Update>> gateway =
        bot.telegram->Receive(absl::Seconds(1));
    CHECK_STATUS_IS(gateway, kUnavailable);
    // An item without an update_id is skipped (see the case above).
    ASSIGN_OR_REQUIRE(std::vector<Update> skipped,
                      bot.telegram->Receive(absl::Seconds(1)));
    CHECK(skipped.empty());
    for (const absl::Status& s : {unauthorized.status(), gateway.status()}) {
      CHECK_FALSE(absl::StrContains(s.message(), "token_secret"));
    }
  }

  TEST_CASE("a long poll past its HTTP timeout is kDeadlineExceeded") {
    TelegramOptions options;
    options.poll_slack = absl::Milliseconds(200);
    Bot bot(testing::FreshSqliteUrl(), options);
    bot.server->Script("POST", MethodPath("getUpdates"),
                       {.body = Envelope({}), .delay = absl::Seconds(2)});
    absl::StatusOr<std::vector<Update>> r =
        bot.telegram->Receive(absl::ZeroDuration());
    CHECK_STATUS_IS(r, kDeadlineExceeded);
    CHECK(absl::StartsWith(r.status().message(), "getUpdates: "));
    CHECK_FALSE(absl::StrContains(r.status().message(), "token_secret"));
  }

  TEST_CASE("Username asks getMe once") {
    Bot bot;
    // getMe's answer as the Bot API documents it.
    bot.server->Script(
        "POST", MethodPath("getMe"),
        {.body = R"({"ok":true,"result":{"id":123456,"is_bot":true,)"
                 R"("first_name":"botcore","username":"botcore_demo_bot",)"
                 R"("can_join_groups":true,"can_read_all_group_messages":)"
                 R"(false,"supports_inline_queries":false}})"});
    ASSIGN_OR_REQUIRE(std::string name, bot.telegram->Username());
    CHECK(name == "botcore_demo_bot");
    ASSIGN_OR_REQUIRE(name, bot.telegram->Username());
    CHECK(name == "botcore_demo_bot");
    CHECK(bot.Calls("getMe").size() == 1);
  }

  TEST_CASE("Username: a failed or nameless getMe is an error, asked again") {
    Bot bot;
    bot.server->Script("POST", MethodPath("getMe"),
                       Fixture(401, "error_401_unauthorized.json"));
    bot.server->Script("POST", MethodPath("getMe"),
                       {.body = R"({"ok":true,"result":{"id":1,"is_bot":true,)"
                                R"("first_name":"x"}})"});
    CHECK(bot.telegram->Username().status().code() ==
          absl::StatusCode::kUnauthenticated);
    absl::Status nameless = bot.telegram->Username().status();
    CHECK(nameless.code() == absl::StatusCode::kUnavailable);
    CHECK(absl::StrContains(nameless.message(), "username"));
    CHECK(bot.Calls("getMe").size() == 2);
  }

  TEST_CASE("sendMessage with markup and an inline keyboard") {
    Bot bot;
    OutgoingMessage m = Text(42, "<b>GAZP</b> buy 10?");
    m.parse_mode = ParseMode::kHtml;
    m.keyboard = {{{.text = "Confirm", .callback_data = "confirm:17"},
                   {.text = "Reject", .callback_data = "reject:17"}},
                  {{.text = "Chart", .url = "https://example.com/c"}}};
    m.reply_to_message_id = 5;
    m.disable_link_preview = true;
    ASSIGN_OR_REQUIRE(SentMessage sent, bot.telegram->SendMessage(m));
    CHECK(sent.chat_id == 42);
    CHECK(sent.message_ids == std::vector<int64_t>{100});
    const std::string body = bot.Calls("sendMessage").at(0).body;
    CHECK(absl::StrContains(body, R"("chat_id":42)"));
    CHECK(absl::StrContains(body, R"("text":"<b>GAZP</b> buy 10?")"));
    CHECK(absl::StrContains(body, R"("parse_mode":"HTML")"));
    CHECK(absl::StrContains(
        body,
        R"("reply_markup":{"inline_keyboard":[[{"text":"Confirm","callback_data":"confirm:17"},)"
        R"({"text":"Reject","callback_data":"reject:17"}],[{"text":"Chart","url":"https://example.com/c"}]]})"));
    CHECK(absl::StrContains(body, R"("reply_parameters":{"message_id":5)"));
    CHECK(absl::StrContains(body,
                            R"("link_preview_options":{"is_disabled":true})"));
    CHECK(FindHeader(bot.Calls("sendMessage").at(0).headers, "Content-Type") ==
          "application/json");
  }

  TEST_CASE(
      "texts over 4096 characters go as several messages, keyboard last") {
    Bot bot;
    std::string text;
    for (int i = 0; i < 400; ++i)
      text += absl::StrCat("row ", i, ": GAZP 162.01\n");
    REQUIRE(text.size() > 4096);
    OutgoingMessage m = Text(42, text);
    m.keyboard = {{{.text = "More", .callback_data = "more"}}};
    ASSIGN_OR_REQUIRE(SentMessage sent, bot.telegram->SendMessage(m));
    const auto calls = bot.Calls("sendMessage");
    REQUIRE(calls.size() == sent.message_ids.size());
    REQUIRE(calls.size() == 3);
    CHECK_FALSE(absl::StrContains(calls[0].body, "reply_markup"));
    CHECK(absl::StrContains(calls[2].body, "reply_markup"));
  }

  TEST_CASE("callback data over 64 bytes is refused before sending") {
    Bot bot;
    OutgoingMessage m = Text(42, "x");
    m.keyboard = {{{.text = "Go", .callback_data = std::string(65, 'd')}}};
    CHECK_STATUS_IS(bot.telegram->SendMessage(m), kInvalidArgument);
    CHECK_STATUS_IS(bot.telegram->SendMessage(Text(42, "")), kInvalidArgument);
    CHECK(bot.Calls("sendMessage").empty());
  }

  TEST_CASE("messages to one chat go at most one a second") {
    Bot bot;
    for (int i = 0; i < 3; ++i)
      REQUIRE_OK(bot.telegram->SendMessage(Text(42, "x")).status());
    CHECK(bot.Elapsed() == absl::Seconds(2));
  }

  TEST_CASE("messages to many chats go at most 30 a second overall") {
    Bot bot;
    for (int chat = 1; chat <= 30; ++chat) {
      REQUIRE_OK(bot.telegram->SendMessage(Text(chat, "x")).status());
    }
    CHECK(bot.Elapsed() == absl::ZeroDuration());
    for (int chat = 31; chat <= 33; ++chat) {
      REQUIRE_OK(bot.telegram->SendMessage(Text(chat, "x")).status());
    }
    // Three more at 1/30 s each (the interval is rounded to absl's ticks).
    CHECK(bot.Elapsed() > absl::Milliseconds(99));
    CHECK(bot.Elapsed() < absl::Milliseconds(101));
  }

  TEST_CASE("429 waits retry_after and retries") {
    Bot bot;
    bot.server->Script(
        "POST", MethodPath("sendMessage"),
        Fixture(429, "error_429_too_many_requests_retry_after.json",
                {{"Retry-After", "1"}}));
    bot.server->Script("POST", MethodPath("sendMessage"),
                       {.body = SentReply(9, 42)});
    ASSIGN_OR_REQUIRE(SentMessage sent,
                      bot.telegram->SendMessage(Text(42, "x")));
    CHECK(sent.message_ids == std::vector<int64_t>{9});
    CHECK(bot.Calls("sendMessage").size() == 2);
    CHECK(bot.Elapsed() == absl::Seconds(1));
  }

  // What StartSendMessage's callbacks received.
  using Outcomes = testing::CallbackOutcomes<SentMessage>;

  TEST_CASE("StartSendMessage returns before the answer, then calls back") {
    Bot bot;
    std::atomic<bool> answer{false};
    bot.server->Handle("POST", MethodPath("sendMessage"),
                       [&](const RecordedRequest&) {
                         // Held until the call has returned.
                         while (!answer.load())
                           absl::SleepFor(absl::Milliseconds(1));
                         return ScriptedResponse{.body = SentReply(7, 42)};
                       });
    Outcomes outcomes;
    bot.telegram->StartSendMessage(Text(42, "x"), outcomes.Callback(0));
    CHECK(outcomes.WaitFor(0).empty());
    answer.store(true);
    const auto got = outcomes.WaitFor(1);
    REQUIRE(got.size() == 1);
    ASSIGN_OR_REQUIRE(SentMessage sent, got.at(0));
    CHECK(sent.message_ids == std::vector<int64_t>{7});
  }

  TEST_CASE("StartSendMessage: long texts in order, 429 waited out, errors") {
    Bot bot;
    bot.server->Script(
        "POST", MethodPath("sendMessage"),
        Fixture(429, "error_429_too_many_requests_retry_after.json"));
    bot.server->Script("POST", MethodPath("sendMessage"),
                       {.body = SentReply(9, 42)});
    bot.server->Script("POST", MethodPath("sendMessage"),
                       {.body = SentReply(10, 42)});
    Outcomes outcomes;
    std::string text;
    for (int i = 0; i < 600; ++i) text += absl::StrCat("row ", i, "\n");
    REQUIRE(text.size() > 4096);
    // The first part is answered 429 (retry_after 1 in the fixture), waited
    // out on a thread of the messenger's, and sent again; then the rest.
    bot.telegram->StartSendMessage(Text(42, text), outcomes.Callback(0));
    auto got = outcomes.WaitFor(1);
    REQUIRE(got.size() == 1);
    ASSIGN_OR_REQUIRE(SentMessage sent, got.at(0));
    CHECK(sent.message_ids == std::vector<int64_t>{9, 10});
    const auto calls = bot.Calls("sendMessage");
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].body == calls[1].body);
    CHECK(absl::StrContains(calls[1].body, "row 0\\n"));
    CHECK(absl::StrContains(calls[2].body, "row 599"));
    // Waited: retry_after, then the chat's pace before the second part.
    CHECK(bot.Elapsed() >= absl::Seconds(2));
    Bot blocked;
    blocked.server->Script("POST", MethodPath("sendMessage"),
                           Fixture(403, "error_403_bot_blocked_by_user.json"));
    blocked.telegram->StartSendMessage(Text(42, "x"), outcomes.Callback(1));
    bot.telegram->StartSendMessage(Text(42, ""), outcomes.Callback(2));
    got = outcomes.WaitFor(3);
    REQUIRE(got.size() == 3);
    for (const auto& [i, outcome] : got) {
      CAPTURE(i);
      if (i == 1) CHECK_STATUS_IS(outcome, kPermissionDenied);
      if (i == 2) CHECK_STATUS_IS(outcome, kInvalidArgument);
    }
  }

  // A ManualClock that remembers which threads slept on it.
  class SleepRecordingClock final : public Clock {
   public:
    absl::Time Now() const override { return clock_.Now(); }
    void SleepFor(absl::Duration d) override {
      {
        absl::MutexLock lock(&mu_);
        sleepers_.push_back(std::this_thread::get_id());
      }
      clock_.SleepFor(d);
    }
    std::vector<std::thread::id> sleepers() const {
      absl::MutexLock lock(&mu_);
      return sleepers_;
    }

   private:
    testing::ManualClock clock_{absl::FromUnixSeconds(1700000000)};
    mutable absl::Mutex mu_;
    std::vector<std::thread::id> sleepers_ ABSL_GUARDED_BY(mu_);
  };

  TEST_CASE("StartSendMessage never waits on the HTTP client's thread") {
    // The second part of a long text waits for the chat's pace and then
    // out a 429; both are answered on libcurl's event-loop thread, which
    // must not sleep (every other transfer would stall behind it).
    Bot bot;
    bot.server->Script("POST", MethodPath("sendMessage"),
                       {.body = SentReply(9, 42)});
    bot.server->Script(
        "POST", MethodPath("sendMessage"),
        Fixture(429, "error_429_too_many_requests_retry_after.json"));
    bot.server->Script("POST", MethodPath("sendMessage"),
                       {.body = SentReply(10, 42)});
    SleepRecordingClock clock;
    TelegramOptions options;
    options.token = kToken;
    options.api_base_url = bot.server->base_url();
    options.http = bot.http.get();
    options.clock = &clock;
    options.database = bot.db.get();
    ASSIGN_OR_REQUIRE(std::unique_ptr<TelegramMessenger> telegram,
                      TelegramMessenger::Create(options));
    std::string text;
    for (int i = 0; i < 600; ++i) text += absl::StrCat("row ", i, "\n");
    REQUIRE(text.size() > 4096);
    absl::Notification done;
    std::thread::id http_thread;
    absl::StatusOr<SentMessage> result;
    telegram->StartSendMessage(Text(42, text),
                               [&](absl::StatusOr<SentMessage> sent) {
                                 http_thread = std::this_thread::get_id();
                                 result = std::move(sent);
                                 done.Notify();
                               });
    REQUIRE(done.WaitForNotificationWithTimeout(absl::Minutes(1)));
    ASSIGN_OR_REQUIRE(SentMessage sent, result);
    CHECK(sent.message_ids == std::vector<int64_t>{9, 10});
    CHECK(http_thread != std::this_thread::get_id());
    const std::vector<std::thread::id> sleepers = clock.sleepers();
    CHECK(sleepers.size() >= 2);  // the pace, the retry_after
    for (const std::thread::id& sleeper : sleepers) {
      CHECK(sleeper != http_thread);
    }
  }

  TEST_CASE("the messenger's destructor waits for the messages it started") {
    // Their callbacks run on the messenger (here a 429 waited out on a
    // thread of its own, then the request again): none may come once it is
    // gone.
    std::atomic<bool> answer{false};
    std::atomic<int> asked{0};
    std::atomic<bool> called{false};
    Bot bot;
    bot.server->Handle(
        "POST", MethodPath("sendMessage"), [&](const RecordedRequest&) {
          if (asked.fetch_add(1) > 0) {
            return ScriptedResponse{.body = SentReply(7, 42)};
          }
          while (!answer.load()) absl::SleepFor(absl::Milliseconds(1));
          return Fixture(429, "error_429_too_many_requests_retry_after.json");
        });
    bot.telegram->StartSendMessage(
        Text(42, "x"),
        [&](absl::StatusOr<SentMessage> sent) { called.store(sent.ok()); });
    while (asked.load() == 0) absl::SleepFor(absl::Milliseconds(1));
    std::thread answering([&] {
      absl::SleepFor(absl::Milliseconds(200));
      answer.store(true);
    });
    bot.telegram.reset();
    CHECK(called.load());
    CHECK(asked.load() == 2);
    answering.join();
  }

  TEST_CASE("429 that persists is kResourceExhausted after max retries") {
    TelegramOptions options;
    options.max_rate_limit_retries = 2;
    Bot bot(testing::FreshSqliteUrl(), options);
    bot.server->Script(
        "POST", MethodPath("sendMessage"),
        Fixture(429, "error_429_too_many_requests_retry_after.json"));
    CHECK_STATUS_IS(bot.telegram->SendMessage(Text(42, "x")),
                    kResourceExhausted);
    CHECK(bot.Calls("sendMessage").size() == 3);
  }

  TEST_CASE("403 bot blocked is kPermissionDenied, once") {
    Bot bot;
    bot.server->Script("POST", MethodPath("sendMessage"),
                       Fixture(403, "error_403_bot_blocked_by_user.json"));
    absl::StatusOr<SentMessage> r = bot.telegram->SendMessage(Text(42, "x"));
    CHECK_STATUS_IS(r, kPermissionDenied);
    CHECK(absl::StrContains(r.status().message(), "blocked by the user"));
    CHECK(bot.Calls("sendMessage").size() == 1);
  }

  TEST_CASE("400 chat not found, group migrated; 5xx") {
    Bot bot;
    bot.server->Script("POST", MethodPath("sendMessage"),
                       Fixture(400, "error_400_chat_not_found_CATALOG.json"));
    bot.server->Script("POST", MethodPath("sendMessage"),
                       Fixture(400, "error_400_group_migrated_CATALOG.json"));
    bot.server->Script(
        "POST", MethodPath("sendMessage"),
        {.status = 500,
         .body =
             R"({"ok":false,"error_code":500,"description":"Internal Server Error"})"});
    CHECK_STATUS_IS(bot.telegram->SendMessage(Text(42, "x")), kNotFound);
    absl::StatusOr<SentMessage> migrated =
        bot.telegram->SendMessage(Text(42, "x"));
    CHECK_STATUS_IS(migrated, kFailedPrecondition);
    CHECK(absl::StrContains(migrated.status().message(), "-123456789"));
    CHECK_STATUS_IS(bot.telegram->SendMessage(Text(42, "x")), kUnavailable);
  }

  TEST_CASE("editMessageText, answerCallbackQuery, setMyCommands") {
    Bot bot;
    bot.server->Script("POST", MethodPath("editMessageText"),
                       {.body = SentReply(100, 42)});
    bot.server->Script("POST", MethodPath("answerCallbackQuery"),
                       {.body = R"({"ok":true,"result":true})"});
    bot.server->Script("POST", MethodPath("setMyCommands"),
                       {.body = R"({"ok":true,"result":true})"});
    REQUIRE_OK(
        bot.telegram->EditMessageText({.chat_id = 42,
                                       .message_id = 100,
                                       .text = "Confirmed \\- done",
                                       .parse_mode = ParseMode::kMarkdownV2}));
    const std::string edit = bot.Calls("editMessageText").at(0).body;
    CHECK(absl::StrContains(edit, R"("message_id":100)"));
    CHECK(absl::StrContains(edit, R"("parse_mode":"MarkdownV2")"));
    CHECK(absl::StrContains(edit, R"("reply_markup":{"inline_keyboard":[]})"));
    CHECK_STATUS_IS(
        bot.telegram->EditMessageText(
            {.chat_id = 42, .message_id = 1, .text = std::string(5000, 'x')}),
        kInvalidArgument);

    REQUIRE_OK(bot.telegram->AnswerCallbackQuery(
        {.callback_query_id = "4382bfdwdsb323b2d9",
         .text = "Done",
         .show_alert = true}));
    const std::string answer = bot.Calls("answerCallbackQuery").at(0).body;
    CHECK(
        answer ==
        R"({"callback_query_id":"4382bfdwdsb323b2d9","text":"Done","show_alert":true})");

    REQUIRE_OK(bot.telegram->SetCommands(
        {{"start", "Start the bot"},
         {"portfolio", "Show the \"paper\" portfolio"}}));
    CHECK(
        bot.Calls("setMyCommands").at(0).body ==
        R"({"commands":[{"command":"start","description":"Start the bot"},)"
        R"({"command":"portfolio","description":"Show the \"paper\" portfolio"}]})");
  }

  TEST_CASE("sendPhoto uploads multipart; sendDocument reuses a file_id") {
    Bot bot;
    bot.server->Script("POST", MethodPath("sendPhoto"),
                       {.body = SentReply(200, 42)});
    bot.server->Script("POST", MethodPath("sendDocument"),
                       {.body = SentReply(201, 42)});
    constexpr char kPng[] = "\x89PNG\r\n\x1a\n\0\0binary";
    const std::string png(kPng, sizeof(kPng) - 1);
    ASSIGN_OR_REQUIRE(SentMessage photo,
                      bot.telegram->SendPhoto({.chat_id = 42,
                                               .file_name = "chart.png",
                                               .content = png,
                                               .caption = "GAZP 1h"}));
    CHECK(photo.message_ids == std::vector<int64_t>{200});
    const RecordedRequest upload = bot.Calls("sendPhoto").at(0);
    CHECK(FindHeader(upload.headers, "Content-Type")
              ->starts_with("multipart/form-data; boundary="));
    CHECK(upload.Param("photo") == png);
    CHECK(upload.Param("caption") == "GAZP 1h");
    CHECK(upload.Param("chat_id") == "42");

    ASSIGN_OR_REQUIRE(
        SentMessage doc,
        bot.telegram->SendDocument({.chat_id = 42, .file_id = "BQACAgI"}));
    CHECK(doc.message_ids == std::vector<int64_t>{201});
    CHECK(absl::StrContains(bot.Calls("sendDocument").at(0).body,
                            R"("document":"BQACAgI")"));
    CHECK_STATUS_IS(bot.telegram->SendDocument({.chat_id = 42}),
                    kInvalidArgument);
  }

  TEST_CASE("webhook: secret header checked, update handed to Receive once") {
    TelegramOptions options;
    options.mode = TelegramMode::kWebhook;
    options.webhook_secret_token = "s3cret_Token-1";
    Bot bot(testing::FreshSqliteUrl(), options);
    bot.server->Handle(
        "POST", "/telegram/webhook", [&](const RecordedRequest& r) {
          WebhookReply reply = bot.telegram->HandleWebhook(
              {.method = r.method, .headers = r.headers, .body = r.body});
          return ScriptedResponse{.status = reply.status,
                                  .body = reply.body,
                                  .content_type = "text/plain"};
        });
    const std::string url = bot.server->base_url() + "/telegram/webhook";
    const std::string update =
        UpdateWithId("update_message_start_command_DOCEXAMPLE.json", 900);
    auto post = [&](HttpHeaders headers, std::string body) {
      headers.emplace_back("Content-Type", "application/json");
      absl::StatusOr<HttpResponse> r = bot.http->Send(
          {.method = "POST", .url = url, .headers = headers, .body = body});
      REQUIRE_OK(r.status());
      return r->status;
    };
    CHECK(post({}, update) == 401);
    CHECK(post({{"X-Telegram-Bot-Api-Secret-Token", "wrong"}}, update) == 401);
    CHECK(post({{"X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1"}},
               "{\"update_id\":") == 400);
    ASSIGN_OR_REQUIRE(std::vector<Update> none,
                      bot.telegram->Receive(absl::ZeroDuration()));
    CHECK(none.empty());
    CHECK(post({{"x-telegram-bot-api-secret-token", "s3cret_Token-1"}},
               update) == 200);
    CHECK(post({{"X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1"}},
               update) == 200);
    ASSIGN_OR_REQUIRE(std::vector<Update> got,
                      bot.telegram->Receive(absl::ZeroDuration()));
    REQUIRE(got.size() == 1);
    CHECK(got[0].message->command == "start");
    REQUIRE_OK(bot.telegram->Acknowledge(900));
    CHECK(post({{"X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1"}},
               update) == 200);
    ASSIGN_OR_REQUIRE(std::vector<Update> repeat,
                      bot.telegram->Receive(absl::ZeroDuration()));
    CHECK(repeat.empty());
    // Out of order (Telegram with several connections): a lower id that
    // was never delivered is handed on, after a higher one was handled.
    CHECK(post({{"X-Telegram-Bot-Api-Secret-Token", "s3cret_Token-1"}},
               UpdateWithId("update_message_start_command_DOCEXAMPLE.json",
                            899)) == 200);
    ASSIGN_OR_REQUIRE(std::vector<Update> late,
                      bot.telegram->Receive(absl::ZeroDuration()));
    REQUIRE(late.size() == 1);
    CHECK(late[0].id == 899);
    // Webhook mode never polls.
    CHECK(bot.Calls("getUpdates").empty());
  }

  TEST_CASE(
      "webhook: an update answered 200 survives a restart until acknowledged") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      TelegramOptions options;
      options.mode = TelegramMode::kWebhook;
      options.webhook_secret_token = "s3cret";
      Bot bot(url, options);
      auto post_to = [&](TelegramMessenger& telegram, int64_t id) {
        return telegram
            .HandleWebhook(
                {.method = "POST",
                 .headers = {{"X-Telegram-Bot-Api-Secret-Token", "s3cret"}},
                 .body = UpdateWithId(
                     "update_message_start_command_DOCEXAMPLE.json", id)})
            .status;
      };
      auto post = [&](int64_t id) { return post_to(*bot.telegram, id); };
      // The process starts again and receives what is stored.
      auto restart_and_receive = [&] {
        bot.Open(options);
        return bot.telegram->Receive(absl::ZeroDuration());
      };
      REQUIRE(post(901) == 200);
      REQUIRE(post(902) == 200);
      // The process ends before the updates are received (a crash): the
      // next run gets both, though Telegram will not send them again.
      ASSIGN_OR_REQUIRE(std::vector<Update> got, restart_and_receive());
      REQUIRE(got.size() == 2);
      CHECK(got[0].id == 901);
      CHECK(got[1].id == 902);
      CHECK(got[0].message->command == "start");
      // Handled and acknowledged up to 901: only 902 is kept.
      REQUIRE_OK(bot.telegram->Acknowledge(901));
      ASSIGN_OR_REQUIRE(std::vector<Update> left, restart_and_receive());
      REQUIRE(left.size() == 1);
      CHECK(left[0].id == 902);
      REQUIRE_OK(bot.telegram->Acknowledge(902));
      ASSIGN_OR_REQUIRE(std::vector<Update> none, restart_and_receive());
      CHECK(none.empty());
      // Two instances: one acknowledging past another's update leaves that
      // one stored (the other instance may not have handled it yet).
      options.token = kToken;
      options.api_base_url = bot.server->base_url();
      options.http = bot.http.get();
      options.clock = &bot.clock;
      options.database = bot.db.get();
      ASSIGN_OR_REQUIRE(std::unique_ptr<TelegramMessenger> other,
                        TelegramMessenger::Create(options));
      REQUIRE(post(903) == 200);
      REQUIRE(post_to(*other, 904) == 200);
      ASSIGN_OR_REQUIRE(std::vector<Update> theirs,
                        other->Receive(absl::ZeroDuration()));
      REQUIRE(theirs.size() == 1);
      REQUIRE_OK(other->Acknowledge(904));
      // The first instance restarts.
      ASSIGN_OR_REQUIRE(std::vector<Update> mine, restart_and_receive());
      REQUIRE(mine.size() == 1);
      CHECK(mine[0].id == 903);
      // 903 lies below the offset the other instance acknowledged (904);
      // acknowledging it still removes it.
      REQUIRE_OK(bot.telegram->Acknowledge(903));
      ASSIGN_OR_REQUIRE(std::vector<Update> after, restart_and_receive());
      CHECK(after.empty());
    }
  }

  TEST_CASE("setWebhook and deleteWebhook") {
    TelegramOptions options;
    options.mode = TelegramMode::kWebhook;
    options.webhook_secret_token = "abc";
    Bot bot(testing::FreshSqliteUrl(), options);
    bot.server->Script(
        "POST", MethodPath("setWebhook"),
        {.body =
             R"({"ok":true,"result":true,"description":"Webhook was set"})"});
    bot.server->Script("POST", MethodPath("deleteWebhook"),
                       {.body = R"({"ok":true,"result":true})"});
    REQUIRE_OK(bot.telegram->SetWebhook({.url = "https://bot.example/tg"}));
    const std::string body = bot.Calls("setWebhook").at(0).body;
    CHECK(absl::StrContains(body, R"("url":"https://bot.example/tg")"));
    CHECK(absl::StrContains(body, R"("secret_token":"abc")"));
    CHECK(absl::StrContains(body, R"("allowed_updates":["message")"));
    CHECK_STATUS_IS(bot.telegram->SetWebhook({.url = "http://bot.example/tg"}),
                    kInvalidArgument);
    REQUIRE_OK(bot.telegram->DeleteWebhook(true));
    CHECK(bot.Calls("deleteWebhook").at(0).body ==
          R"({"drop_pending_updates":true})");
  }

  TEST_CASE("Create checks its options without showing the token") {
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    ASSIGN_OR_REQUIRE(auto db, OpenDatabase("sqlite::memory:"));
    SystemClock clock;
    TelegramOptions options;
    options.http = http.get();
    options.clock = &clock;
    options.database = db.get();
    options.token = "not-a-token-secretpart";
    absl::StatusOr<std::unique_ptr<TelegramMessenger>> bad =
        TelegramMessenger::Create(options);
    CHECK_STATUS_IS(bad, kInvalidArgument);
    CHECK_FALSE(absl::StrContains(bad.status().message(), "secretpart"));
    options.token = kToken;
    options.mode = TelegramMode::kWebhook;
    options.webhook_secret_token = "has space";
    CHECK_STATUS_IS(TelegramMessenger::Create(options), kInvalidArgument);
    options.mode = TelegramMode::kLongPolling;
    options.api_base_url = "api.telegram.org";
    CHECK_STATUS_IS(TelegramMessenger::Create(options), kInvalidArgument);
    options.api_base_url = "https://api.telegram.org";
    options.database = nullptr;
    CHECK_STATUS_IS(TelegramMessenger::Create(options), kInvalidArgument);
  }
}

}  // namespace
}  // namespace botcore
