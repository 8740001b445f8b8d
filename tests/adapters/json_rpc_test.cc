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
