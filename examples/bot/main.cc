// botcore-bot: reads the configuration (.env and the environment), builds
// the bot (botcore/runtime/bot_assembly.h) and runs it until SIGTERM or
// SIGINT, then stops gracefully: no new updates, in-flight ones finished, the
// outbox flushed, the database closed, within SHUTDOWN_TIMEOUT.
//
//   botcore-bot            console mode without TELEGRAM_BOT_TOKEN
//   botcore-bot migrate | backup <file> | restore <file>
//                          botcore/runtime/database_commands.h
// Anything else prints the usage and exits 2.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "botcore/core/config.h"
#include "botcore/runtime/bot_assembly.h"
#include "botcore/runtime/database_commands.h"

namespace {

constexpr char kUsage[] =
    "usage: botcore-bot              run the bot\n"
    "       botcore-bot migrate | backup <file> | restore <file>\n";

absl::Status Run() {
  absl::StatusOr<botcore::Config> config = botcore::Config::Load(".env");
  if (!config.ok()) return config.status();
  absl::StatusOr<std::unique_ptr<botcore::BotAssembly>> bot =
      botcore::BotAssembly::Create(*config);
  if (!bot.ok()) return bot.status();

  // Signals are taken by a watcher thread (sigwait), not a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  absl::Notification finished;
  // Stop waits for the long poll in progress (a console's wait for input
  // ends at once), then for in-flight work.
  const absl::Duration grace = (*bot)->settings().bot.poll_wait +
                               (*bot)->settings().bot.shutdown_timeout;
  std::thread watcher([&] {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0 || finished.HasBeenNotified()) return;
    std::fprintf(stderr, "botcore-bot: signal %d, stopping\n", signal);
    (*bot)->Stop();
    // Past the grace period (a poll or in-flight work that hangs), leave.
    if (!finished.WaitForNotificationWithTimeout(grace + absl::Seconds(5))) {
      std::fprintf(stderr, "botcore-bot: shutdown timed out\n");
      std::_Exit(1);
    }
  });
  absl::Status status = (*bot)->Run();
  finished.Notify();
  pthread_kill(watcher.native_handle(), SIGTERM);  // wakes sigwait
  watcher.join();
  bot->reset();  // closes the database
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    if (botcore::IsDatabaseCommand(argv[1])) {
      return botcore::DatabaseCommandMain(argc, argv);
    }
    std::fprintf(stderr, "botcore-bot: unknown command \"%s\"\n%s", argv[1],
                 kUsage);
    return 2;
  }
  if (absl::Status s = Run(); !s.ok()) {
    std::fprintf(stderr, "botcore-bot: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
