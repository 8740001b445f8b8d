// BotAssembly: the settings it reads from a Config, and a long-polling bot
// assembled from configuration alone (against a fake Bot API server on
// 127.0.0.1) serving /healthz and /metrics while it runs.
#include "botcore/runtime/bot_assembly.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "botcore/adapters/http.h"
#include "botcore/core/config.h"
#include "botcore/testing/scripted_telegram_server.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

using testing::ScriptedTelegramServer;

// A TCP port nothing listens on right now.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  close(fd);
  return ntohs(address.sin_port);
}

bool WaitFor(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

TEST_SUITE("bot_assembly") {
  TEST_CASE("settings: console by default, the HTTP server only when asked") {
    ASSIGN_OR_REQUIRE(BotSettings console,
                      ReadBotSettings(Config::FromMap({})));
    CHECK(console.mode == BotMode::kConsole);
    CHECK_FALSE(console.serve_http);
    CHECK(console.backup_file.empty());

    ASSIGN_OR_REQUIRE(BotSettings polling,
                      ReadBotSettings(Config::FromMap(
                          {{"TELEGRAM_BOT_TOKEN", "1:t"},
                           {"HTTP_PORT", "9100"},
                           {"LOG_FORMAT", "json"},
                           {"BACKUP_FILE", "/var/backups/b.db"}})));
    CHECK(polling.mode == BotMode::kLongPolling);
    CHECK(polling.serve_http);
    CHECK(polling.http.port == 9100);
    CHECK(polling.log.format == LogFormat::kJson);
    CHECK(polling.backup_file == "/var/backups/b.db");
    CHECK(polling.moex_data_delay == absl::Minutes(15));

    ASSIGN_OR_REQUIRE(
        BotSettings webhook,
        ReadBotSettings(Config::FromMap({{"TELEGRAM_BOT_TOKEN", "1:t"},
                                         {"TELEGRAM_MODE", "webhook"},
                                         {"TELEGRAM_WEBHOOK_SECRET", "s"}})));
    CHECK(webhook.serve_http);
    CHECK(webhook.http.port == 8080);
  }

  TEST_CASE("settings: a bad operations value names its key") {
    const std::map<std::string, std::string> bad[] = {
        {{"HTTP_PORT", "eighty"}},    {{"HTTP_PORT", "70000"}},
        {{"LOG_FORMAT", "xml"}},      {{"LOG_LEVEL", "loud"}},
        {{"MOEX_DATA_DELAY", "-1m"}},
    };
    for (const auto& values : bad) {
      const std::string key = values.begin()->first;
      CAPTURE(key);
      absl::StatusOr<BotSettings> settings =
          ReadBotSettings(Config::FromMap(values));
      CHECK_STATUS_IS(settings.status(), kInvalidArgument);
      CHECK(absl::StrContains(settings.status().message(), key));
    }
  }

  TEST_CASE("a polling bot serves /healthz and /metrics while it runs") {
    ASSIGN_OR_REQUIRE(auto telegram, ScriptedTelegramServer::Start("1:test"));
    telegram->PushUpdate(
        R"("message":{"message_id":1,"date":1700000000,)"
        R"("chat":{"id":42,"type":"private"},)"
        R"("from":{"id":42,"is_bot":false,"first_name":"A"},"text":"/help"})");
    const int port = FreePort();
    const Config config = Config::FromMap({
        {"TELEGRAM_BOT_TOKEN", "1:test"},
        {"TELEGRAM_API_BASE_URL", telegram->api_base_url()},
        {"DATABASE_URL", testing::FreshSqliteUrl()},
        {"POLL_TIMEOUT", "1s"},
        {"HTTP_PORT", absl::StrCat(port)},
    });
    ASSIGN_OR_REQUIRE(std::unique_ptr<BotAssembly> bot,
                      BotAssembly::Create(config));
    absl::Status run_status;
    std::thread runner([&] { run_status = bot->Run(); });

    ASSIGN_OR_REQUIRE(std::unique_ptr<HttpClient> http,
                      NewCurlHttpClient(CurlHttpClientOptions{}));
    auto get = [&](const std::string& path) {
      HttpRequest request;
      request.url = absl::StrCat("http://127.0.0.1:", port, path);
      return http->Send(request);
    };
    REQUIRE(WaitFor([&] {
      absl::StatusOr<HttpResponse> metrics = get("/metrics");
      return metrics.ok() &&
             absl::StrContains(metrics->body,
                               "botcore_updates_handled_total 1");
    }));
    CHECK(telegram->Sent("sendMessage").size() == 1);
    ASSIGN_OR_REQUIRE(HttpResponse health, get("/healthz"));
    CHECK(health.status == 200);
    CHECK(absl::StrContains(health.body, R"("database":"ok")"));

    bot->Stop();
    runner.join();
    CHECK_OK(run_status);
    // The server stopped with the bot.
    CHECK_FALSE(get("/healthz").ok());
  }
  TEST_CASE("console: Stop at an idle prompt ends Run without input") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    ConsoleInput input(fds[0]);
    std::ostringstream out;
    BotAssemblyOptions options;
    options.console_input = &input;
    options.console_out = &out;
    // An hour's poll: only the input's Stop can end the wait for a line.
    ASSIGN_OR_REQUIRE(
        std::unique_ptr<BotAssembly> bot,
        BotAssembly::Create(
            Config::FromMap({{"DATABASE_URL", testing::FreshSqliteUrl()},
                             {"POLL_TIMEOUT", "1h"}}),
            options));
    REQUIRE(bot->settings().mode == BotMode::kConsole);
    absl::Status run_status = absl::UnknownError("not run");
    absl::Notification returned;
    std::thread runner([&] {
      run_status = bot->Run();
      returned.Notify();
    });
    // One line answered; then Run waits for the next one.
    REQUIRE(write(fds[1], "/start\n", 7) == 7);
    REQUIRE(WaitFor([&] {
      const HealthSnapshot health = bot->Health();
      return health.last_poll_age.has_value() && health.in_flight == 0;
    }));
    absl::SleepFor(absl::Milliseconds(200));  // into the next Receive
    bot->Stop();
    const bool stopped =
        returned.WaitForNotificationWithTimeout(absl::Seconds(60));
    close(fds[1]);  // were Run still waiting for a line: the end of input
    runner.join();
    close(fds[0]);
    CHECK(stopped);
    CHECK_OK(run_status);
  }

  TEST_CASE("webhook: every update answered 200 before Stop is handled") {
    ASSIGN_OR_REQUIRE(auto telegram, ScriptedTelegramServer::Start("1:test"));
    const int port = FreePort();
    const Config config = Config::FromMap({
        {"TELEGRAM_BOT_TOKEN", "1:test"},
        {"TELEGRAM_API_BASE_URL", telegram->api_base_url()},
        {"TELEGRAM_MODE", "webhook"},
        {"TELEGRAM_WEBHOOK_SECRET", "secret"},
        {"TELEGRAM_WEBHOOK_URL", "https://bot.example.com/telegram/webhook"},
        {"DATABASE_URL", testing::FreshSqliteUrl()},
        {"HTTP_PORT", absl::StrCat(port)},
        {"HTTP_THREADS", "8"},
    });
    ASSIGN_OR_REQUIRE(std::unique_ptr<BotAssembly> bot,
                      BotAssembly::Create(config));
    absl::Status run_status;
    std::thread runner([&] { run_status = bot->Run(); });

    ASSIGN_OR_REQUIRE(std::unique_ptr<HttpClient> probe,
                      NewCurlHttpClient(CurlHttpClientOptions{}));
    REQUIRE(WaitFor([&] {
      HttpRequest request;
      request.url = absl::StrCat("http://127.0.0.1:", port, "/healthz");
      return probe->Send(request).ok();
    }));
    // Registered before Run takes updates, with no more connections than
    // the server has threads (Telegram's default is 40).
    REQUIRE(WaitFor([&] { return !telegram->Sent("setWebhook").empty(); }));
    const std::vector<testing::RecordedRequest> set_webhook =
        telegram->Sent("setWebhook");
    REQUIRE(set_webhook.size() == 1);
    CHECK(absl::StrContains(set_webhook[0].body, R"("max_connections":8)"));
    // Posters send /help from a chat of their own per update until the
    // webhook stops answering 200; Stop comes while they post. Several of
    // them, as Telegram with max_connections > 1: ids arrive out of order.
    constexpr int kPosters = 3;
    std::atomic<int64_t> next_id{0};
    std::atomic<int64_t> accepted{0};
    std::atomic<int64_t> refused{0};
    std::vector<std::thread> posters;
    for (int i = 0; i < kPosters; ++i) {
      posters.emplace_back([&] {
        auto http = NewCurlHttpClient(CurlHttpClientOptions{});
        REQUIRE(http.ok());
        while (true) {
          const int64_t id = ++next_id;
          HttpRequest request;
          request.method = "POST";
          request.url =
              absl::StrCat("http://127.0.0.1:", port, "/telegram/webhook");
          request.headers = {{"Content-Type", "application/json"},
                             {"X-Telegram-Bot-Api-Secret-Token", "secret"}};
          request.body = absl::StrCat(
              R"({"update_id":)", id, R"(,"message":{"message_id":1,)",
              R"("date":1700000000,"chat":{"id":)", id,
              R"(,"type":"private"},"from":{"id":)", id,
              R"(,"is_bot":false,"first_name":"A"},"text":"/help"}})");
          absl::StatusOr<HttpResponse> response = (*http)->Send(request);
          if (response.ok() && response->status == 200) {
            ++accepted;
          } else {
            // The server is gone (connection refused) or closing (503).
            if (response.ok()) CHECK(response->status == 503);
            ++refused;
            return;
          }
        }
      });
    }
    REQUIRE(WaitFor([&] { return accepted.load() >= 50; }));
    bot->Stop();
    runner.join();
    for (std::thread& poster : posters) poster.join();
    CHECK_OK(run_status);
    CHECK(refused.load() == kPosters);
    // One /help answer per update answered 200, none twice.
    CHECK(static_cast<int64_t>(telegram->Sent("sendMessage").size()) ==
          accepted.load());
    CHECK(telegram->Tally().duplicates == 0);
  }
}

}  // namespace
}  // namespace botcore
