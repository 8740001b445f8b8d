#include "botcore/testing/scripted_http_server.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "absl/time/clock.h"
#include "botcore/adapters/http.h"
#include "support/status_testing.h"

namespace botcore::testing {
namespace {

TEST_SUITE("scripted_http_server") {
  TEST_CASE(
      "scripted answers come in order, the last repeats; the rest is 404") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    CHECK(server->port() > 0);
    server->Script("GET", "/a", {.status = 503, .body = "first"});
    server->Script("GET", "/a", {.body = "second"});
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    const std::string url = server->base_url() + "/a?x=1";
    ASSIGN_OR_REQUIRE(HttpResponse r1, http->Send({.url = url}));
    ASSIGN_OR_REQUIRE(HttpResponse r2, http->Send({.url = url}));
    ASSIGN_OR_REQUIRE(HttpResponse r3, http->Send({.url = url}));
    CHECK(r1.status == 503);
    CHECK(r2.body == "second");
    CHECK(r3.body == "second");
    ASSIGN_OR_REQUIRE(
        HttpResponse post,
        http->Send({.method = "POST", .url = server->base_url() + "/a"}));
    CHECK(post.status == 404);
    CHECK(post.body == "no route for POST /a");
    CHECK(server->requests().size() == 4);
    CHECK(server->requests("/a").size() == 4);
    CHECK(server->requests("/b").empty());
    CHECK(server->requests()[0].Param("x") == "1");
    server->Reset();
    CHECK(server->requests().empty());
    ASSIGN_OR_REQUIRE(HttpResponse gone, http->Send({.url = url}));
    CHECK(gone.status == 404);
  }

  TEST_CASE("handlers compute answers and replace scripts") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("PUT", "/echo", {.body = "scripted"});
    server->Handle("PUT", "/echo", [](const RecordedRequest& r) {
      return ScriptedResponse{
          .status = 201,
          .headers = {{"X-Length", std::to_string(r.body.size())}},
          .body = r.body,
          .content_type = "text/plain"};
    });
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    ASSIGN_OR_REQUIRE(HttpResponse r,
                      http->Send({.method = "PUT",
                                  .url = server->base_url() + "/echo",
                                  .body = "abc"}));
    CHECK(r.status == 201);
    CHECK(r.body == "abc");
    CHECK(FindHeader(r.headers, "X-Length") == "3");
    CHECK(FindHeader(r.headers, "Content-Type") == "text/plain");
  }
  TEST_CASE("query, form and multipart parameters are decoded") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("POST", "/form", {.body = "ok"});
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    REQUIRE_OK(http->Send({.method = "POST",
                           .url = server->base_url() + "/form?q=a%2Bb+c",
                           .headers = {{"Content-Type",
                                        "application/x-www-form-urlencoded"}},
                           .body = "chat_id=42&text=caf%C3%A9+au+lait&empty="})
                   .status());
    const std::string multipart =
        "--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n"
        "GAZP\r\n--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; "
        "filename=\"a.png\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        "\x89PNG\r\n\r\n--XyZ--\r\n";
    REQUIRE_OK(http->Send({.method = "POST",
                           .url = server->base_url() + "/form",
                           .headers = {{"Content-Type",
                                        "multipart/form-data; boundary=XyZ"}},
                           .body = multipart})
                   .status());
    const std::vector<RecordedRequest> requests = server->requests("/form");
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].Param("q") == "a+b c");
    CHECK(requests[0].Param("chat_id") == "42");
    CHECK(requests[0].Param("text") == "caf\xC3\xA9 au lait");
    CHECK(requests[0].Param("empty") == "");
    CHECK(requests[1].Param("caption") == "GAZP");
    CHECK(requests[1].Param("photo") == "\x89PNG\r\n");
    CHECK(requests[1].body == multipart);
  }

  TEST_CASE("HEAD gets the headers only; the connection is kept alive") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("HEAD", "/h", {.body = "twelve bytes"});
    server->Script("GET", "/h", {.body = "twelve bytes"});
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    ASSIGN_OR_REQUIRE(
        HttpResponse head,
        http->Send({.method = "HEAD", .url = server->base_url() + "/h"}));
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(FindHeader(head.headers, "Content-Length") == "12");
    ASSIGN_OR_REQUIRE(HttpResponse get,
                      http->Send({.url = server->base_url() + "/h"}));
    CHECK(get.body == "twelve bytes");
    const std::vector<RecordedRequest> requests = server->requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].remote_port == requests[1].remote_port);
  }

  TEST_CASE("a delayed answer holds up only its own connection") {
    ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
    server->Script("GET", "/slow", {.body = "slow", .delay = absl::Hours(1)});
    server->Script("GET", "/fast", {.body = "fast"});
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    std::atomic<bool> slow_done{false};
    absl::StatusOr<HttpResponse> slow;
    std::thread waiting([&] {
      slow = http->Send(
          {.url = server->base_url() + "/slow", .timeout = absl::Seconds(5)});
      slow_done = true;
    });
    while (server->requests("/slow").empty()) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    // A server that answered in turn would never get to this one.
    ASSIGN_OR_REQUIRE(HttpResponse fast,
                      http->Send({.url = server->base_url() + "/fast",
                                  .timeout = absl::Seconds(4)}));
    CHECK(fast.body == "fast");
    CHECK_FALSE(slow_done.load());
    waiting.join();
    CHECK_STATUS_IS(slow, kDeadlineExceeded);
  }
}

}  // namespace
}  // namespace botcore::testing
