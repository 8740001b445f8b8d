#include "botcore/runtime/log.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "botcore/testing/manual_clock.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

constexpr char kToken[] = "123456:AAHsecretTokenPart_abcdefghijklmnop";

// A Logger whose lines land in `lines`, at a fixed time.
struct Captured {
  explicit Captured(LoggerOptions options = {})
      : clock(absl::FromUnixMicros(1'763'688'830'123'456)) {
    options.clock = &clock;
    options.sink = [this](std::string_view line) {
      absl::MutexLock lock(&mu);
      lines.emplace_back(line);
    };
    log = std::make_unique<Logger>(std::move(options));
  }

  std::vector<std::string> Lines() {
    absl::MutexLock lock(&mu);
    return lines;
  }

  testing::ManualClock clock;
  absl::Mutex mu;
  std::vector<std::string> lines;
  std::unique_ptr<Logger> log;
};

TEST_SUITE("log") {
  TEST_CASE("text: time, level, message, fields in order") {
    Captured c;
    c.log->Info("update handled", {{"chat", 42},
                                   {"latency", absl::Milliseconds(3)},
                                   {"ok", true},
                                   {"ratio", 0.5},
                                   {"user", "Анна Ш."},
                                   {"empty", ""}});
    REQUIRE(c.Lines().size() == 1);
    CHECK(c.Lines()[0] ==
          "2025-11-21T01:33:50.123456Z INFO update handled chat=42 "
          "latency=3ms ok=true ratio=0.5 user=\"Анна Ш.\" empty=\"\"");
  }

  TEST_CASE("text: one event stays one line") {
    Captured c;
    c.log->Warning("two\nlines", {{"v", "a\"b\\c\nd"}, {"k", "x=y"}});
    CHECK(c.Lines()[0] ==
          "2025-11-21T01:33:50.123456Z WARNING two\\nlines "
          "v=\"a\\\"b\\\\c\\nd\" k=\"x=y\"");
  }

  TEST_CASE("json lines") {
    Captured c({.format = LogFormat::kJson});
    c.log->Error("send failed", {{"chat", int64_t{7}},
                                 {"error", absl::UnavailableError("x\"y")}});
    CHECK(c.Lines()[0] ==
          R"({"time":"2025-11-21T01:33:50.123456Z","level":"error",)"
          R"("message":"send failed","chat":"7",)"
          R"("error":"UNAVAILABLE: x\"y"})");
  }

  TEST_CASE("levels below the threshold are dropped") {
    Captured c({.level = LogLevel::kWarning});
    CHECK_FALSE(c.log->Enabled(LogLevel::kInfo));
    CHECK(c.log->Enabled(LogLevel::kError));
    c.log->Debug("d");
    c.log->Info("i");
    c.log->Warning("w");
    c.log->Error("e");
    REQUIRE(c.Lines().size() == 2);
    CHECK(absl::StrContains(c.Lines()[0], " WARNING w"));
    CHECK(absl::StrContains(c.Lines()[1], " ERROR e"));
  }

  TEST_CASE("secrets are masked in messages and values, in both formats") {
    for (LogFormat format : {LogFormat::kText, LogFormat::kJson}) {
      Captured c({.format = format, .secrets = {kToken, "sk-router-key-123"}});
      c.log->Info(absl::StrCat("GET https://api.telegram.org/bot", kToken,
                               "/getMe failed"),
                  {{"url", "postgresql://bot:hunter2@db:5432/botcore"},
                   {"api_key", "anything"},
                   {"Authorization", "Bearer abc"},
                   {"TELEGRAM_BOT_TOKEN", kToken},
                   {"note", absl::StrCat("token ", kToken, " in prose")},
                   {"header", "Bearer sk-router-key-123"},
                   {"query", "https://x.test/a?api_key=q1w2&page=2"}});
      const std::string line = c.Lines().at(0);
      CAPTURE(line);
      CHECK_FALSE(absl::StrContains(line, "AAHsecret"));
      CHECK_FALSE(absl::StrContains(line, "123456:"));
      CHECK_FALSE(absl::StrContains(line, "hunter2"));
      CHECK_FALSE(absl::StrContains(line, "anything"));
      CHECK_FALSE(absl::StrContains(line, "Bearer abc"));
      CHECK_FALSE(absl::StrContains(line, "sk-router"));
      CHECK_FALSE(absl::StrContains(line, "q1w2"));
      CHECK(absl::StrContains(line, "https://api.telegram.org/bot***/getMe"));
      CHECK(absl::StrContains(line, "postgresql://bot:***@db:5432/botcore"));
      CHECK(absl::StrContains(line, "page=2"));
    }
  }

  TEST_CASE("Mask: URLs inside prose, text without URLs unchanged") {
    Logger log({.secrets = {"s3cr3t"}});
    CHECK(log.Mask("see (postgres://u:pw@h/db) and s3cr3t!") ==
          "see (postgres://u:***@h/db) and ***!");
    CHECK(log.Mask("no url :// here, ratio 3:1") ==
          "no url :// here, ratio 3:1");
    CHECK(log.Mask("") == "");
  }

  TEST_CASE("options from configuration") {
    ASSIGN_OR_REQUIRE(LoggerOptions defaults,
                      LoggerOptionsFromConfig(Config()));
    CHECK(defaults.level == LogLevel::kInfo);
    CHECK(defaults.format == LogFormat::kText);
    CHECK(defaults.secrets.empty());
    ASSIGN_OR_REQUIRE(LoggerOptions set,
                      LoggerOptionsFromConfig(
                          Config::FromMap({{"LOG_LEVEL", "DEBUG"},
                                           {"LOG_FORMAT", "json"},
                                           {"TELEGRAM_BOT_TOKEN", kToken},
                                           {"AGENTROUTER_API_KEY", "sk-1"},
                                           {"LLM_MODEL", "gpt"}})));
    CHECK(set.level == LogLevel::kDebug);
    CHECK(set.format == LogFormat::kJson);
    CHECK(set.secrets == std::vector<std::string>{kToken, "sk-1"});
    CHECK_STATUS_IS(
        LoggerOptionsFromConfig(Config::FromMap({{"LOG_LEVEL", "loud"}})),
        kInvalidArgument);
    CHECK_STATUS_IS(
        LoggerOptionsFromConfig(Config::FromMap({{"LOG_FORMAT", "xml"}})),
        kInvalidArgument);
  }

  TEST_CASE("concurrent lines never interleave") {
    Captured c;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 200; ++i)
          c.log->Info("event", {{"t", t}, {"i", i}});
      });
    }
    for (std::thread& thread : threads) thread.join();
    std::vector<std::string> lines = c.Lines();
    CHECK(lines.size() == 800);
    for (const std::string& line : lines) {
      CHECK(
          absl::StartsWith(line, "2025-11-21T01:33:50.123456Z INFO event t="));
    }
  }
}

}  // namespace
}  // namespace botcore
