#include "adapters/telegram/telegram_json.h"

#include <doctest/doctest.h>

#include <string>

#include "absl/strings/match.h"
#include "support/fixtures.h"
#include "support/status_testing.h"

namespace botcore::internal {
namespace {

using testing::ReadFixture;

Update ParseFixture(const std::string& name) {
  absl::StatusOr<Update> update =
      ParseTelegramUpdate(ReadFixture("telegram/" + name));
  REQUIRE_OK(update.status());
  return *update;
}

// The Message fixtures are bare Message objects; wrap them into an Update.
Update ParseMessageFixture(const std::string& name) {
  absl::StatusOr<Update> update = ParseTelegramUpdate(
      "{\"update_id\":7,\"message\":" + ReadFixture("telegram/" + name) + "}");
  REQUIRE_OK(update.status());
  return *update;
}

TEST_SUITE("telegram_json") {
  TEST_CASE("a private text message") {
    Update u = ParseFixture("update_message_text_private_teloxide.json");
    CHECK(u.kind == UpdateKind::kMessage);
    REQUIRE(u.message.has_value());
    CHECK(u.message->text == "hello there");
    CHECK(u.message->chat.type == ChatType::kPrivate);
    CHECK(u.message->command.empty());
    REQUIRE(u.message->from.has_value());
    CHECK(u.message->from->id == u.message->chat.id);
  }

  TEST_CASE("a command in a supergroup forum thread") {
    Update u =
        ParseFixture("update_message_bot_command_supergroup_teloxide.json");
    CHECK(u.id == 439432600);
    REQUIRE(u.message.has_value());
    CHECK(u.message->command == "report");
    CHECK(u.message->command_args.empty());
    CHECK(u.message->chat.id == -1001293752024);
    CHECK(u.message->chat.type == ChatType::kSupergroup);
    CHECK(u.message->message_thread_id == 134545);
    CHECK(u.message->reply_to_message_id == 134545);
    CHECK(u.message->from->language_code == "en");
    CHECK(u.message->date == absl::FromUnixSeconds(1721592580));
  }

  TEST_CASE("/start without a bot_command entity is still a command") {
    Update u = ParseFixture("update_message_start_command_DOCEXAMPLE.json");
    CHECK(u.message->command == "start");
  }

  TEST_CASE("commands drop @botname and keep their arguments") {
    absl::StatusOr<Update> u = ParseTelegramUpdate(
        R"({"update_id":1,"message":{"message_id":2,"date":3,)"
        R"("chat":{"id":4,"type":"group"},"text":"/buy@gazp_bot  10 GAZP "}})");
    REQUIRE_OK(u.status());
    CHECK(u->message->command == "buy");
    CHECK(u->message->command_bot == "gazp_bot");
    CHECK(u->message->command_args == "10 GAZP");
    CHECK(u->message->chat.type == ChatType::kGroup);
    CHECK_FALSE(u->message->from.has_value());
  }

  TEST_CASE("an edited message") {
    Update u = ParseFixture("update_edited_message_DOCEXAMPLE.json");
    CHECK(u.kind == UpdateKind::kEditedMessage);
    CHECK(u.message->text == "Edited text");
    CHECK(u.message->edit_date == absl::FromUnixSeconds(1441646600));
  }

  TEST_CASE("a callback query from an inline-mode message") {
    Update u = ParseFixture("update_callback_query_DOCEXAMPLE.json");
    CHECK(u.kind == UpdateKind::kCallbackQuery);
    REQUIRE(u.callback_query.has_value());
    CHECK(u.callback_query->id == "4382bfdwdsb323b2d9");
    CHECK(u.callback_query->data == "Data from button callback");
    CHECK(u.callback_query->inline_message_id == "1234csdbsk4839");
    CHECK_FALSE(u.callback_query->message.has_value());
    CHECK(u.callback_query->from.id == 1111111);
  }

  TEST_CASE("the user blocked the bot: my_chat_member kicked") {
    Update u =
        ParseFixture("update_my_chat_member_kicked_private_teloxide.json");
    CHECK(u.kind == UpdateKind::kMyChatMember);
    REQUIRE(u.my_chat_member.has_value());
    CHECK(u.my_chat_member->old_status == MemberStatus::kMember);
    CHECK(u.my_chat_member->new_status == MemberStatus::kKicked);
    CHECK(u.my_chat_member->member.is_bot);
  }

  TEST_CASE(
      "getUpdates envelopes: the bot added to and removed from a channel") {
    absl::StatusOr<std::vector<Update>> added =
        ParseTelegramUpdates(ReadFixture(
            "telegram/"
            "getUpdates_my_chat_member_bot_added_as_channel_admin.json"));
    REQUIRE_OK(added.status());
    REQUIRE(added->size() == 1);
    const ChatMemberUpdate& m = *(*added)[0].my_chat_member;
    CHECK(m.chat.type == ChatType::kChannel);
    CHECK(m.chat.id == -1002025237232);
    CHECK(m.old_status == MemberStatus::kLeft);
    CHECK(m.new_status == MemberStatus::kAdministrator);
    CHECK(m.date == absl::FromUnixSeconds(1705664974));

    absl::StatusOr<std::vector<Update>> removed =
        ParseTelegramUpdates(ReadFixture(
            "telegram/"
            "getUpdates_my_chat_member_bot_removed_from_channel_admin.json"));
    REQUIRE_OK(removed.status());
    CHECK((*removed)[0].my_chat_member->new_status == MemberStatus::kLeft);
  }

  TEST_CASE("a photo with caption: every size, largest last") {
    Update u = ParseMessageFixture("message_photo_with_caption_teloxide.json");
    REQUIRE(u.message->photo.size() == 4);
    CHECK(u.message->photo.back().width == 1280);
    CHECK(u.message->photo.front().width == 90);
    CHECK_FALSE(u.message->photo.back().file_id.empty());
    CHECK(u.message->text == "www.example.com");
  }

  TEST_CASE("a location") {
    Update u = ParseMessageFixture("message_location_pyTelegramBotAPI.json");
    REQUIRE(u.message->location.has_value());
    CHECK(u.message->location->latitude == doctest::Approx(26.090577));
    CHECK(u.message->location->longitude == doctest::Approx(127.479471));
  }

  TEST_CASE(
      "unknown kinds and unusable payloads are kOther, still acknowledgeable") {
    absl::StatusOr<Update> poll =
        ParseTelegramUpdate(R"({"update_id":5,"poll":{"id":"1"}})");
    REQUIRE_OK(poll.status());
    CHECK(poll->kind == UpdateKind::kOther);
    CHECK(poll->id == 5);
    absl::StatusOr<Update> broken =
        ParseTelegramUpdate(R"({"update_id":6,"message":{"text":"no chat"}})");
    REQUIRE_OK(broken.status());
    CHECK(broken->kind == UpdateKind::kOther);
  }

  TEST_CASE("malformed, truncated and shapeless bodies are kInvalidArgument") {
    CHECK_STATUS_IS(ParseTelegramUpdate("{\"update_id\":1,\"mess"),
                    kInvalidArgument);
    CHECK_STATUS_IS(ParseTelegramUpdate("[]"), kInvalidArgument);
    CHECK_STATUS_IS(ParseTelegramUpdate(R"({"update_id":"1"})"),
                    kInvalidArgument);
    CHECK_STATUS_IS(ParseTelegramUpdates(R"({"ok":true,"result":{}})"),
                    kInvalidArgument);
    CHECK_STATUS_IS(ParseTelegramUpdates(""), kInvalidArgument);
    std::string deep(100000, '[');
    CHECK_STATUS_IS(ParseTelegramUpdates(deep), kInvalidArgument);
  }

  TEST_CASE("an update without an integer update_id does not stall the batch") {
    ASSIGN_OR_REQUIRE(
        std::vector<Update> updates,
        ParseTelegramUpdates(
            R"({"ok":true,"result":[{"update_id":7},{"update_id":"8"},)"
            R"({"message":{}},{"update_id":9}]})"));
    REQUIRE(updates.size() == 2);
    CHECK(updates[0].id == 7);
    CHECK(updates[1].id == 9);
  }

  TEST_CASE("error replies map to the codes the caller acts on") {
    struct Case {
      const char* file;
      int http;
      absl::StatusCode code;
    };
    for (const Case& c : {
             Case{"error_400_chat_not_found_CATALOG.json", 400,
                  absl::StatusCode::kNotFound},
             Case{"error_400_group_migrated_CATALOG.json", 400,
                  absl::StatusCode::kFailedPrecondition},
             Case{"error_401_unauthorized.json", 401,
                  absl::StatusCode::kUnauthenticated},
             Case{"error_403_bot_blocked_by_user.json", 403,
                  absl::StatusCode::kPermissionDenied},
             Case{"error_409_conflict_terminated_by_other_getUpdates.json", 409,
                  absl::StatusCode::kFailedPrecondition},
             Case{"error_409_conflict_webhook_active_CATALOG.json", 409,
                  absl::StatusCode::kFailedPrecondition},
             Case{"error_409_conflict_webhook_active_OLD_TEXT.json", 409,
                  absl::StatusCode::kFailedPrecondition},
             Case{"error_429_too_many_requests_retry_after.json", 429,
                  absl::StatusCode::kResourceExhausted},
         }) {
      CAPTURE(c.file);
      TelegramReply reply =
          ReadTelegramReply("sendMessage", c.http,
                            ReadFixture(std::string("telegram/") + c.file));
      CHECK(reply.status.code() == c.code);
      CHECK(absl::StartsWith(reply.status.message(),
                             "sendMessage: Telegram error"));
    }
    TelegramReply migrated = ReadTelegramReply(
        "sendMessage", 400,
        ReadFixture("telegram/error_400_group_migrated_CATALOG.json"));
    CHECK(absl::StrContains(migrated.status.message(), "-123456789"));
    TelegramReply flood = ReadTelegramReply(
        "sendMessage", 429,
        ReadFixture("telegram/error_429_too_many_requests_retry_after.json"));
    CHECK(flood.retry_after == absl::Seconds(1));
  }

  TEST_CASE("bodies that are not Bot API replies are kUnavailable") {
    CHECK(ReadTelegramReply("getMe", 502, "<html>Bad Gateway</html>")
              .status.code() == absl::StatusCode::kUnavailable);
    CHECK(
        ReadTelegramReply("getMe", 200, R"({"ok":true,"resu)").status.code() ==
        absl::StatusCode::kUnavailable);
    CHECK(ReadTelegramReply("getMe", 200, "").status.code() ==
          absl::StatusCode::kUnavailable);
    CHECK(ReadTelegramReply("getMe", 200, R"({"result":1})").status.code() ==
          absl::StatusCode::kUnavailable);
    CHECK(ReadTelegramReply("getMe", 200, R"({"ok":true,"result":1})")
              .status.ok());
  }
}

}  // namespace
}  // namespace botcore::internal
