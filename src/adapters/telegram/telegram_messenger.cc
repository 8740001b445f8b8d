#include <algorithm>
#include <atomic>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "adapters/json.h"
#include "adapters/telegram/telegram_json.h"
#include "botcore/adapters/telegram.h"
#include "internal/schema.h"
#include "internal/status_macros.h"
#include "internal/strings.h"
#include "internal/token_bucket.h"

namespace botcore {
namespace {

using internal::JsonWriter;
using internal::ToAbsl;
using internal::WriteString;

constexpr Migration kMigrations[] = {
    {1, "last acknowledged update per bot",
     "CREATE TABLE telegram_offsets ("
     " bot_id TEXT PRIMARY KEY,"
     " last_update_id BIGINT NOT NULL)"},
    {2, "webhook updates kept until acknowledged",
     // HandleWebhook answers Telegram 200 only once the update is stored
     // here, so a crash before it is handled does not lose it.
     "CREATE TABLE telegram_webhook_inbox ("
     " bot_id TEXT NOT NULL,"
     " update_id BIGINT NOT NULL,"
     " body TEXT NOT NULL,"
     " PRIMARY KEY (bot_id, update_id))"},
};

constexpr std::string_view kSecretHeader = "X-Telegram-Bot-Api-Secret-Token";
// How many recently handed-on webhook update ids are remembered.
constexpr size_t kRecentWebhookIds = 4096;

// "<digits>:<secret>"; returns the bot id, or empty when malformed.
std::string BotIdOf(const std::string& token) {
  const size_t colon = token.find(':');
  if (colon == 0 || colon == std::string::npos || colon + 1 == token.size()) {
    return std::string();
  }
  for (size_t i = 0; i < colon; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(token[i]))) return "";
  }
  for (size_t i = colon + 1; i < token.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-') return "";
  }
  return token.substr(0, colon);
}

bool IsValidSecretToken(const std::string& secret) {
  if (secret.empty() || secret.size() > 256) return false;
  return std::all_of(secret.begin(), secret.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-';
  });
}

// Compares without an early exit, so timing does not reveal the secret.
bool SecretsEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

const char* ParseModeName(ParseMode mode) {
  switch (mode) {
    case ParseMode::kHtml:
      return "HTML";
    case ParseMode::kMarkdownV2:
      return "MarkdownV2";
    case ParseMode::kPlain:
      break;
  }
  return nullptr;
}

void WriteKeyboard(JsonWriter& w, const InlineKeyboard& keyboard) {
  w.StartObject();
  w.Key("inline_keyboard");
  w.StartArray();
  for (const auto& row : keyboard) {
    w.StartArray();
    for (const InlineButton& button : row) {
      w.StartObject();
      w.Key("text");
      WriteString(w, button.text);
      if (!button.url.empty()) {
        w.Key("url");
        WriteString(w, button.url);
      } else {
        w.Key("callback_data");
        WriteString(w, button.callback_data);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
}

std::string KeyboardJson(const InlineKeyboard& keyboard) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  WriteKeyboard(w, keyboard);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A request body: JSON, or multipart/form-data when a file is uploaded.
struct Body {
  std::string content_type;
  std::string data;
};

// Builds a JSON object from (name, JSON-encoded value) fields.
class JsonFields {
 public:
  void Raw(const char* name, std::string json) {
    fields_.emplace_back(name, std::move(json));
  }
  void Int(const char* name, int64_t value) {
    Raw(name, std::to_string(value));
  }
  void Bool(const char* name, bool value) {
    Raw(name, value ? "true" : "false");
  }
  void String(const char* name, std::string_view value) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    WriteString(w, value);
    Raw(name, std::string(buffer.GetString(), buffer.GetSize()));
  }
  const std::vector<std::pair<const char*, std::string>>& fields() const {
    return fields_;
  }

  Body ToJson() const {
    std::string json = "{";
    for (const auto& [name, value] : fields_) {
      if (json.size() > 1) json.push_back(',');
      absl::StrAppend(&json, "\"", name, "\":", value);
    }
    json.push_back('}');
    return {"application/json", std::move(json)};
  }

  // Strings go as their text, everything else as its JSON.
  Body ToMultipart(const char* file_field, const OutgoingFile& file) const {
    std::string boundary = "botcore-form-boundary-7MA4YWxkTrZu0gW";
    while (absl::StrContains(file.content, boundary)) boundary.append("x");
    std::string data;
    for (const auto& [name, value] : fields_) {
      std::string text = value;
      if (text.size() >= 2 && text.front() == '"') {
        rapidjson::Document doc;
        if (internal::ParseJson(value, &doc).empty() && doc.IsString()) {
          text.assign(doc.GetString(), doc.GetStringLength());
        }
      }
      absl::StrAppend(&data, "--", boundary,
                      "\r\nContent-Disposition: form-data; name=\"", name,
                      "\"\r\n\r\n", text, "\r\n");
    }
    std::string file_name = file.file_name.empty() ? "file" : file.file_name;
    file_name.erase(std::remove_if(file_name.begin(), file_name.end(),
                                   [](char c) {
                                     return c == '"' || c == '\r' || c == '\n';
                                   }),
                    file_name.end());
    absl::StrAppend(&data, "--", boundary,
                    "\r\nContent-Disposition: form-data; name=\"", file_field,
                    "\"; filename=\"", file_name,
                    "\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                    file.content, "\r\n--", boundary, "--\r\n");
    return {absl::StrCat("multipart/form-data; boundary=", boundary),
            std::move(data)};
  }

 private:
  std::vector<std::pair<const char*, std::string>> fields_;
};

class TelegramMessengerImpl final : public TelegramMessenger {
 public:
  TelegramMessengerImpl(const TelegramOptions& options, std::string bot_id,
                        int64_t last_acknowledged, std::deque<Update> stored)
      : options_(options),
        bot_id_(std::move(bot_id)),
        base_url_(absl::StrCat(absl::StripSuffix(options.api_base_url, "/"),
                               "/bot", options.token, "/")),
        overall_(options.messages_per_second,
                 std::max(1.0, options.messages_per_second)),
        last_acknowledged_(last_acknowledged),
        last_delivered_(last_acknowledged),
        queue_(std::move(stored)) {
    for (const Update& u : queue_) stored_ids_.insert(u.id);
  }

  // Waits for the messages started and not yet answered (their requests
  // and waits call back into this messenger), then for the threads that
  // waited out a 429 or the pace.
  ~TelegramMessengerImpl() override {
    {
      absl::MutexLock lock(&started_mu_);
      auto answered = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(started_mu_) {
        return started_messages_ == 0;
      };
      started_mu_.Await(absl::Condition(&answered));
    }
    while (true) {
      std::list<Waiter> waiters;
      {
        absl::MutexLock lock(&waiters_mu_);
        waiters.swap(waiters_);
      }
      if (waiters.empty()) break;
      for (Waiter& w : waiters) w.thread.join();
    }
  }

  absl::StatusOr<std::vector<Update>> Receive(absl::Duration wait) override {
    if (options_.mode == TelegramMode::kWebhook) return ReceiveQueued(wait);
    JsonFields f;
    f.Int("offset", last_acknowledged_.load() + 1);
    f.Int("limit", options_.poll_limit);
    f.Int("timeout", std::max<int64_t>(0, absl::ToInt64Seconds(wait)));
    f.Raw("allowed_updates", AllowedUpdatesJson());
    BOTCORE_ASSIGN_OR_RETURN(
        internal::TelegramReply reply,
        Call("getUpdates", f.ToJson(), std::nullopt,
             std::max(wait, absl::ZeroDuration()) + options_.poll_slack));
    const rapidjson::Value* result =
        internal::ArrayMember(reply.body, "result");
    if (result == nullptr) {
      return absl::UnavailableError("getUpdates: no \"result\" array");
    }
    std::vector<Update> updates;
    absl::MutexLock lock(&receive_mu_);
    for (const rapidjson::Value& item : result->GetArray()) {
      // Skipped before being converted: an update delivered before and not
      // yet acknowledged (the runtime has it; under load a poll repeats
      // many), and an item without an integer update_id, which could be
      // neither handled nor acknowledged and would stall polling for ever if
      // it failed the batch.
      const std::optional<int64_t> id =
          internal::Int64Member(item, "update_id");
      if (!id.has_value() || *id <= last_delivered_) continue;
      absl::StatusOr<Update> update = internal::UpdateFromJson(item);
      if (!update.ok()) continue;
      last_delivered_ = update->id;
      updates.push_back(*std::move(update));
    }
    return updates;
  }

  absl::Status Acknowledge(int64_t update_id) override {
    // Taken before the transaction: HandleWebhook holds receive_mu_ while it
    // waits for the database.
    const std::vector<int64_t> stored = StoredThrough(update_id);
    // (Stored updates may lie below the offset: another instance's, loaded
    // at start, under the offset it acknowledged.)
    if (update_id <= last_acknowledged_.load() && stored.empty()) {
      return absl::OkStatus();
    }
    BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          // The stored webhook updates this messenger took, up to the mark
          // (another instance's stay: it may not have handled them yet).
          for (int64_t id : stored) {
            BOTCORE_RETURN_IF_ERROR(
                tx.Execute("DELETE FROM telegram_webhook_inbox WHERE bot_id = "
                           "? AND update_id = ?",
                           {bot_id_, id})
                    .status());
          }
          return tx
              .Execute(
                  "INSERT INTO telegram_offsets (bot_id, last_update_id) "
                  "VALUES (?, ?) ON CONFLICT (bot_id) DO UPDATE SET "
                  "last_update_id = excluded.last_update_id "
                  "WHERE telegram_offsets.last_update_id < "
                  "excluded.last_update_id",
                  {bot_id_, update_id})
              .status();
        },
        TransactionOptions{.durable = false}));
    {
      absl::MutexLock lock(&receive_mu_);
      stored_ids_.erase(stored_ids_.begin(),
                        stored_ids_.upper_bound(update_id));
    }
    int64_t seen = last_acknowledged_.load();
    while (seen < update_id &&
           !last_acknowledged_.compare_exchange_weak(seen, update_id)) {
    }
    return absl::OkStatus();
  }

  int64_t last_acknowledged_update_id() const override {
    return last_acknowledged_.load();
  }

  absl::StatusOr<SentMessage> SendMessage(
      const OutgoingMessage& message) override {
    std::optional<absl::StatusOr<SentMessage>> sent;
    SendMessageThen(
        message, Transport::kBlocking,
        [&](absl::StatusOr<SentMessage> s) { sent = std::move(s); });
    return *std::move(sent);
  }

  void StartSendMessage(const OutgoingMessage& message,
                        SendCallback done) override {
    {
      absl::MutexLock lock(&started_mu_);
      ++started_messages_;
    }
    SendMessageThen(message, Transport::kStarted,
                    [this, done = std::move(done)](
                        absl::StatusOr<SentMessage> sent) mutable {
                      std::move(done)(std::move(sent));
                      absl::MutexLock lock(&started_mu_);
                      --started_messages_;
                    });
  }

  absl::Status EditMessageText(const MessageEdit& edit) override {
    BOTCORE_RETURN_IF_ERROR(ValidateKeyboard(edit.keyboard));
    if (edit.text.empty() || SplitMessageText(edit.text).size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "editMessageText of message ", edit.message_id, " in chat ",
          edit.chat_id, ": text must be 1 to ", kMaxMessageLength,
          " characters, got ", edit.text.size(), " bytes"));
    }
    JsonFields f;
    f.Int("chat_id", edit.chat_id);
    f.Int("message_id", edit.message_id);
    f.String("text", edit.text);
    if (const char* mode = ParseModeName(edit.parse_mode)) {
      f.String("parse_mode", mode);
    }
    f.Raw("reply_markup", KeyboardJson(edit.keyboard));
    return Call("editMessageText", f.ToJson(), edit.chat_id, std::nullopt)
        .status();
  }

  absl::Status AnswerCallbackQuery(const CallbackAnswer& answer) override {
    JsonFields f;
    f.String("callback_query_id", answer.callback_query_id);
    if (!answer.text.empty()) f.String("text", answer.text);
    if (answer.show_alert) f.Bool("show_alert", true);
    return Call("answerCallbackQuery", f.ToJson(), std::nullopt, std::nullopt)
        .status();
  }

  absl::StatusOr<SentMessage> SendPhoto(const OutgoingFile& photo) override {
    return SendFile("sendPhoto", "photo", photo);
  }

  absl::StatusOr<SentMessage> SendDocument(
      const OutgoingFile& document) override {
    return SendFile("sendDocument", "document", document);
  }

  absl::Status SetCommands(const std::vector<BotCommand>& commands) override {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartArray();
    for (const BotCommand& command : commands) {
      w.StartObject();
      w.Key("command");
      WriteString(w, command.command);
      w.Key("description");
      WriteString(w, command.description);
      w.EndObject();
    }
    w.EndArray();
    JsonFields f;
    f.Raw("commands", std::string(buffer.GetString(), buffer.GetSize()));
    return Call("setMyCommands", f.ToJson(), std::nullopt, std::nullopt)
        .status();
  }

  absl::StatusOr<std::string> Username() override {
    {
      absl::MutexLock lock(&username_mu_);
      if (!username_.empty()) return username_;
    }
    BOTCORE_ASSIGN_OR_RETURN(
        internal::TelegramReply reply,
        Call("getMe", JsonFields().ToJson(), std::nullopt, std::nullopt));
    const rapidjson::Value* me = internal::ObjectMember(reply.body, "result");
    const std::string username =
        me == nullptr ? std::string() : internal::StringMember(*me, "username");
    if (username.empty()) {
      return absl::UnavailableError("getMe: no \"username\" in the answer");
    }
    absl::MutexLock lock(&username_mu_);
    username_ = username;
    return username_;
  }

  absl::Status SetWebhook(const WebhookSettings& settings) override {
    if (!absl::StartsWith(settings.url, "https://")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "setWebhook: the URL must be https, got \"", settings.url, "\""));
    }
    JsonFields f;
    f.String("url", settings.url);
    f.String("secret_token", options_.webhook_secret_token);
    f.Int("max_connections", settings.max_connections);
    f.Bool("drop_pending_updates", settings.drop_pending_updates);
    f.Raw("allowed_updates", AllowedUpdatesJson());
    return Call("setWebhook", f.ToJson(), std::nullopt, std::nullopt).status();
  }

  absl::Status DeleteWebhook(bool drop_pending_updates) override {
    JsonFields f;
    f.Bool("drop_pending_updates", drop_pending_updates);
    return Call("deleteWebhook", f.ToJson(), std::nullopt, std::nullopt)
        .status();
  }

  void CloseWebhook() override { webhook_closed_.store(true); }

  WebhookReply HandleWebhook(const WebhookRequest& request) override {
    if (request.method != "POST") return {405, "POST only"};
    std::optional<std::string_view> secret =
        FindHeader(request.headers, kSecretHeader);
    if (options_.mode != TelegramMode::kWebhook || !secret.has_value() ||
        !SecretsEqual(*secret, options_.webhook_secret_token)) {
      return {401, "wrong secret token"};
    }
    absl::StatusOr<Update> update = internal::ParseTelegramUpdate(request.body);
    if (!update.ok()) return {400, std::string(update.status().message())};
    absl::MutexLock lock(&receive_mu_);
    // Read under receive_mu_: once a Receive after CloseWebhook has taken
    // the queue, nothing more is answered 200.
    if (webhook_closed_.load()) return {503, "shutting down"};
    // Telegram delivers out of order when it holds several connections
    // (max_connections), so only ids seen lately count as repeats, not
    // every id below the highest.
    if (recent_webhook_ids_.contains(update->id) ||
        std::any_of(queue_.begin(), queue_.end(),
                    [&](const Update& u) { return u.id == update->id; })) {
      return {200, ""};  // a repeat delivery
    }
    if (static_cast<int>(queue_.size()) >= options_.webhook_queue_limit) {
      return {503, "queue full"};
    }
    // Stored before the 200 (and before Receive can hand it on), so that a
    // crash does not lose it: Telegram does not send it again after a 200.
    // A process crash keeps the commit (durable = false, as the offset).
    const absl::Status stored = options_.database->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          return tx
              .Execute(
                  "INSERT INTO telegram_webhook_inbox (bot_id, update_id,"
                  " body) VALUES (?, ?, ?) ON CONFLICT (bot_id,"
                  " update_id) DO NOTHING",
                  {bot_id_, update->id, request.body})
              .status();
        },
        TransactionOptions{.durable = false});
    if (!stored.ok()) return {503, "cannot store the update"};
    stored_ids_.insert(update->id);
    queue_.push_back(*std::move(update));
    return {200, ""};
  }

 private:
  // The ids of stored webhook updates this messenger took, up to `mark`.
  std::vector<int64_t> StoredThrough(int64_t mark) {
    absl::MutexLock lock(&receive_mu_);
    return std::vector<int64_t>(stored_ids_.begin(),
                                stored_ids_.upper_bound(mark));
  }

  absl::StatusOr<std::vector<Update>> ReceiveQueued(absl::Duration wait) {
    absl::MutexLock lock(&receive_mu_);
    auto nonempty = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(receive_mu_) {
      return !queue_.empty();
    };
    // A real-time wait: webhook updates arrive on real sockets.
    receive_mu_.AwaitWithTimeout(absl::Condition(&nonempty), wait);
    std::vector<Update> updates;
    std::sort(queue_.begin(), queue_.end(),
              [](const Update& a, const Update& b) { return a.id < b.id; });
    while (!queue_.empty()) {
      recent_webhook_ids_.insert(queue_.front().id);
      updates.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    while (recent_webhook_ids_.size() > kRecentWebhookIds) {
      recent_webhook_ids_.erase(recent_webhook_ids_.begin());
    }
    return updates;
  }

  std::string AllowedUpdatesJson() const {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartArray();
    for (const std::string& kind : options_.allowed_updates) {
      WriteString(w, kind);
    }
    w.EndArray();
    return std::string(buffer.GetString(), buffer.GetSize());
  }

  absl::StatusOr<SentMessage> SendFile(const char* method, const char* field,
                                       const OutgoingFile& file) {
    BOTCORE_RETURN_IF_ERROR(ValidateKeyboard(file.keyboard));
    const int sources =
        !file.content.empty() + !file.file_id.empty() + !file.url.empty();
    if (sources != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(method, " to ", file.chat_id,
                       ": set exactly one of content, file_id and url"));
    }
    JsonFields f;
    f.Int("chat_id", file.chat_id);
    if (!file.caption.empty()) f.String("caption", file.caption);
    if (const char* mode = ParseModeName(file.parse_mode)) {
      f.String("parse_mode", mode);
    }
    if (!file.keyboard.empty()) {
      f.Raw("reply_markup", KeyboardJson(file.keyboard));
    }
    Body body;
    if (!file.content.empty()) {
      body = f.ToMultipart(field, file);
    } else {
      f.String(field, file.file_id.empty() ? file.url : file.file_id);
      body = f.ToJson();
    }
    BOTCORE_ASSIGN_OR_RETURN(
        internal::TelegramReply reply,
        Call(method, std::move(body), file.chat_id, std::nullopt));
    BOTCORE_ASSIGN_OR_RETURN(int64_t id, MessageIdOf(reply, method));
    return SentMessage{file.chat_id, {id}};
  }

  static absl::StatusOr<int64_t> MessageIdOf(
      const internal::TelegramReply& reply, const char* method) {
    const rapidjson::Value* result =
        internal::ObjectMember(reply.body, "result");
    std::optional<int64_t> id =
        result ? internal::Int64Member(*result, "message_id") : std::nullopt;
    if (!id.has_value()) {
      return absl::UnavailableError(
          absl::StrCat(method, ": the reply has no result.message_id"));
    }
    return *id;
  }

  // Takes the turn of a message to `chat_id` under both the overall and
  // the per-chat pace; returns how long it must wait for it.
  absl::Duration TakePace(int64_t chat_id) {
    absl::Duration wait;
    {
      absl::MutexLock lock(&pace_mu_);
      const absl::Time now = options_.clock->Now();
      internal::TokenBucket& chat =
          chats_.try_emplace(chat_id, options_.chat_messages_per_second, 1)
              .first->second;
      const absl::Time start =
          std::max(overall_.Earliest(now), chat.Earliest(now));
      overall_.Take(start);
      chat.Take(start);
      wait = start - now;
      if (chats_.size() > 4096) {
        std::erase_if(chats_, [&](const auto& entry) {
          return entry.second.IsFull(now);
        });
      }
    }
    return wait;
  }

  // How a call's requests go to the HTTP client: kBlocking with Send, every
  // step (and wait) on the caller's thread, which has the outcome when the
  // call returns; kStarted with StartSend, the steps after the first on the
  // thread that completes the request.
  enum class Transport { kBlocking, kStarted };

  using ReplyCallback =
      absl::AnyInvocable<void(absl::StatusOr<internal::TelegramReply>) &&>;

  // A call in progress: its request, kept for the retries.
  struct PendingCall {
    const char* method;
    HttpRequest request;
    std::optional<int64_t> chat_id;
    Transport transport;
    int attempt = 0;
    // The thread that made the call: it may wait; others hand waits to a
    // thread of their own (Later).
    std::thread::id caller;
    ReplyCallback done;
  };

  // Sends `message` (each part after the previous one's answer) and calls
  // `done` with the message ids or the first error.
  void SendMessageThen(const OutgoingMessage& message, Transport transport,
                       SendCallback done) {
    if (absl::Status s = ValidateKeyboard(message.keyboard); !s.ok()) {
      std::move(done)(s);
      return;
    }
    if (message.text.empty()) {
      std::move(done)(absl::InvalidArgumentError(
          absl::StrCat("sendMessage to ", message.chat_id, ": empty text")));
      return;
    }
    auto parts = std::make_shared<std::vector<Body>>();
    const std::vector<std::string> texts = SplitMessageText(message.text);
    for (size_t i = 0; i < texts.size(); ++i) {
      JsonFields f;
      f.Int("chat_id", message.chat_id);
      f.String("text", texts[i]);
      if (const char* mode = ParseModeName(message.parse_mode)) {
        f.String("parse_mode", mode);
      }
      if (message.disable_link_preview) {
        f.Raw("link_preview_options", "{\"is_disabled\":true}");
      }
      if (i == 0 && message.reply_to_message_id.has_value()) {
        f.Raw("reply_parameters",
              absl::StrCat("{\"message_id\":", *message.reply_to_message_id,
                           ",\"allow_sending_without_reply\":true}"));
      }
      if (i + 1 == texts.size() && !message.keyboard.empty()) {
        f.Raw("reply_markup", KeyboardJson(message.keyboard));
      }
      parts->push_back(f.ToJson());
    }
    SendPart(std::move(parts), 0, SentMessage{message.chat_id, {}}, transport,
             std::this_thread::get_id(), std::move(done));
  }

  // `caller`: the thread that called SendMessage or StartSendMessage; the
  // parts after the first are started from the thread that completed the
  // previous one (an HTTP client's), which must not wait for them.
  void SendPart(std::shared_ptr<std::vector<Body>> parts, size_t i,
                SentMessage sent, Transport transport, std::thread::id caller,
                SendCallback done) {
    Body body = std::move((*parts)[i]);
    const int64_t chat_id = sent.chat_id;
    StartCall("sendMessage", std::move(body), chat_id, std::nullopt, transport,
              caller,
              [this, parts = std::move(parts), i, sent = std::move(sent),
               transport, caller, done = std::move(done)](
                  absl::StatusOr<internal::TelegramReply> reply) mutable {
                absl::StatusOr<int64_t> id =
                    reply.ok() ? MessageIdOf(*reply, "sendMessage")
                               : reply.status();
                if (!id.ok()) {
                  std::move(done)(id.status());
                  return;
                }
                sent.message_ids.push_back(*id);
                if (i + 1 == parts->size()) {
                  std::move(done)(std::move(sent));
                  return;
                }
                SendPart(std::move(parts), i + 1, std::move(sent), transport,
                         caller, std::move(done));
              });
  }

  // Calls `method` and waits for the outcome (Transport::kBlocking).
  absl::StatusOr<internal::TelegramReply> Call(
      const char* method, Body body, std::optional<int64_t> chat_id,
      std::optional<absl::Duration> timeout) {
    std::optional<absl::StatusOr<internal::TelegramReply>> reply;
    StartCall(method, std::move(body), chat_id, timeout, Transport::kBlocking,
              std::this_thread::get_id(),
              [&](absl::StatusOr<internal::TelegramReply> r) {
                reply = std::move(r);
              });
    return *std::move(reply);
  }

  // Calls `method` and calls `done` with the reply; paces the call when it
  // sends to `chat_id`, and waits out and retries 429 answers. `caller`:
  // the thread that may wait for it (PendingCall::caller).
  void StartCall(const char* method, Body body, std::optional<int64_t> chat_id,
                 std::optional<absl::Duration> timeout, Transport transport,
                 std::thread::id caller, ReplyCallback done) {
    auto call = std::make_unique<PendingCall>();
    call->method = method;
    call->request.method = "POST";
    call->request.url = base_url_ + method;
    call->request.headers = {{"Content-Type", std::move(body.content_type)}};
    call->request.body = std::move(body.data);
    call->request.timeout = timeout;
    call->chat_id = chat_id;
    call->transport = transport;
    call->caller = caller;
    call->done = std::move(done);
    Attempt(std::move(call));
  }

  // One attempt: waits for the pace, then sends.
  void Attempt(std::unique_ptr<PendingCall> call) {
    const absl::Duration wait = call->chat_id.has_value()
                                    ? TakePace(*call->chat_id)
                                    : absl::ZeroDuration();
    PendingCall& pending = *call;
    Later(pending, wait, [this, call = std::move(call)]() mutable {
      PendingCall& c = *call;
      if (c.transport == Transport::kBlocking) {
        Answered(std::move(call), options_.http->Send(c.request));
        return;
      }
      options_.http->StartSend(
          c.request, [this, call = std::move(call)](
                         absl::StatusOr<HttpResponse> response) mutable {
            Answered(std::move(call), std::move(response));
          });
    });
  }

  void Answered(std::unique_ptr<PendingCall> call,
                absl::StatusOr<HttpResponse> response) {
    if (!response.ok()) {
      // The HTTP client names only the server; the method says which call.
      std::move(call->done)(
          absl::Status(response.status().code(),
                       absl::StrCat(call->method, ": ",
                                    response.status().message())));
      return;
    }
    internal::TelegramReply reply = internal::ReadTelegramReply(
        call->method, response->status, response->body);
    if (reply.status.ok() ||
        reply.status.code() != absl::StatusCode::kResourceExhausted ||
        call->attempt >= options_.max_rate_limit_retries) {
      if (reply.status.ok()) {
        std::move(call->done)(std::move(reply));
      } else {
        std::move(call->done)(reply.status);
      }
      return;
    }
    const absl::Duration wait = reply.retry_after.value_or(absl::Seconds(1));
    if (wait > options_.max_retry_after) {
      std::move(call->done)(reply.status);
      return;
    }
    ++call->attempt;
    PendingCall& c = *call;
    Later(c, wait, [this, call = std::move(call)]() mutable {
      Attempt(std::move(call));
    });
  }

  // Runs `step` after `wait` on the clock: at once when there is nothing to
  // wait; on this thread when it may wait (the caller's, or a waiting
  // thread's); else on a new thread that waits (an HTTP client's thread
  // must not).
  void Later(const PendingCall& call, absl::Duration wait,
             absl::AnyInvocable<void() &&> step) {
    if (wait <= absl::ZeroDuration()) {
      std::move(step)();
      return;
    }
    if (call.transport == Transport::kBlocking ||
        std::this_thread::get_id() == call.caller || waiting_thread) {
      options_.clock->SleepFor(wait);
      std::move(step)();
      return;
    }
    absl::MutexLock lock(&waiters_mu_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->finished.load()) {
        it->thread.join();
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
    Waiter& waiter = waiters_.emplace_back();
    waiter.thread =
        std::thread([this, &waiter, wait, step = std::move(step)]() mutable {
          waiting_thread = true;
          options_.clock->SleepFor(wait);
          std::move(step)();
          waiter.finished.store(true);
        });
  }

  const TelegramOptions options_;
  const std::string bot_id_;
  const std::string base_url_;  // holds the token: never printed

  absl::Mutex pace_mu_;
  internal::TokenBucket overall_ ABSL_GUARDED_BY(pace_mu_);
  std::map<int64_t, internal::TokenBucket> chats_ ABSL_GUARDED_BY(pace_mu_);

  std::atomic<int64_t> last_acknowledged_;
  // The bot's username, once getMe told it (Username).
  absl::Mutex username_mu_;
  std::string username_ ABSL_GUARDED_BY(username_mu_);
  absl::Mutex receive_mu_;
  int64_t last_delivered_ ABSL_GUARDED_BY(receive_mu_);
  std::deque<Update> queue_ ABSL_GUARDED_BY(receive_mu_);
  // Webhook mode: the ids of the updates this messenger stored or loaded
  // (telegram_webhook_inbox) and has not yet seen acknowledged.
  std::set<int64_t> stored_ids_ ABSL_GUARDED_BY(receive_mu_);
  // Webhook mode: the ids handed to Receive lately (the highest
  // kRecentWebhookIds), so that a repeat delivery is not handed on twice.
  // Older repeats (e.g. after a restart) reach the runtime, whose update
  // claims answer each id once.
  std::set<int64_t> recent_webhook_ids_ ABSL_GUARDED_BY(receive_mu_);
  std::atomic<bool> webhook_closed_{false};

  // Threads that wait out a 429 or the pace for a started call (Later);
  // joined once finished, and all by the destructor.
  struct Waiter {
    std::thread thread;
    std::atomic<bool> finished{false};
  };
  absl::Mutex waiters_mu_;
  std::list<Waiter> waiters_ ABSL_GUARDED_BY(waiters_mu_);
  // StartSendMessage calls whose `done` has not returned yet.
  absl::Mutex started_mu_;
  int64_t started_messages_ ABSL_GUARDED_BY(started_mu_) = 0;
  static thread_local bool waiting_thread;
};

thread_local bool TelegramMessengerImpl::waiting_thread = false;

}  // namespace

namespace internal {
ComponentSchema TelegramSchema() { return {"telegram", kMigrations}; }
}  // namespace internal

absl::StatusOr<std::unique_ptr<TelegramMessenger>> TelegramMessenger::Create(
    const TelegramOptions& options) {
  if (options.http == nullptr || options.clock == nullptr ||
      options.database == nullptr) {
    return absl::InvalidArgumentError(
        "TelegramOptions: http, clock and database are required");
  }
  std::string bot_id = BotIdOf(options.token);
  if (bot_id.empty()) {
    return absl::InvalidArgumentError(
        "TelegramOptions: the token is not of the form <bot id>:<secret>");
  }
  if (!absl::StartsWith(options.api_base_url, "http://") &&
      !absl::StartsWith(options.api_base_url, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("TelegramOptions: api_base_url \"", options.api_base_url,
                     "\" is not an http(s) URL"));
  }
  if (options.poll_limit < 1 || options.poll_limit > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("TelegramOptions: poll_limit ", options.poll_limit,
                     " is outside 1-100"));
  }
  if (options.messages_per_second <= 0 ||
      options.chat_messages_per_second <= 0) {
    return absl::InvalidArgumentError(
        "TelegramOptions: message rates must be positive");
  }
  if (options.mode == TelegramMode::kWebhook &&
      !IsValidSecretToken(options.webhook_secret_token)) {
    return absl::InvalidArgumentError(
        "TelegramOptions: webhook mode needs a webhook_secret_token of 1-256 "
        "characters A-Z a-z 0-9 _ -");
  }
  BOTCORE_RETURN_IF_ERROR(
      internal::ApplySchema(*options.database, internal::TelegramSchema()));
  int64_t last = 0;
  // Webhook updates stored and not yet acknowledged: a previous run
  // answered them 200 but may not have handled them.
  std::deque<Update> stored;
  BOTCORE_RETURN_IF_ERROR(
      options.database->Transact([&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query("SELECT last_update_id FROM telegram_offsets "
                     "WHERE bot_id = ?",
                     {bot_id}));
        last = 0;
        if (!rows.empty()) {
          BOTCORE_ASSIGN_OR_RETURN(last, rows[0].Int64(0));
        }
        stored.clear();
        if (options.mode != TelegramMode::kWebhook) return absl::OkStatus();
        BOTCORE_ASSIGN_OR_RETURN(
            rows, tx.Query("SELECT body FROM telegram_webhook_inbox WHERE "
                           "bot_id = ? ORDER BY update_id",
                           {bot_id}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(std::string body, row.Text(0));
          absl::StatusOr<Update> update = internal::ParseTelegramUpdate(body);
          if (update.ok()) stored.push_back(*std::move(update));
        }
        return absl::OkStatus();
      }));
  return std::unique_ptr<TelegramMessenger>(new TelegramMessengerImpl(
      options, std::move(bot_id), last, std::move(stored)));
}

}  // namespace botcore
