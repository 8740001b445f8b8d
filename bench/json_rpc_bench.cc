// Parsing throughput of the eth_getLogs answer BscChainClient reads: the
// recorded 431-log Ethereum-mainnet Transfer response (blocks 16000000 to
// 16000003; fixtures/bsc/README.md), 274 kB.
//
//   build/bench/json_rpc_bench [--benchmark_repetitions=5]

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "adapters/bsc/json_rpc.h"

namespace botcore::internal {
namespace {

const std::string& Body() {
  static const std::string* body = [] {
    const std::string path =
        std::string(BOTCORE_SHARED_DIR) +
        "/fixtures/bsc/DERIVED_erigon_mainnet_eth_getLogs_Transfer_response_only.json";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      std::exit(1);
    }
    std::stringstream text;
    text << in.rdbuf();
    return new std::string(text.str());
  }();
  return *body;
}

TransferLogFilter Filter(const char* token, int scale) {
  TransferLogFilter f;
  f.token = token;
  f.token_scale = scale;
  f.from_block = 16000000;
  f.to_block = 16000003;
  return f;
}

// The JSON-RPC envelope and the whole DOM: RapidJSON's share.
void BM_ParseResponse(benchmark::State& state) {
  const std::string& body = Body();
  for (auto _ : state) {
    RpcResponse response;
    if (!ParseRpcResponse(body, 1, &response).ok()) state.SkipWithError("parse");
    benchmark::DoNotOptimize(response.result);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_ParseResponse);

// What TransferLogs does per answer: parse, then pick and decode the 46 USDT
// Transfers (6 decimals on Ethereum) among the 431 logs.
void BM_ParseAndDecodeUsdt(benchmark::State& state) {
  const std::string& body = Body();
  const TransferLogFilter filter =
      Filter("0xdac17f958d2ee523a2206206994597c13d831ec7", 6);
  size_t logs = 0;
  for (auto _ : state) {
    RpcResponse response;
    if (!ParseRpcResponse(body, 1, &response).ok()) state.SkipWithError("parse");
    absl::StatusOr<std::vector<TransferLog>> decoded =
        DecodeTransferLogs(*response.result, filter);
    if (!decoded.ok()) state.SkipWithError("decode");
    logs = decoded->size();
    benchmark::DoNotOptimize(decoded);
  }
  if (logs != 46) state.SkipWithError("expected 46 USDT logs");
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["logs"] = static_cast<double>(logs);
}
BENCHMARK(BM_ParseAndDecodeUsdt);

// The same with the busiest token (75 WETH Transfers, 18 decimals).
void BM_ParseAndDecodeWeth(benchmark::State& state) {
  const std::string& body = Body();
  const TransferLogFilter filter =
      Filter("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2", 18);
  size_t logs = 0;
  for (auto _ : state) {
    RpcResponse response;
    if (!ParseRpcResponse(body, 1, &response).ok()) state.SkipWithError("parse");
    absl::StatusOr<std::vector<TransferLog>> decoded =
        DecodeTransferLogs(*response.result, filter);
    if (!decoded.ok()) state.SkipWithError("decode");
    logs = decoded->size();
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["logs"] = static_cast<double>(logs);
}
BENCHMARK(BM_ParseAndDecodeWeth);

}  // namespace
}  // namespace botcore::internal

BENCHMARK_MAIN();
