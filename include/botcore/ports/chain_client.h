// File: botcore/ports/chain_client.h
//
// The ChainClient port: what the deposit engine needs from an EVM chain (BNB
// Smart Chain in production). It maps one-to-one onto JSON-RPC calls:
//
//   ChainId()          eth_chainId
//   BlockNumber()      eth_blockNumber (the head)
//   HeaderByNumber(n)  eth_getBlockByNumber(n, false); a block the node does
//                      not have is `null` on the wire and std::nullopt here,
//                      not an error
//   TransferLogs(f)    eth_getLogs with address = f.token,
//                      topics = [Transfer, null, [f.to...]], and the range
//
// Example:
//
//   absl::StatusOr<uint64_t> head = chain.BlockNumber();
//   TransferLogFilter f;
//   f.token = "0x55d398326f99059ff775485246999027b3197955";
//   f.token_scale = 18;
//   f.to = {"0x<deposit wallet>"};
//   f.from_block = 100; f.to_block = *head;
//   absl::StatusOr<std::vector<TransferLog>> logs = chain.TransferLogs(f);
//
// Implementations: botcore::testing::SimulatedChain
// (botcore/testing/simulated_chain.h); a JSON-RPC adapter over HttpClient.
// Addresses and hashes are "0x"-prefixed lower-case hex throughout.

#ifndef BOTCORE_PORTS_CHAIN_CLIENT_H_
#define BOTCORE_PORTS_CHAIN_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "botcore/core/amount.h"

namespace botcore {

struct BlockHeader {
  uint64_t number = 0;
  std::string hash;         // 0x + 64 hex digits
  std::string parent_hash;  // 0x + 64 hex digits
};

// One ERC-20 / BEP-20 Transfer(from, to, value) event.
struct TransferLog {
  std::string tx_hash;
  uint64_t log_index = 0;  // position of the log in its block
  uint64_t block_number = 0;
  std::string block_hash;
  std::string token;  // the contract that emitted the event
  std::string from;
  std::string to;
  // The uint256 value divided by 10^token_scale of the filter.
  Amount amount;
};

struct TransferLogFilter {
  std::string token;    // the token contract
  int token_scale = 0;  // the token's decimals (18 for BSC USDT)
  // Recipients to match; empty means any.
  std::vector<std::string> to;
  uint64_t from_block = 0;  // inclusive
  uint64_t to_block = 0;    // inclusive
};

// Implementations must be thread-safe.
class ChainClient {
 public:
  virtual ~ChainClient() = default;

  // Errors (all methods): kUnavailable / kDeadlineExceeded for transport
  // failures and lagging nodes (retry later); kResourceExhausted when
  // rate-limited.

  [[nodiscard]] virtual absl::StatusOr<uint64_t> ChainId() = 0;

  // The number of the newest block.
  [[nodiscard]] virtual absl::StatusOr<uint64_t> BlockNumber() = 0;

  // The canonical block at `number`, or std::nullopt when the chain has no
  // such block (yet).
  [[nodiscard]] virtual absl::StatusOr<std::optional<BlockHeader>>
  HeaderByNumber(uint64_t number) = 0;

  // The Transfer events of filter.token to any of filter.to in the
  // canonical blocks of [from_block, to_block], ordered by block and log
  // index.
  // A range wider than the provider accepts is split by the implementation
  // (the caller need not know the provider's cap).
  // Errors: kInvalidArgument for a reversed range; kOutOfRange when the
  // range goes past the head, or for a value that does not fit an Amount;
  // kResourceExhausted, besides rate limiting, when the provider refuses
  // even the smallest range (one block): its eth_getLogs is capped too low
  // or disabled, and waiting or another provider is the remedy.
  [[nodiscard]] virtual absl::StatusOr<std::vector<TransferLog>> TransferLogs(
      const TransferLogFilter& filter) = 0;
};

}  // namespace botcore

#endif  // BOTCORE_PORTS_CHAIN_CLIENT_H_
