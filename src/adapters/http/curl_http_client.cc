// The libcurl HttpClient: a pool of easy handles, each keeping its own
// keep-alive connections, so concurrent calls never share a handle and
// sequential calls reuse connections.

#include <curl/curl.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "botcore/adapters/http.h"
#include "botcore/core/redact.h"

namespace botcore {
namespace {

struct EasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Collects the headers of the last response: a redirect or "100 Continue"
// starts a new status line, which resets them.
size_t AppendHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<HttpHeaders*>(user);
  absl::string_view line(data, size * count);
  if (absl::StartsWith(line, "HTTP/")) {
    headers->clear();
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon != absl::string_view::npos) {
    headers->emplace_back(
        std::string(absl::StripAsciiWhitespace(line.substr(0, colon))),
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }
  return size * count;
}

absl::StatusCode CodeFor(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::StatusCode::kInvalidArgument;
    case CURLE_OUT_OF_MEMORY:
      return absl::StatusCode::kResourceExhausted;
    default:
      // Resolution, connection, TLS, send and receive failures: the caller
      // may try again later.
      return absl::StatusCode::kUnavailable;
  }
}

bool IsBodylessMethod(const std::string& method) {
  return method == "GET" || method == "HEAD";
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(const CurlHttpClientOptions& options)
      : options_(options) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    if (request.method.empty() ||
        request.method.find_first_of(" \r\n\t") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad HTTP method \"", absl::CHexEscape(request.method), "\""));
    }
    EasyHandle handle = Acquire();
    if (handle == nullptr) return absl::InternalError("curl_easy_init failed");
    CURL* curl = handle.get();
    HttpResponse response;
    char error[CURL_ERROR_SIZE] = {0};
    HeaderList headers;
    for (const auto& [name, value] : request.headers) {
      std::string line = value.empty() ? absl::StrCat(name, ";")
                                       : absl::StrCat(name, ": ", value);
      headers.reset(curl_slist_append(headers.release(), line.c_str()));
    }
    // No "Expect: 100-continue" round trip before a POST body.
    headers.reset(curl_slist_append(headers.release(), "Expect:"));

    // The handle carries the client's options (Configure); these are the
    // request's own, every one set on every call so that nothing of the
    // handle's previous request remains.
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(
                         request.timeout.value_or(options_.total_timeout))));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    // HTTPGET and POST each clear NOBODY and the other's method.
    if (request.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (IsBodylessMethod(request.method)) {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    const bool custom_method = request.method != "HEAD" &&
                               request.method != "GET" &&
                               request.method != "POST";
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST,
                     custom_method ? request.method.c_str() : nullptr);

    const CURLcode code = curl_easy_perform(curl);
    // Nothing of this call's stack may outlive it in the handle.
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, nullptr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
    if (code != CURLE_OK) {
      Release(std::move(handle));
      return absl::Status(CodeFor(code), Describe(request, code, error));
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    Release(std::move(handle));
    return response;
  }

 private:
  // "<METHOD> <url>: <what failed>", with the URL's secrets masked also
  // where libcurl's own message repeats it.
  static std::string Describe(const HttpRequest& request, CURLcode code,
                              const char* error) {
    const std::string redacted = RedactUrl(request.url);
    std::string detail =
        absl::StrReplaceAll(error[0] != '\0' ? error : curl_easy_strerror(code),
                            {{request.url, redacted}});
    // libcurl may quote the path alone; never let the raw one through.
    const size_t raw_path = PathStart(request.url);
    const size_t redacted_path = PathStart(redacted);
    if (redacted != request.url && raw_path != std::string::npos &&
        redacted_path != std::string::npos) {
      detail = absl::StrReplaceAll(detail, {{request.url.substr(raw_path),
                                             redacted.substr(redacted_path)}});
    }
    return absl::StrCat(request.method, " ", redacted, ": ", detail);
  }

  // Where the path of `url` starts, or npos.
  static size_t PathStart(const std::string& url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string::npos) return std::string::npos;
    return url.find('/', scheme + 3);
  }

  EasyHandle Acquire() {
    {
      absl::MutexLock lock(&mu_);
      if (!idle_.empty()) {
        EasyHandle handle = std::move(idle_.back());
        idle_.pop_back();
        return handle;
      }
    }
    EasyHandle handle(curl_easy_init());
    if (handle != nullptr) Configure(handle.get());
    return handle;
  }

  // Sets the options every request of this client shares, once per handle:
  // they stay set across requests (no curl_easy_reset between them).
  void Configure(CURL* curl) const {
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_bundle_path.empty()) {
      curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle_path.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(
        curl, CURLOPT_CONNECTTIMEOUT_MS,
        static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
    // A request's own User-Agent header replaces this one.
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &AppendHeader);
  }

  void Release(EasyHandle handle) {
    absl::MutexLock lock(&mu_);
    if (static_cast<int>(idle_.size()) < options_.max_idle_connections) {
      idle_.push_back(std::move(handle));
    }
  }

  const CurlHttpClientOptions options_;
  absl::Mutex mu_;
  std::vector<EasyHandle> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpClient>> NewCurlHttpClient(
    const CurlHttpClientOptions& options) {
  // curl_global_init is not thread-safe; run it once per process. Its
  // resources live until exit, as libcurl documents for programs that
  // cannot know when the last user is gone.
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("curl_global_init: ", curl_easy_strerror(init)));
  }
  std::error_code ec;
  if (!options.ca_bundle_path.empty() &&
      (!std::filesystem::is_regular_file(options.ca_bundle_path, ec) ||
       !std::ifstream(options.ca_bundle_path).good())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "CA bundle ", options.ca_bundle_path, " is not a readable file"));
  }
  return std::make_unique<CurlHttpClient>(options);
}

absl::StatusOr<std::unique_ptr<HttpClient>> NewHttpClientStack(
    const HttpStackOptions& options) {
  absl::StatusOr<std::unique_ptr<HttpClient>> curl =
      NewCurlHttpClient(options.curl);
  if (!curl.ok()) return curl.status();
  std::unique_ptr<HttpClient> http = *std::move(curl);
  if (options.rate_limit.has_value()) {
    http = NewRateLimitedHttpClient(std::move(http), *options.rate_limit);
  }
  if (options.retry.has_value()) {
    http = NewRetryingHttpClient(std::move(http), *options.retry);
  }
  if (options.cache.has_value()) {
    http = NewCachingHttpClient(std::move(http), *options.cache);
  }
  return http;
}

}  // namespace botcore
