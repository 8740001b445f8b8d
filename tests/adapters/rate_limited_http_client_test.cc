#include <doctest/doctest.h>

#include <memory>

#include "botcore/adapters/http.h"
#include "botcore/testing/manual_clock.h"
#include "botcore/testing/scripted_http_client.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

using testing::ManualClock;
using testing::ScriptedHttpClient;

TEST_SUITE("rate_limited_http_client") {
  TEST_CASE("spaces requests to one host at the configured rate") {
    ManualClock clock(absl::FromUnixSeconds(1000));
    auto fake = std::make_unique<ScriptedHttpClient>();
    fake->Script(HttpResponse{.status = 200});
    auto http = NewRateLimitedHttpClient(
        std::move(fake), {.clock = &clock, .requests_per_second = 2});
    for (int i = 0; i < 5; ++i) {
      REQUIRE_OK(
          http->Send({.url = "https://iss.moex.com/iss/a.json"}).status());
    }
    // The first goes at once, the next four 0.5 s apart.
    CHECK(clock.Now() == absl::FromUnixSeconds(1002));
  }

  TEST_CASE("hosts have separate buckets; user info and case do not matter") {
    ManualClock clock(absl::FromUnixSeconds(1000));
    auto fake = std::make_unique<ScriptedHttpClient>();
    fake->Script(HttpResponse{.status = 200});
    auto http = NewRateLimitedHttpClient(std::move(fake), {.clock = &clock});
    REQUIRE_OK(http->Send({.url = "https://a.example/x"}).status());
    REQUIRE_OK(http->Send({.url = "https://b.example/x"}).status());
    CHECK(clock.Now() == absl::FromUnixSeconds(1000));
    REQUIRE_OK(http->Send({.url = "https://u:p@A.example/y"}).status());
    CHECK(clock.Now() == absl::FromUnixSeconds(1001));
  }

  TEST_CASE("a burst goes out at once, then the rate applies") {
    ManualClock clock(absl::FromUnixSeconds(1000));
    auto fake = std::make_unique<ScriptedHttpClient>();
    fake->Script(HttpResponse{.status = 200});
    auto http = NewRateLimitedHttpClient(
        std::move(fake),
        {.clock = &clock, .requests_per_second = 1, .burst = 3});
    for (int i = 0; i < 3; ++i)
      REQUIRE_OK(http->Send({.url = "http://h/"}).status());
    CHECK(clock.Now() == absl::FromUnixSeconds(1000));
    REQUIRE_OK(http->Send({.url = "http://h/"}).status());
    CHECK(clock.Now() == absl::FromUnixSeconds(1001));
    // After an idle spell the bucket is full again.
    clock.Advance(absl::Seconds(10));
    for (int i = 0; i < 3; ++i)
      REQUIRE_OK(http->Send({.url = "http://h/"}).status());
    CHECK(clock.Now() == absl::FromUnixSeconds(1011));
  }

  TEST_CASE("a wait longer than max_wait is kResourceExhausted") {
    ManualClock clock(absl::FromUnixSeconds(1000));
    auto fake = std::make_unique<ScriptedHttpClient>();
    fake->Script(HttpResponse{.status = 200});
    auto http = NewRateLimitedHttpClient(std::move(fake),
                                         {.clock = &clock,
                                          .requests_per_second = 0.1,
                                          .max_wait = absl::Seconds(5)});
    REQUIRE_OK(http->Send({.url = "http://h/bot1:secret/x"}).status());
    absl::StatusOr<HttpResponse> r =
        http->Send({.url = "http://h/bot1:secret/x"});
    CHECK_STATUS_IS(r, kResourceExhausted);
    CHECK(r.status().message().find("secret") == absl::string_view::npos);
  }
}

}  // namespace
}  // namespace botcore
