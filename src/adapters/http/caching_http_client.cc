#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "botcore/adapters/http.h"

namespace botcore {
namespace {

std::string CacheKey(const HttpRequest& request) {
  // Headers are part of the key: the same URL with another Accept or
  // Authorization may answer differently.
  std::string key = request.url;
  for (const auto& [name, value] : request.headers) {
    absl::StrAppend(&key, "\n", name, ":", value);
  }
  return key;
}

class CachingHttpClient final : public HttpClientWrapper {
 public:
  CachingHttpClient(std::unique_ptr<HttpClient> target,
                    const CacheOptions& options)
      : HttpClientWrapper(std::move(target)), options_(options) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    if (request.method != "GET") return target().Send(request);
    const std::string key = CacheKey(request);
    {
      absl::MutexLock lock(&mu_);
      auto it = entries_.find(key);
      if (it != entries_.end()) {
        if (options_.clock->Now() < it->second.expires) {
          return it->second.response;
        }
        entries_.erase(it);
      }
    }
    absl::StatusOr<HttpResponse> response = target().Send(request);
    if (response.ok() && response->status >= 200 && response->status < 300 &&
        (!options_.cacheable || options_.cacheable(*response))) {
      absl::MutexLock lock(&mu_);
      const absl::Time expires = options_.clock->Now() + options_.ttl;
      entries_.insert_or_assign(key, Entry{*response, expires});
      order_.push_back(key);
      Evict();
    }
    return response;
  }

 private:
  struct Entry {
    HttpResponse response;
    absl::Time expires;
  };

  // Drops the oldest insertions until the cache fits. order_ may name keys
  // already erased or re-inserted; those entries are skipped or dropped by
  // age of their first insertion, which only makes eviction a bit early.
  void Evict() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (static_cast<int>(entries_.size()) > options_.max_entries ||
           order_.size() > 2 * static_cast<size_t>(options_.max_entries)) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
  }

  const CacheOptions options_;
  absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> order_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<HttpClient> NewCachingHttpClient(
    std::unique_ptr<HttpClient> target, const CacheOptions& options) {
  return std::make_unique<CachingHttpClient>(std::move(target), options);
}

}  // namespace botcore
