// HTTP round trips per second between the libcurl client and a loopback
// server (testing::ScriptedHttpServer), with and without connection reuse.

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "botcore/adapters/http.h"
#include "botcore/testing/scripted_http_server.h"

namespace botcore {
namespace {

void RoundTrips(benchmark::State& state, bool keep_alive) {
  auto server = testing::ScriptedHttpServer::Start();
  if (!server.ok()) {
    state.SkipWithError("cannot start the loopback server");
    return;
  }
  testing::ScriptedResponse reply;
  reply.body = R"({"ok":true,"result":[]})";
  (*server)->Script("GET", "/ping", reply);
  HttpRequest request;
  request.url = (*server)->base_url() + "/ping";
  auto client = NewCurlHttpClient({});
  for (auto _ : state) {
    if (!keep_alive) client = NewCurlHttpClient({});
    absl::StatusOr<HttpResponse> response = (*client)->Send(request);
    if (!response.ok() || response->status != 200) {
      state.SkipWithError("round trip failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RoundTripKeepAlive(benchmark::State& state) { RoundTrips(state, true); }
BENCHMARK(BM_RoundTripKeepAlive)->UseRealTime();

void BM_RoundTripNewConnection(benchmark::State& state) {
  RoundTrips(state, false);
}
BENCHMARK(BM_RoundTripNewConnection)->UseRealTime();

}  // namespace
}  // namespace botcore

BENCHMARK_MAIN();
