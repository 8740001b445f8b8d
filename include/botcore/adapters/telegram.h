// File: botcore/adapters/telegram.h
//
// The Messenger port over the Telegram Bot API, by long polling (getUpdates)
// or by webhook. The last acknowledged update_id is kept in the Database
// (component "telegram"), so a restart neither loses nor repeats updates.
// It commits without waiting for the disk (TransactionOptions::durable =
// false): a process crash keeps it; after a power failure (or, on
// PostgreSQL, a crash or failover of the server) the last acknowledged
// updates may be delivered again (the Bot's update claims answer each
// once).
// In webhook mode an update is stored in the Database before Telegram gets
// its 200, and kept until acknowledged, so a crash before it is handled
// does not lose it (a new messenger hands the stored ones to Receive).
// Outgoing messages are paced (about 30 a second overall, one a second per
// chat); a 429 is waited out as Telegram asks.
//
//   TelegramOptions options;
//   options.token = config.GetRequiredString("TELEGRAM_BOT_TOKEN").value();
//   options.http = http.get();        // e.g. NewCurlHttpClient(...)
//   options.clock = &clock;
//   options.database = db.get();
//   absl::StatusOr<std::unique_ptr<TelegramMessenger>> telegram =
//       TelegramMessenger::Create(options);
//   absl::StatusOr<std::vector<Update>> updates =
//       (*telegram)->Receive(absl::Seconds(25));
//
// Webhook mode: set `mode = kWebhook` and a `webhook_secret_token`, call
// SetWebhook once, and route the POSTs your HTTPS server receives to
// HandleWebhook; Receive then returns what arrived.
//
//   WebhookReply reply = telegram->HandleWebhook(
//       {.method = "POST", .headers = request_headers, .body = request_body});
//   // answer with reply.status and reply.body
//
// The bot token never appears in error messages (see botcore/core/redact.h).

#ifndef BOTCORE_ADAPTERS_TELEGRAM_H_
#define BOTCORE_ADAPTERS_TELEGRAM_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/clock.h"
#include "botcore/ports/database.h"
#include "botcore/ports/http_client.h"
#include "botcore/ports/messenger.h"

namespace botcore {

enum class TelegramMode {
  kLongPolling,  // Receive calls getUpdates
  kWebhook,      // Receive returns what HandleWebhook accepted
};

struct TelegramOptions {
  // Required: the bot token from @BotFather, "<bot id>:<secret>".
  std::string token;
  // The Bot API server; a local Bot API server or a test server also work.
  // Default: "https://api.telegram.org".
  std::string api_base_url = "https://api.telegram.org";
  // Required, not owned: the HTTP client (with the decorators you want).
  // Its total timeout must not cut a long poll short: getUpdates requests
  // carry their own timeout of the poll's wait plus poll_slack.
  HttpClient* http = nullptr;
  // Required, not owned: paces messages and waits out 429s.
  Clock* clock = nullptr;
  // Required, not owned: where the last acknowledged update_id is kept.
  Database* database = nullptr;
  // Default: kLongPolling.
  TelegramMode mode = TelegramMode::kLongPolling;
  // The update kinds to ask for (getUpdates and setWebhook). Telegram
  // remembers the last list given. Default: message, edited_message,
  // callback_query, my_chat_member.
  std::vector<std::string> allowed_updates = {
      "message", "edited_message", "callback_query", "my_chat_member"};
  // Updates asked for per getUpdates, 1-100. Default: 100.
  int poll_limit = 100;
  // Added to the long poll's wait for the HTTP timeout. Default: 10 s.
  absl::Duration poll_slack = absl::Seconds(10);
  // Messages (sends and edits) per second over all chats. Default: 30.
  double messages_per_second = 30;
  // Messages per second to one chat. Default: 1.
  double chat_messages_per_second = 1;
  // How often a call answered 429 is retried after waiting retry_after.
  // Default: 3.
  int max_rate_limit_retries = 3;
  // A retry_after above this is not waited for: the call fails with
  // kResourceExhausted at once. Default: 1 min.
  absl::Duration max_retry_after = absl::Minutes(1);
  // Webhook mode: the secret Telegram echoes in the
  // X-Telegram-Bot-Api-Secret-Token header, 1-256 of A-Z a-z 0-9 _ -.
  // Required in webhook mode.
  std::string webhook_secret_token;
  // Webhook mode: updates held for Receive before HandleWebhook answers 503
  // (Telegram then retries later). Default: 10000.
  int webhook_queue_limit = 10000;
};

// What HandleWebhook gets from the HTTP server in front of it.
struct WebhookRequest {
  std::string method;
  HttpHeaders headers;
  std::string body;
};

// What the HTTP server should answer.
struct WebhookReply {
  int status = 200;
  std::string body;
};

struct WebhookSettings {
  // Required: the public https URL Telegram will POST updates to.
  std::string url;
  // Default: false. Whether Telegram drops updates it holds.
  bool drop_pending_updates = false;
  // Parallel connections Telegram may open, 1-100. Default: 40.
  int max_connections = 40;
};

// Thread-safe.
class TelegramMessenger : public Messenger {
 public:
  // Checks the options, applies the "telegram" migrations and reads the last
  // acknowledged update_id. Does not contact Telegram.
  // Errors: kInvalidArgument for a missing dependency, a malformed token
  // (not shown) or base URL, or webhook mode without a valid secret;
  // storage errors of the Database port.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TelegramMessenger>>
  Create(const TelegramOptions& options);

  // Registers `settings.url` with Telegram, with the options' secret token
  // and allowed updates. Errors: as the sending methods of Messenger.
  [[nodiscard]] virtual absl::Status SetWebhook(
      const WebhookSettings& settings) = 0;

  // Removes the webhook, so that long polling works again.
  [[nodiscard]] virtual absl::Status DeleteWebhook(
      bool drop_pending_updates) = 0;

  // The webhook endpoint: checks the secret header (401 when missing or
  // wrong), parses the update (400 when malformed), queues it for Receive
  // and answers 200 at once. Updates already acknowledged (Telegram
  // re-sends after a failed answer) are answered 200 and dropped.
  // Any thread may call it, also concurrently.
  virtual WebhookReply HandleWebhook(const WebhookRequest& request) = 0;

  // Webhook mode, at shutdown: from now on HandleWebhook answers 503 (so
  // Telegram delivers the update again later, to this or another instance)
  // instead of queueing; Receive still returns what was queued before. Run
  // the Bot with BotOptions::drain_on_stop so that those are handled, and
  // call this before Bot::Stop. Async-signal-safe (it only sets an atomic
  // flag); any thread.
  virtual void CloseWebhook() = 0;

  // The last acknowledged update_id, 0 before the first.
  virtual int64_t last_acknowledged_update_id() const = 0;
};

}  // namespace botcore

#endif  // BOTCORE_ADAPTERS_TELEGRAM_H_
