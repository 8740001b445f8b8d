#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/adapters/http.h"
#include "internal/strings.h"

namespace botcore {
namespace {

bool IsIdempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" ||
         method == "DELETE" || method == "OPTIONS";
}

bool IsRetryableStatus(int status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

// A non-negative, finite number of `unit`s ("1.5" is read too: servers
// send fractions although RFC 9110 asks for whole seconds).
std::optional<absl::Duration> Delay(std::string_view value,
                                    absl::Duration unit) {
  double count;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(internal::ToAbsl(value)),
                        &count) ||
      !std::isfinite(count) || count < 0) {
    return std::nullopt;
  }
  return count * unit;
}

// The wait the response asks for: "retry-after-ms" (milliseconds, as Azure
// OpenAI and compatible servers send it) when present and readable, else
// Retry-After as delta-seconds or an HTTP date (RFC 9110 10.2.3). nullopt
// when absent or unreadable.
std::optional<absl::Duration> RetryAfter(const HttpResponse& response,
                                         absl::Time now) {
  if (std::optional<std::string_view> ms =
          FindHeader(response.headers, "retry-after-ms")) {
    if (std::optional<absl::Duration> wait =
            Delay(*ms, absl::Milliseconds(1))) {
      return wait;
    }
  }
  std::optional<std::string_view> value =
      FindHeader(response.headers, "Retry-After");
  if (!value.has_value()) return std::nullopt;
  if (std::optional<absl::Duration> wait = Delay(*value, absl::Seconds(1))) {
    return wait;
  }
  std::optional<absl::Time> when = ParseHttpDate(*value);
  if (!when.has_value()) return std::nullopt;
  return std::max(absl::ZeroDuration(), *when - now);
}

class RetryingHttpClient final : public HttpClientWrapper {
 public:
  RetryingHttpClient(std::unique_ptr<HttpClient> target,
                     const RetryOptions& options)
      : HttpClientWrapper(std::move(target)),
        options_(options),
        random_(options.seed != 0 ? options.seed : std::random_device()()) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    const bool idempotent =
        IsIdempotent(request.method) || options_.retry_non_idempotent;
    absl::Duration backoff = options_.initial_backoff;
    for (int attempt = 1;; ++attempt) {
      absl::StatusOr<HttpResponse> result = target().Send(request);
      if (attempt >= options_.max_attempts) return result;
      std::optional<absl::Duration> wait;
      if (result.ok()) {
        const int status = result->status;
        if (!IsRetryableStatus(status)) return result;
        if (!idempotent && status != 429 && status != 503) return result;
        wait = RetryAfter(*result, options_.clock->Now());
        if (wait.has_value() && *wait > options_.max_retry_after) return result;
      } else {
        const absl::StatusCode code = result.status().code();
        if (code != absl::StatusCode::kDeadlineExceeded &&
            code != absl::StatusCode::kUnavailable) {
          return result;
        }
        if (!idempotent) return result;
      }
      if (!wait.has_value()) {
        wait = Jittered(backoff);
        backoff = std::min(backoff * 2, options_.max_backoff);
      }
      options_.clock->SleepFor(*wait);
    }
  }

 private:
  absl::Duration Jittered(absl::Duration d) {
    if (options_.jitter <= 0) return d;
    absl::MutexLock lock(&mu_);
    std::uniform_real_distribution<double> factor(1 - options_.jitter,
                                                  1 + options_.jitter);
    return d * factor(random_);
  }

  const RetryOptions options_;
  absl::Mutex mu_;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<HttpClient> NewRetryingHttpClient(
    std::unique_ptr<HttpClient> target, const RetryOptions& options) {
  return std::make_unique<RetryingHttpClient>(std::move(target), options);
}

}  // namespace botcore
