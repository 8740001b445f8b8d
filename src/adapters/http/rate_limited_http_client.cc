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

namespace botcore {
namespace {

// "https://host:port" of a URL: what a rate limit applies to.
std::string HostKey(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t end = url.find_first_of("/?#", scheme + 3);
  std::string key = url.substr(0, end);
  // Drop user info, which may hold a password.
  const size_t at = key.rfind('@');
  if (at != std::string::npos) key.erase(scheme + 3, at + 1 - (scheme + 3));
  return absl::AsciiStrToLower(key);
}

class RateLimitedHttpClient final : public HttpClientWrapper {
 public:
  RateLimitedHttpClient(std::unique_ptr<HttpClient> target,
                        const RateLimitOptions& options)
      : HttpClientWrapper(std::move(target)),
        options_(options),
        interval_(absl::Seconds(1 / options.requests_per_second)) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    absl::Duration wait;
    {
      // Reserving the slot under the lock and sleeping outside it queues
      // concurrent callers one interval apart, in the order they came.
      absl::MutexLock lock(&mu_);
      const absl::Time now = options_.clock->Now();
      // The bucket is modelled by the time at which it would be full again:
      // a request may start at max(now, next_free - burst*interval).
      absl::Time& next_free =
          next_free_.try_emplace(HostKey(request.url), absl::InfinitePast())
              .first->second;
      const absl::Time earliest =
          std::max(now, next_free - (options_.burst - 1) * interval_);
      wait = earliest - now;
      if (wait > options_.max_wait) {
        return absl::ResourceExhaustedError(
            absl::StrCat("rate limit of ", options_.requests_per_second,
                         "/s for ", HostKey(RedactUrl(request.url)),
                         ": would wait ", absl::FormatDuration(wait)));
      }
      next_free = std::max(next_free, earliest) + interval_;
    }
    if (wait > absl::ZeroDuration()) options_.clock->SleepFor(wait);
    return target().Send(request);
  }

 private:
  const RateLimitOptions options_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  std::map<std::string, absl::Time> next_free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<HttpClient> NewRateLimitedHttpClient(
    std::unique_ptr<HttpClient> target, const RateLimitOptions& options) {
  return std::make_unique<RateLimitedHttpClient>(std::move(target), options);
}

}  // namespace botcore
