#include <doctest/doctest.h>
#include <unistd.h>

#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "botcore/adapters/console.h"
#include "botcore/testing/manual_clock.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

struct Console {
  std::istringstream in;
  std::ostringstream out;
  testing::ManualClock clock{absl::FromUnixSeconds(1700000000)};
  std::unique_ptr<Messenger> messenger;

  explicit Console(const std::string& input) : in(input) {
    ConsoleOptions options;
    options.in = &in;
    options.out = &out;
    options.clock = &clock;
    options.chat_id = 7;
    ASSIGN_OR_REQUIRE(messenger, NewConsoleMessenger(options));
  }

  Update Next() {
    ASSIGN_OR_REQUIRE(std::vector<Update> updates,
                      messenger->Receive(absl::Seconds(1)));
    REQUIRE(updates.size() == 1);
    return updates[0];
  }
};

TEST_SUITE("console_messenger") {
  TEST_CASE("lines become commands, texts and locations; EOF ends") {
    Console c(
        "/start 42\nhello bot\n@55.7558,37.6173\n\n/price@my_bot\tGAZP\n");
    Update start = c.Next();
    CHECK(start.kind == UpdateKind::kMessage);
    CHECK(start.message->command == "start");
    CHECK(start.message->command_bot.empty());
    CHECK(start.message->command_args == "42");
    CHECK(start.message->chat.id == 7);
    CHECK(start.message->date == absl::FromUnixSeconds(1700000000));
    Update text = c.Next();
    CHECK(text.id > start.id);
    CHECK(text.message->text == "hello bot");
    CHECK(text.message->command.empty());
    Update location = c.Next();
    REQUIRE(location.message->location.has_value());
    CHECK(location.message->location->latitude == doctest::Approx(55.7558));
    ASSIGN_OR_REQUIRE(std::vector<Update> blank,
                      c.messenger->Receive(absl::Seconds(1)));
    CHECK(blank.empty());
    // A tab separates the arguments too; the addressed bot is kept apart.
    Update price = c.Next();
    CHECK(price.message->command == "price");
    CHECK(price.message->command_bot == "my_bot");
    CHECK(price.message->command_args == "GAZP");
    CHECK_STATUS_IS(c.messenger->Receive(absl::Seconds(1)), kOutOfRange);
    CHECK_STATUS_IS(c.messenger->Username(), kUnimplemented);
  }

  TEST_CASE("keyboards are numbered and #N presses a button") {
    Console c("#2\n#9\n");
    OutgoingMessage m;
    m.chat_id = 7;
    m.text = "Buy 10 GAZP at 162.01?";
    m.keyboard = {{{.text = "Confirm", .callback_data = "confirm:1"},
                   {.text = "Reject", .callback_data = "reject:1"}},
                  {{.text = "Chart", .url = "https://example.com"}}};
    ASSIGN_OR_REQUIRE(SentMessage sent, c.messenger->SendMessage(m));
    CHECK(c.out.str() ==
          "[bot] Buy 10 GAZP at 162.01?\n"
          "      [1] Confirm [2] Reject\n"
          "      [Chart: https://example.com]\n");
    Update press = c.Next();
    CHECK(press.kind == UpdateKind::kCallbackQuery);
    CHECK(press.callback_query->data == "reject:1");
    CHECK(press.callback_query->message->message_id == sent.message_ids[0]);
    REQUIRE_OK(c.messenger->AnswerCallbackQuery(
        {.callback_query_id = press.callback_query->id, .text = "Rejected"}));
    ASSIGN_OR_REQUIRE(std::vector<Update> none,
                      c.messenger->Receive(absl::Seconds(1)));
    CHECK(none.empty());
    CHECK(c.out.str().find("(no button 9)") != std::string::npos);
    CHECK(c.out.str().find("[bot] (Rejected)") != std::string::npos);
  }

  TEST_CASE("edits, files and commands are printed; bad input refused") {
    Console c("");
    REQUIRE_OK(c.messenger->EditMessageText(
        {.chat_id = 7, .message_id = 3, .text = "Done"}));
    REQUIRE_OK(c.messenger
                   ->SendPhoto({.chat_id = 7,
                                .file_name = "chart.png",
                                .content = "1234",
                                .caption = "GAZP"})
                   .status());
    REQUIRE_OK(c.messenger->SetCommands({{"start", "Start"}}));
    CHECK(c.out.str() ==
          "[bot, edited 3] Done\n"
          "[bot photo: chart.png, 4 bytes] GAZP\n"
          "[bot commands] /start - Start;\n");
    OutgoingMessage empty;
    CHECK_STATUS_IS(c.messenger->SendMessage(empty), kInvalidArgument);
    OutgoingMessage long_data;
    long_data.text = "x";
    long_data.keyboard = {
        {{.text = "x", .callback_data = std::string(65, 'x')}}};
    CHECK_STATUS_IS(c.messenger->SendMessage(long_data), kInvalidArgument);
    CHECK_STATUS_IS(NewConsoleMessenger({}), kInvalidArgument);
    ConsoleInput input(-1);
    ConsoleOptions both;
    both.in = &c.in;
    both.input = &input;
    both.out = &c.out;
    both.clock = &c.clock;
    CHECK_STATUS_IS(NewConsoleMessenger(both), kInvalidArgument);
  }

  TEST_CASE("a ConsoleInput on a pipe: Receive honours its wait; Stop ends") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    ConsoleInput input(fds[0]);
    std::ostringstream out;
    testing::ManualClock clock{absl::FromUnixSeconds(1700000000)};
    ConsoleOptions options;
    options.input = &input;
    options.out = &out;
    options.clock = &clock;
    ASSIGN_OR_REQUIRE(std::unique_ptr<Messenger> messenger,
                      NewConsoleMessenger(options));
    // Nothing typed: no updates once the wait has passed (a blocking read
    // would never return).
    ASSIGN_OR_REQUIRE(std::vector<Update> none,
                      messenger->Receive(absl::Milliseconds(10)));
    CHECK(none.empty());
    ASSIGN_OR_REQUIRE(none, messenger->Receive(absl::ZeroDuration()));
    CHECK(none.empty());
    // Two lines in one write: the second is read from the buffer, though
    // the pipe has nothing more.
    const std::string lines = "/start\nhello\n";
    REQUIRE(write(fds[1], lines.data(), lines.size()) ==
            static_cast<ssize_t>(lines.size()));
    for (const char* text : {"/start", "hello"}) {
      ASSIGN_OR_REQUIRE(std::vector<Update> updates,
                        messenger->Receive(absl::ZeroDuration()));
      REQUIRE(updates.size() == 1);
      CHECK(updates[0].message->text == text);
    }
    // Stop while a Receive waits (for an hour) for a line: it reports the
    // end of input. Were it not woken, closing the pipe ends it.
    absl::StatusOr<std::vector<Update>> waiting;
    absl::Notification returned;
    std::thread receiver([&] {
      waiting = messenger->Receive(absl::Hours(1));
      returned.Notify();
    });
    input.Stop();
    const bool stopped =
        returned.WaitForNotificationWithTimeout(absl::Seconds(60));
    close(fds[1]);
    receiver.join();
    close(fds[0]);
    CHECK(stopped);
    CHECK_STATUS_IS(waiting, kOutOfRange);
    CHECK_STATUS_IS(messenger->Receive(absl::Hours(1)), kOutOfRange);
  }

  TEST_CASE("a ConsoleInput at the end of its input reports it") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const std::string line = "last line without newline";
    REQUIRE(write(fds[1], line.data(), line.size()) ==
            static_cast<ssize_t>(line.size()));
    close(fds[1]);
    ConsoleInput input(fds[0]);
    std::string read;
    CHECK(input.Wait(absl::Hours(1)));
    CHECK(std::getline(input.stream(), read));
    CHECK(read == line);
    CHECK(input.Wait(absl::Hours(1)));  // the end of input: no blocking
    CHECK_FALSE(std::getline(input.stream(), read));
    close(fds[0]);
  }
}

}  // namespace
}  // namespace botcore
