// File: botcore/adapters/http.h
//
// The libcurl HttpClient and the decorators that add retries, per-host rate
// limits and a response cache to any HttpClient (botcore/ports/http_client.h).
// NewHttpClientStack builds libcurl with the decorators you ask for, always
// in the same order:
//
//   SystemClock clock;
//   absl::StatusOr<std::unique_ptr<HttpClient>> http = NewHttpClientStack({
//       .rate_limit = RateLimitOptions{.clock = &clock,
//                                      .requests_per_second = 1},
//       .retry = RetryOptions{.clock = &clock},
//       .cache = CacheOptions{.clock = &clock, .ttl = absl::Minutes(15)}});
//
// With the rate limiter inside the retries, every attempt waits for its
// token; with the cache outside everything, a hit costs nothing. Each
// decorator owns the client it wraps, so one around another HttpClient (a
// fake, your own) is built inside out with the New*HttpClient functions.

#ifndef BOTCORE_ADAPTERS_HTTP_H_
#define BOTCORE_ADAPTERS_HTTP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/clock.h"
#include "botcore/ports/http_client.h"

namespace botcore {

struct CurlHttpClientOptions {
  // Time allowed to establish the TCP (and TLS) connection. Default: 10 s.
  absl::Duration connect_timeout = absl::Seconds(10);
  // Time allowed for the whole request, connection included, unless the
  // request sets its own. Default: 30 s.
  absl::Duration total_timeout = absl::Seconds(30);
  // Sent as User-Agent unless the request sets one. Default: "botcore".
  std::string user_agent = "botcore";
  // Idle keep-alive connections kept for reuse, across all hosts. Each
  // concurrent request holds one; set it to at least the number of threads
  // sending at once (a bot's handler threads plus its poller), or the extra
  // ones connect (and shake hands over TLS) anew for every request.
  // Requests made with StartSend share one pool of at most this many
  // connections: those beyond it wait their turn (their timeout starts when
  // they get one). Default: 32.
  int max_idle_connections = 32;
  // A PEM file of the CA certificates to trust instead of the system's
  // store, e.g. a private CA in front of a local Bot API server or RPC node.
  // Default: empty (the system's CA store).
  std::string ca_bundle_path;
};

// An HttpClient over libcurl. TLS certificates and host names are always
// verified, against the system's CA store or options.ca_bundle_path; an
// untrusted certificate or a host name it does not cover fails the request
// with kUnavailable, "SSL certificate problem: ..." in the message. Proxies
// come from the usual environment variables (http_proxy, https_proxy,
// all_proxy, no_proxy and their upper-case forms). Connections are kept alive
// and reused between calls, also across threads (a pool of curl easy handles).
// Thread-safe.
// Errors: kInvalidArgument when ca_bundle_path is set but is not a readable
// file; kInternal if libcurl cannot be initialised.
[[nodiscard]] absl::StatusOr<std::unique_ptr<HttpClient>> NewCurlHttpClient(
    const CurlHttpClientOptions& options);

struct RetryOptions {
  // Required: the clock that measures and sleeps the backoff.
  Clock* clock = nullptr;
  // Attempts in total, the first one included. Default: 4.
  int max_attempts = 4;
  // The wait before the second attempt; each later wait doubles, up to
  // max_backoff. Default: 500 ms.
  absl::Duration initial_backoff = absl::Milliseconds(500);
  // Default: 30 s.
  absl::Duration max_backoff = absl::Seconds(30);
  // Each wait is multiplied by a random factor in [1 - jitter, 1 + jitter]
  // so that clients started together do not retry together. 0 turns it
  // off. Default: 0.2.
  double jitter = 0.2;
  // The seed of the jitter's random generator. Default: 0 (seeded from the
  // system's random device).
  uint64_t seed = 0;
  // A Retry-After (or retry-after-ms) above this is not honoured: the response
  // is returned as is for the caller to decide. Default: 5 min.
  absl::Duration max_retry_after = absl::Minutes(5);
  // Whether requests other than GET, HEAD, PUT, DELETE and OPTIONS are
  // retried after a timeout or a broken connection, where the server may
  // already have acted on them. They are always retried after 429 and 503,
  // which say the request was not processed. Default: false.
  bool retry_non_idempotent = false;
};

// Retries a request that timed out (kDeadlineExceeded), could not connect
// or broke (kUnavailable), or got 408, 429 or a 5xx, with exponential
// backoff and jitter. The wait the server asks for replaces the backoff: a
// "retry-after-ms" header (milliseconds; Azure OpenAI and compatible
// servers) first, else Retry-After (seconds, fractions such as "1.5" too, or
// an HTTP date). After the last attempt the last response or
// error is returned unchanged. Thread-safe if `target` is.
// REQUIRES: options.clock != nullptr, options.max_attempts >= 1.
std::unique_ptr<HttpClient> NewRetryingHttpClient(
    std::unique_ptr<HttpClient> target, const RetryOptions& options);

struct RateLimitOptions {
  // Required: the clock that measures and sleeps.
  Clock* clock = nullptr;
  // Sustained requests per second allowed to each host (scheme, host and
  // port of the URL). Default: 1 (MOEX ISS's polite rate).
  double requests_per_second = 1;
  // Requests that may go out at once after an idle spell. Default: 1.
  double burst = 1;
  // A request that would have to wait longer than this for its token fails
  // with kResourceExhausted instead. Default: 1 min.
  absl::Duration max_wait = absl::Minutes(1);
};

// A token bucket per host: a request takes a token, waiting on the clock for
// one when the bucket is empty. Thread-safe if `target` is; waiting threads
// take their turns in order.
// REQUIRES: options.clock != nullptr, requests_per_second > 0, burst >= 1.
std::unique_ptr<HttpClient> NewRateLimitedHttpClient(
    std::unique_ptr<HttpClient> target, const RateLimitOptions& options);

struct CacheOptions {
  // Required: the clock that ages entries.
  Clock* clock = nullptr;
  // How long a response stays fresh. Default: 15 min (MOEX market data).
  absl::Duration ttl = absl::Minutes(15);
  // Responses kept at most; the oldest goes first. Default: 1024.
  int max_entries = 1024;
  // Which 2xx responses may be kept, e.g. only bodies the adapter can read,
  // so that an error reported inside a 200 is not served for a whole TTL.
  // Called outside any lock. Default: empty (every 2xx response).
  std::function<bool(const HttpResponse&)> cacheable;
};

// Caches successful (2xx) responses to GET requests that
// options.cacheable accepts, keyed by URL and request headers, for
// options.ttl. Other methods, other statuses and errors
// pass through uncached. Thread-safe if `target` is.
// REQUIRES: options.clock != nullptr, max_entries >= 1.
std::unique_ptr<HttpClient> NewCachingHttpClient(
    std::unique_ptr<HttpClient> target, const CacheOptions& options);

struct HttpStackOptions {
  // Default: as CurlHttpClientOptions.
  CurlHttpClientOptions curl;
  // Innermost decorator: a per-host token bucket every attempt waits for.
  // Default: none.
  std::optional<RateLimitOptions> rate_limit;
  // Around the rate limit: retries with backoff. Default: none.
  std::optional<RetryOptions> retry;
  // Outermost: a response cache. Default: none.
  std::optional<CacheOptions> cache;
};

// libcurl wrapped, from the inside out, in the rate limit, the retries and
// the cache that `options` sets; the one way to build a decorated client
// (NewMoexHttpClient and NewBscHttpClient are presets of it). Thread-safe.
// REQUIRES: the clock of every decorator set is not null and outlives the
// client; the REQUIRES of each New*HttpClient above.
// Errors: as NewCurlHttpClient.
[[nodiscard]] absl::StatusOr<std::unique_ptr<HttpClient>> NewHttpClientStack(
    const HttpStackOptions& options);

}  // namespace botcore

#endif  // BOTCORE_ADAPTERS_HTTP_H_
