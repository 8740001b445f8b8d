// The JSON-RPC decoding under BscChainClient: error classification on every
// recorded error body, quantities, uint256 amounts.

#include "adapters/bsc/json_rpc.h"

#include <doctest/doctest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/json_rpc_node.h"
#include "support/fixtures.h"
#include "support/status_testing.h"

namespace botcore::internal {
namespace {

using botcore::testing::ReadFixture;

RpcError ErrorOf(const std::string& body) {
  RpcResponse response;
  REQUIRE_OK(ParseRpcResponse(body, 1, &response));
  REQUIRE(response.error.has_value());
  return *response.error;
}

TEST_SUITE("json_rpc") {
  TEST_CASE("every recorded error body is classified") {
    struct Case {
      std::string fixture;
      RpcErrorKind kind;
      std::optional<uint64_t> suggested;
    };
    for (const Case& c : std::vector<Case>{
             {"bsc_dataseed_error_-32005_limit_exceeded_eth_getLogs.json",
              RpcErrorKind::kRangeTooWide, std::nullopt},
             {"infura_error_-32005_query_returned_more_than_1000_results_2019."
              "json",
              RpcErrorKind::kRangeTooWide, std::nullopt},
             {"zetachain_error_-32000_query_returned_more_than_10000_results."
              "json",
              RpcErrorKind::kRangeTooWide, std::nullopt},
             {"infura_error_-32602_block_range_exceeds_limit.json",
              RpcErrorKind::kRangeTooWide, 10000},
             {"geth_error_eth_getLogs_block_range_beyond_head_-32602.json",
              RpcErrorKind::kBeyondHead, std::nullopt},
             {"geth_error_eth_getLogs_reversed_range_-32602.json",
              RpcErrorKind::kInvalidRange, std::nullopt},
             {"infura_error_-32000_header_not_found.json",
              RpcErrorKind::kNodeBehind, std::nullopt},
             {"alchemy_http429_error_compute_units_exceeded.json",
              RpcErrorKind::kRateLimited, std::nullopt},
         }) {
      CAPTURE(c.fixture);
      // The recorded ids vary (1, "1", 2, 50, "agvt6p2g"): a node echoes
      // the request's, so the request's is put in.
      const RpcError e =
          ErrorOf(botcore::testing::WithId(ReadFixture("bsc/" + c.fixture), 1));
      CHECK(e.kind == c.kind);
      CHECK(e.suggested_blocks == c.suggested);
    }
  }

  TEST_CASE("range errors of Alchemy, QuickNode and geth forks: shrink") {
    struct Case {
      std::string name;
      std::string error;
      std::optional<uint64_t> suggested;
    };
    for (
        const Case& c : std::vector<Case>{
            {"alchemy -32602 response size, suggested [0x0, 0x87fe9]",
             R"({"code":-32602,"message":"Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters, this block range should work: [0x0, 0x87fe9]"})",
             0x87fe9 + 1},
            {"alchemy -32600 up to a 500 block range",
             R"({"code":-32600,"message":"You can make eth_getLogs requests with up to a 500 block range. Based on your parameters, this block range should work: [0x1f6e9ad, 0x1f6eba0]"})",
             500},
            {"alchemy without a suggested range",
             R"({"code":-32600,"message":"You can make eth_getLogs requests with up to a 2K block range."})",
             2000},
            {"quicknode -32614 (HTTP 413)",
             R"({"code":-32614,"message":"eth_getLogs is limited to a 10,000 range"})",
             10000},
            {"geth-derived -32000 max block range",
             R"({"code":-32000,"message":"block range is larger than max block range, max block range = 5000"})",
             5000},
            {"infura -32005 more than 10000 results",
             R"({"code":-32005,"message":"query returned more than 10000 results"})",
             std::nullopt},
        }) {
      CAPTURE(c.name);
      const RpcError e = ErrorOf(
          absl::StrCat(R"({"jsonrpc":"2.0","id":1,"error":)", c.error, "}"));
      CHECK(e.kind == RpcErrorKind::kRangeTooWide);
      CHECK(e.suggested_blocks == c.suggested);
    }
  }

  TEST_CASE("a limit that is not about the block range does not shrink it") {
    const RpcError e =
        ErrorOf(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":)"
                R"("your plan is limited to a 25 requests per second"}})");
    CHECK(e.kind != RpcErrorKind::kRangeTooWide);
  }

  TEST_CASE("the object-only Infura error, in an envelope") {
    const RpcError e = ErrorOf(absl::StrCat(
        R"({"jsonrpc":"2.0","id":1,"error":)",
        ReadFixture(
            "bsc/infura_error_OBJECT_ONLY_-32005_more_than_10000_results.json"),
        "}"));
    CHECK(e.code == -32005);
    CHECK(e.kind == RpcErrorKind::kRangeTooWide);
  }

  TEST_CASE(
      "ids: numbers, numeric strings, null with an error; others refused") {
    RpcResponse r;
    CHECK_OK(
        ParseRpcResponse(R"({"jsonrpc":"2.0","id":7,"result":"0x1"})", 7, &r));
    RpcResponse s;
    CHECK_OK(ParseRpcResponse(R"({"jsonrpc":"2.0","id":"7","result":"0x1"})", 7,
                              &s));
    RpcResponse t;
    CHECK_OK(ParseRpcResponse(
        R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}})",
        7, &t));
    RpcResponse u;
    CHECK_STATUS_IS(
        ParseRpcResponse(R"({"jsonrpc":"2.0","id":8,"result":"0x1"})", 7, &u),
        kUnavailable);
    RpcResponse v;
    CHECK_STATUS_IS(ParseRpcResponse(
                        R"({"jsonrpc":"2.0","id":null,"result":"0x1"})", 7, &v),
                    kUnavailable);
    RpcResponse w;
    CHECK_STATUS_IS(ParseRpcResponse("[1,2]", 7, &w), kUnavailable);
  }

  TEST_CASE("quantities") {
    rapidjson::Document d;
    d.Parse(
        R"(["0x0","0x38","0xffffffffffffffff","0x","0x10000000000000000","38",56,"0xg"])");
    CHECK(*DecodeQuantity(d[0], "q") == 0);
    CHECK(*DecodeQuantity(d[1], "q") == 56);
    CHECK(*DecodeQuantity(d[2], "q") == UINT64_MAX);
    for (int i = 3; i < 8; ++i) {
      CAPTURE(i);
      CHECK_STATUS_IS(DecodeQuantity(d[i], "q"), kUnavailable);
    }
  }

  TEST_CASE("uint256 amounts: exact, 2^127 - 1 the largest") {
    ASSIGN_OR_REQUIRE(Amount one,
                      DecodeUint256Amount("0x0000000000000000000000000000000000"
                                          "000000000000000de0b6b3a7640000",
                                          18));
    CHECK(one.ToString() == "1.000000000000000000");
    ASSIGN_OR_REQUIRE(Amount zero,
                      DecodeUint256Amount("0x0000000000000000000000000000000000"
                                          "000000000000000000000000000000",
                                          18));
    CHECK(zero.is_zero());
    ASSIGN_OR_REQUIRE(Amount max,
                      DecodeUint256Amount("0x000000000000000000000000000000007F"
                                          "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                                          18));
    CHECK(max.units() == absl::Int128Max());
    const absl::StatusOr<Amount> big = DecodeUint256Amount(
        "0x0000000000000000000000000000000080000000000000000000000000000000",
        18);
    CHECK_STATUS_IS(big, kOutOfRange);
    CHECK(absl::StrContains(big.status().message(), "128 bits"));
    CHECK_STATUS_IS(DecodeUint256Amount("0x00", 18), kUnavailable);
    CHECK_STATUS_IS(DecodeUint256Amount("0x000000000000000000000000000000000000"
                                        "0000000000000de0b6b3a7640000",
                                        19),
                    kInvalidArgument);  // no such scale
  }

  TEST_CASE("address topics") {
    CHECK(AddressTopic("0x974CAA59e49682CDa0AD2bbE82983419A2ECC400") ==
          "0x000000000000000000000000974caa59e49682cda0ad2bbe82983419a2ecc400");
  }
}

}  // namespace
}  // namespace botcore::internal
