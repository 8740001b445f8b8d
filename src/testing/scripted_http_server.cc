// cpp-httplib serves the script; it stays inside this file.
#include "botcore/testing/scripted_http_server.h"

#include <httplib.h>

#include <chrono>
#include <deque>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "internal/strings.h"

namespace botcore::testing {

std::optional<std::string> RecordedRequest::Param(std::string_view name) const {
  auto it = params.find(std::string(name));
  if (it == params.end()) return std::nullopt;
  return it->second;
}

class ScriptedHttpServer::Impl {
 public:
  Impl() {
    // Keep-alive for benchmarks and reuse tests: many requests a connection.
    server_.set_keep_alive_max_count(1000000);
    server_.set_keep_alive_timeout(30);
    // Headers and body go out in separate writes; without TCP_NODELAY,
    // Nagle and delayed ACKs hold every kept-alive answer for ~40 ms.
    server_.set_tcp_nodelay(true);
    // cpp-httplib serves each kept-alive connection on one pool thread until
    // it closes; its default pool (8 threads here) would leave the ninth
    // concurrent client waiting for a whole keep-alive timeout.
    server_.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
    // Every method and path comes to Answer; the body has been read by then
    // (unlike in a pre-routing handler).
    auto answer = [this](const httplib::Request& request,
                         httplib::Response& response) {
      Answer(request, response);
    };
    server_.Get(".*", answer);
    server_.Post(".*", answer);
    server_.Put(".*", answer);
    server_.Patch(".*", answer);
    server_.Delete(".*", answer);
    server_.Options(".*", answer);
  }

  ~Impl() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  absl::Status Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      return absl::UnavailableError("cannot bind a port on 127.0.0.1");
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the accept loop runs would be lost; wait for it.
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return absl::OkStatus();
  }

  int port() const { return port_; }

  void Script(std::string_view method, std::string_view path,
              ScriptedResponse response) {
    absl::MutexLock lock(&mu_);
    Route& route = routes_[Key(method, path)];
    route.handler = nullptr;
    route.responses.push_back(std::move(response));
  }

  void Handle(std::string_view method, std::string_view path, Handler handler) {
    absl::MutexLock lock(&mu_);
    Route& route = routes_[Key(method, path)];
    route.responses.clear();
    route.handler = std::move(handler);
  }

  void Reset() {
    absl::MutexLock lock(&mu_);
    routes_.clear();
    requests_.clear();
  }

  void Record(bool on) {
    absl::MutexLock lock(&mu_);
    recording_ = on;
  }

  std::vector<RecordedRequest> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  struct Route {
    std::deque<ScriptedResponse> responses;
    Handler handler;
  };

  static std::string Key(std::string_view method, std::string_view path) {
    return absl::StrCat(internal::ToAbsl(method), " ", internal::ToAbsl(path));
  }

  void Answer(const httplib::Request& request, httplib::Response& response) {
    RecordedRequest recorded;
    recorded.method = request.method;
    recorded.path = request.path;
    for (const auto& [name, value] : request.params) {
      recorded.params.emplace(name, value);
    }
    for (const auto& [name, file] : request.files) {
      recorded.params.emplace(name, file.content);
    }
    for (const auto& [name, value] : request.headers) {
      recorded.headers.emplace_back(name, value);
    }
    recorded.body = request.body;
    recorded.remote_port = request.remote_port;

    Handler handler;
    std::optional<ScriptedResponse> scripted;
    {
      absl::MutexLock lock(&mu_);
      if (recording_) requests_.push_back(recorded);
      auto it = routes_.find(Key(request.method, request.path));
      if (it != routes_.end()) {
        Route& route = it->second;
        if (route.handler) {
          handler = route.handler;
        } else if (!route.responses.empty()) {
          scripted = route.responses.front();
          if (route.responses.size() > 1) route.responses.pop_front();
        }
      }
    }
    if (handler) scripted = handler(recorded);
    if (!scripted.has_value()) {
      response.status = 404;
      response.set_content(
          absl::StrCat("no route for ", request.method, " ", request.path),
          "text/plain");
      return;
    }
    if (scripted->delay > absl::ZeroDuration()) {
      std::this_thread::sleep_for(absl::ToChronoMicroseconds(scripted->delay));
    }
    response.status = scripted->status;
    for (const auto& [name, value] : scripted->headers) {
      response.set_header(name, value);
    }
    // cpp-httplib compresses JSON and text bodies whenever the client
    // accepts it (Brotli: tens of microseconds for each tiny answer, the
    // fake's main cost under load), and the content type is the only thing
    // it asks. A parameter keeps JSON out of its list; the type is the same.
    std::string content_type = scripted->content_type;
    if (content_type == "application/json") {
      content_type = "application/json; charset=utf-8";
    }
    response.set_content(scripted->body, content_type);
  }

  static constexpr size_t kThreads = 64;

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable absl::Mutex mu_;
  std::map<std::string, Route> routes_ ABSL_GUARDED_BY(mu_);
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mu_);
  bool recording_ ABSL_GUARDED_BY(mu_) = true;
};

ScriptedHttpServer::ScriptedHttpServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

ScriptedHttpServer::~ScriptedHttpServer() = default;

absl::StatusOr<std::unique_ptr<ScriptedHttpServer>>
ScriptedHttpServer::Start() {
  auto impl = std::make_unique<Impl>();
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<ScriptedHttpServer>(
      new ScriptedHttpServer(std::move(impl)));
}

int ScriptedHttpServer::port() const { return impl_->port(); }

std::string ScriptedHttpServer::base_url() const {
  return absl::StrCat("http://127.0.0.1:", impl_->port());
}

void ScriptedHttpServer::Script(std::string_view method, std::string_view path,
                                ScriptedResponse response) {
  impl_->Script(method, path, std::move(response));
}

void ScriptedHttpServer::Handle(std::string_view method, std::string_view path,
                                Handler handler) {
  impl_->Handle(method, path, std::move(handler));
}

void ScriptedHttpServer::Reset() { impl_->Reset(); }

void ScriptedHttpServer::Record(bool on) { impl_->Record(on); }

std::vector<RecordedRequest> ScriptedHttpServer::requests() const {
  return impl_->requests();
}

std::vector<RecordedRequest> ScriptedHttpServer::requests(
    std::string_view path) const {
  std::vector<RecordedRequest> matching;
  for (RecordedRequest& r : impl_->requests()) {
    if (r.path == path) matching.push_back(std::move(r));
  }
  return matching;
}

}  // namespace botcore::testing
