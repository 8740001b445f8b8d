#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/adapters/http.h"
#include "botcore/core/redact.h"
#include "internal/token_bucket.h"

namespace botcore {
namespace {

// "https://host:port" of a URL: what a rate limit applies to.
std::string HostKey(const std::string& url) {
  return absl::AsciiStrToLower(UrlOrigin(url));
}

class RateLimitedHttpClient final : public HttpClientWrapper {
 public:
  RateLimitedHttpClient(std::unique_ptr<HttpClient> target,
                        const RateLimitOptions& options)
      : HttpClientWrapper(std::move(target)), options_(options) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    absl::Duration wait;
    {
      // Reserving the slot under the lock and sleeping outside it queues
      // concurrent callers one interval apart, in the order they came.
      absl::MutexLock lock(&mu_);
      const absl::Time now = options_.clock->Now();
      internal::TokenBucket& bucket =
          buckets_
              .try_emplace(HostKey(request.url), options_.requests_per_second,
                           options_.burst)
              .first->second;
      const absl::Time start = bucket.Earliest(now);
      wait = start - now;
      if (wait > options_.max_wait) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "rate limit of ", options_.requests_per_second, "/s for ",
            HostKey(request.url), ": would wait ", absl::FormatDuration(wait)));
      }
      bucket.Take(start);
    }
    if (wait > absl::ZeroDuration()) options_.clock->SleepFor(wait);
    return target().Send(request);
  }

 private:
  const RateLimitOptions options_;
  absl::Mutex mu_;
  std::map<std::string, internal::TokenBucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<HttpClient> NewRateLimitedHttpClient(
    std::unique_ptr<HttpClient> target, const RateLimitOptions& options) {
  return std::make_unique<RateLimitedHttpClient>(std::move(target), options);
}

}  // namespace botcore
