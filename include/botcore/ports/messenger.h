// File: botcore/ports/messenger.h
//
// The Messenger port: how the bot runtime hears users and talks back. Typed
// updates come in (text messages and commands, button presses, edits,
// membership changes, locations, photos); messages with inline keyboards go
// out. Implementations: TelegramMessenger (botcore/adapters/telegram.h) and
// ConsoleMessenger (botcore/adapters/console.h) for running offline.
//
//   for (;;) {
//     absl::StatusOr<std::vector<Update>> updates =
//         messenger.Receive(absl::Seconds(25));
//     if (!updates.ok()) return updates.status();
//     for (const Update& update : *updates) {
//       if (update.kind == UpdateKind::kMessage &&
//           update.message->command == "start") {
//         OutgoingMessage reply;
//         reply.chat_id = update.message->chat.id;
//         reply.text = "Hello, " +
//         EscapeHtml(update.message->from->first_name); reply.parse_mode =
//         ParseMode::kHtml; reply.keyboard = {{{.text = "Confirm",
//         .callback_data = "ok:17"}}}; absl::StatusOr<SentMessage> sent =
//         messenger.SendMessage(reply);
//       }
//       messenger.Acknowledge(update.id);  // handled: never delivered again
//     }
//   }
//
// Error codes of the sending methods, by what the caller should do:
//   kPermissionDenied    the user blocked the bot, or the bot was removed from
//                        the chat: mark the user inactive, do not retry.
//   kNotFound            the chat does not exist (or never talked to the bot).
//   kFailedPrecondition  the group became a supergroup (the message names the
//                        new chat id); or, from Receive, another poller or a
//                        webhook holds the updates: fix the deployment.
//   kResourceExhausted   still rate limited after waiting as told: try later.
//   kUnauthenticated     the bot token is wrong.
//   kInvalidArgument     the request was refused as malformed (bad markup,
//                        text too long, callback data over 64 bytes).
//   kUnavailable, kDeadlineExceeded   network or server trouble: retry later.

#ifndef BOTCORE_PORTS_MESSENGER_H_
#define BOTCORE_PORTS_MESSENGER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace botcore {

// Telegram's limits, which the other messengers adopt.
inline constexpr int kMaxMessageLength = 4096;  // UTF-16 code units
inline constexpr int kMaxCallbackDataBytes = 64;

struct MessengerUser {
  int64_t id = 0;
  bool is_bot = false;
  std::string first_name;
  std::string last_name;      // may be empty
  std::string username;       // without '@'; may be empty
  std::string language_code;  // IETF tag, e.g. "en"; may be empty
};

enum class ChatType { kPrivate, kGroup, kSupergroup, kChannel, kOther };

struct Chat {
  // Supergroup and channel ids are negative 64-bit numbers (-100...).
  int64_t id = 0;
  ChatType type = ChatType::kPrivate;
  std::string title;     // groups and channels
  std::string username;  // may be empty
};

struct Location {
  double latitude = 0;
  double longitude = 0;
};

// One size of a photo; a photo comes in several, smallest first.
struct PhotoSize {
  std::string file_id;         // to download or re-send it
  std::string file_unique_id;  // stable across bots
  int width = 0;
  int height = 0;
  int64_t file_size = 0;  // 0 when unknown
};

struct Message {
  int64_t message_id = 0;
  Chat chat;
  std::optional<MessengerUser> from;  // empty in channels
  absl::Time date;
  std::optional<absl::Time> edit_date;  // set on edited messages
  // The text, or a photo's caption.
  std::string text;
  // A command's name without '/' and "@botname" ("start" for
  // "/start@my_bot 42"), empty when the message is not a command.
  std::string command;
  // The bot the command names, without '@' ("my_bot"); empty when it names
  // none. In a group, a command meant for another bot names that bot.
  std::string command_bot;
  // What follows the command, trimmed ("42").
  std::string command_args;
  std::optional<Location> location;
  std::vector<PhotoSize> photo;  // empty unless a photo; largest last
  std::optional<int64_t> reply_to_message_id;
  std::optional<int64_t> message_thread_id;  // forum topics
};

// A press on an inline keyboard button.
struct CallbackQuery {
  std::string id;  // answer it with AnswerCallbackQuery
  MessengerUser from;
  // The message that carried the keyboard; empty for inline-mode messages
  // (then inline_message_id is set) and for messages too old to see.
  std::optional<Message> message;
  std::string inline_message_id;
  std::string chat_instance;
  std::string data;  // the button's callback_data
};

enum class MemberStatus {
  kCreator,
  kAdministrator,
  kMember,
  kRestricted,
  kLeft,
  kKicked,  // in a private chat: the user blocked the bot
  kOther,
};

// The bot's own membership in a chat changed (my_chat_member).
struct ChatMemberUpdate {
  Chat chat;
  MessengerUser from;  // who made the change
  absl::Time date;
  MessengerUser member;  // whose status changed (the bot)
  MemberStatus old_status = MemberStatus::kOther;
  MemberStatus new_status = MemberStatus::kOther;
};

enum class UpdateKind {
  kMessage,        // `message` is set
  kEditedMessage,  // `message` is set, with edit_date
  kCallbackQuery,  // `callback_query` is set
  kMyChatMember,   // `my_chat_member` is set
  kOther,          // a kind this port does not model; acknowledge and skip
};

struct Update {
  // Increasing; pass it to Messenger::Acknowledge once handled.
  int64_t id = 0;
  UpdateKind kind = UpdateKind::kOther;
  std::optional<Message> message;
  std::optional<CallbackQuery> callback_query;
  std::optional<ChatMemberUpdate> my_chat_member;
};

enum class ParseMode { kPlain, kHtml, kMarkdownV2 };

// One inline keyboard button: exactly one of callback_data (1 to 64 bytes)
// and url is set.
struct InlineButton {
  std::string text;
  std::string callback_data;
  std::string url;
};

// Rows of buttons, top to bottom.
using InlineKeyboard = std::vector<std::vector<InlineButton>>;

struct OutgoingMessage {
  int64_t chat_id = 0;
  // Longer texts are sent as several messages, split at line breaks; the
  // keyboard goes with the last one. With markup, keep each entity within
  // a line so that no split cuts one.
  std::string text;
  // Default: kPlain (no markup, nothing to escape).
  ParseMode parse_mode = ParseMode::kPlain;
  InlineKeyboard keyboard;
  std::optional<int64_t> reply_to_message_id;
  // Default: false.
  bool disable_link_preview = false;
};

struct SentMessage {
  int64_t chat_id = 0;
  // One id per part the text was split into, in order.
  std::vector<int64_t> message_ids;
};

struct MessageEdit {
  int64_t chat_id = 0;
  int64_t message_id = 0;
  std::string text;  // at most kMaxMessageLength
  ParseMode parse_mode = ParseMode::kPlain;
  // Replaces the message's keyboard; empty removes it.
  InlineKeyboard keyboard;
};

struct CallbackAnswer {
  std::string callback_query_id;
  // Shown to the user; empty just stops the button's spinner.
  std::string text;
  // Default: false (a toast rather than a dialog).
  bool show_alert = false;
};

// A photo or document to send: new bytes, or a file the messenger already
// has (file_id) or can fetch (url).
struct OutgoingFile {
  int64_t chat_id = 0;
  std::string file_name;  // e.g. "chart.png"; used for uploads
  std::string content;    // the bytes to upload, or empty
  std::string file_id;    // or an earlier upload's id
  std::string url;        // or an http(s) URL
  std::string caption;    // at most 1024 characters
  ParseMode parse_mode = ParseMode::kPlain;
  InlineKeyboard keyboard;
};

struct BotCommand {
  std::string command;  // 1-32 of a-z, 0-9 and '_', without '/'
  std::string description;
};

// Receives what Messenger::SendMessage would have returned.
using SendCallback = absl::AnyInvocable<void(absl::StatusOr<SentMessage>) &&>;

// Implementations are thread-safe: sending from several threads while one
// thread receives is fine. Sends to one chat keep their order when made
// from one thread.
class Messenger {
 public:
  virtual ~Messenger() = default;

  // Waits up to `wait` for new updates and returns them in order (possibly
  // none). Updates returned earlier and not yet acknowledged are not
  // returned again by this object; after a restart, those not acknowledged
  // are delivered again, those acknowledged never (an implementation may
  // say that a power failure can forget the last acknowledgements).
  // Errors: kFailedPrecondition when another consumer holds the updates
  // (Telegram 409); otherwise the sending codes above.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Update>> Receive(
      absl::Duration wait) = 0;

  // Records that the update `update_id` and every earlier one are handled.
  // Errors: storage errors of the Database port.
  [[nodiscard]] virtual absl::Status Acknowledge(int64_t update_id) = 0;

  // Sends a text message. Errors: the codes above.
  [[nodiscard]] virtual absl::StatusOr<SentMessage> SendMessage(
      const OutgoingMessage& message) = 0;

  // SendMessage without the wait: calls `done` exactly once with what
  // SendMessage would have returned; `message` is read before this
  // returns. A messenger over an asynchronous
  // HttpClient (TelegramMessenger over libcurl's) returns once the request
  // is handed over and calls `done` later from the HTTP client's thread (or
  // a thread of its own that waited out a 429): `done` must be quick and
  // must not call this messenger's blocking methods. Send the next message
  // to the same chat from `done` to keep their order. The default calls
  // SendMessage and `done` before returning.
  virtual void StartSendMessage(const OutgoingMessage& message,
                                SendCallback done) {
    std::move(done)(SendMessage(message));
  }

  // Replaces the text (and keyboard) of a sent message.
  [[nodiscard]] virtual absl::Status EditMessageText(
      const MessageEdit& edit) = 0;

  // Acknowledges a button press, optionally with a notice.
  [[nodiscard]] virtual absl::Status AnswerCallbackQuery(
      const CallbackAnswer& answer) = 0;

  [[nodiscard]] virtual absl::StatusOr<SentMessage> SendPhoto(
      const OutgoingFile& photo) = 0;
  [[nodiscard]] virtual absl::StatusOr<SentMessage> SendDocument(
      const OutgoingFile& document) = 0;

  // Sets the command menu users see.
  [[nodiscard]] virtual absl::Status SetCommands(
      const std::vector<BotCommand>& commands) = 0;

  // The bot's own username, without '@' ("my_bot"), as users address it in
  // commands and links. TelegramMessenger asks getMe once.
  // Errors: kUnimplemented when the messenger has none (the default, and the
  // console's); the sending codes above.
  [[nodiscard]] virtual absl::StatusOr<std::string> Username() {
    return absl::UnimplementedError("this messenger has no bot username");
  }
};

// Fills message.command, command_bot and command_args from message.text
// when the text starts with a command ("/start@my_bot 42" -> "start",
// "my_bot", "42"); leaves them as they are otherwise. Messengers call it on
// the text they receive.
void ParseCommand(Message& message);

// Escapes '<', '>', '&' and '"' for ParseMode::kHtml.
std::string EscapeHtml(std::string_view text);

// Escapes every character MarkdownV2 reserves (_*[]()~`>#+-=|{}.! and '\')
// with a backslash, for text outside entities.
std::string EscapeMarkdownV2(std::string_view text);

// Splits UTF-8 `text` into parts of at most `max_length` UTF-16 code units
// (how Telegram counts), breaking after a line break where possible, else
// after a space, else between characters. Parts keep their line breaks, so
// joining them gives `text` back. An empty text gives no parts.
// REQUIRES: max_length >= 2.
std::vector<std::string> SplitMessageText(std::string_view text,
                                          int max_length = kMaxMessageLength);

// Checks a keyboard: each button has a text and exactly one of url and
// callback_data, and callback_data is at most kMaxCallbackDataBytes bytes.
// Errors: kInvalidArgument naming the button.
[[nodiscard]] absl::Status ValidateKeyboard(const InlineKeyboard& keyboard);

}  // namespace botcore

#endif  // BOTCORE_PORTS_MESSENGER_H_
