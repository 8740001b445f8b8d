#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "botcore/adapters/console.h"
#include "internal/status_macros.h"

namespace botcore {
namespace {

// How often a wait on the console's input looks whether Stop was called.
constexpr absl::Duration kStopCheck = absl::Milliseconds(100);

// "@55.7558,37.6173" -> a location.
std::optional<Location> ParseLocation(absl::string_view text) {
  if (!absl::ConsumePrefix(&text, "@")) return std::nullopt;
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits(',', 1));
  Location location;
  if (!absl::SimpleAtod(parts.first, &location.latitude) ||
      !absl::SimpleAtod(parts.second, &location.longitude)) {
    return std::nullopt;
  }
  return location;
}

class ConsoleMessenger final : public Messenger {
 public:
  explicit ConsoleMessenger(const ConsoleOptions& options)
      : options_(options) {}

  absl::StatusOr<std::vector<Update>> Receive(absl::Duration wait) override {
    std::vector<Update> updates;
    std::string line;
    {
      absl::MutexLock lock(&in_mu_);
      if (options_.input != nullptr && !options_.input->Wait(wait)) {
        return updates;
      }
      std::istream& in =
          options_.input != nullptr ? options_.input->stream() : *options_.in;
      if (!std::getline(in, line)) {
        return absl::OutOfRangeError("console: end of input");
      }
    }
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty()) return updates;
    absl::MutexLock lock(&mu_);
    Update update;
    update.id = ++last_update_id_;
    if (absl::ConsumePrefix(&text, "#")) {
      int index = 0;
      if (!absl::SimpleAtoi(text, &index) || index < 1 ||
          index > static_cast<int>(buttons_.size())) {
        Print(absl::StrCat("(no button ", text, ")"));
        return updates;
      }
      const PressableButton& button = buttons_[index - 1];
      CallbackQuery query;
      query.id = absl::StrCat("console-", update.id);
      query.from = User();
      query.message = NewMessage("");
      query.message->message_id = button.message_id;
      query.data = button.callback_data;
      update.kind = UpdateKind::kCallbackQuery;
      update.callback_query = std::move(query);
    } else {
      Message message = NewMessage(std::string(text));
      if (std::optional<Location> location = ParseLocation(text)) {
        message.text.clear();
        message.location = location;
      } else {
        ParseCommand(message);
      }
      update.kind = UpdateKind::kMessage;
      update.message = std::move(message);
    }
    updates.push_back(std::move(update));
    return updates;
  }

  absl::Status Acknowledge(int64_t) override { return absl::OkStatus(); }

  absl::StatusOr<SentMessage> SendMessage(
      const OutgoingMessage& message) override {
    BOTCORE_RETURN_IF_ERROR(ValidateKeyboard(message.keyboard));
    if (message.text.empty()) {
      return absl::InvalidArgumentError("console: empty message text");
    }
    absl::MutexLock lock(&mu_);
    SentMessage sent{message.chat_id, {}};
    for (const std::string& part : SplitMessageText(message.text)) {
      sent.message_ids.push_back(++last_message_id_);
      Print(absl::StrCat("[bot] ", absl::StripTrailingAsciiWhitespace(part)));
    }
    ShowKeyboard(message.keyboard, sent.message_ids.back());
    return sent;
  }

  absl::Status EditMessageText(const MessageEdit& edit) override {
    BOTCORE_RETURN_IF_ERROR(ValidateKeyboard(edit.keyboard));
    if (edit.text.empty()) {
      return absl::InvalidArgumentError("console: empty message text");
    }
    absl::MutexLock lock(&mu_);
    Print(absl::StrCat("[bot, edited ", edit.message_id, "] ", edit.text));
    ShowKeyboard(edit.keyboard, edit.message_id);
    return absl::OkStatus();
  }

  absl::Status AnswerCallbackQuery(const CallbackAnswer& answer) override {
    absl::MutexLock lock(&mu_);
    if (!answer.text.empty()) Print(absl::StrCat("[bot] (", answer.text, ")"));
    return absl::OkStatus();
  }

  absl::StatusOr<SentMessage> SendPhoto(const OutgoingFile& photo) override {
    return SendFile("photo", photo);
  }

  absl::StatusOr<SentMessage> SendDocument(
      const OutgoingFile& document) override {
    return SendFile("document", document);
  }

  absl::Status SetCommands(const std::vector<BotCommand>& commands) override {
    absl::MutexLock lock(&mu_);
    std::string menu = "[bot commands]";
    for (const BotCommand& c : commands) {
      absl::StrAppend(&menu, " /", c.command, " - ", c.description, ";");
    }
    Print(menu);
    return absl::OkStatus();
  }

 private:
  struct PressableButton {
    std::string callback_data;
    int64_t message_id;
  };

  absl::StatusOr<SentMessage> SendFile(const char* kind,
                                       const OutgoingFile& file) {
    BOTCORE_RETURN_IF_ERROR(ValidateKeyboard(file.keyboard));
    absl::MutexLock lock(&mu_);
    const int64_t id = ++last_message_id_;
    const std::string what =
        !file.content.empty()
            ? absl::StrCat(file.file_name, ", ", file.content.size(), " bytes")
            : (file.file_id.empty() ? file.url : file.file_id);
    Print(absl::StrCat("[bot ", kind, ": ", what, "] ", file.caption));
    ShowKeyboard(file.keyboard, id);
    return SentMessage{file.chat_id, {id}};
  }

  MessengerUser User() const {
    MessengerUser user;
    user.id = options_.user_id;
    user.first_name = options_.first_name;
    return user;
  }

  Message NewMessage(std::string text) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Message message;
    message.message_id = ++last_message_id_;
    message.chat.id = options_.chat_id;
    message.chat.type = ChatType::kPrivate;
    message.from = User();
    message.date = options_.clock->Now();
    message.text = std::move(text);
    return message;
  }

  void ShowKeyboard(const InlineKeyboard& keyboard, int64_t message_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const auto& row : keyboard) {
      std::string line = "     ";
      for (const InlineButton& button : row) {
        if (button.url.empty()) {
          buttons_.push_back({button.callback_data, message_id});
          absl::StrAppend(&line, " [", buttons_.size(), "] ", button.text);
        } else {
          absl::StrAppend(&line, " [", button.text, ": ", button.url, "]");
        }
      }
      Print(line);
    }
  }

  void Print(absl::string_view line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    *options_.out << line << '\n';
    options_.out->flush();
  }

  const ConsoleOptions options_;
  absl::Mutex in_mu_;  // held while blocked on input, apart from mu_
  absl::Mutex mu_;
  int64_t last_update_id_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_message_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<PressableButton> buttons_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

ConsoleInput::ConsoleInput(int fd) : fd_(fd), stream_(this) {}

bool ConsoleInput::PollReadable(absl::Duration wait) {
  const absl::Time deadline = absl::Now() + wait;
  do {
    if (stopping_.load()) return true;
    const absl::Duration slice =
        std::clamp(deadline - absl::Now(), absl::ZeroDuration(), kStopCheck);
    pollfd fd{fd_, POLLIN, 0};
    const int ready = poll(&fd, 1, absl::ToInt64Milliseconds(slice));
    // Readable, hung up or failed: read() does not block and tells which.
    if (ready > 0 || (ready < 0 && errno != EINTR)) return true;
  } while (absl::Now() < deadline);
  return stopping_.load();
}

bool ConsoleInput::Wait(absl::Duration wait) {
  return gptr() < egptr() || PollReadable(wait);
}

ConsoleInput::int_type ConsoleInput::underflow() {
  while (PollReadable(absl::InfiniteDuration()) && !stopping_.load()) {
    const ssize_t n = read(fd_, buffer_, sizeof(buffer_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    setg(buffer_, buffer_, buffer_ + n);
    return traits_type::to_int_type(buffer_[0]);
  }
  return traits_type::eof();
}

absl::StatusOr<std::unique_ptr<Messenger>> NewConsoleMessenger(
    const ConsoleOptions& options) {
  if ((options.input == nullptr) == (options.in == nullptr) ||
      options.out == nullptr || options.clock == nullptr) {
    return absl::InvalidArgumentError(
        "ConsoleOptions: one of input and in, out and clock are required");
  }
  return std::make_unique<ConsoleMessenger>(options);
}

}  // namespace botcore
