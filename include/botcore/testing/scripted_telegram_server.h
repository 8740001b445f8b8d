// File: botcore/testing/scripted_telegram_server.h
//
// A fake Telegram Bot API on 127.0.0.1, built on ScriptedHttpServer, for
// testing a bot end to end through TelegramMessenger: queue updates as a
// user would send them, let the bot poll and answer, then look at what it
// sent.
//
//   ASSIGN_OR_REQUIRE(auto telegram, ScriptedTelegramServer::Start("1:t"));
//   telegram->PushUpdate(R"("message":{"message_id":1,"date":0,)"
//                        R"("chat":{"id":42,"type":"private"},"text":"/start"})");
//   options.api_base_url = telegram->api_base_url();
//   ... run the bot for a poll ...
//   CHECK(telegram->Sent("sendMessage").size() == 1);
//   telegram->FailNext("sendMessage", 403,
//       R"({"ok":false,"error_code":403,"description":"Forbidden: bot was
//       blocked by the user"})");
//
// getUpdates answers at once (it never long-polls) with the queued updates
// whose update_id is at least the request's offset, at most the request's
// limit (default 100) of them, and forgets the ones below the offset, as
// Telegram does. Every sending method (sendMessage, sendPhoto,
// sendDocument, editMessageText) answers with a message of a new message_id
// in the request's chat; getMe answers a bot named kScriptedBotUsername;
// any other method answers {"ok":true,"result":true}.
//
// For load tests it can queue many text messages without holding them in
// memory, answer every Nth send with 429, and count what each chat received:
//
//   telegram->PushTextMessages(100000, /*chats=*/1000);
//   telegram->RateLimitEvery("sendMessage", 1000, /*retry_after_seconds=*/1);
//   ... run the bot ...
//   DeliveryTally tally = telegram->Tally();
//   CHECK(tally.distinct == 100000);
//   CHECK(tally.duplicates == 0);
//
// Thread-safe.

#ifndef BOTCORE_TESTING_SCRIPTED_TELEGRAM_SERVER_H_
#define BOTCORE_TESTING_SCRIPTED_TELEGRAM_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "botcore/testing/scripted_http_server.h"

namespace botcore::testing {

// The username getMe answers with.
inline constexpr std::string_view kScriptedBotUsername = "scripted_bot";

// What the sendMessage calls answered with success delivered.
struct DeliveryTally {
  // Successful sendMessage calls.
  int64_t delivered = 0;
  // Distinct (chat_id, text) pairs among them.
  int64_t distinct = 0;
  // delivered - distinct: the same text delivered to a chat again.
  int64_t duplicates = 0;
  // Calls answered 429 by RateLimitEvery (not delivered).
  int64_t rate_limited = 0;
};

class ScriptedTelegramServer {
 public:
  // Starts answering for the bot `token`.
  // Errors: as ScriptedHttpServer::Start.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ScriptedTelegramServer>>
  Start(std::string_view token);

  ~ScriptedTelegramServer();
  ScriptedTelegramServer(const ScriptedTelegramServer&) = delete;
  ScriptedTelegramServer& operator=(const ScriptedTelegramServer&) = delete;

  // For TelegramOptions::api_base_url.
  std::string api_base_url() const;

  // Queues an update: `fields` are the JSON members besides update_id, e.g.
  // R"("message":{...})". Returns the update_id given to it.
  int64_t PushUpdate(std::string_view fields);

  // Queues `count` text messages from `chats` private chats in turn (chat ids
  // 1 to `chats`, a user of the same id writing in each), each saying `text`
  // (e.g. "/portfolio"), or when it is empty "message <update_id>", each a
  // different text. They are written out only when getUpdates asks for
  // them, so millions cost no memory. Returns the update_id of the last.
  // REQUIRES: count >= 1, chats >= 1, `text` needs no JSON escaping.
  int64_t PushTextMessages(int64_t count, int chats,
                           std::string_view text = {});

  // Every `every`-th call of `method` from now on is answered 429 with
  // "parameters":{"retry_after":retry_after_seconds} and is not delivered.
  // every = 0 turns it off. REQUIRES: every >= 0.
  void RateLimitEvery(std::string_view method, int every,
                      int retry_after_seconds);

  // The number of times `text` was delivered to `chat_id` by sendMessage.
  int DeliveredCount(int64_t chat_id, std::string_view text) const;

  // Counts over every sendMessage call so far.
  DeliveryTally Tally() const;

  // Whether calls are recorded for Sent(); turn it off under load so that
  // memory stays flat (Tally still counts). Default: on.
  void Record(bool on) { server_->Record(on); }

  // The next call of `method` (e.g. "sendMessage") gets `status` and `body`
  // instead of success; calls after it succeed again. Several queue up.
  void FailNext(std::string_view method, int status, std::string body);

  // The calls of `method` received so far, in order.
  std::vector<RecordedRequest> Sent(std::string_view method) const;

  // The underlying server, for anything not covered here.
  ScriptedHttpServer& http() { return *server_; }

 private:
  class State;
  ScriptedTelegramServer(std::unique_ptr<ScriptedHttpServer> server,
                         std::string token);

  std::unique_ptr<ScriptedHttpServer> server_;
  std::string token_;
  std::shared_ptr<State> state_;
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTING_SCRIPTED_TELEGRAM_SERVER_H_
