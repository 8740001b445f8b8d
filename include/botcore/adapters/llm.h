// File: botcore/adapters/llm.h
//
// The Advisor port over an OpenAI-compatible chat-completions API (OpenAI,
// OpenRouter, a Hugging Face router, vLLM, llama.cpp, Ollama's /v1 ...): the
// market context goes into the prompt, the answer comes back as structured
// output (response_format json_schema, strict) and is checked before it
// becomes a Recommendation.
//
//   SystemClock clock;
//   absl::StatusOr<std::unique_ptr<HttpClient>> http = NewCurlHttpClient({});
//   LlmAdvisorOptions options;
//   options.http = http->get();
//   options.clock = &clock;
//   options.base_url = "https://openrouter.ai/api/v1";
//   options.api_key = config.Get("LLM_API_KEY");
//   options.model = "openai/gpt-4o-mini";
//   absl::StatusOr<std::unique_ptr<LlmAdvisor>> llm =
//       LlmAdvisor::Create(options);
//   absl::StatusOr<std::optional<Recommendation>> r = (*llm)->Advise(context);
//
// An answer that is not exactly what was asked for is rejected with the
// reason (kFailedPrecondition), never repaired: not JSON, wrong types,
// missing or extra fields, a refusal, a truncated answer (finish_reason
// "length"), a filtered one ("content_filter"), a tool call, or numbers that
// contradict the market data (prices off the price step or far from the last
// close, a stop-loss above the entry of a buy, a sale of shares not held, sizes
// not in whole lots). A normal finish is finish_reason "stop", or what
// compatible servers send for it: null, "" or "eos_token" (Hugging Face TGI).
//
// Failed requests are retried by the HTTP retry decorator
// (botcore/adapters/http.h: timeouts, 408, 429, 5xx, Retry-After), except a
// 429 "insufficient_quota", which waiting does not fix. The API key is sent
// only in the Authorization header and never appears in an error message.
//
// Thread-safe.

#ifndef BOTCORE_ADAPTERS_LLM_H_
#define BOTCORE_ADAPTERS_LLM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/adapters/http.h"
#include "botcore/core/clock.h"
#include "botcore/ports/advisor.h"
#include "botcore/ports/http_client.h"

namespace botcore {

// Tokens as the API reports them (usage.*_tokens).
struct LlmUsage {
  int64_t requests = 0;  // completions answered with HTTP 200
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
};

// The retries LlmAdvisorOptions starts with: 3 attempts (the OpenAI
// clients' 2 retries), timeouts retried too (a completion changes nothing on
// the server but the bill); the rest as RetryOptions.
inline RetryOptions DefaultLlmRetryOptions() {
  RetryOptions retry;
  retry.max_attempts = 3;
  retry.retry_non_idempotent = true;
  return retry;
}

struct LlmAdvisorOptions {
  // Required, not owned; must outlive the advisor. The transport, e.g.
  // NewCurlHttpClient, perhaps rate-limited; the advisor adds the retries.
  HttpClient* http = nullptr;
  // Required, not owned: measures and sleeps the retry backoff.
  Clock* clock = nullptr;
  // The API's base; requests go to <base_url>/chat/completions.
  // Default: "https://api.openai.com/v1".
  std::string base_url = "https://api.openai.com/v1";
  // Required: sent as "Authorization: Bearer <api_key>".
  std::string api_key;
  // Default: "gpt-4o-mini".
  std::string model = "gpt-4o-mini";
  // Default: 0.2.
  double temperature = 0.2;
  // Sent as max_tokens (what compatible servers understand). Default: 1000.
  int max_tokens = 1000;
  // The newest candles put in the prompt. Default: 60.
  int recent_candles = 60;
  // Time allowed for one request. Default: 60 s.
  absl::Duration timeout = absl::Seconds(60);
  // The retry policy; its clock is replaced by `clock` above.
  // Default: DefaultLlmRetryOptions().
  RetryOptions retry = DefaultLlmRetryOptions();
  // The furthest an entry, stop-loss or take-profit may lie from the last
  // close, as a fraction; further is a contradiction of the market data.
  // Default: 0.2 (20 %).
  double max_price_deviation = 0.2;
};

// Thread-safe.
class LlmAdvisor final : public Advisor {
 public:
  // Checks the options; does not contact the API.
  // Errors: kInvalidArgument when http, clock or api_key is missing,
  // base_url is not http(s), the model is empty, or max_tokens,
  // recent_candles or retry.max_attempts is below 1.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<LlmAdvisor>> Create(
      const LlmAdvisorOptions& options);

  LlmAdvisor(const LlmAdvisor&) = delete;
  LlmAdvisor& operator=(const LlmAdvisor&) = delete;
  ~LlmAdvisor() override;

  // "llm:<model>".
  std::string_view name() const override { return name_; }

  // Asks the model. Returns the checked recommendation (source "llm:<model>",
  // time context.now). Never returns std::nullopt: a model with nothing to
  // propose answers HOLD.
  // Errors: kInvalidArgument when the context lacks candles, instrument,
  // portfolio or limits, or the API calls the request invalid (400, e.g.
  // the prompt is too long); kFailedPrecondition for a rejected answer (see
  // the file comment) or an account without quota; kUnauthenticated /
  // kPermissionDenied for a refused key; kNotFound for an unknown model;
  // kResourceExhausted when still rate-limited after the retries;
  // kDeadlineExceeded / kUnavailable when the API cannot be reached or
  // fails (5xx, a body that is not a chat completion).
  absl::StatusOr<std::optional<Recommendation>> Advise(
      const AdvisorContext& context) override;

  // Tokens used so far by answered requests, rejected answers included.
  LlmUsage usage() const;

 private:
  LlmAdvisor(const LlmAdvisorOptions& options,
             std::unique_ptr<HttpClient> http);

  const LlmAdvisorOptions options_;
  const std::string name_;
  // The retrying stack over options_.http.
  const std::unique_ptr<HttpClient> http_;
  mutable absl::Mutex mu_;
  LlmUsage usage_ ABSL_GUARDED_BY(mu_);
};

}  // namespace botcore

#endif  // BOTCORE_ADAPTERS_LLM_H_
