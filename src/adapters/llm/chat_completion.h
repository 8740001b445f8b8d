// Private: the OpenAI-compatible chat-completions wire format as LlmAdvisor
// reads and writes it. Split from the HTTP calls so that the fuzzer drives
// exactly what the advisor runs on an answer.

#ifndef BOTCORE_ADAPTERS_LLM_CHAT_COMPLETION_H_
#define BOTCORE_ADAPTERS_LLM_CHAT_COMPLETION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "botcore/adapters/llm.h"
#include "botcore/portfolio/instrument.h"
#include "botcore/ports/advisor.h"
#include "botcore/ports/http_client.h"

namespace botcore::internal {

// The parts of a chat completion (HTTP 200 body) the advisor uses.
struct ChatCompletion {
  std::string model;
  // "stop", "length", "tool_calls", ...; "" when null or absent.
  std::string finish_reason;
  std::optional<std::string> content;
  std::optional<std::string> refusal;
  bool tool_calls = false;  // the message asks for a tool call
  LlmUsage usage;           // requests = 1
};

// Reads the envelope; unknown fields are ignored.
// Errors: kUnavailable for a body that is not JSON (truncated, an HTML page
// from a proxy) or has no choices[0].message.
[[nodiscard]] absl::StatusOr<ChatCompletion> ParseChatCompletion(
    std::string_view body);

// What an answer is checked against.
struct AnswerCheck {
  std::string_view symbol;
  double last_close = 0;  // the close of the newest candle
  Instrument instrument;  // lot size and price step
  int64_t held = 0;       // shares of `symbol` held
  // The furthest a price may lie from last_close, as a fraction.
  double max_price_deviation = 0.2;
};

// The recommendation in a completion: a normal finish (finish_reason
// "stop"; null or "" and TGI's "eos_token" from compatible servers mean the
// same), no refusal and no tool call, content a JSON object of exactly the
// answer schema (AnswerSchema) with numbers consistent with `check`. Sets
// symbol, action, quantity, percent, entry, stop_loss, take_profit, confidence,
// rationale; not id, source or time. Errors: kFailedPrecondition, with the
// reason, for every answer that is rejected: truncated (finish_reason
// "length"), filtered
// ("content_filter"), any other finish_reason, refused, a tool call, content
// that is not JSON or not the schema (wrong types, missing or extra fields),
// another symbol, a size not in whole lots, both a quantity and a percent, a
// SELL without a position or of more than is held, prices off the price step or
// too far from the last close, stop-loss or take-profit on the wrong side of
// the entry, confidence outside 0..100.
[[nodiscard]] absl::StatusOr<Recommendation> ParseRecommendation(
    const ChatCompletion& completion, const AnswerCheck& check);

// The JSON Schema (strict) of the answer.
std::string AnswerSchema();

// The chat-completions request body for `context`: a system message with
// the rules, a user message with the market context as JSON, and
// response_format json_schema (strict).
// REQUIRES: context.instrument, portfolio and limits are set.
std::string ChatRequestBody(const AdvisorContext& context,
                            const LlmAdvisorOptions& options);

// The Status for a response other than 200: kUnauthenticated (401),
// kPermissionDenied (403), kNotFound (404, an unknown model),
// kInvalidArgument (400, e.g. context_length_exceeded), kFailedPrecondition
// (429 insufficient_quota: no credit left, retrying will not help),
// kResourceExhausted (other 429), kDeadlineExceeded (408),
// kUnavailable (5xx and anything else). The message carries the API's error
// code and message, with `api_key` cut out of it.
absl::Status StatusFromErrorResponse(const HttpResponse& response,
                                     std::string_view api_key);

// Whether `response` is a 429 saying the account has no quota left.
bool IsInsufficientQuota(const HttpResponse& response);

// `text` with every occurrence of `secret` (when not empty) replaced by ***.
std::string WithoutSecret(std::string_view text, std::string_view secret);

}  // namespace botcore::internal

#endif  // BOTCORE_ADAPTERS_LLM_CHAT_COMPLETION_H_
