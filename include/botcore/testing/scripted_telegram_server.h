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
// whose update_id is at least the request's offset, and forgets the ones
// below it, as Telegram does. Every sending method (sendMessage, sendPhoto,
// sendDocument, editMessageText) answers with a message of a new message_id
// in the request's chat; any other method answers {"ok":true,"result":true}.
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
