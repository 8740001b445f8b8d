// A JSON-RPC node for BscChainClient tests: a ScriptedHttpServer on
// 127.0.0.1 that answers POST /rpc by the request's method, from recorded
// payloads (their id replaced by the request's, as a node echoes it) or from
// a handler, e.g. one serving a SimulatedChain.

#ifndef BOTCORE_TESTS_ADAPTERS_JSON_RPC_NODE_H_
#define BOTCORE_TESTS_ADAPTERS_JSON_RPC_NODE_H_

#include <doctest/doctest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "adapters/json.h"
#include "botcore/testing/scripted_http_server.h"
#include "botcore/testing/simulated_chain.h"
#include "support/status_testing.h"

namespace botcore::testing {

// `body` with its "id" set to `id`; bodies that are not a JSON object
// (truncated, HTML) come back unchanged.
inline std::string WithId(const std::string& body, int64_t id) {
  rapidjson::Document doc;
  if (!internal::ParseJson(body, &doc).empty() || !doc.IsObject()) return body;
  if (doc.HasMember("id")) doc["id"].SetInt64(id);
  rapidjson::StringBuffer out;
  internal::JsonWriter writer(out);
  doc.Accept(writer);
  return std::string(out.GetString(), out.GetSize());
}

// The "response" of an erigon rpc-tests file ([{"request", "response"}]).
inline std::string RpcTestResponse(const std::string& file) {
  rapidjson::Document doc;
  REQUIRE(internal::ParseJson(file, &doc).empty());
  REQUIRE(doc.IsArray());
  rapidjson::StringBuffer out;
  internal::JsonWriter writer(out);
  doc[0]["response"].Accept(writer);
  return std::string(out.GetString(), out.GetSize());
}

// A quantity as a node writes it.
inline std::string Hex(uint64_t n) { return absl::StrFormat("\"0x%x\"", n); }

class JsonRpcNode {
 public:
  // The params of a call; answers are built from them.
  using Handler = std::function<ScriptedResponse(const rapidjson::Value&)>;

  JsonRpcNode() {
    ASSIGN_OR_REQUIRE(server_, ScriptedHttpServer::Start());
    server_->Handle("POST", "/rpc", [this](const RecordedRequest& request) {
      rapidjson::Document doc;
      if (!internal::ParseJson(request.body, &doc).empty() || !doc.IsObject() ||
          !doc.HasMember("method") || !doc.HasMember("id")) {
        return ScriptedResponse{.status = 400, .body = "bad request"};
      }
      const std::string method = doc["method"].GetString();
      const int64_t id = doc["id"].GetInt64();
      const rapidjson::Value& params = doc["params"];
      absl::MutexLock lock(&mu_);
      methods_.push_back(method);
      if (method == "eth_getLogs") {
        ranges_.emplace_back(
            std::stoull(params[0]["fromBlock"].GetString(), nullptr, 16),
            std::stoull(params[0]["toBlock"].GetString(), nullptr, 16));
      }
      ScriptedResponse response;
      if (auto h = handlers_.find(method); h != handlers_.end()) {
        response = h->second(params);
      } else if (auto a = answers_.find(method);
                 a != answers_.end() && !a->second.empty()) {
        response = a->second.front();
        if (a->second.size() > 1) a->second.pop_front();
      } else {
        return ScriptedResponse{.status = 404,
                                .body = "no answer for " + method};
      }
      response.body = WithId(response.body, id);
      return response;
    });
  }

  std::string url() const { return server_->base_url() + "/rpc"; }
  ScriptedHttpServer& server() { return *server_; }

  // Appends an answer to `method`; the last one repeats.
  void Answer(const std::string& method, ScriptedResponse response) {
    absl::MutexLock lock(&mu_);
    answers_[method].push_back(std::move(response));
  }
  void Answer(const std::string& method, const std::string& body) {
    Answer(method, ScriptedResponse{.body = body});
  }

  // Answers `method` from its params, replacing any answers.
  void Handle(const std::string& method, Handler handler) {
    absl::MutexLock lock(&mu_);
    handlers_[method] = std::move(handler);
  }

  // Answers eth_chainId, eth_blockNumber, eth_getBlockByNumber and
  // eth_getLogs from `chain` (not owned), as a real node would.
  void Serve(SimulatedChain* chain) {
    Handle("eth_chainId", [chain](const rapidjson::Value&) {
      return Result(Hex(*chain->ChainId()));
    });
    Handle("eth_blockNumber", [chain](const rapidjson::Value&) {
      return Result(Hex(*chain->BlockNumber()));
    });
    Handle("eth_getBlockByNumber", [chain](const rapidjson::Value& params) {
      auto header = *chain->HeaderByNumber(
          std::stoull(params[0].GetString(), nullptr, 16));
      if (!header.has_value()) return Result("null");
      return Result(absl::StrCat(
          R"({"number":)", Hex(header->number), R"(,"hash":")", header->hash,
          R"(","parentHash":")", header->parent_hash,
          R"(","miner":"0x0000000000000000000000000000000000000000"})"));
    });
    Handle("eth_getLogs", [chain](const rapidjson::Value& params) {
      const rapidjson::Value& f = params[0];
      TransferLogFilter filter;
      filter.token = f["address"].GetString();
      filter.token_scale = 18;
      filter.from_block = std::stoull(f["fromBlock"].GetString(), nullptr, 16);
      filter.to_block = std::stoull(f["toBlock"].GetString(), nullptr, 16);
      for (const auto& topic : f["topics"][2].GetArray()) {
        filter.to.push_back(
            absl::StrCat("0x", std::string(topic.GetString()).substr(26)));
      }
      absl::StatusOr<std::vector<TransferLog>> found =
          chain->TransferLogs(filter);
      if (!found.ok()) {
        return ScriptedResponse{.status = 500,
                                .body = found.status().ToString()};
      }
      std::vector<std::string> logs;
      for (const TransferLog& log : *found) {
        const absl::uint128 units =
            static_cast<absl::uint128>(log.amount.units());
        logs.push_back(absl::StrCat(
            R"({"address":")", log.token,
            R"(","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef","0x000000000000000000000000)",
            log.from.substr(2), R"(","0x000000000000000000000000)",
            log.to.substr(2), R"("],"data":"0x)",
            absl::StrFormat("%032x%016x%016x", 0, absl::Uint128High64(units),
                            absl::Uint128Low64(units)),
            R"(","blockNumber":)", Hex(log.block_number), R"(,"blockHash":")",
            log.block_hash, R"(","transactionHash":")", log.tx_hash,
            R"(","transactionIndex":"0x0","logIndex":)", Hex(log.log_index),
            R"(,"removed":false})"));
      }
      return Result(absl::StrCat("[", absl::StrJoin(logs, ","), "]"));
    });
  }

  // Methods asked for, in order.
  std::vector<std::string> methods() const {
    absl::MutexLock lock(&mu_);
    return methods_;
  }
  // The [fromBlock, toBlock] of every eth_getLogs asked for, in order.
  std::vector<std::pair<uint64_t, uint64_t>> log_ranges() const {
    absl::MutexLock lock(&mu_);
    return ranges_;
  }

  // A response with `result` (JSON text).
  static ScriptedResponse Result(const std::string& result) {
    return ScriptedResponse{
        .body =
            absl::StrCat(R"({"jsonrpc":"2.0","id":0,"result":)", result, "}")};
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::deque<ScriptedResponse>> answers_;
  std::map<std::string, Handler> handlers_;
  std::vector<std::string> methods_;
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;
  // Last: destroyed first, so no request runs against the members above.
  std::unique_ptr<ScriptedHttpServer> server_;
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_ADAPTERS_JSON_RPC_NODE_H_
