#include "adapters/bsc/json_rpc.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "adapters/json.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore::internal {
namespace {

// The start of `text`, printable, for error messages.
std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 120;
  std::string shown = absl::CHexEscape(ToAbsl(text.substr(0, kMax)));
  if (text.size() > kMax) shown += "...";
  return shown;
}

std::string_view View(const rapidjson::Value& value) {
  return std::string_view(value.GetString(), value.GetStringLength());
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsHex(std::string_view digits) {
  return std::all_of(digits.begin(), digits.end(),
                     [](char c) { return HexDigit(c) >= 0; });
}

// "0x" + exactly `digits` hex digits, lower-cased.
absl::StatusOr<std::string> FixedHex(const rapidjson::Value* value,
                                     size_t digits, std::string_view what) {
  if (value == nullptr || !value->IsString()) {
    return absl::UnavailableError(absl::StrCat("JSON-RPC: ", ToAbsl(what),
                                               " is missing or not a string"));
  }
  const std::string_view text = View(*value);
  if (text.size() != digits + 2 || !absl::StartsWith(ToAbsl(text), "0x") ||
      !IsHex(text.substr(2))) {
    return absl::UnavailableError(
        absl::StrCat("JSON-RPC: ", ToAbsl(what), " \"", Excerpt(text),
                     "\" is not 0x and ", digits, " hex digits"));
  }
  return absl::AsciiStrToLower(ToAbsl(text));
}

// The number after `marker` in `message`, if digits follow it; thousands
// separators and a "k" suffix are read ("10,000", "2k").
std::optional<uint64_t> NumberAfter(std::string_view message,
                                    std::string_view marker) {
  const size_t at = message.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = message.substr(at + marker.size());
  uint64_t n = 0;
  size_t i = 0;
  for (; i < rest.size() && i < 16; ++i) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(rest[i]))) {
      n = n * 10 + static_cast<uint64_t>(rest[i] - '0');
    } else if (rest[i] != ',' || i == 0) {
      break;
    }
  }
  if (i == 0 || n == 0) return std::nullopt;
  if (i < rest.size() && rest[i] == 'k') n *= 1000;
  return n;
}

// The block count of a range suggested in the message as "[0xA, 0xB]"
// (Alchemy: "this block range should work: [0x1f6e9ad, 0x1f6eba0]").
std::optional<uint64_t> BracketedRange(std::string_view message) {
  const size_t open = message.find("[0x");
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view rest = message.substr(open + 1);
  const size_t close = rest.find(']');
  if (close == std::string_view::npos) return std::nullopt;
  rest = rest.substr(0, close);
  const size_t comma = rest.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  auto quantity = [](std::string_view text) -> std::optional<uint64_t> {
    text = ToStd(absl::StripAsciiWhitespace(ToAbsl(text)));
    if (text.size() < 3 || text.size() > 18 || !text.starts_with("0x") ||
        !IsHex(text.substr(2))) {
      return std::nullopt;
    }
    uint64_t n = 0;
    for (char c : text.substr(2)) {
      n = (n << 4) | static_cast<uint64_t>(HexDigit(c));
    }
    return n;
  };
  const std::optional<uint64_t> from = quantity(rest.substr(0, comma));
  const std::optional<uint64_t> to = quantity(rest.substr(comma + 1));
  if (!from.has_value() || !to.has_value() || *to < *from) return std::nullopt;
  return *to - *from + 1;
}

bool MatchesAnyAddress(std::string_view address,
                       const std::vector<std::string>& lowered) {
  if (lowered.empty()) return true;
  return std::find(lowered.begin(), lowered.end(), address) != lowered.end();
}

// Whether `lower` (a lower-cased message) is one of the providers' "range
// too large" messages that name a limit; sets `limit` to the block count of
// a suggested "[0xA, 0xB]" range (Alchemy), else to the number after the
// phrase, when readable.
bool NamesRangeLimit(std::string_view lower, std::optional<uint64_t>& limit) {
  struct Phrase {
    std::string_view phrase;  // says the range is too large
    std::string_view limit;   // the number follows this
  };
  static constexpr Phrase kPhrases[] = {
      // Infura -32602: "query block range 1000000 exceeds limit of 10000".
      {"exceeds limit of", "exceeds limit of "},
      // "exceed maximum block range: 5000".
      {"maximum block range", "maximum block range: "},
      // geth forks -32000: "block range is larger than max block range, max
      // block range = 5000".
      {"larger than max block range", "max block range = "},
      // Alchemy -32602 / -32600: "You can make eth_getLogs requests with up
      // to a 500 block range. Based on your parameters, this block range
      // should work: [0x1f6e9ad, 0x1f6eba0]"; "Log response size exceeded".
      {"eth_getlogs requests with up to a", "up to a "},
      {"log response size exceeded", "up to a "},
      // QuickNode -32614 (HTTP 413): "eth_getLogs is limited to a 10,000
      // range" (the method named, so that a rate limit worded "limited to a
      // 25 requests/second" is not read as a range).
      {"eth_getlogs is limited to a", "is limited to a "},
  };
  for (const Phrase& p : kPhrases) {
    if (!absl::StrContains(ToAbsl(lower), ToAbsl(p.phrase))) continue;
    limit = BracketedRange(lower);
    if (!limit.has_value()) limit = NumberAfter(lower, p.limit);
    return true;
  }
  return false;
}

}  // namespace

RpcError ClassifyRpcError(const rapidjson::Value& error) {
  RpcError e;
  e.code = Int64Member(error, "code").value_or(0);
  e.message = StringMember(error, "message");
  const std::string lower = absl::AsciiStrToLower(e.message);
  auto has = [&](std::string_view part) {
    return absl::StrContains(lower, ToAbsl(part));
  };
  // Some providers suggest a range: data {"from": "0x..", "to": "0x.."}.
  if (const rapidjson::Value* data = ObjectMember(error, "data")) {
    const rapidjson::Value* from = Member(*data, "from");
    const rapidjson::Value* to = Member(*data, "to");
    if (from != nullptr && to != nullptr) {
      absl::StatusOr<uint64_t> f = DecodeQuantity(*from, "data.from");
      absl::StatusOr<uint64_t> t = DecodeQuantity(*to, "data.to");
      if (f.ok() && t.ok() && *t >= *f) e.suggested_blocks = *t - *f + 1;
    }
  }
  if (e.code == 429 || e.code == -32090 || has("rate limit") ||
      has("too many requests") || has("compute units") ||
      has("request count") || has("rate limited")) {
    e.kind = RpcErrorKind::kRateLimited;
  } else if (has("beyond current head")) {
    e.kind = RpcErrorKind::kBeyondHead;
  } else if (has("more than") && has("results")) {
    e.kind = RpcErrorKind::kRangeTooWide;
  } else if (std::optional<uint64_t> limit; NamesRangeLimit(lower, limit)) {
    e.kind = RpcErrorKind::kRangeTooWide;
    if (!e.suggested_blocks) e.suggested_blocks = limit;
  } else if (has("limit exceeded") || has("range too large") ||
             has("range is too large") || has("range is too wide") ||
             has("too wide") || e.code == -32005) {
    e.kind = RpcErrorKind::kRangeTooWide;
  } else if (has("header not found") || has("unknown block")) {
    e.kind = RpcErrorKind::kNodeBehind;
  } else if (e.code == -32602 || has("invalid block range")) {
    e.kind = RpcErrorKind::kInvalidRange;
  }
  return e;
}

absl::Status ParseRpcResponse(std::string_view body, int64_t id,
                              RpcResponse* out) {
  const std::string parse_error = ParseJson(body, &out->document);
  if (!parse_error.empty()) {
    return absl::UnavailableError(
        absl::StrCat("JSON-RPC response is not JSON (", parse_error, "): \"",
                     Excerpt(body), "\""));
  }
  const rapidjson::Value& doc = out->document;
  if (!doc.IsObject()) {
    return absl::UnavailableError(absl::StrCat(
        "JSON-RPC response is not an object: \"", Excerpt(body), "\""));
  }
  const rapidjson::Value* error = ObjectMember(doc, "error");
  // A node that could not read the request answers with id null.
  const rapidjson::Value* got = Member(doc, "id");
  const bool id_matches =
      got != nullptr &&
      ((got->IsInt64() && got->GetInt64() == id) ||
       (got->IsString() && View(*got) == std::to_string(id)) ||
       (got->IsNull() && error != nullptr));
  if (!id_matches) {
    return absl::UnavailableError(
        absl::StrCat("JSON-RPC response does not answer request id ", id,
                     ": \"", Excerpt(body), "\""));
  }
  if (error != nullptr) {
    out->error = ClassifyRpcError(*error);
    return absl::OkStatus();
  }
  out->result = Member(doc, "result");
  if (out->result == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("JSON-RPC response has neither result nor error: \"",
                     Excerpt(body), "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> DecodeQuantity(const rapidjson::Value& value,
                                        std::string_view what) {
  if (!value.IsString()) {
    return absl::UnavailableError(
        absl::StrCat("JSON-RPC: ", ToAbsl(what), " is not a hex string"));
  }
  const std::string_view text = View(value);
  if (text.size() < 3 || text.size() > 18 ||
      !absl::StartsWith(ToAbsl(text), "0x") || !IsHex(text.substr(2))) {
    return absl::UnavailableError(
        absl::StrCat("JSON-RPC: ", ToAbsl(what), " \"", Excerpt(text),
                     "\" is not a quantity (0x and 1 to 16 hex digits)"));
  }
  uint64_t n = 0;
  for (char c : text.substr(2))
    n = (n << 4) | static_cast<uint64_t>(HexDigit(c));
  return n;
}

absl::StatusOr<Amount> DecodeUint256Amount(std::string_view data, int scale) {
  if (data.size() != 66 || !absl::StartsWith(ToAbsl(data), "0x") ||
      !IsHex(data.substr(2))) {
    return absl::UnavailableError(
        absl::StrCat("JSON-RPC: Transfer data \"", Excerpt(data),
                     "\" is not a uint256 (0x and 64 hex digits)"));
  }
  const std::string_view digits = data.substr(2);
  // The top 128 bits must be zero, and so must bit 127: Amount is a signed
  // 128-bit integer.
  const bool too_big =
      digits.substr(0, 32).find_first_not_of('0') != std::string_view::npos ||
      HexDigit(digits[32]) >= 8;
  if (too_big) {
    const size_t first = digits.find_first_not_of('0');
    return absl::OutOfRangeError(
        absl::StrCat("Transfer value 0x", ToAbsl(digits.substr(first)), " (",
                     (64 - first) * 4, " bits) does not fit a 128-bit Amount"));
  }
  absl::uint128 units = 0;
  for (char c : digits.substr(32)) {
    units = (units << 4) | static_cast<uint64_t>(HexDigit(c));
  }
  return Amount::FromUnits(static_cast<absl::int128>(units), scale);
}

absl::StatusOr<std::optional<BlockHeader>> DecodeBlockHeader(
    const rapidjson::Value& result) {
  if (result.IsNull()) return std::nullopt;
  if (!result.IsObject()) {
    return absl::UnavailableError("JSON-RPC: a block is not an object");
  }
  const rapidjson::Value* number = Member(result, "number");
  if (number == nullptr) {
    return absl::UnavailableError("JSON-RPC: the block has no number");
  }
  BlockHeader header;
  BOTCORE_ASSIGN_OR_RETURN(header.number,
                           DecodeQuantity(*number, "block number"));
  BOTCORE_ASSIGN_OR_RETURN(header.hash,
                           FixedHex(Member(result, "hash"), 64, "block hash"));
  BOTCORE_ASSIGN_OR_RETURN(
      header.parent_hash,
      FixedHex(Member(result, "parentHash"), 64, "block parentHash"));
  return header;
}

absl::StatusOr<std::vector<TransferLog>> DecodeTransferLogs(
    const rapidjson::Value& result, const TransferLogFilter& filter) {
  if (!result.IsArray()) {
    return absl::UnavailableError(
        "JSON-RPC: eth_getLogs result is not an array");
  }
  std::vector<std::string> to;
  to.reserve(filter.to.size());
  for (const std::string& a : filter.to) to.push_back(absl::AsciiStrToLower(a));

  std::vector<TransferLog> logs;
  for (const rapidjson::Value& log : result.GetArray()) {
    if (!log.IsObject()) {
      return absl::UnavailableError("JSON-RPC: a log is not an object");
    }
    // Cheap rejections first: most logs of a busy block are other tokens'.
    const rapidjson::Value* address = Member(log, "address");
    if (address == nullptr || !address->IsString() ||
        !absl::EqualsIgnoreCase(ToAbsl(View(*address)), filter.token)) {
      continue;
    }
    const rapidjson::Value* topics = ArrayMember(log, "topics");
    if (topics == nullptr || topics->Size() != 3) continue;  // ERC-721: 4
    const rapidjson::Value& topic0 = (*topics)[0];
    if (!topic0.IsString() ||
        !absl::EqualsIgnoreCase(ToAbsl(View(topic0)), ToAbsl(kTransferTopic))) {
      continue;
    }
    if (BoolMember(log, "removed")) continue;

    TransferLog t;
    BOTCORE_ASSIGN_OR_RETURN(
        std::string from_topic,
        FixedHex(&(*topics)[1], 64, "Transfer from topic"));
    BOTCORE_ASSIGN_OR_RETURN(std::string to_topic,
                             FixedHex(&(*topics)[2], 64, "Transfer to topic"));
    for (const std::string* topic : {&from_topic, &to_topic}) {
      if (topic->compare(2, 24, std::string(24, '0')) != 0) {
        return absl::UnavailableError(absl::StrCat(
            "JSON-RPC: Transfer topic ", *topic, " is not an address"));
      }
    }
    t.from = "0x" + from_topic.substr(26);
    t.to = "0x" + to_topic.substr(26);
    if (!MatchesAnyAddress(t.to, to)) continue;
    t.token = absl::AsciiStrToLower(ToAbsl(View(*address)));

    const rapidjson::Value* block_number = Member(log, "blockNumber");
    const rapidjson::Value* log_index = Member(log, "logIndex");
    if (block_number == nullptr || log_index == nullptr) {
      return absl::UnavailableError(
          "JSON-RPC: a log has no blockNumber or logIndex (a pending log?)");
    }
    BOTCORE_ASSIGN_OR_RETURN(t.block_number,
                             DecodeQuantity(*block_number, "log blockNumber"));
    BOTCORE_ASSIGN_OR_RETURN(t.log_index,
                             DecodeQuantity(*log_index, "log logIndex"));
    if (t.block_number < filter.from_block ||
        t.block_number > filter.to_block) {
      return absl::UnavailableError(
          absl::StrCat("JSON-RPC: a log of block ", t.block_number,
                       " lies outside the requested range [", filter.from_block,
                       ", ", filter.to_block, "]"));
    }
    BOTCORE_ASSIGN_OR_RETURN(
        t.block_hash, FixedHex(Member(log, "blockHash"), 64, "log blockHash"));
    BOTCORE_ASSIGN_OR_RETURN(t.tx_hash, FixedHex(Member(log, "transactionHash"),
                                                 64, "log transactionHash"));
    const rapidjson::Value* data = Member(log, "data");
    if (data == nullptr || !data->IsString()) {
      return absl::UnavailableError("JSON-RPC: a Transfer log has no data");
    }
    absl::StatusOr<Amount> amount =
        DecodeUint256Amount(View(*data), filter.token_scale);
    if (!amount.ok()) {
      return absl::Status(amount.status().code(),
                          absl::StrCat(amount.status().message(), " (tx ",
                                       t.tx_hash, ", log ", t.log_index, ")"));
    }
    t.amount = *std::move(amount);
    logs.push_back(std::move(t));
  }
  std::sort(logs.begin(), logs.end(),
            [](const TransferLog& a, const TransferLog& b) {
              return std::pair(a.block_number, a.log_index) <
                     std::pair(b.block_number, b.log_index);
            });
  return logs;
}

std::string AddressTopic(std::string_view address) {
  std::string_view hex = address;
  if (absl::StartsWith(ToAbsl(hex), "0x")) hex.remove_prefix(2);
  return absl::StrCat("0x", std::string(24, '0'),
                      absl::AsciiStrToLower(ToAbsl(hex)));
}

}  // namespace botcore::internal
