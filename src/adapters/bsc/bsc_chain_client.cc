#include <algorithm>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/bsc/json_rpc.h"
#include "adapters/json.h"
#include "botcore/adapters/bsc.h"
#include "botcore/adapters/http.h"
#include "botcore/core/redact.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::RpcError;
using internal::RpcErrorKind;
using internal::ToAbsl;

std::string Quantity(uint64_t n) {
  return absl::StrCat("\"0x", absl::Hex(n), "\"");
}

bool IsAddress(std::string_view a) {
  return a.size() == 42 && absl::StartsWith(ToAbsl(a), "0x") &&
         std::all_of(a.begin() + 2, a.end(), [](char c) {
           return absl::ascii_isxdigit(static_cast<unsigned char>(c));
         });
}

}  // namespace

struct BscChainClient::Call {
  internal::RpcResponse response;
};

absl::StatusOr<std::unique_ptr<BscChainClient>> BscChainClient::Create(
    const BscOptions& options) {
  if (options.http == nullptr) {
    return absl::InvalidArgumentError("BscOptions.http is required");
  }
  if (!absl::StartsWith(options.url, "http://") &&
      !absl::StartsWith(options.url, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("BscOptions.url must be an http(s) URL, got \"",
                     UrlOrigin(options.url), "\""));
  }
  if (options.chain_id == 0 || options.max_block_range < 1 ||
      options.grow_after < 1 || options.tracked_blocks < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "BscOptions: chain_id (", options.chain_id, "), max_block_range (",
        options.max_block_range, "), grow_after (", options.grow_after,
        ") and tracked_blocks (", options.tracked_blocks,
        ") must be at least 1"));
  }
  return std::unique_ptr<BscChainClient>(new BscChainClient(options));
}

BscChainClient::BscChainClient(const BscOptions& options)
    : options_(options),
      endpoint_(UrlOrigin(options.url)),
      range_(options.max_block_range) {}

absl::Status BscChainClient::Send(std::string_view method,
                                  std::string_view params, Call& call) {
  int64_t id;
  {
    absl::MutexLock lock(&mu_);
    id = next_id_++;
  }
  HttpRequest request;
  request.method = "POST";
  request.url = options_.url;
  request.headers = {{"Content-Type", "application/json"}};
  request.body =
      absl::StrCat(R"({"jsonrpc":"2.0","id":)", id, R"(,"method":")",
                   ToAbsl(method), R"(","params":)", ToAbsl(params), "}");
  absl::StatusOr<HttpResponse> response = options_.http->Send(request);
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat(ToAbsl(method), " to ", endpoint_, ": ",
                                     response.status().message()));
  }
  const int status = response->status;
  absl::Status parsed =
      internal::ParseRpcResponse(response->body, id, &call.response);
  auto fail = [&](absl::StatusCode code, std::string_view what) {
    return absl::Status(code, absl::StrCat(ToAbsl(method), " to ", endpoint_,
                                           ": ", ToAbsl(what)));
  };
  const std::string error_text =
      parsed.ok() && call.response.error.has_value()
          ? absl::StrCat("JSON-RPC error ", call.response.error->code, " \"",
                         call.response.error->message, "\"")
          : std::string();
  if (status == 429) {
    // Whatever the body says, HTTP 429 asks to slow down, not to shrink.
    if (call.response.error.has_value()) {
      call.response.error->kind = RpcErrorKind::kRateLimited;
    }
    return fail(absl::StatusCode::kResourceExhausted,
                absl::StrCat("HTTP 429 (rate-limited) ", error_text));
  }
  if (status == 401 || status == 403) {
    return fail(
        absl::StatusCode::kPermissionDenied,
        absl::StrCat("HTTP ", status, " (check the API key) ", error_text));
  }
  if (status != 200 && !(parsed.ok() && call.response.error.has_value())) {
    return fail(
        absl::StatusCode::kUnavailable,
        absl::StrCat("HTTP ", status, ": \"",
                     absl::CHexEscape(ToAbsl(
                         std::string_view(response->body).substr(0, 120))),
                     "\""));
  }
  if (!parsed.ok())
    return fail(parsed.code(), internal::ToStd(parsed.message()));
  if (!call.response.error.has_value()) return absl::OkStatus();
  switch (call.response.error->kind) {
    case RpcErrorKind::kRateLimited:
      return fail(absl::StatusCode::kResourceExhausted, error_text);
    case RpcErrorKind::kBeyondHead:
      return fail(absl::StatusCode::kOutOfRange, error_text);
    case RpcErrorKind::kInvalidRange:
      return fail(absl::StatusCode::kInvalidArgument, error_text);
    case RpcErrorKind::kRangeTooWide:
      // TransferLogs looks at the kind and shrinks; elsewhere it is a
      // refusal the caller can only wait out.
      return fail(absl::StatusCode::kResourceExhausted, error_text);
    case RpcErrorKind::kNodeBehind:
    case RpcErrorKind::kOther:
      return fail(absl::StatusCode::kUnavailable, error_text);
  }
  return fail(absl::StatusCode::kUnavailable, error_text);
}

absl::Status BscChainClient::EnsureChain() {
  {
    absl::MutexLock lock(&mu_);
    if (chain_checked_) return absl::OkStatus();
  }
  Call call;
  BOTCORE_RETURN_IF_ERROR(Send("eth_chainId", "[]", call));
  BOTCORE_ASSIGN_OR_RETURN(
      uint64_t id, internal::DecodeQuantity(*call.response.result, "chain id"));
  if (id != options_.chain_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the node at ", endpoint_, " is on chain ", id,
        ", the client is configured for chain ", options_.chain_id));
  }
  absl::MutexLock lock(&mu_);
  chain_checked_ = true;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> BscChainClient::ChainId() {
  BOTCORE_RETURN_IF_ERROR(EnsureChain());
  return options_.chain_id;
}

absl::StatusOr<uint64_t> BscChainClient::BlockNumber() {
  BOTCORE_RETURN_IF_ERROR(EnsureChain());
  Call call;
  BOTCORE_RETURN_IF_ERROR(Send("eth_blockNumber", "[]", call));
  return internal::DecodeQuantity(*call.response.result, "block number");
}

absl::StatusOr<std::optional<BlockHeader>> BscChainClient::FetchHeader(
    uint64_t number) {
  Call call;
  BOTCORE_RETURN_IF_ERROR(Send("eth_getBlockByNumber",
                               absl::StrCat("[", Quantity(number), ",false]"),
                               call));
  BOTCORE_ASSIGN_OR_RETURN(std::optional<BlockHeader> header,
                           internal::DecodeBlockHeader(*call.response.result));
  if (header.has_value() && header->number != number) {
    return absl::UnavailableError(absl::StrCat(
        "eth_getBlockByNumber to ", endpoint_, ": asked for block ", number,
        ", got block ", header->number));
  }
  return header;
}

void BscChainClient::Remember(const BlockHeader& header) {
  absl::MutexLock lock(&mu_);
  const uint64_t n = header.number;
  auto replaced = [&](uint64_t number) {
    replaced_from_ = std::min(replaced_from_.value_or(number), number);
  };
  if (auto it = hashes_.find(n);
      it != hashes_.end() && it->second != header.hash) {
    replaced(n);
  }
  // Only the contradicted entry goes: newer ones may already be the new
  // chain's.
  if (n > 0) {
    if (auto it = hashes_.find(n - 1);
        it != hashes_.end() && it->second != header.parent_hash) {
      replaced(n - 1);
      hashes_.erase(it);
    }
  }
  hashes_[n] = header.hash;
  while (hashes_.size() > static_cast<size_t>(options_.tracked_blocks)) {
    hashes_.erase(hashes_.begin());
  }
}

absl::StatusOr<std::optional<BlockHeader>> BscChainClient::HeaderByNumber(
    uint64_t number) {
  BOTCORE_RETURN_IF_ERROR(EnsureChain());
  BOTCORE_ASSIGN_OR_RETURN(std::optional<BlockHeader> header,
                           FetchHeader(number));
  if (header.has_value()) Remember(*header);
  return header;
}

absl::StatusOr<std::optional<uint64_t>> BscChainClient::DetectReorg() {
  BOTCORE_ASSIGN_OR_RETURN(uint64_t head, BlockNumber());
  // The head, then the remembered headers below it, newest first, compared
  // by number with the node's; the first one still on the chain vouches for
  // everything below it (its hash covers its ancestors). A remembered
  // header is not even read when the header above it names it as parent.
  std::vector<std::pair<uint64_t, std::string>> walk = {{head, ""}};
  {
    absl::MutexLock lock(&mu_);
    if (auto it = hashes_.find(head); it != hashes_.end()) {
      walk[0].second = it->second;
    }
    for (auto it = std::make_reverse_iterator(hashes_.lower_bound(head));
         it != hashes_.rend(); ++it) {
      walk.emplace_back(it->first, it->second);
    }
  }
  std::optional<BlockHeader> above;
  for (const auto& [number, remembered] : walk) {
    if (above.has_value() && above->number == number + 1 &&
        above->parent_hash == remembered) {
      break;
    }
    BOTCORE_ASSIGN_OR_RETURN(above, FetchHeader(number));
    if (!above.has_value()) break;  // a lagging node behind its own head
    Remember(*above);
    if (above->hash == remembered) break;
  }
  absl::MutexLock lock(&mu_);
  std::optional<uint64_t> replaced = replaced_from_;
  replaced_from_.reset();
  return replaced;
}

uint64_t BscChainClient::log_block_range() const {
  absl::MutexLock lock(&mu_);
  return range_;
}

absl::StatusOr<std::vector<TransferLog>> BscChainClient::TransferLogs(
    const TransferLogFilter& filter) {
  if (!IsAddress(filter.token)) {
    return absl::InvalidArgumentError(
        absl::StrCat("TransferLogs: token \"", absl::CHexEscape(filter.token),
                     "\" is not an address (0x and 40 hex digits)"));
  }
  std::vector<std::string> to_topics;
  for (const std::string& to : filter.to) {
    if (!IsAddress(to)) {
      return absl::InvalidArgumentError(
          absl::StrCat("TransferLogs: recipient \"", absl::CHexEscape(to),
                       "\" is not an address (0x and 40 hex digits)"));
    }
    to_topics.push_back(absl::StrCat("\"", internal::AddressTopic(to), "\""));
  }
  if (filter.from_block > filter.to_block) {
    return absl::InvalidArgumentError(
        absl::StrCat("TransferLogs: reversed block range [", filter.from_block,
                     ", ", filter.to_block, "]"));
  }
  BOTCORE_RETURN_IF_ERROR(EnsureChain());
  const std::string topics =
      to_topics.empty()
          ? absl::StrCat("[\"", ToAbsl(internal::kTransferTopic), "\"]")
          : absl::StrCat("[\"", ToAbsl(internal::kTransferTopic), "\",null,[",
                         absl::StrJoin(to_topics, ","), "]]");
  const std::string token = absl::AsciiStrToLower(filter.token);

  std::vector<TransferLog> logs;
  uint64_t from = filter.from_block;
  while (true) {
    uint64_t range;
    {
      absl::MutexLock lock(&mu_);
      range = range_;
    }
    const uint64_t to = from + std::min(range - 1, filter.to_block - from);
    Call call;
    absl::Status sent =
        Send("eth_getLogs",
             absl::StrCat(R"([{"address":")", token, R"(","topics":)", topics,
                          R"(,"fromBlock":)", Quantity(from), R"(,"toBlock":)",
                          Quantity(to), "}]"),
             call);
    const std::optional<RpcError>& error = call.response.error;
    if (!sent.ok() && error.has_value() &&
        error->kind == RpcErrorKind::kRangeTooWide) {
      const uint64_t asked = to - from + 1;
      if (asked == 1) {
        return absl::ResourceExhaustedError(
            absl::StrCat("eth_getLogs to ", endpoint_, " refuses even block ",
                         from, " alone (", error->message,
                         "); the node may have eth_getLogs disabled"));
      }
      uint64_t smaller = asked / 2;
      if (error->suggested_blocks.has_value() &&
          *error->suggested_blocks < asked) {
        smaller = *error->suggested_blocks;
      }
      absl::MutexLock lock(&mu_);
      range_ = std::max<uint64_t>(1, smaller);
      answered_ = 0;
      continue;
    }
    BOTCORE_RETURN_IF_ERROR(sent);
    TransferLogFilter window = filter;
    window.from_block = from;
    window.to_block = to;
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<TransferLog> found,
        internal::DecodeTransferLogs(*call.response.result, window));
    logs.insert(logs.end(), std::make_move_iterator(found.begin()),
                std::make_move_iterator(found.end()));
    {
      absl::MutexLock lock(&mu_);
      if (range_ < options_.max_block_range &&
          ++answered_ >= options_.grow_after) {
        range_ = std::min(options_.max_block_range, range_ * 2);
        answered_ = 0;
      }
    }
    if (to == filter.to_block) break;
    from = to + 1;
  }
  return logs;
}

absl::StatusOr<std::unique_ptr<HttpClient>> NewBscHttpClient(
    Clock* clock, const BscHttpOptions& options) {
  return NewHttpClientStack(
      {.curl = {.connect_timeout = options.connect_timeout,
                .total_timeout = options.total_timeout},
       .rate_limit =
           RateLimitOptions{.clock = clock,
                            .requests_per_second = options.requests_per_second},
       // JSON-RPC reads are safe to repeat, so POSTs are retried after
       // timeouts too.
       .retry = RetryOptions{.clock = clock,
                             .max_attempts = options.max_attempts,
                             .retry_non_idempotent = true}});
}

}  // namespace botcore
