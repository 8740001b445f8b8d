// BscChainClient against a JSON-RPC node on 127.0.0.1 replaying the
// recorded payloads in fixtures/bsc (see its README), over libcurl.

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/json_rpc_node.h"
#include "botcore/adapters/bsc.h"
#include "botcore/adapters/http.h"
#include "botcore/testing/manual_clock.h"
#include "botcore/testing/simulated_chain.h"
#include "support/fixtures.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

using testing::Hex;
using testing::JsonRpcNode;
using testing::ReadFixture;
using testing::RpcTestResponse;
using testing::ScriptedResponse;

constexpr uint64_t kGethTestChain = 0xc72dd9d5e883e;  // geth_eth_chainId.json
constexpr char kEthUsdt[] = "0xdac17f958d2ee523a2206206994597c13d831ec7";
constexpr char kTransfer[] =
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

std::string Fixture(const std::string& name) {
  return ReadFixture("bsc/" + name);
}

// The geth / erigon recordings are from a test chain and Ethereum mainnet;
// the client is configured for the chain of geth_eth_chainId.json.
struct Bsc {
  JsonRpcNode node;
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<BscChainClient> client;

  explicit Bsc(BscOptions options = {}, CurlHttpClientOptions curl = {},
               std::string url_suffix = "") {
    node.Answer("eth_chainId", Fixture("geth_eth_chainId.json"));
    ASSIGN_OR_REQUIRE(http, NewCurlHttpClient(curl));
    options.http = http.get();
    options.url = node.url() + url_suffix;
    if (options.chain_id == 56) options.chain_id = kGethTestChain;
    ASSIGN_OR_REQUIRE(client, BscChainClient::Create(options));
  }
};

TransferLogFilter EthUsdt(uint64_t from = 16000000, uint64_t to = 16000003) {
  TransferLogFilter f;
  f.token = kEthUsdt;
  f.token_scale = 6;
  f.from_block = from;
  f.to_block = to;
  return f;
}

// An eth_getLogs result holding one Transfer of `data` to `to`.
std::string OneTransfer(const std::string& data, uint64_t block = 7) {
  return absl::StrCat(
      R"({"jsonrpc":"2.0","id":1,"result":[{"address":"0x55d398326f99059ff775485246999027b3197955","topics":[")",
      kTransfer,
      R"(","0x000000000000000000000000d34d98b3026e0d1aa0b4da6fad1a6bce5027e205","0x0000000000000000000000003f71cee9a5fbb5e9cd21a058cfe10625c6210dc8"],"data":")",
      data, R"(","blockNumber":)", Hex(block),
      R"(,"blockHash":"0x3dc4ef568ae2635db1419c5fec55c4a9322c05302ae527cd40bff380c1d465dd","transactionHash":"0x874b2914d80bc191d245b283caa54f5e766e166761131d509b1427e1bbb3e8d3","transactionIndex":"0x68","logIndex":"0xc","removed":false}]})");
}

TransferLogFilter BscUsdt(uint64_t from = 0, uint64_t to = 10) {
  TransferLogFilter f;
  f.token = "0x55d398326f99059fF775485246999027B3197955";  // checksummed
  f.token_scale = 18;
  f.from_block = from;
  f.to_block = to;
  return f;
}

// Answers eth_getLogs with `refusal` when more than `limit` blocks are
// asked for, else with an empty result.
void RefuseAbove(JsonRpcNode& node, uint64_t limit, std::string refusal) {
  node.Handle("eth_getLogs", [limit, refusal](const rapidjson::Value& params) {
    const uint64_t from =
        std::stoull(params[0]["fromBlock"].GetString(), nullptr, 16);
    const uint64_t to =
        std::stoull(params[0]["toBlock"].GetString(), nullptr, 16);
    if (to - from + 1 > limit) return ScriptedResponse{.body = refusal};
    return JsonRpcNode::Result("[]");
  });
}

// Every block of [from, to] is in exactly one answered range, in order.
void CheckCovered(const std::vector<std::pair<uint64_t, uint64_t>>& ranges,
                  uint64_t limit, uint64_t from, uint64_t to) {
  uint64_t next = from;
  for (const auto& [a, b] : ranges) {
    if (b - a + 1 > limit) continue;  // refused
    CHECK(a == next);
    next = b + 1;
  }
  CHECK(next == to + 1);
}

TEST_SUITE("bsc_chain_client") {
  TEST_CASE("eth_chainId is checked against the configured chain, once") {
    Bsc bsc;
    ASSIGN_OR_REQUIRE(uint64_t id, bsc.client->ChainId());
    CHECK(id == kGethTestChain);
    bsc.node.Answer("eth_blockNumber", Fixture("geth_eth_blockNumber.json"));
    ASSIGN_OR_REQUIRE(uint64_t head, bsc.client->BlockNumber());
    CHECK(head == 0x36);
    CHECK(bsc.node.methods() ==
          std::vector<std::string>{"eth_chainId", "eth_blockNumber"});

    BscOptions bsc56;
    bsc56.chain_id = 57;  // not the node's chain
    Bsc wrong(bsc56);
    wrong.node.Answer("eth_blockNumber", Fixture("geth_eth_blockNumber.json"));
    const absl::Status s = wrong.client->BlockNumber().status();
    CHECK_STATUS_IS(s, kFailedPrecondition);
    CHECK(absl::StrContains(s.message(), "chain 3503995874084926"));
    CHECK(absl::StrContains(s.message(), "chain 57"));
    // Nothing but the chain id was asked: no answer of another chain is used.
    CHECK(wrong.node.methods() == std::vector<std::string>{"eth_chainId"});
  }

  TEST_CASE("BSC mainnet's chain id 0x38 is 56, the default") {
    // SYNTHETIC: no verbatim BSC eth_chainId recording; 0x38 per the README.
    JsonRpcNode node;
    node.Answer("eth_chainId", R"({"jsonrpc":"2.0","id":1,"result":"0x38"})");
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    BscOptions options;
    options.http = http.get();
    options.url = node.url();
    ASSIGN_OR_REQUIRE(auto client, BscChainClient::Create(options));
    ASSIGN_OR_REQUIRE(uint64_t id, client->ChainId());
    CHECK(id == 56);
  }

  TEST_CASE(
      "eth_getBlockByNumber: number, hash, parentHash; null is not found") {
    Bsc bsc;
    bsc.node.Answer(
        "eth_getBlockByNumber",
        RpcTestResponse(Fixture("erigon_mainnet_eth_getBlockByNumber_0x41b57c_"
                                "false.rpctest.json")));
    bsc.node.Answer(
        "eth_getBlockByNumber",
        RpcTestResponse(Fixture("erigon_mainnet_eth_getBlockByNumber_0x12C135B_"
                                "false.rpctest.json")));
    bsc.node.Answer("eth_getBlockByNumber",
                    Fixture("geth_eth_getBlockByNumber_notfound_null.json"));
    ASSIGN_OR_REQUIRE(std::optional<BlockHeader> old,
                      bsc.client->HeaderByNumber(4306300));
    REQUIRE(old.has_value());
    CHECK(old->number == 4306300);
    CHECK(old->hash ==
          "0x7d4be8d1616bbe4f702c003d1f7cfadc67329bc5e6a29873ae9d20ffc9b1334c");
    CHECK(absl::StartsWith(old->parent_hash, "0x00b19159"));
    // A 2024 header with blob fields: unknown fields are ignored.
    ASSIGN_OR_REQUIRE(std::optional<BlockHeader> blob,
                      bsc.client->HeaderByNumber(0x12C135B));
    REQUIRE(blob.has_value());
    CHECK(absl::StartsWith(blob->hash, "0xe1629604"));
    CHECK(absl::StartsWith(blob->parent_hash, "0x37eadf11"));
    ASSIGN_OR_REQUIRE(std::optional<BlockHeader> none,
                      bsc.client->HeaderByNumber(1000));
    CHECK(!none.has_value());
    const std::string body = bsc.node.server().requests().back().body;
    CHECK(absl::StrContains(
        body, R"("method":"eth_getBlockByNumber","params":["0x3e8",false])"));
  }

  TEST_CASE("a block other than the one asked for is an error") {
    Bsc bsc;
    bsc.node.Answer(
        "eth_getBlockByNumber",
        RpcTestResponse(Fixture("erigon_mainnet_eth_getBlockByNumber_0x41b57c_"
                                "false.rpctest.json")));
    CHECK_STATUS_IS(bsc.client->HeaderByNumber(7), kUnavailable);
  }

  TEST_CASE("the 431 recorded Transfer logs: the 46 USDT ones, exact amounts") {
    Bsc bsc;
    bsc.node.Answer(
        "eth_getLogs",
        Fixture(
            "DERIVED_erigon_mainnet_eth_getLogs_Transfer_response_only.json"));
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> logs,
                      bsc.client->TransferLogs(EthUsdt()));
    REQUIRE(logs.size() == 46);
    const TransferLog& first = logs[0];
    CHECK(first.block_number == 16000000);
    CHECK(first.log_index == 12);
    CHECK(first.tx_hash ==
          "0x874b2914d80bc191d245b283caa54f5e766e166761131d509b1427e1bbb3e8d3");
    CHECK(first.from == "0xd34d98b3026e0d1aa0b4da6fad1a6bce5027e205");
    CHECK(first.to == "0x3f71cee9a5fbb5e9cd21a058cfe10625c6210dc8");
    CHECK(first.token == kEthUsdt);
    CHECK(first.amount.ToString() == "487.929603");  // 0x1d153703 at 6 decimals
    for (size_t i = 1; i < logs.size(); ++i) {
      CHECK(std::pair(logs[i - 1].block_number, logs[i - 1].log_index) <
            std::pair(logs[i].block_number, logs[i].log_index));
    }
    // The request: the token, topic0, the range in hex.
    const std::string body = bsc.node.server().requests().back().body;
    CHECK(absl::StrContains(
        body,
        absl::StrCat(R"({"address":")", kEthUsdt, R"(","topics":[")", kTransfer,
                     R"("],"fromBlock":"0xf42400","toBlock":"0xf42403"})")));
  }

  TEST_CASE("recipients go into topic 2 and filter the answer") {
    Bsc bsc;
    bsc.node.Answer(
        "eth_getLogs",
        Fixture("DERIVED_erigon_mainnet_eth_getLogs_USDT_only.json"));
    TransferLogFilter f = EthUsdt();
    f.to = {"0x974CAA59e49682CDa0AD2bbE82983419A2ECC400"};
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> logs,
                      bsc.client->TransferLogs(f));
    CHECK(logs.size() == 5);
    for (const TransferLog& log : logs) {
      CHECK(log.to == "0x974caa59e49682cda0ad2bbe82983419a2ecc400");
    }
    CHECK(absl::StrContains(
        bsc.node.server().requests().back().body,
        absl::StrCat(
            R"("topics":[")", kTransfer,
            R"(",null,["0x000000000000000000000000974caa59e49682cda0ad2bbe82983419a2ecc400"]])")));
  }

  TEST_CASE("ERC-721 Transfers (4 topics, same topic0) are ignored") {
    Bsc bsc;
    bsc.node.Answer(
        "eth_getLogs",
        Fixture(
            "DERIVED_erigon_mainnet_eth_getLogs_Transfer_response_only.json"));
    TransferLogFilter f = EthUsdt();
    f.token = "0xb3b814ccd178de120687a9ad01c6886c56399198";  // 38 NFT transfers
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> logs,
                      bsc.client->TransferLogs(f));
    CHECK(logs.empty());
  }

  TEST_CASE("logs of other events of the token are ignored") {
    Bsc bsc;
    bsc.node.Answer("eth_getLogs",
                    Fixture("geth_eth_getLogs_contract_addr.json"));
    TransferLogFilter f = EthUsdt(1, 4);
    f.token = "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df";
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> logs,
                      bsc.client->TransferLogs(f));
    CHECK(logs.empty());
  }

  TEST_CASE("18-decimal amounts are exact up to 2^127 - 1 units") {
    // SYNTHETIC logs: the recorded BSC-shaped log with other data values.
    Bsc bsc;
    bsc.node.Answer("eth_getLogs",
                    OneTransfer("0x00000000000000000000000000000000000000000000"
                                "00000de0b6b3a7640000"));  // 10^18
    bsc.node.Answer("eth_getLogs",
                    OneTransfer("0x00000000000000000000000000000000000000000000"
                                "0042ed123b0bd8203a14"));
    bsc.node.Answer("eth_getLogs",
                    OneTransfer("0x000000000000000000000000000000007fffffffffff"
                                "ffffffffffffffffffff"));
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> one,
                      bsc.client->TransferLogs(BscUsdt()));
    REQUIRE(one.size() == 1);
    CHECK(one[0].amount == *Amount::Parse("1", 18));
    CHECK(one[0].amount.scale() == 18);
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> odd,
                      bsc.client->TransferLogs(BscUsdt()));
    REQUIRE(odd.size() == 1);
    // 0x42ed123b0bd8203a14 = 1234567890123456789012 units (past 2^64).
    CHECK(odd[0].amount.ToString() == "1234.567890123456789012");
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> max,
                      bsc.client->TransferLogs(BscUsdt()));
    REQUIRE(max.size() == 1);
    CHECK(max[0].amount.units() == absl::Int128Max());
  }

  TEST_CASE("values of 2^127 and more are rejected, naming the value") {
    for (const char* data :
         {"0x0000000000000000000000000000000080000000000000000000000000000000",
          "0x0000000000000000000000000000000100000000000000000000000000000000",
          "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
          "f"}) {
      CAPTURE(data);
      Bsc bsc;
      bsc.node.Answer("eth_getLogs", OneTransfer(data));
      const absl::Status s = bsc.client->TransferLogs(BscUsdt()).status();
      CHECK_STATUS_IS(s, kOutOfRange);
      CHECK(absl::StrContains(s.message(), "does not fit a 128-bit Amount"));
      CHECK(absl::StrContains(s.message(), "0x874b2914"));  // the tx
    }
  }

  TEST_CASE("malformed log data is an error, not a zero") {
    for (const char* data : {"0x", "0x1d153703",
                                    "0x0000000000000000000000000000000000000000"
                                    "00000000000000000000000g"}) {
      CAPTURE(data);
      Bsc bsc;
      bsc.node.Answer("eth_getLogs", OneTransfer(data));
      CHECK_STATUS_IS(bsc.client->TransferLogs(BscUsdt()), kUnavailable);
    }
  }

  TEST_CASE(
      "range errors shrink the range and the same blocks are asked again") {
    struct Refusal {
      std::string name;
      std::string body;
    };
    const std::vector<Refusal> refusals = {
        {"bsc dataseed -32005 limit exceeded",
         Fixture("bsc_dataseed_error_-32005_limit_exceeded_eth_getLogs.json")},
        {"infura -32005 more than 1000 results",
         Fixture("infura_error_-32005_query_returned_more_than_1000_results_"
                 "2019.json")},
        {"zetachain -32000 more than 10000 results",
         Fixture("zetachain_error_-32000_query_returned_more_than_10000_"
                 "results.json")},
        {"infura -32005 more than 10000 results (error object only: put in an "
         "envelope)",
         absl::StrCat(R"({"jsonrpc":"2.0","id":1,"error":)",
                      Fixture("infura_error_OBJECT_ONLY_-32005_more_than_10000_"
                              "results.json"),
                      "}")},
    };
    for (const Refusal& refusal : refusals) {
      CAPTURE(refusal.name);
      BscOptions options;
      options.max_block_range = 5000;
      options.grow_after = 2;
      Bsc bsc(options);
      RefuseAbove(bsc.node, 1000, refusal.body);
      ASSIGN_OR_REQUIRE(std::vector<TransferLog> logs,
                        bsc.client->TransferLogs(BscUsdt(100, 10099)));
      CHECK(logs.empty());
      const auto ranges = bsc.node.log_ranges();
      // 5000 and 2500 and 1250 refused, then 625 at a time, growing back
      // to 1250 (refused again) after two answers.
      REQUIRE(ranges.size() >= 5);
      CHECK(ranges[0] == std::pair<uint64_t, uint64_t>(100, 5099));
      CHECK(ranges[1] == std::pair<uint64_t, uint64_t>(100, 2599));
      CHECK(ranges[2] == std::pair<uint64_t, uint64_t>(100, 1349));
      CHECK(ranges[3] == std::pair<uint64_t, uint64_t>(100, 724));
      CheckCovered(ranges, 1000, 100, 10099);
      CHECK(bsc.client->log_block_range() <
            5000);  // remembered for the next call
    }
  }

  TEST_CASE("a limit named by the node is used at once") {
    BscOptions options;
    options.max_block_range = 1000000;
    Bsc bsc(options);
    RefuseAbove(bsc.node, 10000,
                Fixture("infura_error_-32602_block_range_exceeds_limit.json"));
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> logs,
                      bsc.client->TransferLogs(BscUsdt(0, 999999)));
    const auto ranges = bsc.node.log_ranges();
    REQUIRE(ranges.size() >= 2);
    CHECK(ranges[0] == std::pair<uint64_t, uint64_t>(0, 999999));
    CHECK(ranges[1] == std::pair<uint64_t, uint64_t>(0, 9999));
    CheckCovered(ranges, 10000, 0, 999999);
  }

  TEST_CASE("Alchemy, QuickNode and geth-fork range limits: logs are found") {
    // Before these were recognised, every eth_getLogs of a DepositEngine
    // sync failed and no deposit was ever seen.
    struct Provider {
      std::string name;
      int status;
      std::function<std::string(uint64_t from)> refusal;
    };
    const std::vector<Provider> providers = {
        {"alchemy -32600", 200,
         [](uint64_t from) {
           return absl::StrCat(
               R"({"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"You can make eth_getLogs requests with up to a 500 block range. Based on your parameters, this block range should work: [)",
               absl::StrFormat("0x%x, 0x%x", from, from + 499), R"(]"}})");
         }},
        {"quicknode -32614", 413,
         [](uint64_t) {
           return std::string(
               R"({"jsonrpc":"2.0","id":1,"error":{"code":-32614,"message":"eth_getLogs is limited to a 500 range"}})");
         }},
        {"geth-derived -32000", 200,
         [](uint64_t) {
           return std::string(
               R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"block range is larger than max block range, max block range = 500"}})");
         }},
    };
    for (const Provider& p : providers) {
      CAPTURE(p.name);
      BscOptions options;
      options.max_block_range = 5000;
      Bsc bsc(options);
      bsc.node.Handle("eth_getLogs", [&p](const rapidjson::Value& params) {
        const uint64_t from =
            std::stoull(params[0]["fromBlock"].GetString(), nullptr, 16);
        const uint64_t to =
            std::stoull(params[0]["toBlock"].GetString(), nullptr, 16);
        if (to - from + 1 > 500) {
          return ScriptedResponse{.status = p.status, .body = p.refusal(from)};
        }
        if (from <= 1234 && 1234 <= to) {
          return ScriptedResponse{
              .body = OneTransfer("0x0000000000000000000000000000000000000000"
                                  "000000000de0b6b3a7640000",
                                  1234)};
        }
        return JsonRpcNode::Result("[]");
      });
      ASSIGN_OR_REQUIRE(std::vector<TransferLog> logs,
                        bsc.client->TransferLogs(BscUsdt(0, 1999)));
      REQUIRE(logs.size() == 1);
      CHECK(logs[0].block_number == 1234);
      CHECK(logs[0].amount == *Amount::Parse("1", 18));
      const auto ranges = bsc.node.log_ranges();
      REQUIRE(ranges.size() == 5);  // 2000 refused, then 500 at a time
      CHECK(ranges[1] == std::pair<uint64_t, uint64_t>(0, 499));
      CheckCovered(ranges, 500, 0, 1999);
    }
  }

  TEST_CASE("a range suggested in error.data is used") {
    // SYNTHETIC: the README notes providers that add data {from, to}.
    BscOptions options;
    options.max_block_range = 5000;
    Bsc bsc(options);
    RefuseAbove(
        bsc.node, 300,
        R"({"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"query returned more than 10000 results","data":{"from":"0x0","to":"0x12b"}}})");
    ASSIGN_OR_REQUIRE(std::vector<TransferLog> logs,
                      bsc.client->TransferLogs(BscUsdt(0, 1199)));
    const auto ranges = bsc.node.log_ranges();
    REQUIRE(ranges.size() >= 2);
    CHECK(ranges[1] == std::pair<uint64_t, uint64_t>(0, 299));
    CheckCovered(ranges, 300, 0, 1199);
  }

  TEST_CASE("the range grows back to the maximum after answered ranges") {
    BscOptions options;
    options.max_block_range = 800;
    options.grow_after = 1;
    Bsc bsc(options);
    int refusals = 1;
    const std::string refusal =
        Fixture("bsc_dataseed_error_-32005_limit_exceeded_eth_getLogs.json");
    bsc.node.Handle("eth_getLogs", [&](const rapidjson::Value&) {
      if (refusals-- > 0) return ScriptedResponse{.body = refusal};
      return JsonRpcNode::Result("[]");
    });
    REQUIRE_OK(bsc.client->TransferLogs(BscUsdt(0, 1999)));
    const auto ranges = bsc.node.log_ranges();
    // 800 refused; 400 answered; 800; 800 (clipped at the end).
    REQUIRE(ranges.size() == 4);
    CHECK(ranges[1] == std::pair<uint64_t, uint64_t>(0, 399));
    CHECK(ranges[2] == std::pair<uint64_t, uint64_t>(400, 1199));
    CHECK(ranges[3] == std::pair<uint64_t, uint64_t>(1200, 1999));
    CHECK(bsc.client->log_block_range() == 800);
  }

  TEST_CASE("a node that refuses even one block: kResourceExhausted") {
    BscOptions options;
    options.max_block_range = 64;
    Bsc bsc(options);
    bsc.node.Answer(
        "eth_getLogs",
        Fixture("bsc_dataseed_error_-32005_limit_exceeded_eth_getLogs.json"));
    const absl::Status s = bsc.client->TransferLogs(BscUsdt(0, 100)).status();
    CHECK_STATUS_IS(s, kResourceExhausted);
    CHECK(absl::StrContains(s.message(), "limit exceeded"));
    CHECK(bsc.node.log_ranges().size() == 7);  // 64, 32, ..., 1
  }

  TEST_CASE("JSON-RPC errors map to codes by what the caller should do") {
    struct Case {
      std::string fixture;
      absl::StatusCode code;
    };
    for (const Case& c : std::vector<Case>{
             {"geth_error_eth_getLogs_block_range_beyond_head_-32602.json",
              absl::StatusCode::kOutOfRange},
             {"geth_error_eth_getLogs_reversed_range_-32602.json",
              absl::StatusCode::kInvalidArgument},
             {"infura_error_-32000_header_not_found.json",
              absl::StatusCode::kUnavailable},
         }) {
      CAPTURE(c.fixture);
      Bsc bsc;
      bsc.node.Answer("eth_getLogs", Fixture(c.fixture));
      const absl::Status s = bsc.client->TransferLogs(BscUsdt()).status();
      CHECK(s.code() == c.code);
      CHECK(bsc.node.log_ranges().size() == 1);  // not a range to shrink
    }
    Bsc bsc;
    bsc.node.Answer("eth_getBlockByNumber",
                    Fixture("infura_error_-32000_header_not_found.json"));
    const absl::Status s = bsc.client->HeaderByNumber(5).status();
    CHECK_STATUS_IS(s, kUnavailable);
    CHECK(absl::StrContains(s.message(), "header not found"));
  }

  TEST_CASE("a reversed range is refused before asking the node") {
    Bsc bsc;
    CHECK_STATUS_IS(bsc.client->TransferLogs(BscUsdt(10, 9)), kInvalidArgument);
    TransferLogFilter bad = BscUsdt();
    bad.to = {"0x1234"};
    CHECK_STATUS_IS(bsc.client->TransferLogs(bad), kInvalidArgument);
    CHECK(bsc.node.methods().empty());
  }

  TEST_CASE("Alchemy's HTTP 429 is kResourceExhausted and does not shrink") {
    Bsc bsc;
    bsc.node.Answer(
        "eth_getLogs",
        ScriptedResponse{
            .status = 429,
            .body =
                Fixture("alchemy_http429_error_compute_units_exceeded.json")});
    const absl::Status s = bsc.client->TransferLogs(BscUsdt()).status();
    CHECK_STATUS_IS(s, kResourceExhausted);
    CHECK(absl::StrContains(s.message(), "compute units"));
    CHECK(bsc.node.log_ranges().size() == 1);
    CHECK(bsc.client->log_block_range() == 5000);
  }

  TEST_CASE("the retrying stack retries a 429 and then succeeds") {
    testing::ManualClock clock;
    JsonRpcNode node;
    node.Answer("eth_chainId", Fixture("geth_eth_chainId.json"));
    node.Answer("eth_blockNumber",
                ScriptedResponse{
                    .status = 429,
                    .body = Fixture(
                        "alchemy_http429_error_compute_units_exceeded.json")});
    node.Answer("eth_blockNumber", Fixture("geth_eth_blockNumber.json"));
    BscHttpOptions http_options;
    http_options.requests_per_second = 1000;
    ASSIGN_OR_REQUIRE(auto http, NewBscHttpClient(&clock, http_options));
    BscOptions options;
    options.http = http.get();
    options.url = node.url();
    options.chain_id = kGethTestChain;
    ASSIGN_OR_REQUIRE(auto client, BscChainClient::Create(options));
    ASSIGN_OR_REQUIRE(uint64_t head, client->BlockNumber());
    CHECK(head == 0x36);
  }

  TEST_CASE("HTTP 401 / 5xx, HTML, truncated JSON and a wrong id") {
    const std::string logs = Fixture(
        "DERIVED_erigon_mainnet_eth_getLogs_Transfer_response_only.json");
    struct Case {
      std::string name;
      ScriptedResponse response;
      absl::StatusCode code;
    };
    for (const Case& c : std::vector<Case>{
             {"401",
              {.status = 401, .body = "unauthorized"},
              absl::StatusCode::kPermissionDenied},
             {"502 HTML",
              {.status = 502,
              .body = "<html><body>Bad Gateway</body></html>",
              .content_type = "text/html"},
              absl::StatusCode::kUnavailable},
             {"truncated",
              {.body = logs.substr(0, logs.size() / 2)},
              absl::StatusCode::kUnavailable},
             {"empty", {.body = ""}, absl::StatusCode::kUnavailable},
             {"result missing",
              {.body = R"({"jsonrpc":"2.0","id":1})"},
              absl::StatusCode::kUnavailable},
             {"result not an array",
              {.body = R"({"jsonrpc":"2.0","id":1,"result":null})"},
              absl::StatusCode::kUnavailable},
         }) {
      CAPTURE(c.name);
      Bsc bsc;
      bsc.node.Answer("eth_getLogs", c.response);
      CHECK(bsc.client->TransferLogs(EthUsdt()).status().code() == c.code);
    }
    // A node answering another request's id (the scripted node echoes the
    // id, so this one is served raw by a handler).
    Bsc bsc;
    bsc.node.server().Handle(
        "POST", "/other", [](const testing::RecordedRequest&) {
          return ScriptedResponse{
              .body = R"({"jsonrpc":"2.0","id":999,"result":"0x38"})"};
        });
    BscOptions options;
    options.http = bsc.http.get();
    options.url = bsc.node.server().base_url() + "/other";
    options.chain_id = 56;
    ASSIGN_OR_REQUIRE(auto other, BscChainClient::Create(options));
    const absl::Status s = other->ChainId().status();
    CHECK_STATUS_IS(s, kUnavailable);
    CHECK(absl::StrContains(s.message(), "does not answer request id"));
  }

  TEST_CASE("a slow node past the timeout is kDeadlineExceeded") {
    CurlHttpClientOptions curl;
    curl.total_timeout = absl::Milliseconds(300);
    Bsc bsc({}, curl);
    bsc.node.Answer(
        "eth_blockNumber",
        ScriptedResponse{.body = Fixture("geth_eth_blockNumber.json"),
                         .delay = absl::Seconds(2)});
    CHECK_STATUS_IS(bsc.client->BlockNumber(), kDeadlineExceeded);
  }

  TEST_CASE("an API key in the URL never appears in an error message") {
    Bsc bsc({}, {}, "/v3/0123456789abcdefsecretkey");
    bsc.node.server().Handle("POST", "/rpc/v3/0123456789abcdefsecretkey",
                             [](const testing::RecordedRequest&) {
                               return ScriptedResponse{.status = 503,
                                                       .body = "down"};
                             });
    const absl::Status s = bsc.client->BlockNumber().status();
    CHECK_STATUS_IS(s, kUnavailable);
    CHECK(!absl::StrContains(s.message(), "secretkey"));
    CHECK(absl::StrContains(s.message(), "http://127.0.0.1:"));
  }

  TEST_CASE("an API key in the URL path is not in transport error messages") {
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    BscOptions options;
    options.http = http.get();
    options.url = "http://127.0.0.1:1/v3/SUPERSECRETKEY123";  // refused
    ASSIGN_OR_REQUIRE(auto client, BscChainClient::Create(options));
    const absl::Status s = client->BlockNumber().status();
    CHECK_STATUS_IS(s, kUnavailable);
    CHECK(!absl::StrContains(s.message(), "SUPERSECRETKEY123"));
    CHECK(!absl::StrContains(s.message(), "/v3"));
    CHECK(absl::StrContains(s.message(), "http://127.0.0.1:1"));
  }

  TEST_CASE("an API key in the URL path is not in HTTP or JSON-RPC errors") {
    const std::string key = "/v2/SUPERSECRETKEY123";
    for (const ScriptedResponse& answer :
         {ScriptedResponse{.status = 500, .body = "internal error"},
          ScriptedResponse{
              .body = Fixture("infura_error_-32000_header_not_found.json")}}) {
      CAPTURE(answer.status);
      Bsc bsc({}, {}, key);
      bsc.node.server().Handle(
          "POST", "/rpc" + key, [&](const testing::RecordedRequest& request) {
            if (absl::StrContains(request.body, "eth_chainId")) {
              return ScriptedResponse{.body = Fixture("geth_eth_chainId.json")};
            }
            return answer;
          });
      const absl::Status s = bsc.client->BlockNumber().status();
      CHECK_STATUS_IS(s, kUnavailable);
      CHECK(!absl::StrContains(s.message(), "SUPERSECRETKEY123"));
      CHECK(!absl::StrContains(s.message(), "/v2"));
    }
  }

  // A client over a node that serves a simulated chain of `blocks` blocks.
  struct ServedChain {
    explicit ServedChain(int blocks) {
      chain.MineBlocks(blocks);
      node.Serve(&chain);
      ASSIGN_OR_REQUIRE(http, NewCurlHttpClient({}));
      BscOptions options;
      options.http = http.get();
      options.url = node.url();
      options.chain_id = kGethTestChain;
      ASSIGN_OR_REQUIRE(client, BscChainClient::Create(options));
    }
    testing::SimulatedChain chain{kGethTestChain};
    JsonRpcNode node;
    std::unique_ptr<HttpClient> http;
    std::unique_ptr<BscChainClient> client;
  };

  TEST_CASE("re-orgs are detected by parentHash against remembered hashes") {
    ServedChain served(20);
    testing::SimulatedChain& chain = served.chain;
    BscChainClient* client = served.client.get();

    ASSIGN_OR_REQUIRE(std::optional<uint64_t> none, client->DetectReorg());
    CHECK(!none.has_value());
    for (uint64_t n = 15; n <= 20; ++n) REQUIRE_OK(client->HeaderByNumber(n));
    chain.MineBlock();
    ASSIGN_OR_REQUIRE(none, client->DetectReorg());  // 21 extends 20
    CHECK(!none.has_value());

    chain.Reorg(4);  // blocks 18..21 replaced
    ASSIGN_OR_REQUIRE(std::optional<uint64_t> replaced, client->DetectReorg());
    REQUIRE(replaced.has_value());
    CHECK(*replaced == 18);
    ASSIGN_OR_REQUIRE(none, client->DetectReorg());  // reported once
    CHECK(!none.has_value());

    // A replaced header read directly is noticed too.
    chain.Reorg(2);  // 20 and 21
    REQUIRE_OK(client->HeaderByNumber(20));
    ASSIGN_OR_REQUIRE(replaced, client->DetectReorg());
    REQUIRE(replaced.has_value());
    CHECK(*replaced == 20);
  }

  TEST_CASE(
      "a re-org below the remembered headers is found far behind the "
      "head") {
    ServedChain served(110);
    testing::SimulatedChain& chain = served.chain;
    JsonRpcNode& node = served.node;
    BscChainClient* client = served.client.get();
    for (uint64_t n = 100; n <= 110; ++n) REQUIRE_OK(client->HeaderByNumber(n));

    chain.Reorg(6);        // 105..110 replaced
    chain.MineBlocks(20);  // head 130: its parent was never read
    ASSIGN_OR_REQUIRE(std::optional<uint64_t> replaced, client->DetectReorg());
    CHECK(replaced == std::optional<uint64_t>(105));
    ASSIGN_OR_REQUIRE(replaced, client->DetectReorg());  // reported once
    CHECK(!replaced.has_value());

    // Without a re-org a call reads the head and the newest remembered
    // header below it, not every remembered one.
    chain.MineBlocks(5);
    const size_t before = node.methods().size();
    ASSIGN_OR_REQUIRE(replaced, client->DetectReorg());
    CHECK(!replaced.has_value());
    CHECK(node.methods().size() - before <= 3);
  }

  TEST_CASE("options are checked") {
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    BscOptions o;
    CHECK_STATUS_IS(BscChainClient::Create(o), kInvalidArgument);
    o.http = http.get();
    o.url = "ftp://node";
    CHECK_STATUS_IS(BscChainClient::Create(o), kInvalidArgument);
    o.url = "https://node";
    o.max_block_range = 0;
    CHECK_STATUS_IS(BscChainClient::Create(o), kInvalidArgument);
  }
}

}  // namespace
}  // namespace botcore
