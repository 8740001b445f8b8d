// File: botcore/testing/quiet_messenger.h
//
// The base of a fake Messenger that looks only at what it overrides:
// acknowledgements, edits, toasts, files and the command menu succeed and
// are forgotten. A fake overrides Receive and SendMessage (and any other
// method it wants to watch).
//
//   class Counting final : public botcore::testing::QuietMessenger {
//    public:
//     absl::StatusOr<std::vector<Update>> Receive(absl::Duration) override {
//       return absl::OutOfRangeError("no input");
//     }
//     absl::StatusOr<SentMessage> SendMessage(
//         const OutgoingMessage& m) override {
//       ++sent;
//       return SentMessage{m.chat_id, {1}};
//     }
//     std::atomic<int> sent{0};
//   };

#ifndef BOTCORE_TESTING_QUIET_MESSENGER_H_
#define BOTCORE_TESTING_QUIET_MESSENGER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "botcore/ports/messenger.h"

namespace botcore::testing {

class QuietMessenger : public Messenger {
 public:
  absl::Status Acknowledge(int64_t) override { return absl::OkStatus(); }
  absl::Status EditMessageText(const MessageEdit&) override {
    return absl::OkStatus();
  }
  absl::Status AnswerCallbackQuery(const CallbackAnswer&) override {
    return absl::OkStatus();
  }
  absl::StatusOr<SentMessage> SendPhoto(const OutgoingFile& photo) override {
    return SentMessage{photo.chat_id, {1}};
  }
  absl::StatusOr<SentMessage> SendDocument(
      const OutgoingFile& document) override {
    return SentMessage{document.chat_id, {1}};
  }
  absl::Status SetCommands(const std::vector<BotCommand>&) override {
    return absl::OkStatus();
  }
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTING_QUIET_MESSENGER_H_
