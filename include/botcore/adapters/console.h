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
//   ConsoleInput input;  // standard input
//   ConsoleOptions options;
//   options.input = &input;
//   options.out = &std::cout;
//   options.clock = &clock;
//   absl::StatusOr<std::unique_ptr<Messenger>> console =
//       NewConsoleMessenger(options);
//   ...
//   input.Stop();  // e.g. on SIGINT: a Receive waiting for a line returns

#ifndef BOTCORE_ADAPTERS_CONSOLE_H_
#define BOTCORE_ADAPTERS_CONSOLE_H_

#include <atomic>
#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/clock.h"
#include "botcore/ports/messenger.h"

namespace botcore {

// A file descriptor read as the console's input (standard input by
// default): a terminal, a pipe or a file. It is waited on with poll(), so the
// console messenger's Receive honours its `wait`, and Stop ends the input
// from another thread. The one stdin reader of botcore-bot and botcore.Bot
// (BotAssembly). Thread-safe: Stop from any thread or a signal handler
// (async-signal-safe); the rest from one reading thread at a time.
class ConsoleInput final : public std::streambuf {
 public:
  // `fd` is not owned; it must stay open while this object is used.
  explicit ConsoleInput(int fd = 0);
  ConsoleInput(const ConsoleInput&) = delete;
  ConsoleInput& operator=(const ConsoleInput&) = delete;

  // The lines. A read blocks until input arrives, the input ends, or Stop
  // (then it reports the end of input).
  std::istream& stream() { return stream_; }
  // Waits up to `wait` until a read would not block: input is buffered or
  // ready, the input ended or failed, or Stop was called (true); false when
  // `wait` passed first. A zero `wait` only looks.
  bool Wait(absl::Duration wait);
  // Ends the input: a waiting Wait or read returns within 100 ms; later
  // reads return what is already buffered (a line read in one go with the
  // one before it), then report the end of input.
  void Stop() { stopping_.store(true); }

 protected:
  int_type underflow() override;

 private:
  // poll() on fd_ for up to `wait`, in slices short enough to notice Stop.
  // Returns true when fd_ is readable (or failed) or Stop was called.
  bool PollReadable(absl::Duration wait);

  const int fd_;
  std::atomic<bool> stopping_{false};
  char buffer_[4096];
  std::istream stream_;
};

struct ConsoleOptions {
  // Where the user's lines come from, not owned; exactly one is required.
  // `input`: Receive waits up to its `wait` for a line, and the input's
  // Stop ends the session. `in`, any stream (e.g. a string in tests):
  // Receive blocks until a line is read.
  ConsoleInput* input = nullptr;
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

// Receive reads one line and returns one update, or none for a blank line
// or a press of an unknown button (a notice is printed). With `input` it
// first waits up to `wait` for input and returns no updates when none came
// (a line typed in part is then waited for to its end, or to Stop); with
// `in` it blocks until a line is read. At the end of the input (or after
// the input's Stop) Receive fails with kOutOfRange: the runtime should stop.
// Sending checks keyboards and empty texts as TelegramMessenger does
// (kInvalidArgument). Acknowledge keeps nothing: a console session does not
// survive a restart. Thread-safe.
// Errors: kInvalidArgument when out or clock is missing, or not exactly one
// of input and in is given.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Messenger>> NewConsoleMessenger(
    const ConsoleOptions& options);

}  // namespace botcore

#endif  // BOTCORE_ADAPTERS_CONSOLE_H_
