#include "botcore/testing/scripted_http_server.h"

#include <doctest/doctest.h>

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
}

}  // namespace
}  // namespace botcore::testing
