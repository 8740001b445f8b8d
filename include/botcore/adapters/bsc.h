// File: botcore/adapters/bsc.h
//
// The ChainClient port over a BNB Smart Chain (or any EVM) node's JSON-RPC
// API: eth_chainId, eth_blockNumber, eth_getBlockByNumber and eth_getLogs for
// the ERC-20 Transfer events of one token to a set of addresses.
//
//   SystemClock clock;
//   absl::StatusOr<std::unique_ptr<HttpClient>> http =
//       NewBscHttpClient(&clock);
//   BscOptions options;
//   options.http = http->get();
//   options.url = "https://bsc-dataseed.example/";  // a node with eth_getLogs
//   absl::StatusOr<std::unique_ptr<BscChainClient>> bsc =
//       BscChainClient::Create(options);
//   absl::StatusOr<SyncReport> r = deposits->Sync(**bsc);
//
// What the client takes care of:
// - the chain: the node's eth_chainId is checked against options.chain_id
//   before any other answer is used; another chain is kFailedPrecondition;
// - ranges: eth_getLogs is asked for at most `max_block_range` blocks at a
//   time; when the node answers that a range is too wide ("limit exceeded",
//   "query returned more than 10000 results", "range 1000000 exceeds limit
//   of 10000", Alchemy's "up to a 500 block range ... should work: [0xA,
//   0xB]", QuickNode's HTTP 413 "limited to a 10,000 range", geth forks'
//   "larger than max block range", ...) the range shrinks (to the range or
//   limit the node names, else by half) and the same blocks are asked again;
//   after `grow_after` answered ranges it doubles back towards max_block_range;
// - amounts: the uint256 value is decoded exactly into an Amount of the
//   filter's token_scale; a value of 2^127 or more is kOutOfRange;
// - ERC-721 Transfers (4 topics, same topic0) and removed logs are skipped;
// - re-orgs: every header read is remembered as (number, hash); a header
//   whose hash or parentHash contradicts a remembered one marks a re-org,
//   which DetectReorg reports.
//
// The node's URL often holds an API key in its path (Infura "/v3/KEY",
// Alchemy "/v2/KEY", NodeReal "/v1/KEY", QuickNode "/TOKEN/"): error
// messages name only its scheme, host and port (UrlOrigin), as the
// HttpClient's own messages do.

#ifndef BOTCORE_ADAPTERS_BSC_H_
#define BOTCORE_ADAPTERS_BSC_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/core/clock.h"
#include "botcore/ports/chain_client.h"
#include "botcore/ports/http_client.h"

namespace botcore {

struct BscOptions {
  // Required, not owned; must outlive the client. See NewBscHttpClient.
  HttpClient* http = nullptr;
  // Required: the node's JSON-RPC endpoint (http or https), possibly with an
  // API key in its path.
  std::string url;
  // The chain the node must be on. Default: 56 (BNB Smart Chain mainnet).
  uint64_t chain_id = 56;
  // The widest eth_getLogs range asked for, in blocks. Default: 5000 (what
  // BSC full nodes accept).
  uint64_t max_block_range = 5000;
  // Answered eth_getLogs ranges after which a shrunk range doubles again.
  // Default: 4.
  int grow_after = 4;
  // Headers remembered for re-org detection, newest kept. Default: 256.
  int tracked_blocks = 256;
};

// Thread-safe.
class BscChainClient final : public ChainClient {
 public:
  // Checks the options; does not contact the node.
  // Errors: kInvalidArgument when http or url is missing, the url is not
  // http(s), chain_id is 0, or max_block_range, grow_after or
  // tracked_blocks is below 1.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<BscChainClient>> Create(
      const BscOptions& options);

  BscChainClient(const BscChainClient&) = delete;
  BscChainClient& operator=(const BscChainClient&) = delete;

  // Errors of every call: kDeadlineExceeded / kUnavailable when the node
  // cannot be reached, answers 5xx, answers something that is not a
  // well-formed JSON-RPC response (truncated, HTML, wrong id), or lags
  // ("header not found"); kResourceExhausted when rate-limited (HTTP 429 or
  // a JSON-RPC rate-limit error); kPermissionDenied for HTTP 401 / 403;
  // kFailedPrecondition when the node is on another chain than
  // options.chain_id.

  // The node's chain id (checked: it equals options.chain_id).
  absl::StatusOr<uint64_t> ChainId() override;

  absl::StatusOr<uint64_t> BlockNumber() override;

  // eth_getBlockByNumber(number, false); std::nullopt for `result: null`.
  // The header is remembered for re-org detection.
  absl::StatusOr<std::optional<BlockHeader>> HeaderByNumber(
      uint64_t number) override;

  // Errors besides the common ones: kInvalidArgument for a reversed range,
  // a malformed token or recipient address, or a range the node calls
  // invalid; kOutOfRange when the range goes past the node's head, or for a
  // value that does not fit an Amount; kResourceExhausted when the node
  // refuses even a single block's logs.
  absl::StatusOr<std::vector<TransferLog>> TransferLogs(
      const TransferLogFilter& filter) override;

  // Reads the head's header, then compares the remembered headers below it
  // with the node's, by number, newest first, until one is still on the
  // chain (or is named as parent by the header above it): usually the head
  // and one more header. Returns the lowest block number found replaced
  // since the last call (by this walk or by any HeaderByNumber), or
  // std::nullopt when the chain is consistent with everything remembered,
  // however far the head has moved on. The replaced blocks are forgotten,
  // so the next call reports only newer re-orgs.
  // Errors: as HeaderByNumber.
  [[nodiscard]] absl::StatusOr<std::optional<uint64_t>> DetectReorg();

  // The eth_getLogs range the next TransferLogs starts with.
  uint64_t log_block_range() const;

 private:
  struct Call;
  explicit BscChainClient(const BscOptions& options);

  // Sends one JSON-RPC request; on success `call` holds the response.
  absl::Status Send(std::string_view method, std::string_view params,
                    Call& call);
  absl::Status EnsureChain();
  absl::StatusOr<std::optional<BlockHeader>> FetchHeader(uint64_t number);
  // Remembers `header`; a remembered hash it contradicts (its own number's,
  // or its parent's by parentHash) marks a re-org.
  void Remember(const BlockHeader& header);

  const BscOptions options_;
  const std::string endpoint_;  // UrlOrigin(options.url), for messages
  mutable absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool chain_checked_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t range_ ABSL_GUARDED_BY(mu_);
  int answered_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, std::string> hashes_ ABSL_GUARDED_BY(mu_);
  std::optional<uint64_t> replaced_from_ ABSL_GUARDED_BY(mu_);
};

struct BscHttpOptions {
  // Requests per second to the node. Default: 10.
  double requests_per_second = 10;
  // Default: 10 s connect, 30 s total, as CurlHttpClientOptions.
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration total_timeout = absl::Seconds(30);
  // Attempts per request (timeouts, broken connections, 429, 5xx), with
  // backoff. Default: 4.
  int max_attempts = 4;
};

// libcurl with a per-host rate limit inside retries (every attempt waits
// for its token); JSON-RPC reads are safe to repeat, so POSTs are retried
// after timeouts too. `clock` must
// outlive the client.
// Errors: as NewCurlHttpClient.
[[nodiscard]] absl::StatusOr<std::unique_ptr<HttpClient>> NewBscHttpClient(
    Clock* clock, const BscHttpOptions& options = {});

}  // namespace botcore

#endif  // BOTCORE_ADAPTERS_BSC_H_
