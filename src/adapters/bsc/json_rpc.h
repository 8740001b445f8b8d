// Private: the Ethereum JSON-RPC wire format as BscChainClient reads it. The
// parsing is split from the HTTP calls so that the fuzzer and the benchmark
// drive exactly what the client runs on a node's answer.

#ifndef BOTCORE_ADAPTERS_BSC_JSON_RPC_H_
#define BOTCORE_ADAPTERS_BSC_JSON_RPC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "botcore/core/amount.h"
#include "botcore/ports/chain_client.h"
#include "rapidjson/document.h"

namespace botcore::internal {

// topics[0] of Transfer(address indexed from, address indexed to, uint256).
inline constexpr std::string_view kTransferTopic =
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

// What a JSON-RPC error object says, sorted by what the client does next.
enum class RpcErrorKind {
  kRangeTooWide,  // too many blocks or results: ask for a smaller range
  kBeyondHead,    // the range ends past the node's head
  kInvalidRange,  // from > to, or other bad parameters
  kRateLimited,   // slow down
  kNodeBehind,    // "header not found": a lagging node, retry later
  kOther,
};

struct RpcError {
  int64_t code = 0;
  std::string message;
  RpcErrorKind kind = RpcErrorKind::kOther;
  // A block count the node says it accepts ("range 1000000 exceeds limit of
  // 10000", or data {"from", "to"} with a suggested range), if any.
  std::optional<uint64_t> suggested_blocks;
};

// Sorts an error object's code and message (codes differ between
// providers, so the message counts as much as the code).
RpcError ClassifyRpcError(const rapidjson::Value& error);

// One parsed response: either `result` (points into `document`, may be
// JSON null) or `error`.
struct RpcResponse {
  rapidjson::Document document;
  const rapidjson::Value* result = nullptr;
  std::optional<RpcError> error;
};

// Parses a JSON-RPC 2.0 response body to request `id` into `out`.
// Errors: kUnavailable for a body that is not JSON (truncated, an HTML error
// page), not a JSON-RPC response object, or answers another id.
[[nodiscard]] absl::Status ParseRpcResponse(std::string_view body, int64_t id,
                                            RpcResponse* out);

// A quantity: "0x" and 1 to 16 hex digits ("0x0", "0x38").
// Errors: kUnavailable naming `what` and the text otherwise.
[[nodiscard]] absl::StatusOr<uint64_t> DecodeQuantity(
    const rapidjson::Value& value, std::string_view what);

// The uint256 of a log's data ("0x" + 64 hex digits) as an Amount of
// `scale` decimals.
// Errors: kUnavailable for malformed data; kOutOfRange for a value of 2^127
// or more (it does not fit a 128-bit Amount).
[[nodiscard]] absl::StatusOr<Amount> DecodeUint256Amount(std::string_view data,
                                                         int scale);

// The result of eth_getBlockByNumber: std::nullopt for JSON null.
// Errors: kUnavailable for a block without a well-formed number, hash or
// parentHash.
[[nodiscard]] absl::StatusOr<std::optional<BlockHeader>> DecodeBlockHeader(
    const rapidjson::Value& result);

// The ERC-20 Transfer logs in the result of eth_getLogs that match
// `filter`: emitted by filter.token, to one of filter.to (any when empty),
// inside the range, with exactly 3 topics (ERC-721 Transfers share topic0 but
// carry the token id as a 4th topic and are skipped), and not removed.
// Sorted by block and log index. Addresses are lower-cased.
// Errors: kUnavailable for a result that is not an array of well-formed
// logs; kOutOfRange for a value that does not fit an Amount.
[[nodiscard]] absl::StatusOr<std::vector<TransferLog>> DecodeTransferLogs(
    const rapidjson::Value& result, const TransferLogFilter& filter);

// "0x" + 64 hex digits holding `address` (0x + 40 hex digits) in its low
// 20 bytes, lower-case: an address as an indexed topic.
std::string AddressTopic(std::string_view address);

}  // namespace botcore::internal

#endif  // BOTCORE_ADAPTERS_BSC_JSON_RPC_H_
