// File: botcore/runtime/operations_server.h
//
// OperationsServer is the bot process's one HTTP server. It serves
//
//   POST <webhook_path>  Telegram's webhook: handed to
//                        TelegramMessenger::HandleWebhook, which checks the
//                        X-Telegram-Bot-Api-Secret-Token header (401 when
//                        missing or wrong), queues the update for Receive and
//                        answers at once;
//   GET  /healthz        200 {"status":"ok",...} or 503 {"status":"unhealthy",
//                        ...} from the health callback: the database is
//                        reachable and, when polling, the last poll is recent;
//   GET  /metrics        BotMetrics in the Prometheus text format.
//
//   OperationsServerOptions options =
//       OperationsServerOptionsFromConfig(config).value();
//   options.telegram = telegram.get();  // webhook mode only
//   options.metrics = &metrics;
//   options.health = [&] { return bot.Health(); };
//   absl::StatusOr<std::unique_ptr<OperationsServer>> server =
//       OperationsServer::Start(options);
//   ...
//   (*server)->Stop();  // on SIGTERM, before the rest shuts down
//
// The server speaks plain HTTP: put TLS in front of it (a load balancer or a
// reverse proxy), as docs/deployment.md shows. cpp-httplib serves it and
// stays out of this header.
//
// Thread safety: thread-safe; Stop may be called from any thread, also
// twice.

#ifndef BOTCORE_RUNTIME_OPERATIONS_SERVER_H_
#define BOTCORE_RUNTIME_OPERATIONS_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/adapters/telegram.h"
#include "botcore/core/config.h"
#include "botcore/runtime/bot.h"
#include "botcore/runtime/metrics.h"

namespace botcore {

struct OperationsServerOptions {
  // The address to listen on. "0.0.0.0" listens on every interface (in a
  // container, behind a load balancer). Default: "127.0.0.1"
  // (configuration key HTTP_HOST).
  std::string host = "127.0.0.1";
  // The TCP port; 0 takes any free port (see OperationsServer::port).
  // Default: 8080 (HTTP_PORT).
  int port = 8080;
  // Where Telegram POSTs updates: '/' then letters, digits, '/', '_', '-'.
  // Default: "/telegram/webhook" (TELEGRAM_WEBHOOK_PATH).
  std::string webhook_path = "/telegram/webhook";
  // Not owned; must outlive the server. Null: no webhook route (long
  // polling or console mode). Default: null.
  TelegramMessenger* telegram = nullptr;
  // Not owned; must outlive the server. Null: /metrics answers 404.
  // Default: null.
  const BotMetrics* metrics = nullptr;
  // Called on every GET /healthz, on a server thread; must be thread-safe
  // and quick (Bot::Health is). Empty: /healthz reports only that the
  // process answers. Default: empty.
  std::function<HealthSnapshot()> health;
  // A last poll older than this makes /healthz answer 503.
  // Default: 2 min (HEALTH_MAX_POLL_AGE).
  absl::Duration max_poll_age = absl::Minutes(2);
  // Threads serving connections. A kept-alive connection holds its thread
  // until it has been idle 5 s, so keep Telegram's max_connections
  // (WebhookSettings) and a proxy's pooled connections below this.
  // Default: 16 (HTTP_THREADS).
  int threads = 16;
  // Request bodies above this are refused with 413. Default: 1 MiB
  // (Telegram updates are a few KiB).
  size_t max_body_bytes = size_t{1} << 20;
};

// Reads HTTP_HOST, HTTP_PORT, HTTP_THREADS, TELEGRAM_WEBHOOK_PATH and
// HEALTH_MAX_POLL_AGE into the options' fields, the defaults above where unset;
// the pointer and callback fields stay empty. Errors: kInvalidArgument naming
// the key for a value that is not a number, a port outside 0-65535, threads
// outside 1-256, a path not of the form above or a duration that does not parse
// or is not positive.
[[nodiscard]] absl::StatusOr<OperationsServerOptions>
OperationsServerOptionsFromConfig(const Config& config);

class OperationsServer {
 public:
  // Checks the options, binds host:port and starts serving on a background
  // thread; returns once the server accepts connections.
  // Errors: kInvalidArgument for a bad path, port or thread count;
  // kUnavailable when the address cannot be bound (in use, not local).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<OperationsServer>> Start(
      const OperationsServerOptions& options);

  // Stops, as Stop.
  ~OperationsServer();

  OperationsServer(const OperationsServer&) = delete;
  OperationsServer& operator=(const OperationsServer&) = delete;

  // The port listened on (the one chosen when options.port was 0).
  int port() const;

  // Stops accepting connections, lets requests in progress finish and
  // returns when every server thread has ended. Telegram re-sends updates
  // it could not deliver, so no update is lost by stopping.
  void Stop();

 private:
  class Impl;
  explicit OperationsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_OPERATIONS_SERVER_H_
