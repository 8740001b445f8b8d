// The libcurl HttpClient: a pool of easy handles, each keeping its own
// keep-alive connections, so concurrent calls never share a handle and
// sequential calls reuse connections.

#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
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

// What one request leaves in its easy handle while it runs: the response
// being received, the header list and the error buffer libcurl writes to.
struct Exchange {
  HttpResponse response;
  HeaderList headers;
  char error[CURL_ERROR_SIZE] = {0};
};

// A request handed to the event loop (StartSend).
struct Transfer {
  HttpRequest request;
  HttpCallback done;
  EasyHandle handle;
  Exchange exchange;
};

absl::Status CheckMethod(const std::string& method) {
  if (method.empty() || method.find_first_of(" \r\n\t") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad HTTP method \"", absl::CHexEscape(method), "\""));
  }
  return absl::OkStatus();
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(const CurlHttpClientOptions& options)
      : options_(options) {}

  // Stops the event loop; requests still running fail with kUnavailable.
  ~CurlHttpClient() override {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      if (multi_ != nullptr) curl_multi_wakeup(multi_);
    }
    if (loop_.joinable()) loop_.join();
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    if (absl::Status s = CheckMethod(request.method); !s.ok()) return s;
    EasyHandle handle = Acquire();
    if (handle == nullptr) return absl::InternalError("curl_easy_init failed");
    Exchange exchange;
    Prepare(handle.get(), request, exchange);
    const CURLcode code = curl_easy_perform(handle.get());
    absl::StatusOr<HttpResponse> response =
        Conclude(handle.get(), request, code, exchange);
    Release(std::move(handle));
    return response;
  }

  // Queues the request for the event-loop thread (started by the first
  // call), which drives every queued request over one curl multi handle
  // and its shared keep-alive connections, and calls `done` from there.
  void StartSend(HttpRequest request, HttpCallback done) override {
    if (absl::Status s = CheckMethod(request.method); !s.ok()) {
      std::move(done)(s);
      return;
    }
    auto transfer = std::make_unique<Transfer>();
    transfer->request = std::move(request);
    transfer->done = std::move(done);
    absl::Status refused;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) {
        refused = absl::UnavailableError("the HTTP client is shutting down");
      } else if (!StartLoop()) {
        refused = absl::InternalError("curl_multi_init failed");
      } else {
        queued_.push_back(std::move(transfer));
        // A busy loop takes it on its next round without being woken.
        if (loop_sleeping_) {
          loop_sleeping_ = false;
          curl_multi_wakeup(multi_);
        }
      }
    }
    if (!refused.ok()) std::move(transfer->done)(refused);
  }

 private:
  // Sets the request's own options on a handle NewHandle made: every one
  // on every request, so that nothing of the handle's previous request
  // remains. `exchange` must outlive the transfer.
  void Prepare(CURL* curl, const HttpRequest& request,
               Exchange& exchange) const {
    for (const auto& [name, value] : request.headers) {
      std::string line = value.empty() ? absl::StrCat(name, ";")
                                       : absl::StrCat(name, ": ", value);
      exchange.headers.reset(
          curl_slist_append(exchange.headers.release(), line.c_str()));
    }
    // No "Expect: 100-continue" round trip before a POST body.
    exchange.headers.reset(
        curl_slist_append(exchange.headers.release(), "Expect:"));
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(
                         request.timeout.value_or(options_.total_timeout))));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, exchange.headers.get());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, exchange.error);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange.response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange.response.headers);
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
  }

  // The outcome of a finished transfer; clears what Prepare pointed the
  // handle at, so that nothing of `exchange` outlives it in the handle.
  static absl::StatusOr<HttpResponse> Conclude(CURL* curl,
                                               const HttpRequest& request,
                                               CURLcode code,
                                               Exchange& exchange) {
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, nullptr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
    if (code != CURLE_OK) {
      return absl::Status(CodeFor(code),
                          Describe(request, code, exchange.error));
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    exchange.response.status = static_cast<int>(status);
    return std::move(exchange.response);
  }

  // Creates the multi handle and starts the loop thread, once.
  bool StartLoop() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (multi_ != nullptr) return true;
    multi_ = curl_multi_init();
    if (multi_ == nullptr) return false;
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS,
                      static_cast<long>(options_.max_idle_connections));
    loop_ = std::thread([this] { Loop(); });
    return true;
  }

  // The event loop: adds the queued requests to the multi handle, at most
  // max_idle_connections at once (each holds a connection; the others wait
  // their turn, their timeout not yet running), lets libcurl move every
  // transfer on, hands each finished one to its callback, and sleeps in
  // curl_multi_poll until a socket is ready, a timeout is due or StartSend
  // wakes it.
  void Loop() {
    // Easy handles of finished transfers, configured, for the next ones;
    // their connections stay in the multi handle's cache.
    std::vector<EasyHandle> idle;
    absl::flat_hash_map<CURL*, std::unique_ptr<Transfer>> running;
    std::deque<std::unique_ptr<Transfer>> waiting;
    const size_t most_running =
        static_cast<size_t>(std::max(1, options_.max_idle_connections));
    while (true) {
      bool stopping = false;
      {
        absl::MutexLock lock(&mu_);
        for (std::unique_ptr<Transfer>& t : queued_) {
          waiting.push_back(std::move(t));
        }
        queued_.clear();
        stopping = stopping_;
      }
      if (stopping) {
        for (std::unique_ptr<Transfer>& t : waiting) Abandon(*t);
        break;
      }
      while (running.size() < most_running && !waiting.empty()) {
        std::unique_ptr<Transfer> t = std::move(waiting.front());
        waiting.pop_front();
        if (!idle.empty()) {
          t->handle = std::move(idle.back());
          idle.pop_back();
        } else {
          t->handle = NewHandle();
          if (t->handle == nullptr) {
            std::move(t->done)(absl::InternalError("curl_easy_init failed"));
            continue;
          }
        }
        CURL* curl = t->handle.get();
        Prepare(curl, t->request, t->exchange);
        if (const CURLMcode added = curl_multi_add_handle(multi_, curl);
            added != CURLM_OK) {
          // Never started: its callback would otherwise never run.
          std::move(t->done)(absl::InternalError(
              absl::StrCat("curl_multi_add_handle: ",
                           curl_multi_strerror(added))));
          continue;
        }
        running.emplace(curl, std::move(t));
      }
      int still_running = 0;
      curl_multi_perform(multi_, &still_running);
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL* curl = message->easy_handle;
        const CURLcode code = message->data.result;
        curl_multi_remove_handle(multi_, curl);
        auto it = running.find(curl);
        std::unique_ptr<Transfer> t = std::move(it->second);
        running.erase(it);
        absl::StatusOr<HttpResponse> response =
            Conclude(curl, t->request, code, t->exchange);
        if (static_cast<int>(idle.size()) < options_.max_idle_connections) {
          idle.push_back(std::move(t->handle));
        }
        std::move(t->done)(std::move(response));
      }
      // Sleeps unless a waiting request can start now or one was queued
      // meanwhile; StartSend wakes it once it sleeps.
      if (waiting.empty() || running.size() >= most_running) {
        bool sleep = false;
        {
          absl::MutexLock lock(&mu_);
          sleep = queued_.empty() && !stopping_;
          loop_sleeping_ = sleep;
        }
        if (sleep) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
        absl::MutexLock lock(&mu_);
        loop_sleeping_ = false;
      }
    }
    // Shutting down: what has not finished fails.
    for (auto& [curl, t] : running) {
      curl_multi_remove_handle(multi_, curl);
      Abandon(*t);
    }
  }

  static void Abandon(Transfer& t) {
    std::move(t.done)(absl::UnavailableError(
        absl::StrCat(t.request.method, " ", UrlOrigin(t.request.url),
                     ": the HTTP client was destroyed before the response")));
  }

 private:
  // "<METHOD> <scheme://host:port>: <what failed>". Only the origin: the
  // path and query may hold a secret (a node provider's API key, a bot
  // token), and so may libcurl's own message where it repeats them.
  static std::string Describe(const HttpRequest& request, CURLcode code,
                              const char* error) {
    const std::string origin = UrlOrigin(request.url);
    std::string detail =
        absl::StrReplaceAll(error[0] != '\0' ? error : curl_easy_strerror(code),
                            {{request.url, origin}});
    // libcurl may quote the path alone.
    const size_t scheme = request.url.find("://");
    const size_t path = scheme == std::string::npos
                            ? std::string::npos
                            : request.url.find_first_of("/?#", scheme + 3);
    if (path != std::string::npos && request.url.size() - path > 1) {
      detail = absl::StrReplaceAll(
          detail, {{request.url.substr(path), std::string(kRedacted)}});
    }
    return absl::StrCat(request.method, " ", origin, ": ", detail);
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
    return NewHandle();
  }

  // A new easy handle with the options every request of this client
  // shares, set once: they stay set across its requests (no
  // curl_easy_reset between them). Null when libcurl cannot make one.
  EasyHandle NewHandle() const {
    EasyHandle handle(curl_easy_init());
    if (handle == nullptr) return handle;
    CURL* curl = handle.get();
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
    return handle;
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
  // The event loop (StartSend): created by its first request, under mu_,
  // before the loop thread starts; unchanged until the destructor.
  CURLM* multi_ = nullptr;
  std::vector<std::unique_ptr<Transfer>> queued_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The loop is about to sleep in (or sleeps in) curl_multi_poll: the next
  // StartSend wakes it.
  bool loop_sleeping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread loop_;
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
