// Private: reading Bot API responses and updates. Separate from the
// messenger so that the fuzzers and benchmarks reach the parsers directly.

#ifndef BOTCORE_ADAPTERS_TELEGRAM_TELEGRAM_JSON_H_
#define BOTCORE_ADAPTERS_TELEGRAM_TELEGRAM_JSON_H_

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/json.h"
#include "botcore/ports/messenger.h"

namespace botcore::internal {

// The outcome of one Bot API call.
struct TelegramReply {
  // OK when the body says "ok": true; otherwise the error, its code chosen
  // as botcore/ports/messenger.h lists.
  absl::Status status;
  // The pool `body` allocates from, sized to the reply. RapidJSON's own
  // first chunk is 64 KiB: more work than parsing a sendMessage reply, and
  // freeing a block that large makes glibc consolidate its heap. Declared
  // before `body`, which points into it; held by pointer so that moving the
  // reply keeps its address.
  std::unique_ptr<rapidjson::MemoryPoolAllocator<>> pool;
  // The parsed body; its "result" member is the method's result.
  rapidjson::Document body;
  // Set on 429: how long Telegram asks to wait.
  std::optional<absl::Duration> retry_after;
};

// Reads the response of `method` (for messages) from its HTTP status and
// body. Never fails on any input: a body that is not the Bot API's JSON
// yields kUnavailable (a proxy's error page, a truncated transfer).
TelegramReply ReadTelegramReply(std::string_view method, int http_status,
                                std::string_view body);

// Reads one Update object. An update of a kind this port does not model, or
// whose payload lacks what it needs, comes back as UpdateKind::kOther so it
// can still be acknowledged.
// Errors: kInvalidArgument when `value` is not an object with an integer
// update_id.
absl::StatusOr<Update> UpdateFromJson(const rapidjson::Value& value);

// Parses a getUpdates response body (after ReadTelegramReply said OK): the
// updates in `result`, in order. Items without an integer update_id are
// skipped, so one malformed item cannot stall polling.
// Errors: kInvalidArgument for malformed JSON or a missing `result` array.
absl::StatusOr<std::vector<Update>> ParseTelegramUpdates(
    std::string_view getupdates_body);
absl::StatusOr<Update> ParseTelegramUpdate(std::string_view update_json);

}  // namespace botcore::internal

#endif  // BOTCORE_ADAPTERS_TELEGRAM_TELEGRAM_JSON_H_
