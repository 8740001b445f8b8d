// cpp-httplib serves the routes; it stays inside this file.
#include "botcore/runtime/operations_server.h"

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "internal/json_text.h"
#include "internal/status_macros.h"

namespace botcore {
namespace {

bool IsWebhookPath(const std::string& path) {
  if (path.size() < 2 || path[0] != '/') return false;
  for (char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

absl::Status CheckOptions(const OperationsServerOptions& options) {
  if (!IsWebhookPath(options.webhook_path)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "webhook path \"", options.webhook_path,
        "\" is not '/' followed by letters, digits, '/', '_' or '-'"));
  }
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("port ", options.port, " is outside 0-65535"));
  }
  if (options.threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("threads ", options.threads, " is below 1"));
  }
  if (options.max_poll_age <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_poll_age ", absl::FormatDuration(options.max_poll_age),
        " is not positive"));
  }
  return absl::OkStatus();
}

// /healthz: the status line and a flat JSON body with the details.
void AnswerHealth(const OperationsServerOptions& options,
                  httplib::Response& response) {
  std::vector<std::pair<std::string_view, std::string>> fields;
  bool healthy = true;
  if (options.health) {
    const HealthSnapshot health = options.health();
    if (health.database.ok()) {
      fields.emplace_back("database", "ok");
    } else {
      healthy = false;
      fields.emplace_back("database", health.database.ToString());
    }
    if (health.last_poll_age.has_value()) {
      fields.emplace_back("last_poll_age",
                          absl::FormatDuration(*health.last_poll_age));
      if (*health.last_poll_age > options.max_poll_age) {
        healthy = false;
        fields.emplace_back(
            "poll", absl::StrCat("no poll for over ",
                                 absl::FormatDuration(options.max_poll_age)));
      }
    }
  }
  fields.insert(fields.begin(), {"status", healthy ? "ok" : "unhealthy"});
  response.status = healthy ? 200 : 503;
  response.set_header("Cache-Control", "no-store");
  response.set_content(internal::JsonObject(fields), "application/json");
}

}  // namespace

class OperationsServer::Impl {
 public:
  explicit Impl(const OperationsServerOptions& options) : options_(options) {
    const int threads = options_.threads;
    server_.new_task_queue = [threads] {
      return new httplib::ThreadPool(static_cast<size_t>(threads));
    };
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_tcp_nodelay(true);
    // cpp-httplib's default also sets SO_REUSEPORT, which would let a second
    // bot on the same host share the port silently instead of failing.
    server_.set_socket_options([](int sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    // Idle keep-alive connections are closed after 5 s, which also bounds
    // how long Stop waits for them.
    server_.set_keep_alive_timeout(5);
    server_.set_read_timeout(10);
    server_.set_write_timeout(10);

    if (options_.telegram != nullptr) {
      server_.Post(options_.webhook_path, [this](const httplib::Request& req,
                                                 httplib::Response& res) {
        WebhookRequest request{.method = req.method, .body = req.body};
        for (const auto& [name, value] : req.headers) {
          request.headers.emplace_back(name, value);
        }
        const WebhookReply reply = options_.telegram->HandleWebhook(request);
        res.status = reply.status;
        res.set_content(reply.body, "application/json");
      });
    }
    server_.Get("/healthz",
                [this](const httplib::Request&, httplib::Response& res) {
                  AnswerHealth(options_, res);
                });
    server_.Get("/metrics",
                [this](const httplib::Request&, httplib::Response& res) {
                  if (options_.metrics == nullptr) {
                    res.status = 404;
                    return;
                  }
                  res.set_content(options_.metrics->Exposition(),
                                  "text/plain; version=0.0.4; charset=utf-8");
                });
  }

  ~Impl() { Stop(); }

  absl::Status Listen() {
    if (options_.port == 0) {
      port_ = server_.bind_to_any_port(options_.host);
    } else if (server_.bind_to_port(options_.host, options_.port)) {
      port_ = options_.port;
    }
    if (port_ <= 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", options_.host, ":", options_.port,
                       " (address in use, or not an address of this host)"));
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // A stop() issued before the accept loop runs would be lost; wait for it.
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return absl::OkStatus();
  }

  int port() const { return port_; }

  void Stop() {
    absl::MutexLock lock(&stop_mu_);
    server_.stop();
    // listen_after_bind returns after the thread pool has finished the
    // requests in progress.
    if (thread_.joinable()) thread_.join();
  }

 private:
  const OperationsServerOptions options_;
  httplib::Server server_;
  int port_ = 0;
  absl::Mutex stop_mu_;
  std::thread thread_;
};

absl::StatusOr<OperationsServerOptions> OperationsServerOptionsFromConfig(
    const Config& config) {
  OperationsServerOptions options;
  options.host = config.GetString("HTTP_HOST", options.host);
  BOTCORE_ASSIGN_OR_RETURN(const int64_t port,
                           config.GetInt("HTTP_PORT", options.port));
  if (port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP_PORT: ", port, " is outside 0-65535"));
  }
  options.port = static_cast<int>(port);
  BOTCORE_ASSIGN_OR_RETURN(const int64_t threads,
                           config.GetInt("HTTP_THREADS", options.threads));
  if (threads < 1 || threads > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP_THREADS: ", threads, " is outside 1-256"));
  }
  options.threads = static_cast<int>(threads);
  options.webhook_path =
      config.GetString("TELEGRAM_WEBHOOK_PATH", options.webhook_path);
  if (!IsWebhookPath(options.webhook_path)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TELEGRAM_WEBHOOK_PATH: \"", options.webhook_path,
        "\" is not '/' followed by letters, digits, '/', '_' or '-'"));
  }
  BOTCORE_ASSIGN_OR_RETURN(
      options.max_poll_age,
      config.GetDuration("HEALTH_MAX_POLL_AGE", options.max_poll_age));
  if (options.max_poll_age <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HEALTH_MAX_POLL_AGE: ", absl::FormatDuration(options.max_poll_age),
        " is not positive"));
  }
  return options;
}

absl::StatusOr<std::unique_ptr<OperationsServer>> OperationsServer::Start(
    const OperationsServerOptions& options) {
  BOTCORE_RETURN_IF_ERROR(CheckOptions(options));
  auto impl = std::make_unique<Impl>(options);
  BOTCORE_RETURN_IF_ERROR(impl->Listen());
  return std::unique_ptr<OperationsServer>(
      new OperationsServer(std::move(impl)));
}

OperationsServer::OperationsServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

OperationsServer::~OperationsServer() = default;

int OperationsServer::port() const { return impl_->port(); }

void OperationsServer::Stop() { impl_->Stop(); }

}  // namespace botcore
