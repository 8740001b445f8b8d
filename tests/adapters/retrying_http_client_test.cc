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

struct Stack {
  ManualClock clock{absl::FromUnixSeconds(1700000000)};
  ScriptedHttpClient* script = nullptr;
  std::unique_ptr<HttpClient> http;

  explicit Stack(RetryOptions options = {}) {
    auto fake = std::make_unique<ScriptedHttpClient>();
    script = fake.get();
    options.clock = &clock;
    options.jitter = 0;
    http = NewRetryingHttpClient(std::move(fake), options);
  }
  absl::Duration Elapsed() const {
    return clock.Now() - absl::FromUnixSeconds(1700000000);
  }
};

HttpResponse Status(int status, HttpHeaders headers = {}) {
  return HttpResponse{.status = status, .headers = std::move(headers)};
}

TEST_SUITE("retrying_http_client") {
  TEST_CASE("retries 5xx, 408 and 429 with exponential backoff") {
    Stack s;
    s.script->Script(Status(503));
    s.script->Script(Status(408));
    s.script->Script(Status(429));
    s.script->Script(Status(200));
    ASSIGN_OR_REQUIRE(HttpResponse r, s.http->Send({.url = "http://h/x"}));
    CHECK(r.status == 200);
    CHECK(s.script->requests().size() == 4);
    CHECK(s.Elapsed() == absl::Milliseconds(500 + 1000 + 2000));
  }

  TEST_CASE("retries timeouts and broken connections, not other errors") {
    Stack s;
    s.script->Script(absl::DeadlineExceededError("slow"));
    s.script->Script(absl::UnavailableError("refused"));
    s.script->Script(Status(200));
    CHECK_OK(s.http->Send({.url = "http://h/x"}).status());
    CHECK(s.script->requests().size() == 3);

    Stack t;
    t.script->Script(absl::InvalidArgumentError("bad url"));
    CHECK_STATUS_IS(t.http->Send({.url = "x"}), kInvalidArgument);
    CHECK(t.script->requests().size() == 1);
  }

  TEST_CASE("gives up after max_attempts with the last answer") {
    Stack s({.max_attempts = 3});
    s.script->Script(Status(500));
    ASSIGN_OR_REQUIRE(HttpResponse r, s.http->Send({.url = "http://h/x"}));
    CHECK(r.status == 500);
    CHECK(s.script->requests().size() == 3);

    Stack t({.max_attempts = 2});
    t.script->Script(absl::UnavailableError("down"));
    CHECK_STATUS_IS(t.http->Send({.url = "http://h/x"}), kUnavailable);
  }

  TEST_CASE("does not retry 4xx other than 408 and 429") {
    Stack s;
    s.script->Script(Status(404));
    ASSIGN_OR_REQUIRE(HttpResponse r, s.http->Send({.url = "http://h/x"}));
    CHECK(r.status == 404);
    CHECK(s.script->requests().size() == 1);
  }

  TEST_CASE("honours Retry-After in seconds and as an HTTP date") {
    Stack s;
    s.script->Script(Status(429, {{"Retry-After", "7"}}));
    s.script->Script(
        Status(503, {{"retry-after", "Tue, 14 Nov 2023 22:14:00 GMT"}}));
    s.script->Script(Status(200));
    CHECK_OK(s.http->Send({.url = "http://h/x"}).status());
    // 1700000000 is 22:13:20 GMT: 7 s later 22:13:27, then 33 s to 22:14:00.
    CHECK(s.Elapsed() == absl::Seconds(40));
  }

  TEST_CASE("honours fractional Retry-After and retry-after-ms, ms first") {
    Stack s;
    s.script->Script(Status(429, {{"Retry-After", "1.5"}}));
    s.script->Script(Status(503, {{"retry-after-ms", "800"}}));
    s.script->Script(
        Status(429, {{"Retry-After", "9"}, {"Retry-After-Ms", " 250 "}}));
    s.script->Script(Status(200));
    CHECK_OK(s.http->Send({.url = "http://h/x"}).status());
    CHECK(s.Elapsed() == absl::Milliseconds(1500 + 800 + 250));

    // Unreadable or negative values fall back: to Retry-After, then to the
    // backoff (500 ms first).
    Stack t;
    t.script->Script(
        Status(429, {{"retry-after-ms", "soon"}, {"Retry-After", "2"}}));
    t.script->Script(Status(429, {{"Retry-After", "-1.5"}}));
    t.script->Script(Status(200));
    CHECK_OK(t.http->Send({.url = "http://h/x"}).status());
    CHECK(t.Elapsed() == absl::Seconds(2) + absl::Milliseconds(500));
  }

  TEST_CASE("a Retry-After above max_retry_after returns the response") {
    Stack s({.max_retry_after = absl::Seconds(10)});
    s.script->Script(Status(429, {{"Retry-After", "3600"}}));
    ASSIGN_OR_REQUIRE(HttpResponse r, s.http->Send({.url = "http://h/x"}));
    CHECK(r.status == 429);
    CHECK(s.script->requests().size() == 1);

    Stack t({.max_retry_after = absl::Seconds(10)});
    t.script->Script(Status(429, {{"retry-after-ms", "60000"}}));
    ASSIGN_OR_REQUIRE(HttpResponse u, t.http->Send({.url = "http://h/x"}));
    CHECK(u.status == 429);
    CHECK(t.script->requests().size() == 1);
  }

  TEST_CASE("POST is retried only when the server says it did not act") {
    Stack s;
    s.script->Script(absl::DeadlineExceededError("slow"));
    CHECK_STATUS_IS(s.http->Send({.method = "POST", .url = "http://h/x"}),
                    kDeadlineExceeded);
    CHECK(s.script->requests().size() == 1);

    Stack t;
    t.script->Script(Status(500));
    t.script->Script(Status(200));
    ASSIGN_OR_REQUIRE(HttpResponse r,
                      t.http->Send({.method = "POST", .url = "http://h/x"}));
    CHECK(r.status == 500);

    Stack u;
    u.script->Script(Status(429, {{"Retry-After", "1"}}));
    u.script->Script(Status(200));
    ASSIGN_OR_REQUIRE(HttpResponse ok,
                      u.http->Send({.method = "POST", .url = "http://h/x"}));
    CHECK(ok.status == 200);

    Stack v({.retry_non_idempotent = true});
    v.script->Script(absl::UnavailableError("reset"));
    v.script->Script(Status(200));
    CHECK_OK(v.http->Send({.method = "POST", .url = "http://h/x"}).status());
  }

  TEST_CASE("backoff is capped and jitter stays within its band") {
    ManualClock clock(absl::FromUnixSeconds(0));
    auto fake = std::make_unique<ScriptedHttpClient>();
    fake->Script(Status(502));
    auto http = NewRetryingHttpClient(std::move(fake),
                                      {.clock = &clock,
                                       .max_attempts = 6,
                                       .initial_backoff = absl::Seconds(1),
                                       .max_backoff = absl::Seconds(4),
                                       .jitter = 0.5,
                                       .seed = 42});
    CHECK_OK(http->Send({.url = "http://h/x"}).status());
    // Nominal waits 1+2+4+4+4 = 15 s, each scaled by [0.5, 1.5].
    const absl::Duration elapsed = clock.Now() - absl::FromUnixSeconds(0);
    CHECK(elapsed >= absl::Seconds(7.5));
    CHECK(elapsed <= absl::Seconds(22.5));
    CHECK(elapsed != absl::Seconds(15));
  }
}

}  // namespace
}  // namespace botcore
