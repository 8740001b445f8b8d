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
  ManualClock clock{absl::FromUnixSeconds(1000)};
  ScriptedHttpClient* script = nullptr;
  std::unique_ptr<HttpClient> http;

  explicit Stack(int max_entries = 1024) {
    auto fake = std::make_unique<ScriptedHttpClient>();
    script = fake.get();
    http = NewCachingHttpClient(std::move(fake), {.clock = &clock,
                                                  .ttl = absl::Minutes(15),
                                                  .max_entries = max_entries});
  }
};

TEST_SUITE("caching_http_client") {
  TEST_CASE("a GET is served from the cache until the TTL passes") {
    Stack s;
    s.script->Script(HttpResponse{.status = 200, .body = "first"});
    s.script->Script(HttpResponse{.status = 200, .body = "second"});
    ASSIGN_OR_REQUIRE(HttpResponse a, s.http->Send({.url = "http://h/a"}));
    s.clock.Advance(absl::Minutes(14));
    ASSIGN_OR_REQUIRE(HttpResponse b, s.http->Send({.url = "http://h/a"}));
    CHECK(a.body == "first");
    CHECK(b.body == "first");
    CHECK(s.script->requests().size() == 1);
    s.clock.Advance(absl::Minutes(1));
    ASSIGN_OR_REQUIRE(HttpResponse c, s.http->Send({.url = "http://h/a"}));
    CHECK(c.body == "second");
    CHECK(s.script->requests().size() == 2);
  }

  TEST_CASE("URLs and headers are part of the key") {
    Stack s;
    s.script->Script(HttpResponse{.status = 200});
    REQUIRE_OK(s.http->Send({.url = "http://h/a"}).status());
    REQUIRE_OK(s.http->Send({.url = "http://h/a?x=1"}).status());
    REQUIRE_OK(
        s.http->Send({.url = "http://h/a", .headers = {{"Accept", "text/csv"}}})
            .status());
    CHECK(s.script->requests().size() == 3);
  }

  TEST_CASE("errors, non-2xx and POST are not cached") {
    Stack s;
    s.script->Script(absl::UnavailableError("down"));
    s.script->Script(HttpResponse{.status = 500});
    s.script->Script(HttpResponse{.status = 200});
    CHECK_STATUS_IS(s.http->Send({.url = "http://h/a"}), kUnavailable);
    ASSIGN_OR_REQUIRE(HttpResponse r500, s.http->Send({.url = "http://h/a"}));
    CHECK(r500.status == 500);
    ASSIGN_OR_REQUIRE(HttpResponse r200, s.http->Send({.url = "http://h/a"}));
    CHECK(r200.status == 200);
    REQUIRE_OK(s.http->Send({.method = "POST", .url = "http://h/a"}).status());
    REQUIRE_OK(s.http->Send({.method = "POST", .url = "http://h/a"}).status());
    CHECK(s.script->requests().size() == 5);
  }

  TEST_CASE("only responses the cacheable predicate accepts are kept") {
    ManualClock clock;
    auto fake = std::make_unique<ScriptedHttpClient>();
    ScriptedHttpClient* script = fake.get();
    script->Script(HttpResponse{.status = 200, .body = "error"});
    script->Script(HttpResponse{.status = 200, .body = "good"});
    auto http = NewCachingHttpClient(
        std::move(fake),
        {.clock = &clock,
         .cacheable = [](const HttpResponse& r) { return r.body == "good"; }});
    for (int i = 0; i < 4; ++i)
      REQUIRE_OK(http->Send({.url = "http://h/a"}).status());
    CHECK(script->requests().size() == 2);
  }

  TEST_CASE("the oldest entry is evicted beyond max_entries") {
    Stack s(2);
    s.script->Script(HttpResponse{.status = 200});
    for (const char* url : {"http://h/1", "http://h/2", "http://h/3"}) {
      REQUIRE_OK(s.http->Send({.url = url}).status());
    }
    REQUIRE_OK(s.http->Send({.url = "http://h/3"}).status());
    CHECK(s.script->requests().size() == 3);
    REQUIRE_OK(s.http->Send({.url = "http://h/1"}).status());
    CHECK(s.script->requests().size() == 4);
  }
}

}  // namespace
}  // namespace botcore
