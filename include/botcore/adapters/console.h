// File: botcore/adapters/console.h
//
// The Messenger port over a pair of streams (a terminal, or strings in
// tests), so a bot runs offline with one user in one chat. Each input line
// is an update:
//
//   /start 42          a command message ("start", args "42")
//   #2                 presses button 2 of the keyboards shown so far
//   @55.7558,37.6173   shares a location (latitude,longitude)
//   anything else      a text message
//
// Messages go out as "[bot] text", keyboards as numbered buttons:
//
//   [bot] Buy 10 GAZP at 162.01?
//         [1] Confirm  [2] Reject
//
//   ConsoleOptions options;
//   options.in = &std::cin;
//   options.out = &std::cout;
//   options.clock = &clock;
//   absl::StatusOr<std::unique_ptr<Messenger>> console =
//       NewConsoleMessenger(options);

#ifndef BOTCORE_ADAPTERS_CONSOLE_H_
#define BOTCORE_ADAPTERS_CONSOLE_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "botcore/core/clock.h"
#include "botcore/ports/messenger.h"

namespace botcore {

struct ConsoleOptions {
  // Required, not owned: where the user's lines come from.
  std::istream* in = nullptr;
  // Required, not owned: where the bot's messages go.
  std::ostream* out = nullptr;
  // Required, not owned: dates the updates.
  Clock* clock = nullptr;
  // The one user and chat. Default: 1 and 1, first name "console".
  int64_t user_id = 1;
  int64_t chat_id = 1;
  std::string first_name = "console";
};

// Receive blocks until a line is read (the stream cannot time out, so
// `wait` is not honoured) and returns one update, or none for a blank line
// or a press of an unknown button (a notice is printed). At the end of the
// input Receive fails with kOutOfRange: the runtime should stop. Sending
// checks keyboards and empty texts as TelegramMessenger does
// (kInvalidArgument). Acknowledge keeps nothing: a console session does not
// survive a restart. Thread-safe.
// Errors: kInvalidArgument when in, out or clock is missing.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Messenger>> NewConsoleMessenger(
    const ConsoleOptions& options);

}  // namespace botcore

#endif  // BOTCORE_ADAPTERS_CONSOLE_H_
