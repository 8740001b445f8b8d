#include <doctest/doctest.h>
#include <stdlib.h>

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "adapters/callback_outcomes.h"
#include "botcore/adapters/http.h"
#include "botcore/testing/manual_clock.h"
#include "botcore/testing/scripted_http_server.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

using testing::ScriptedHttpServer;
using testing::ScriptedResponse;

std::unique_ptr<HttpClient> NewClient(CurlHttpClientOptions options = {}) {
  absl::StatusOr<std::unique_ptr<HttpClient>> client =
      NewCurlHttpClient(options);
  REQUIRE_OK(client.status());
  return *std::move(client);
}

TEST_SUITE("curl_http_client") {
  TEST_CASE("GET returns status, headers and body") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("GET", "/hello",
                   {.headers = {{"X-Answer", "42"}}, .body = R"({"ok":true})"});
    auto http = NewClient();
    ASSIGN_OR_REQUIRE(
        HttpResponse response,
        http->Send({.url = server->base_url() + "/hello?a=1%202"}));
    CHECK(response.status == 200);
    CHECK(response.body == R"({"ok":true})");
    CHECK(FindHeader(response.headers, "x-answer") == "42");
    CHECK(FindHeader(response.headers, "Content-Type") == "application/json");
    REQUIRE(server->requests().size() == 1);
    CHECK(server->requests()[0].Param("a") == "1 2");
    CHECK(FindHeader(server->requests()[0].headers, "User-Agent") == "botcore");
  }

  TEST_CASE("POST sends body and headers") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("POST", "/echo", {.status = 201, .body = "created"});
    auto http = NewClient();
    ASSIGN_OR_REQUIRE(
        HttpResponse response,
        http->Send({.method = "POST",
                    .url = server->base_url() + "/echo",
                    .headers = {{"Content-Type", "application/json"},
                                {"Authorization", "Bearer s3cret"}},
                    .body = R"({"x":1})"}));
    CHECK(response.status == 201);
    const testing::RecordedRequest request = server->requests().at(0);
    CHECK(request.body == R"({"x":1})");
    CHECK(FindHeader(request.headers, "Authorization") == "Bearer s3cret");
    CHECK_FALSE(FindHeader(request.headers, "Expect").has_value());
  }

  TEST_CASE("error statuses are responses, not errors") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("GET", "/down", {.status = 503, .body = "busy"});
    auto http = NewClient();
    ASSIGN_OR_REQUIRE(HttpResponse down,
                      http->Send({.url = server->base_url() + "/down"}));
    CHECK(down.status == 503);
    ASSIGN_OR_REQUIRE(HttpResponse missing,
                      http->Send({.url = server->base_url() + "/nothing"}));
    CHECK(missing.status == 404);
  }

  TEST_CASE("sequential requests reuse one kept-alive connection") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("GET", "/x", {.body = "x"});
    auto http = NewClient();
    for (int i = 0; i < 5; ++i) {
      REQUIRE_OK(http->Send({.url = server->base_url() + "/x"}).status());
    }
    const auto requests = server->requests();
    REQUIRE(requests.size() == 5);
    for (const auto& r : requests)
      CHECK(r.remote_port == requests[0].remote_port);
  }

  TEST_CASE(
      "one kept-alive handle carries nothing from one request to the next") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("POST", "/r", {.body = "posted"});
    server->Script("GET", "/r", {.body = "got"});
    server->Script("HEAD", "/r", {.body = "unseen"});
    server->Script("DELETE", "/r", {.body = "deleted"});
    auto http = NewClient({.user_agent = "client-agent"});
    const std::string url = server->base_url() + "/r";
    ASSIGN_OR_REQUIRE(HttpResponse posted,
                      http->Send({.method = "POST",
                                  .url = url,
                                  .headers = {{"User-Agent", "own-agent"},
                                              {"Content-Type", "text/plain"}},
                                  .body = "payload"}));
    CHECK(posted.body == "posted");
    ASSIGN_OR_REQUIRE(HttpResponse got, http->Send({.url = url}));
    CHECK(got.body == "got");
    ASSIGN_OR_REQUIRE(HttpResponse head,
                      http->Send({.method = "HEAD", .url = url}));
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    ASSIGN_OR_REQUIRE(HttpResponse got_again, http->Send({.url = url}));
    CHECK(got_again.body == "got");
    ASSIGN_OR_REQUIRE(HttpResponse deleted,
                      http->Send({.method = "DELETE", .url = url}));
    CHECK(deleted.body == "deleted");
    ASSIGN_OR_REQUIRE(HttpResponse got_last, http->Send({.url = url}));
    CHECK(got_last.body == "got");
    const auto requests = server->requests();
    REQUIRE(requests.size() == 6);
    const char* methods[] = {"POST", "GET", "HEAD", "GET", "DELETE", "GET"};
    for (size_t i = 0; i < requests.size(); ++i) {
      CAPTURE(i);
      CHECK(requests[i].method == methods[i]);
      CHECK(requests[i].remote_port == requests[0].remote_port);
      CHECK(FindHeader(requests[i].headers, "User-Agent") ==
            (i == 0 ? "own-agent" : "client-agent"));
      if (requests[i].method == "GET" || requests[i].method == "HEAD") {
        CHECK_FALSE(FindHeader(requests[i].headers, "Content-Type"));
        CHECK_FALSE(FindHeader(requests[i].headers, "Content-Length"));
      }
      CHECK(requests[i].body == (i == 0 ? "payload" : ""));
    }
  }

  TEST_CASE(
      "a slow response past the timeout is kDeadlineExceeded, token hidden") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    const std::string path = "/bot123456:AAH-secret_token/getUpdates";
    server->Script("GET", path, {.body = "{}", .delay = absl::Seconds(1)});
    auto http = NewClient({.total_timeout = absl::Milliseconds(100)});
    absl::StatusOr<HttpResponse> response =
        http->Send({.url = server->base_url() + path});
    CHECK_STATUS_IS(response, kDeadlineExceeded);
    const std::string message(response.status().message());
    CHECK_FALSE(absl::StrContains(message, "AAH-secret_token"));
    // Only the method and scheme://host:port: any path may hold a secret.
    CHECK(absl::StrContains(message, "GET " + server->base_url() + ":"));
    CHECK_FALSE(absl::StrContains(message, "getUpdates"));
    // A per-request timeout overrides the client's.
    CHECK_OK(http->Send({.url = server->base_url() + path,
                         .timeout = absl::Seconds(5)})
                 .status());
  }

  TEST_CASE("a refused connection is kUnavailable") {
    std::string url;
    {
      ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
      url = server->base_url() + "/gone";
    }
    auto http = NewClient();
    CHECK_STATUS_IS(http->Send({.url = url}), kUnavailable);
  }

  TEST_CASE("an API key in the path of a refused URL is not in the message") {
    auto http = NewClient();
    const absl::Status s =
        http->Send({.method = "POST",
                    .url = "http://u:pw@127.0.0.1:1/v3/SUPERSECRETKEY123?x=1"})
            .status();
    CHECK_STATUS_IS(s, kUnavailable);
    const std::string message(s.message());
    CHECK(absl::StartsWith(message, "POST http://127.0.0.1:1: "));
    CHECK_FALSE(absl::StrContains(message, "SUPERSECRETKEY123"));
    CHECK_FALSE(absl::StrContains(message, "pw"));
  }

  TEST_CASE("the http_proxy environment variable is honoured") {
    ASSIGN_OR_REQUIRE(auto proxy, ScriptedHttpServer::Start());
    // A proxy sees the absolute URL as the request target; the .invalid
    // host is never resolved, so nothing leaves 127.0.0.1.
    proxy->Handle("GET", "http://botcore-proxy-test.invalid/quote",
                  [](const testing::RecordedRequest&) {
                    return ScriptedResponse{.body = "via proxy"};
                  });
    REQUIRE(setenv("http_proxy", proxy->base_url().c_str(), 1) == 0);
    auto http = NewClient();
    absl::StatusOr<HttpResponse> response =
        http->Send({.url = "http://botcore-proxy-test.invalid/quote"});
    unsetenv("http_proxy");
    ASSIGN_OR_REQUIRE(HttpResponse r, std::move(response));
    CHECK(r.body == "via proxy");
  }

  TEST_CASE("bad URLs and methods are kInvalidArgument") {
    auto http = NewClient();
    CHECK_STATUS_IS(http->Send({.url = "ftp://127.0.0.1/x"}), kInvalidArgument);
    CHECK_STATUS_IS(http->Send({.url = "http://[::1"}), kInvalidArgument);
    CHECK_STATUS_IS(http->Send({.method = "GET X", .url = "http://127.0.0.1/"}),
                    kInvalidArgument);
  }

  // StartSend's answers, collected from the event-loop thread.
  using Answers = testing::CallbackOutcomes<HttpResponse>;

  TEST_CASE("StartSend: many requests in flight, each answered once") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Handle("POST", "/echo", [](const testing::RecordedRequest& r) {
      return ScriptedResponse{.body = "echo " + r.body,
                              .delay = absl::Milliseconds(20)};
    });
    auto http = NewClient({.max_idle_connections = 8});
    Answers answers;
    // Three times as many at once as the client keeps connections: the
    // others wait for one, and every request goes over one of eight.
    constexpr int kRequests = 24;
    for (int i = 0; i < kRequests; ++i) {
      http->StartSend({.method = "POST",
                       .url = server->base_url() + "/echo",
                       .headers = {{"Content-Type", "text/plain"}},
                       .body = std::to_string(i)},
                      answers.Callback(i));
    }
    const auto got = answers.WaitFor(kRequests);
    REQUIRE(got.size() == kRequests);
    for (const auto& [i, response] : got) {
      CAPTURE(i);
      REQUIRE_OK(response.status());
      CHECK(response->status == 200);
      CHECK(response->body == "echo " + std::to_string(i));
    }
    std::set<int> ports;
    for (const auto& r : server->requests()) ports.insert(r.remote_port);
    CHECK(ports.size() <= 8);
    // Sequential sends still work beside the event loop.
    CHECK_STATUS_IS(http->Send({.url = server->base_url() + "/none"}), kOk);
  }

  TEST_CASE("StartSend: errors reach the callback with Send's codes") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    const std::string path = "/bot123456:AAH-secret_token/getUpdates";
    server->Script("GET", path, {.body = "{}", .delay = absl::Seconds(1)});
    std::string gone;
    {
      ASSIGN_OR_REQUIRE(auto closed, ScriptedHttpServer::Start());
      gone = closed->base_url() + "/gone";
    }
    auto http = NewClient();
    Answers answers;
    http->StartSend(
        {.url = server->base_url() + path, .timeout = absl::Milliseconds(100)},
        answers.Callback(0));
    http->StartSend({.url = gone}, answers.Callback(1));
    http->StartSend({.method = "GET X", .url = server->base_url()},
                    answers.Callback(2));
    const auto got = answers.WaitFor(3);
    REQUIRE(got.size() == 3);
    CHECK_STATUS_IS(got.at(0), kDeadlineExceeded);
    CHECK_FALSE(
        absl::StrContains(got.at(0).status().message(), "AAH-secret_token"));
    CHECK_STATUS_IS(got.at(1), kUnavailable);
    CHECK_STATUS_IS(got.at(2), kInvalidArgument);
  }

  TEST_CASE("StartSend: destroying the client fails what is in flight") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("GET", "/slow", {.body = "late", .delay = absl::Seconds(5)});
    auto http = NewClient();
    Answers answers;
    http->StartSend({.url = server->base_url() + "/slow"}, answers.Callback(0));
    absl::SleepFor(absl::Milliseconds(100));  // let it reach the server
    const absl::Time start = absl::Now();
    http.reset();
    const auto got = answers.WaitFor(1);
    REQUIRE(got.size() == 1);
    CHECK_STATUS_IS(got.at(0), kUnavailable);
    CHECK(absl::Now() - start < absl::Seconds(4));
  }

  TEST_CASE("StartSend of a decorator answers before it returns") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("GET", "/x", {.body = "x"});
    testing::ManualClock clock;
    ASSIGN_OR_REQUIRE(auto http, NewHttpClientStack(
                                     {.retry = RetryOptions{.clock = &clock}}));
    std::optional<absl::StatusOr<HttpResponse>> answer;
    http->StartSend(
        {.url = server->base_url() + "/x"},
        [&](absl::StatusOr<HttpResponse> r) { answer = std::move(r); });
    REQUIRE(answer.has_value());
    ASSIGN_OR_REQUIRE(HttpResponse r, std::move(*answer));
    CHECK(r.body == "x");
  }

  TEST_CASE("NewHttpClientStack: rate limit inside retries, cache outside") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("GET", "/quote", {.status = 503, .body = "busy"});
    server->Script("GET", "/quote", {.body = "fresh"});
    server->Script("GET", "/quote", {.body = "never fetched"});
    testing::ManualClock clock;
    ASSIGN_OR_REQUIRE(
        auto http,
        NewHttpClientStack(
            {.rate_limit =
                 RateLimitOptions{.clock = &clock, .requests_per_second = 1},
             .retry = RetryOptions{.clock = &clock,
                                   .initial_backoff = absl::Milliseconds(100),
                                   .jitter = 0},
             .cache = CacheOptions{.clock = &clock}}));
    const absl::Time start = clock.Now();
    ASSIGN_OR_REQUIRE(HttpResponse first,
                      http->Send({.url = server->base_url() + "/quote"}));
    CHECK(first.body == "fresh");
    // The retry after 100 ms backoff still waited for its token: the limiter
    // is inside the retries.
    CHECK(clock.Now() - start >= absl::Seconds(1));
    ASSIGN_OR_REQUIRE(HttpResponse second,
                      http->Send({.url = server->base_url() + "/quote"}));
    CHECK(second.body == "fresh");
    CHECK(server->requests().size() == 2);
  }

  TEST_CASE("NewHttpClientStack: no decorators is plain curl") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("GET", "/x", {.status = 503});
    ASSIGN_OR_REQUIRE(auto http, NewHttpClientStack({}));
    ASSIGN_OR_REQUIRE(HttpResponse r,
                      http->Send({.url = server->base_url() + "/x"}));
    CHECK(r.status == 503);
    CHECK(server->requests().size() == 1);
    CHECK_STATUS_IS(
        NewHttpClientStack({.curl = {.ca_bundle_path = "/nonexistent.pem"}})
            .status(),
        kInvalidArgument);
  }
}

}  // namespace
}  // namespace botcore
