#include "botcore/runtime/operations_server.h"

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/storage.h"
#include "botcore/adapters/telegram.h"
#include "internal/strings.h"
#include "runtime/exposition.h"
#include "support/fixtures.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

constexpr char kSecret[] = "s3cret_Token-1";

std::unique_ptr<HttpClient> NewClient() {
  absl::StatusOr<std::unique_ptr<HttpClient>> client = NewCurlHttpClient({});
  REQUIRE_OK(client.status());
  return *std::move(client);
}

// A server on a free port of 127.0.0.1 and a curl client to call it.
struct Served {
  explicit Served(OperationsServerOptions options) : http(NewClient()) {
    options.host = "127.0.0.1";
    options.port = 0;
    absl::StatusOr<std::unique_ptr<OperationsServer>> started =
        OperationsServer::Start(options);
    REQUIRE_OK(started.status());
    server = *std::move(started);
  }

  std::string Url(std::string_view path) const {
    return absl::StrCat("http://127.0.0.1:", server->port(),
                        internal::ToAbsl(path));
  }

  HttpResponse Get(std::string_view path) {
    absl::StatusOr<HttpResponse> r = http->Send({.url = Url(path)});
    REQUIRE_OK(r.status());
    return *r;
  }

  HttpResponse Post(std::string_view path, HttpHeaders headers,
                    std::string body) {
    headers.emplace_back("Content-Type", "application/json");
    absl::StatusOr<HttpResponse> r = http->Send({.method = "POST",
                                                 .url = Url(path),
                                                 .headers = headers,
                                                 .body = std::move(body)});
    REQUIRE_OK(r.status());
    return *r;
  }

  std::unique_ptr<HttpClient> http;
  std::unique_ptr<OperationsServer> server;
};

// A TelegramMessenger in webhook mode; HandleWebhook never calls Telegram.
struct Webhook {
  Webhook() : http(NewClient()) {
    absl::StatusOr<std::unique_ptr<Database>> opened =
        OpenDatabase(testing::FreshSqliteUrl());
    REQUIRE_OK(opened.status());
    db = *std::move(opened);
    TelegramOptions options;
    options.token = "123456:TEST-token_secret";
    options.api_base_url = "http://127.0.0.1:9";
    options.http = http.get();
    options.clock = &clock;
    options.database = db.get();
    options.mode = TelegramMode::kWebhook;
    options.webhook_secret_token = kSecret;
    absl::StatusOr<std::unique_ptr<TelegramMessenger>> created =
        TelegramMessenger::Create(options);
    REQUIRE_OK(created.status());
    telegram = *std::move(created);
  }

  SystemClock clock;
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<Database> db;
  std::unique_ptr<TelegramMessenger> telegram;
};

std::string StartUpdate() {
  return testing::ReadFixture(
      "telegram/update_message_start_command_DOCEXAMPLE.json");
}

TEST_SUITE("operations_server") {
  TEST_CASE("webhook: secret checked by header, update handed to Receive") {
    Webhook webhook;
    Served served(
        {.webhook_path = "/tg/hook-1", .telegram = webhook.telegram.get()});
    CHECK(served.Post("/tg/hook-1", {}, StartUpdate()).status == 401);
    CHECK(served
              .Post("/tg/hook-1", {{"X-Telegram-Bot-Api-Secret-Token", "no"}},
                    StartUpdate())
              .status == 401);
    ASSIGN_OR_REQUIRE(std::vector<Update> none,
                      webhook.telegram->Receive(absl::ZeroDuration()));
    CHECK(none.empty());

    CHECK(served
              .Post("/tg/hook-1",
                    {{"X-Telegram-Bot-Api-Secret-Token", kSecret}},
                    "{\"update_id\":")
              .status == 400);
    CHECK(served
              .Post("/tg/hook-1",
                    {{"X-Telegram-Bot-Api-Secret-Token", kSecret}},
                    StartUpdate())
              .status == 200);
    ASSIGN_OR_REQUIRE(std::vector<Update> got,
                      webhook.telegram->Receive(absl::ZeroDuration()));
    REQUIRE(got.size() == 1);
    CHECK(got[0].id == 10000);
    REQUIRE(got[0].message.has_value());
    CHECK(got[0].message->command == "start");

    // Only POST on the configured path reaches the messenger.
    CHECK(served.Get("/tg/hook-1").status == 404);
    CHECK(served
              .Post("/tg/other", {{"X-Telegram-Bot-Api-Secret-Token", kSecret}},
                    StartUpdate())
              .status == 404);
  }

  TEST_CASE("no webhook route without a messenger") {
    Served served({});
    CHECK(served
              .Post("/telegram/webhook",
                    {{"X-Telegram-Bot-Api-Secret-Token", kSecret}},
                    StartUpdate())
              .status == 404);
  }

  TEST_CASE("a body over the limit is refused with 413") {
    Webhook webhook;
    Served served({.telegram = webhook.telegram.get(), .max_body_bytes = 64});
    CHECK(served
              .Post("/telegram/webhook",
                    {{"X-Telegram-Bot-Api-Secret-Token", kSecret}},
                    std::string(1000, ' '))
              .status == 413);
  }

  TEST_CASE("healthz: 200 when the database answers and polling is recent") {
    Served served({.health = [] {
      return HealthSnapshot{.database = absl::OkStatus(),
                            .last_poll_age = absl::Seconds(3)};
    }});
    HttpResponse r = served.Get("/healthz");
    CHECK(r.status == 200);
    CHECK(FindHeader(r.headers, "Content-Type") == "application/json");
    CHECK(r.body == R"({"status":"ok","database":"ok","last_poll_age":"3s"})");
  }

  TEST_CASE("healthz: 503 naming what is wrong") {
    absl::Status database = absl::OkStatus();
    std::optional<absl::Duration> age;
    std::atomic<int> calls = 0;
    absl::Mutex mu;
    Served served({.health =
                       [&] {
                         absl::MutexLock lock(&mu);
                         ++calls;
                         return HealthSnapshot{.database = database,
                                               .last_poll_age = age};
                       },
                   .max_poll_age = absl::Minutes(1)});
    {
      HttpResponse r = served.Get("/healthz");
      CHECK(r.status == 200);
      CHECK(r.body == R"({"status":"ok","database":"ok"})");
    }
    {
      absl::MutexLock lock(&mu);
      age = absl::Minutes(5);
    }
    {
      HttpResponse r = served.Get("/healthz");
      CHECK(r.status == 503);
      CHECK(r.body ==
            R"({"status":"unhealthy","database":"ok","last_poll_age":"5m",)"
            R"("poll":"no poll for over 1m"})");
    }
    {
      absl::MutexLock lock(&mu);
      age.reset();
      database = absl::UnavailableError("connection refused");
    }
    {
      HttpResponse r = served.Get("/healthz");
      CHECK(r.status == 503);
      CHECK(
          r.body ==
          R"({"status":"unhealthy","database":"UNAVAILABLE: connection refused"})");
    }
    CHECK(calls == 3);
  }

  TEST_CASE("metrics: the exposition of the BotMetrics given") {
    BotMetrics metrics;
    metrics.OnUpdateHandled("", absl::Milliseconds(5), false);
    metrics.OnRateLimited(1);
    Served served({.metrics = &metrics});
    HttpResponse r = served.Get("/metrics");
    CHECK(r.status == 200);
    CHECK(FindHeader(r.headers, "Content-Type") ==
          "text/plain; version=0.0.4; charset=utf-8");
    std::map<std::string, double> s = testing::ParseExposition(r.body);
    CHECK(s.at("botcore_updates_handled_total") == 1);
    CHECK(s.at("botcore_rate_limited_requests_total") == 1);
    metrics.OnUpdateHandled("", absl::Milliseconds(5), false);
    CHECK(testing::ParseExposition(served.Get("/metrics").body)
              .at("botcore_updates_handled_total") == 2);
  }

  TEST_CASE("no metrics given: 404") {
    Served served({});
    CHECK(served.Get("/metrics").status == 404);
    CHECK(served.Get("/healthz").status == 200);
  }

  TEST_CASE("Stop: no more connections, idempotent") {
    Served served({});
    const std::string url = served.Url("/healthz");
    CHECK(served.Get("/healthz").status == 200);
    served.server->Stop();
    served.server->Stop();
    // A new client: the old one's kept-alive connection is closed too.
    absl::StatusOr<HttpResponse> after = NewClient()->Send({.url = url});
    CHECK_STATUS_IS(after.status(), kUnavailable);
  }

  TEST_CASE("Stop waits for a request in progress") {
    absl::Notification entered;
    absl::Notification release;
    Served served({.health = [&] {
      entered.Notify();
      release.WaitForNotification();
      return HealthSnapshot{};
    }});
    absl::StatusOr<HttpResponse> slow;
    std::thread caller(
        [&] { slow = NewClient()->Send({.url = served.Url("/healthz")}); });
    entered.WaitForNotification();
    std::thread stopper([&] { served.server->Stop(); });
    release.Notify();
    stopper.join();
    caller.join();
    REQUIRE_OK(slow.status());
    CHECK(slow->status == 200);
  }

  TEST_CASE("bad options") {
    CHECK_STATUS_IS(
        OperationsServer::Start({.webhook_path = "no-slash"}).status(),
        kInvalidArgument);
    CHECK_STATUS_IS(OperationsServer::Start({.webhook_path = "/a?b"}).status(),
                    kInvalidArgument);
    CHECK_STATUS_IS(OperationsServer::Start({.port = 70000}).status(),
                    kInvalidArgument);
    CHECK_STATUS_IS(OperationsServer::Start({.threads = 0}).status(),
                    kInvalidArgument);
  }

  TEST_CASE("a port in use: kUnavailable naming the address") {
    Served first({});
    absl::StatusOr<std::unique_ptr<OperationsServer>> second =
        OperationsServer::Start(
            {.host = "127.0.0.1", .port = first.server->port()});
    CHECK_STATUS_IS(second.status(), kUnavailable);
    CHECK(absl::StrContains(second.status().message(),
                            absl::StrCat("127.0.0.1:", first.server->port())));
  }

  TEST_CASE("options from configuration") {
    ASSIGN_OR_REQUIRE(OperationsServerOptions defaults,
                      OperationsServerOptionsFromConfig(Config()));
    CHECK(defaults.host == "127.0.0.1");
    CHECK(defaults.port == 8080);
    CHECK(defaults.webhook_path == "/telegram/webhook");
    CHECK(defaults.max_poll_age == absl::Minutes(2));
    CHECK(defaults.threads == 16);
    ASSIGN_OR_REQUIRE(OperationsServerOptions set,
                      OperationsServerOptionsFromConfig(Config::FromMap(
                          {{"HTTP_HOST", "0.0.0.0"},
                           {"HTTP_PORT", "9100"},
                           {"HTTP_THREADS", "40"},
                           {"TELEGRAM_WEBHOOK_PATH", "/hook/abc_1"},
                           {"HEALTH_MAX_POLL_AGE", "90s"}})));
    CHECK(set.host == "0.0.0.0");
    CHECK(set.port == 9100);
    CHECK(set.threads == 40);
    CHECK(set.webhook_path == "/hook/abc_1");
    CHECK(set.max_poll_age == absl::Seconds(90));
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{
             {"HTTP_PORT", "http"},
             {"HTTP_PORT", "65536"},
             {"HTTP_THREADS", "0"},
             {"TELEGRAM_WEBHOOK_PATH", "hook"},
             {"HEALTH_MAX_POLL_AGE", "-1s"},
             {"HEALTH_MAX_POLL_AGE", "soon"}}) {
      CAPTURE(key);
      absl::StatusOr<OperationsServerOptions> bad =
          OperationsServerOptionsFromConfig(Config::FromMap({{key, value}}));
      CHECK_STATUS_IS(bad.status(), kInvalidArgument);
      CHECK(absl::StrContains(bad.status().message(), key));
    }
  }
}

}  // namespace
}  // namespace botcore
