#include "adapters/telegram/telegram_json.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "internal/strings.h"

namespace botcore::internal {
namespace {

using rapidjson::Value;

absl::StatusCode CodeForTelegramError(int code, std::string_view description,
                                      bool migrated) {
  switch (code) {
    case 400:
      if (migrated) return absl::StatusCode::kFailedPrecondition;
      if (absl::StrContains(ToAbsl(description), "chat not found") ||
          absl::StrContains(ToAbsl(description), "user not found")) {
        return absl::StatusCode::kNotFound;
      }
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      // The Bot API answers a malformed token or an unknown method so.
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kFailedPrecondition;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    default:
      return code >= 500 ? absl::StatusCode::kUnavailable
                         : absl::StatusCode::kUnknown;
  }
}

MessengerUser UserFromJson(const Value& value) {
  MessengerUser user;
  user.id = Int64Member(value, "id").value_or(0);
  user.is_bot = BoolMember(value, "is_bot");
  user.first_name = StringMember(value, "first_name");
  user.last_name = StringMember(value, "last_name");
  user.username = StringMember(value, "username");
  user.language_code = StringMember(value, "language_code");
  return user;
}

ChatType ChatTypeFromString(const std::string& type) {
  if (type == "private") return ChatType::kPrivate;
  if (type == "group") return ChatType::kGroup;
  if (type == "supergroup") return ChatType::kSupergroup;
  if (type == "channel") return ChatType::kChannel;
  return ChatType::kOther;
}

std::optional<Chat> ChatFromJson(const Value* value) {
  if (value == nullptr) return std::nullopt;
  std::optional<int64_t> id = Int64Member(*value, "id");
  if (!id.has_value()) return std::nullopt;
  Chat chat;
  chat.id = *id;
  chat.type = ChatTypeFromString(StringMember(*value, "type"));
  chat.title = StringMember(*value, "title");
  chat.username = StringMember(*value, "username");
  return chat;
}

absl::Time UnixTime(const Value& value, const char* key) {
  return absl::FromUnixSeconds(Int64Member(value, key).value_or(0));
}

std::optional<Message> MessageFromJson(const Value* value) {
  if (value == nullptr) return std::nullopt;
  std::optional<int64_t> id = Int64Member(*value, "message_id");
  std::optional<Chat> chat = ChatFromJson(ObjectMember(*value, "chat"));
  if (!id.has_value() || !chat.has_value()) return std::nullopt;
  Message message;
  message.message_id = *id;
  message.chat = *std::move(chat);
  if (const Value* from = ObjectMember(*value, "from")) {
    message.from = UserFromJson(*from);
  }
  message.date = UnixTime(*value, "date");
  if (Int64Member(*value, "edit_date").has_value()) {
    message.edit_date = UnixTime(*value, "edit_date");
  }
  message.text = StringMember(*value, "text");
  if (message.text.empty()) message.text = StringMember(*value, "caption");
  ParseCommand(message);
  if (const Value* location = ObjectMember(*value, "location")) {
    std::optional<double> latitude = DoubleMember(*location, "latitude");
    std::optional<double> longitude = DoubleMember(*location, "longitude");
    if (latitude.has_value() && longitude.has_value()) {
      message.location = Location{*latitude, *longitude};
    }
  }
  if (const Value* photo = ArrayMember(*value, "photo")) {
    for (const Value& size : photo->GetArray()) {
      PhotoSize p;
      p.file_id = StringMember(size, "file_id");
      if (p.file_id.empty()) continue;
      p.file_unique_id = StringMember(size, "file_unique_id");
      p.width = static_cast<int>(Int64Member(size, "width").value_or(0));
      p.height = static_cast<int>(Int64Member(size, "height").value_or(0));
      p.file_size = Int64Member(size, "file_size").value_or(0);
      message.photo.push_back(std::move(p));
    }
  }
  if (const Value* reply = ObjectMember(*value, "reply_to_message")) {
    message.reply_to_message_id = Int64Member(*reply, "message_id");
  }
  message.message_thread_id = Int64Member(*value, "message_thread_id");
  return message;
}

std::optional<CallbackQuery> CallbackQueryFromJson(const Value* value) {
  if (value == nullptr) return std::nullopt;
  const Value* from = ObjectMember(*value, "from");
  std::string id = StringMember(*value, "id");
  if (from == nullptr || id.empty()) return std::nullopt;
  CallbackQuery query;
  query.id = std::move(id);
  query.from = UserFromJson(*from);
  // An inaccessible message (date 0) has no content but still names the
  // chat and message, which is what a handler needs.
  query.message = MessageFromJson(ObjectMember(*value, "message"));
  query.inline_message_id = StringMember(*value, "inline_message_id");
  query.chat_instance = StringMember(*value, "chat_instance");
  query.data = StringMember(*value, "data");
  return query;
}

MemberStatus MemberStatusFromJson(const Value* member) {
  if (member == nullptr) return MemberStatus::kOther;
  const std::string status = StringMember(*member, "status");
  if (status == "creator") return MemberStatus::kCreator;
  if (status == "administrator") return MemberStatus::kAdministrator;
  if (status == "member") return MemberStatus::kMember;
  if (status == "restricted") return MemberStatus::kRestricted;
  if (status == "left") return MemberStatus::kLeft;
  if (status == "kicked") return MemberStatus::kKicked;
  return MemberStatus::kOther;
}

std::optional<ChatMemberUpdate> ChatMemberUpdateFromJson(const Value* value) {
  if (value == nullptr) return std::nullopt;
  std::optional<Chat> chat = ChatFromJson(ObjectMember(*value, "chat"));
  const Value* from = ObjectMember(*value, "from");
  const Value* old_member = ObjectMember(*value, "old_chat_member");
  const Value* new_member = ObjectMember(*value, "new_chat_member");
  if (!chat.has_value() || from == nullptr || new_member == nullptr) {
    return std::nullopt;
  }
  ChatMemberUpdate update;
  update.chat = *std::move(chat);
  update.from = UserFromJson(*from);
  update.date = UnixTime(*value, "date");
  if (const Value* user = ObjectMember(*new_member, "user")) {
    update.member = UserFromJson(*user);
  }
  update.old_status = MemberStatusFromJson(old_member);
  update.new_status = MemberStatusFromJson(new_member);
  return update;
}

}  // namespace

TelegramReply ReadTelegramReply(std::string_view method, int http_status,
                                std::string_view body) {
  TelegramReply reply;
  // Parsed values take about twice the text's size.
  reply.pool = std::make_unique<rapidjson::MemoryPoolAllocator<>>(
      std::max<size_t>(1024, 2 * body.size()));
  reply.body = rapidjson::Document(reply.pool.get());
  const std::string parse_error = ParseJson(body, &reply.body);
  const Value* ok = parse_error.empty() ? Member(reply.body, "ok") : nullptr;
  if (ok == nullptr || !ok->IsBool()) {
    // Not the Bot API speaking: an HTML error page from a proxy, an empty
    // or cut-off body. Worth a later retry whatever the status.
    reply.status = absl::UnavailableError(absl::StrCat(
        ToAbsl(method), ": HTTP ", http_status,
        " with a body that is not a "
        "Bot API reply (",
        parse_error.empty() ? "no \"ok\" field" : parse_error, "): \"",
        absl::CHexEscape(ToAbsl(body.substr(0, 80))), "\""));
    return reply;
  }
  if (ok->GetBool()) {
    reply.status = absl::OkStatus();
    return reply;
  }
  const int code = static_cast<int>(
      Int64Member(reply.body, "error_code").value_or(http_status));
  const std::string description = StringMember(reply.body, "description");
  std::optional<int64_t> migrate_to;
  if (const Value* parameters = ObjectMember(reply.body, "parameters")) {
    if (std::optional<int64_t> seconds =
            Int64Member(*parameters, "retry_after")) {
      reply.retry_after = absl::Seconds(*seconds);
    }
    migrate_to = Int64Member(*parameters, "migrate_to_chat_id");
  }
  std::string message = absl::StrCat(ToAbsl(method), ": Telegram error ", code,
                                     ": ", description);
  if (migrate_to.has_value()) {
    absl::StrAppend(&message, " (the chat is now ", *migrate_to, ")");
  }
  reply.status = absl::Status(
      CodeForTelegramError(code, description, migrate_to.has_value()), message);
  return reply;
}

absl::StatusOr<Update> UpdateFromJson(const rapidjson::Value& value) {
  std::optional<int64_t> id = Int64Member(value, "update_id");
  if (!id.has_value()) {
    return absl::InvalidArgumentError("update without an integer update_id");
  }
  Update update;
  update.id = *id;
  if (const Value* m = ObjectMember(value, "message")) {
    update.message = MessageFromJson(m);
    if (update.message.has_value()) update.kind = UpdateKind::kMessage;
  } else if (const Value* e = ObjectMember(value, "edited_message")) {
    update.message = MessageFromJson(e);
    if (update.message.has_value()) update.kind = UpdateKind::kEditedMessage;
  } else if (const Value* q = ObjectMember(value, "callback_query")) {
    update.callback_query = CallbackQueryFromJson(q);
    if (update.callback_query.has_value()) {
      update.kind = UpdateKind::kCallbackQuery;
    }
  } else if (const Value* c = ObjectMember(value, "my_chat_member")) {
    update.my_chat_member = ChatMemberUpdateFromJson(c);
    if (update.my_chat_member.has_value()) {
      update.kind = UpdateKind::kMyChatMember;
    }
  }
  return update;
}

absl::StatusOr<std::vector<Update>> ParseTelegramUpdates(
    std::string_view getupdates_body) {
  rapidjson::Document doc;
  if (std::string error = ParseJson(getupdates_body, &doc); !error.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("getUpdates: ", error));
  }
  const Value* result = ArrayMember(doc, "result");
  if (result == nullptr) {
    return absl::InvalidArgumentError("getUpdates: no \"result\" array");
  }
  std::vector<Update> updates;
  updates.reserve(result->Size());
  for (const Value& item : result->GetArray()) {
    // An item without an integer update_id can be neither handled nor
    // acknowledged. Failing the whole batch would stall polling on it for
    // ever (the same batch comes back); skip it, and acknowledging a later
    // update moves the offset past it.
    absl::StatusOr<Update> update = UpdateFromJson(item);
    if (update.ok()) updates.push_back(*std::move(update));
  }
  return updates;
}

absl::StatusOr<Update> ParseTelegramUpdate(std::string_view update_json) {
  rapidjson::Document doc;
  if (std::string error = ParseJson(update_json, &doc); !error.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("update: ", error));
  }
  return UpdateFromJson(doc);
}

}  // namespace botcore::internal
