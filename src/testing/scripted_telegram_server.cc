#include "botcore/testing/scripted_telegram_server.h"

#include <deque>
#include <map>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "internal/strings.h"

namespace botcore::testing {
namespace {

using internal::ToAbsl;

// The integer value of "name": in a flat JSON or form request, if any. The
// bot's requests are simple enough that no JSON parser is needed here.
std::optional<int64_t> IntegerField(const RecordedRequest& request,
                                    std::string_view name) {
  if (std::optional<std::string> param = request.Param(name)) {
    int64_t value;
    if (absl::SimpleAtoi(*param, &value)) return value;
  }
  const std::string key = absl::StrCat("\"", ToAbsl(name), "\":");
  const size_t at = request.body.find(key);
  if (at == std::string::npos) return std::nullopt;
  const size_t start = at + key.size();
  const size_t end = request.body.find_first_not_of("-0123456789", start);
  int64_t value;
  if (!absl::SimpleAtoi(
          absl::string_view(request.body).substr(start, end - start), &value)) {
    return std::nullopt;
  }
  return value;
}

ScriptedResponse Ok(std::string body) {
  ScriptedResponse response;
  response.body = std::move(body);
  return response;
}

}  // namespace

class ScriptedTelegramServer::State {
 public:
  int64_t Push(std::string_view fields) {
    absl::MutexLock lock(&mu_);
    const int64_t id = ++last_update_id_;
    updates_.emplace_back(
        id, absl::StrCat("{\"update_id\":", id, ",", ToAbsl(fields), "}"));
    return id;
  }

  void FailNext(std::string method, int status, std::string body) {
    absl::MutexLock lock(&mu_);
    ScriptedResponse failure;
    failure.status = status;
    failure.body = std::move(body);
    failures_[std::move(method)].push_back(std::move(failure));
  }

  ScriptedResponse Answer(const std::string& method,
                          const RecordedRequest& request) {
    absl::MutexLock lock(&mu_);
    auto failure = failures_.find(method);
    if (failure != failures_.end() && !failure->second.empty()) {
      ScriptedResponse response = failure->second.front();
      failure->second.pop_front();
      return response;
    }
    if (method == "getUpdates") {
      const int64_t offset = IntegerField(request, "offset").value_or(0);
      while (!updates_.empty() && updates_.front().first < offset) {
        updates_.pop_front();
      }
      std::vector<std::string> bodies;
      for (const auto& [id, body] : updates_) bodies.push_back(body);
      return Ok(absl::StrCat("{\"ok\":true,\"result\":[",
                             absl::StrJoin(bodies, ","), "]}"));
    }
    if (method == "sendMessage" || method == "sendPhoto" ||
        method == "sendDocument" || method == "editMessageText") {
      const int64_t chat = IntegerField(request, "chat_id").value_or(0);
      const int64_t message_id =
          IntegerField(request, "message_id").value_or(++last_message_id_);
      return Ok(
          absl::StrCat(R"({"ok":true,"result":{"message_id":)", message_id,
                       R"(,"from":{"id":1,"is_bot":true,"first_name":"bot"},)",
                       R"("chat":{"id":)", chat,
                       R"(,"type":"private"},"date":0,"text":""}})"));
    }
    return Ok(R"({"ok":true,"result":true})");
  }

 private:
  absl::Mutex mu_;
  int64_t last_update_id_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_message_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<std::pair<int64_t, std::string>> updates_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::deque<ScriptedResponse>> failures_
      ABSL_GUARDED_BY(mu_);
};

namespace {

constexpr const char* kMethods[] = {"getUpdates",      "sendMessage",
                                    "editMessageText", "sendPhoto",
                                    "sendDocument",    "answerCallbackQuery",
                                    "setMyCommands",   "setWebhook",
                                    "deleteWebhook",   "getMe"};

}  // namespace

ScriptedTelegramServer::ScriptedTelegramServer(
    std::unique_ptr<ScriptedHttpServer> server, std::string token)
    : server_(std::move(server)),
      token_(std::move(token)),
      state_(std::make_shared<State>()) {
  for (const char* method : kMethods) {
    const std::string path = absl::StrCat("/bot", token_, "/", method);
    for (const char* verb : {"GET", "POST"}) {
      server_->Handle(verb, path,
                      [state = state_, method = std::string(method)](
                          const RecordedRequest& request) {
                        return state->Answer(method, request);
                      });
    }
  }
}

ScriptedTelegramServer::~ScriptedTelegramServer() = default;

absl::StatusOr<std::unique_ptr<ScriptedTelegramServer>>
ScriptedTelegramServer::Start(std::string_view token) {
  absl::StatusOr<std::unique_ptr<ScriptedHttpServer>> server =
      ScriptedHttpServer::Start();
  if (!server.ok()) return server.status();
  return std::unique_ptr<ScriptedTelegramServer>(
      new ScriptedTelegramServer(*std::move(server), std::string(token)));
}

std::string ScriptedTelegramServer::api_base_url() const {
  return server_->base_url();
}

int64_t ScriptedTelegramServer::PushUpdate(std::string_view fields) {
  return state_->Push(fields);
}

void ScriptedTelegramServer::FailNext(std::string_view method, int status,
                                      std::string body) {
  state_->FailNext(std::string(method), status, std::move(body));
}

std::vector<RecordedRequest> ScriptedTelegramServer::Sent(
    std::string_view method) const {
  return server_->requests(absl::StrCat("/bot", token_, "/", ToAbsl(method)));
}

}  // namespace botcore::testing
