#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "adapters/llm/chat_completion.h"
#include "botcore/adapters/llm.h"
#include "botcore/portfolio/book.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

// Sits under the retry decorator and turns a 429 "insufficient_quota" into
// an error the decorator passes through: waiting does not bring credit back.
// Does not own `target`.
class QuotaGate final : public HttpClient {
 public:
  QuotaGate(HttpClient* target, std::string api_key)
      : target_(target), api_key_(std::move(api_key)) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    absl::StatusOr<HttpResponse> response = target_->Send(request);
    if (response.ok() && internal::IsInsufficientQuota(*response)) {
      return internal::StatusFromErrorResponse(*response, api_key_);
    }
    return response;
  }

 private:
  HttpClient* const target_;
  const std::string api_key_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<LlmAdvisor>> LlmAdvisor::Create(
    const LlmAdvisorOptions& options) {
  if (options.http == nullptr || options.clock == nullptr) {
    return absl::InvalidArgumentError(
        "LlmAdvisorOptions.http and .clock are required");
  }
  if (options.api_key.empty()) {
    return absl::InvalidArgumentError("LlmAdvisorOptions.api_key is required");
  }
  if (!absl::StartsWith(options.base_url, "http://") &&
      !absl::StartsWith(options.base_url, "https://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "LlmAdvisorOptions.base_url must be an http(s) URL, got \"",
        internal::WithoutSecret(options.base_url, options.api_key), "\""));
  }
  if (options.model.empty() || options.max_tokens < 1 ||
      options.recent_candles < 1 || options.retry.max_attempts < 1 ||
      !(options.max_price_deviation > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("LlmAdvisorOptions: model (\"", options.model,
                     "\") must be set; max_tokens (", options.max_tokens,
                     "), recent_candles (", options.recent_candles,
                     ") and retry.max_attempts (", options.retry.max_attempts,
                     ") at least 1; max_price_deviation (",
                     options.max_price_deviation, ") positive"));
  }
  RetryOptions retry = options.retry;
  retry.clock = options.clock;
  auto http = NewRetryingHttpClient(
      std::make_unique<QuotaGate>(options.http, options.api_key), retry);
  return std::unique_ptr<LlmAdvisor>(new LlmAdvisor(options, std::move(http)));
}

LlmAdvisor::LlmAdvisor(const LlmAdvisorOptions& options,
                       std::unique_ptr<HttpClient> http)
    : options_(options),
      name_(absl::StrCat("llm:", options.model)),
      http_(std::move(http)) {}

LlmAdvisor::~LlmAdvisor() = default;

LlmUsage LlmAdvisor::usage() const {
  absl::MutexLock lock(&mu_);
  return usage_;
}

absl::StatusOr<std::optional<Recommendation>> LlmAdvisor::Advise(
    const AdvisorContext& context) {
  if (context.candles.empty() || context.instrument == nullptr ||
      context.portfolio == nullptr || context.limits == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "LlmAdvisor: the context for \"", internal::ToAbsl(context.symbol),
        "\" needs candles, the instrument, the portfolio and the limits"));
  }
  HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat(absl::StripSuffix(options_.base_url, "/"),
                             "/chat/completions");
  request.headers = {
      {"Authorization", absl::StrCat("Bearer ", options_.api_key)},
      {"Content-Type", "application/json"}};
  request.body = internal::ChatRequestBody(context, options_);
  request.timeout = options_.timeout;

  absl::StatusOr<HttpResponse> response = http_->Send(request);
  if (!response.ok()) {
    // Transport messages name the URL only; the key is in a header. Cut it
    // anyway in case a base URL carries it.
    return absl::Status(
        response.status().code(),
        internal::WithoutSecret(internal::ToStd(response.status().message()),
                                options_.api_key));
  }
  if (response->status != 200) {
    return internal::StatusFromErrorResponse(*response, options_.api_key);
  }
  BOTCORE_ASSIGN_OR_RETURN(internal::ChatCompletion completion,
                           internal::ParseChatCompletion(response->body));
  {
    absl::MutexLock lock(&mu_);
    usage_.requests += completion.usage.requests;
    usage_.prompt_tokens += completion.usage.prompt_tokens;
    usage_.completion_tokens += completion.usage.completion_tokens;
    usage_.total_tokens += completion.usage.total_tokens;
  }
  internal::AnswerCheck check;
  check.symbol = context.symbol;
  check.last_close = context.candles.back().close;
  check.instrument = *context.instrument;
  const Position* position = context.portfolio->FindPosition(context.symbol);
  check.held = position != nullptr ? position->quantity : 0;
  check.max_price_deviation = options_.max_price_deviation;
  absl::StatusOr<Recommendation> r =
      internal::ParseRecommendation(completion, check);
  if (!r.ok()) {
    return absl::Status(
        r.status().code(),
        internal::WithoutSecret(internal::ToStd(r.status().message()),
                                options_.api_key));
  }
  r->source = name_;
  r->time = context.now;
  return std::optional<Recommendation>(*std::move(r));
}

}  // namespace botcore
