#include "botcore/testing/scripted_telegram_server.h"

#include <deque>
#include <map>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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

// Appends the UTF-8 encoding of `code`.
void AppendUtf8(uint32_t code, std::string* out) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// The first string value of "name": in a form or JSON request, decoded, if
// any. (The first: the bot writes "text" before any keyboard's.)
std::optional<std::string> StringField(const RecordedRequest& request,
                                       std::string_view name) {
  if (std::optional<std::string> param = request.Param(name)) return param;
  const std::string key = absl::StrCat("\"", ToAbsl(name), "\":\"");
  const std::string& body = request.body;
  const size_t at = body.find(key);
  if (at == std::string::npos) return std::nullopt;
  std::string value;
  for (size_t i = at + key.size(); i < body.size(); ++i) {
    const char c = body[i];
    if (c == '"') return value;
    if (c != '\\') {
      value.push_back(c);
      continue;
    }
    if (++i == body.size()) return std::nullopt;
    switch (body[i]) {
      case 'n':
        value.push_back('\n');
        break;
      case 't':
        value.push_back('\t');
        break;
      case 'r':
        value.push_back('\r');
        break;
      case 'b':
        value.push_back('\b');
        break;
      case 'f':
        value.push_back('\f');
        break;
      case 'u': {
        uint32_t code;
        if (i + 4 >= body.size() ||
            !absl::SimpleHexAtoi(absl::string_view(body).substr(i + 1, 4),
                                 &code)) {
          return std::nullopt;
        }
        i += 4;
        // A surrogate pair: "\uD83D\uDE00".
        if (code >= 0xD800 && code < 0xDC00 && i + 6 < body.size() &&
            body[i + 1] == '\\' && body[i + 2] == 'u') {
          uint32_t low;
          if (absl::SimpleHexAtoi(absl::string_view(body).substr(i + 3, 4),
                                  &low) &&
              low >= 0xDC00 && low < 0xE000) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        AppendUtf8(code, &value);
        break;
      }
      default:
        value.push_back(body[i]);  // '"', '\\', '/'
    }
  }
  return std::nullopt;
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
    updates_.push_back(
        {id, 1, 0,
         absl::StrCat("{\"update_id\":", id, ",", ToAbsl(fields), "}")});
    return id;
  }

  int64_t PushTextMessages(int64_t count, int chats, std::string_view text) {
    absl::MutexLock lock(&mu_);
    updates_.push_back({last_update_id_ + 1, count, chats, std::string(text)});
    last_update_id_ += count;
    return last_update_id_;
  }

  void RateLimitEvery(std::string method, int every, int retry_after) {
    absl::MutexLock lock(&mu_);
    rate_limits_[std::move(method)] = {every, retry_after, 0};
  }

  void FailNext(std::string method, int status, std::string body) {
    absl::MutexLock lock(&mu_);
    ScriptedResponse failure;
    failure.status = status;
    failure.body = std::move(body);
    failures_[std::move(method)].push_back(std::move(failure));
  }

  int DeliveredCount(int64_t chat_id, std::string_view text) const {
    absl::MutexLock lock(&mu_);
    auto it = delivered_.find(std::make_pair(chat_id, std::string(text)));
    return it == delivered_.end() ? 0 : it->second;
  }

  DeliveryTally Tally() const {
    absl::MutexLock lock(&mu_);
    DeliveryTally tally = tally_;
    tally.distinct = static_cast<int64_t>(delivered_.size());
    tally.duplicates = tally.delivered - tally.distinct;
    return tally;
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
    auto limit = rate_limits_.find(method);
    if (limit != rate_limits_.end() && limit->second.every > 0 &&
        ++limit->second.calls % limit->second.every == 0) {
      if (method == "sendMessage") ++tally_.rate_limited;
      ScriptedResponse response;
      response.status = 429;
      response.headers = {
          {"Retry-After", absl::StrCat(limit->second.retry_after)}};
      response.body = absl::StrCat(
          R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after )",
          limit->second.retry_after, R"(","parameters":{"retry_after":)",
          limit->second.retry_after, "}}");
      return response;
    }
    if (method == "getUpdates") return Updates(request);
    if (method == "getMe") {
      return Ok(absl::StrCat(
          R"({"ok":true,"result":{"id":1,"is_bot":true,"first_name":"bot",)",
          R"("username":")", ToAbsl(kScriptedBotUsername), R"("}})"));
    }
    if (method == "sendMessage" || method == "sendPhoto" ||
        method == "sendDocument" || method == "editMessageText") {
      const int64_t chat = IntegerField(request, "chat_id").value_or(0);
      const int64_t message_id =
          IntegerField(request, "message_id").value_or(++last_message_id_);
      if (method == "sendMessage") {
        ++tally_.delivered;
        ++delivered_[std::make_pair(
            chat, StringField(request, "text").value_or(std::string()))];
      }
      return Ok(
          absl::StrCat(R"({"ok":true,"result":{"message_id":)", message_id,
                       R"(,"from":{"id":1,"is_bot":true,"first_name":"bot"},)",
                       R"("chat":{"id":)", chat,
                       R"(,"type":"private"},"date":0,"text":""}})"));
    }
    return Ok(R"({"ok":true,"result":true})");
  }

 private:
  // Updates first_id .. first_id + count - 1: one pushed update (`body`), or
  // text messages written out on demand from `chats` chats (`body` their
  // text, empty for "message <update_id>").
  struct Queued {
    int64_t first_id;
    int64_t count;
    int chats;
    std::string body;
  };

  struct RateLimit {
    int every;
    int retry_after;
    int64_t calls;
  };

  static void AppendTextMessage(int64_t id, int chats, const std::string& text,
                                std::string* out) {
    const int64_t chat = 1 + (id - 1) % chats;
    absl::StrAppend(out, R"({"update_id":)", id, R"(,"message":{"message_id":)",
                    id, R"(,"date":0,"from":{"id":)", chat,
                    R"(,"is_bot":false,"first_name":"User"},"chat":{"id":)",
                    chat, R"(,"type":"private"},"text":")");
    if (text.empty()) {
      absl::StrAppend(out, "message ", id);
    } else {
      out->append(text);
    }
    out->append(R"("}})");
  }

  ScriptedResponse Updates(const RecordedRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const int64_t offset = IntegerField(request, "offset").value_or(0);
    const int64_t limit = IntegerField(request, "limit").value_or(100);
    while (!updates_.empty()) {
      Queued& front = updates_.front();
      if (front.first_id + front.count <= offset) {
        updates_.pop_front();
      } else {
        if (front.first_id < offset) {
          front.count -= offset - front.first_id;
          front.first_id = offset;
        }
        break;
      }
    }
    std::string body = R"({"ok":true,"result":[)";
    int64_t written = 0;
    for (const Queued& queued : updates_) {
      for (int64_t i = 0; i < queued.count && written < limit; ++i) {
        if (written++ > 0) body.push_back(',');
        if (queued.chats == 0) {
          body.append(queued.body);
        } else {
          AppendTextMessage(queued.first_id + i, queued.chats, queued.body,
                            &body);
        }
      }
      if (written == limit) break;
    }
    body.append("]}");
    return Ok(std::move(body));
  }

  mutable absl::Mutex mu_;
  int64_t last_update_id_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_message_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Queued> updates_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::deque<ScriptedResponse>> failures_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, RateLimit> rate_limits_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::pair<int64_t, std::string>, int> delivered_
      ABSL_GUARDED_BY(mu_);
  DeliveryTally tally_ ABSL_GUARDED_BY(mu_);
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

int64_t ScriptedTelegramServer::PushTextMessages(int64_t count, int chats,
                                                 std::string_view text) {
  return state_->PushTextMessages(count, chats, text);
}

void ScriptedTelegramServer::RateLimitEvery(std::string_view method, int every,
                                            int retry_after_seconds) {
  state_->RateLimitEvery(std::string(method), every, retry_after_seconds);
}

int ScriptedTelegramServer::DeliveredCount(int64_t chat_id,
                                           std::string_view text) const {
  return state_->DeliveredCount(chat_id, text);
}

DeliveryTally ScriptedTelegramServer::Tally() const { return state_->Tally(); }

void ScriptedTelegramServer::FailNext(std::string_view method, int status,
                                      std::string body) {
  state_->FailNext(std::string(method), status, std::move(body));
}

std::vector<RecordedRequest> ScriptedTelegramServer::Sent(
    std::string_view method) const {
  return server_->requests(absl::StrCat("/bot", token_, "/", ToAbsl(method)));
}

}  // namespace botcore::testing
