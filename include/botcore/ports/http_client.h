// File: botcore/ports/http_client.h
//
// The HttpClient port: how adapters (Telegram, MOEX, BSC, LLM) talk HTTP.
// One call sends one request and returns the response, whatever its status:
// a 404 or a 503 is a response, not an error. Errors are reserved for
// requests that produced no response (timeout, refused connection, TLS
// failure).
//
//   HttpRequest request;
//   request.url = "https://iss.moex.com/iss/securities/GAZP.json";
//   absl::StatusOr<HttpResponse> response = http.Send(request);
//   if (!response.ok()) return response.status();
//   if (response->status != 200) ...
//
// Implementations: NewCurlHttpClient (botcore/adapters/http.h) over libcurl,
// and the decorators there (retry, per-host rate limit, response cache),
// which wrap any HttpClient the way leveldb's EnvWrapper wraps an Env.
//
// StartSend is the same call without the wait: the response (or error) is
// handed to a callback. libcurl's client drives many such requests from one
// event-loop thread, so a caller with many requests in flight needs no
// thread per request; every other client completes it before returning.
//
//   http.StartSend(std::move(request),
//                  [](absl::StatusOr<HttpResponse> response) { ... });

#ifndef BOTCORE_PORTS_HTTP_CLIENT_H_
#define BOTCORE_PORTS_HTTP_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace botcore {

// Header names compare case-insensitively; order and repeats are kept.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Returns the value of the first header named `name` (any case), if any.
std::optional<std::string_view> FindHeader(const HttpHeaders& headers,
                                           std::string_view name);

// An HTTP date as in Date and Retry-After headers (RFC 9110 5.6.7's
// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"; surrounding blanks
// ignored), or std::nullopt for anything else.
std::optional<absl::Time> ParseHttpDate(std::string_view text);

struct HttpRequest {
  // "GET", "POST", "PUT", "DELETE", ... Default: "GET".
  std::string method = "GET";
  // The absolute URL, query string included. May carry a secret in its
  // path or query (Telegram's bot token, a node provider's API key):
  // implementations name it in messages only by UrlOrigin
  // (botcore/core/redact.h), its scheme, host and port.
  std::string url;
  // Request headers. Values of secret headers (Authorization, API keys) are
  // never printed (RedactHeaderValue).
  HttpHeaders headers;
  // The body, sent as is; set a Content-Type header with it.
  std::string body;
  // Overrides the client's total timeout for this request, e.g. for a long
  // poll that waits on the server. Default: the client's.
  std::optional<absl::Duration> timeout;
};

struct HttpResponse {
  int status = 0;       // 200, 404, ...
  HttpHeaders headers;  // as received, names as the server spelled them
  std::string body;
};

// Receives what HttpClient::Send would have returned.
using HttpCallback = absl::AnyInvocable<void(absl::StatusOr<HttpResponse>) &&>;

// Thread safety: implementations must be thread-safe; any thread may call
// Send and StartSend, also concurrently.
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Sends `request` and waits for the whole response.
  // Returns the response for any HTTP status.
  // Errors: kInvalidArgument for a malformed URL or method;
  // kDeadlineExceeded when the connect or total timeout passed;
  // kUnavailable when the host cannot be resolved or reached, the connection
  // broke, or TLS verification failed; kResourceExhausted when a decorator
  // gave up waiting for its rate limit. Messages name the request by its
  // method and UrlOrigin(url) only, so they never contain secrets; a caller
  // adds its own context (which security, which API method).
  [[nodiscard]] virtual absl::StatusOr<HttpResponse> Send(
      const HttpRequest& request) = 0;

  // Sends `request` and calls `done` exactly once with what Send would
  // have returned (the same codes). An asynchronous client (libcurl's)
  // returns at once and calls `done` later on its own event-loop thread:
  // `done` must then be quick and must not wait for this client. The
  // default sends with Send and calls `done` before returning, on the
  // caller's thread.
  virtual void StartSend(HttpRequest request, HttpCallback done) {
    std::move(done)(Send(request));
  }
};

// An HttpClient that forwards every call to another one; decorators derive
// from it and override what they change. Owns `target`. Thread-safe if the
// target is.
class HttpClientWrapper : public HttpClient {
 public:
  // REQUIRES: target != nullptr.
  explicit HttpClientWrapper(std::unique_ptr<HttpClient> target)
      : target_(std::move(target)) {}

  HttpClient& target() const { return *target_; }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    return target_->Send(request);
  }

 private:
  std::unique_ptr<HttpClient> target_;
};

}  // namespace botcore

#endif  // BOTCORE_PORTS_HTTP_CLIENT_H_
