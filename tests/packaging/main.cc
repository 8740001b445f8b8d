// Uses the installed botcore the way an application would.

#include <iostream>
#include <memory>
#include <string>

#include "botcore/adapters/http.h"
#include "botcore/adapters/storage.h"
#include "botcore/core/amount.h"
#include "botcore/runtime/operations_server.h"
#include "botcore/testing/scripted_http_server.h"
#include "botcore/version.h"

int main() {
  absl::StatusOr<botcore::Amount> price = botcore::Amount::Parse("227.35", 2);
  if (!price.ok() || price->ToString() != "227.35") {
    std::cerr << "Amount round trip failed\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<botcore::Database>> db =
      botcore::OpenDatabase("sqlite::memory:");
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  // libcurl (botcore::adapters) and the scripted server (botcore::testing)
  // link.
  auto server = botcore::testing::ScriptedHttpServer::Start();
  auto http = botcore::NewCurlHttpClient({});
  if (!server.ok() || !http.ok()) {
    std::cerr << "cannot start the HTTP server or client\n";
    return 1;
  }
  botcore::testing::ScriptedResponse pong;
  pong.body = "pong";
  (*server)->Script("GET", "/ping", pong);
  botcore::HttpRequest ping;
  ping.url = (*server)->base_url() + "/ping";
  absl::StatusOr<botcore::HttpResponse> response = (*http)->Send(ping);
  if (!response.ok() || response->body != "pong") {
    std::cerr << "HTTP round trip failed\n";
    return 1;
  }
  // prometheus-cpp (botcore::runtime) and cpp-httplib (botcore::assembly)
  // link.
  botcore::BotMetrics metrics;
  metrics.OnUpdateHandled("", absl::Milliseconds(1), false);
  botcore::OperationsServerOptions ops;
  ops.port = 0;
  ops.metrics = &metrics;
  auto ops_server = botcore::OperationsServer::Start(ops);
  if (!ops_server.ok()) {
    std::cerr << ops_server.status() << "\n";
    return 1;
  }
  ping.url =
      "http://127.0.0.1:" + std::to_string((*ops_server)->port()) + "/metrics";
  response = (*http)->Send(ping);
  if (!response.ok() ||
      response->body.find("botcore_updates_handled_total 1") ==
          std::string::npos) {
    std::cerr << "metrics round trip failed\n";
    return 1;
  }
  std::cout << "botcore " << botcore::kVersion << " consumer OK\n";
  return 0;
}
