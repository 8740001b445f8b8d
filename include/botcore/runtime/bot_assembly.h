// File: botcore/runtime/bot_assembly.h
//
// Builds a whole bot from a Config: the database, the adapters chosen by the
// configuration, the engines and the Bot runtime. This is what botcore-bot
// runs, and what an application (or the Python module) embeds:
//
//   absl::StatusOr<Config> config = Config::Load(".env");
//   absl::StatusOr<std::unique_ptr<BotAssembly>> bot =
//       BotAssembly::Create(*config);
//   std::thread watcher([&] { WaitForSignal(); (*bot)->Stop(); });
//   absl::Status status = (*bot)->Run();
//
// Modes (BotSettings::mode):
//   console       TELEGRAM_BOT_TOKEN unset: stdin/stdout, market data replayed
//                 from the bundled GAZP daily candles, a simulated chain
//                 (the extra command /simulate_deposit mines a deposit).
//   long polling  TELEGRAM_BOT_TOKEN set (TELEGRAM_MODE=polling, default).
//   webhook       TELEGRAM_MODE=webhook: route your HTTPS server's POSTs to
//                 telegram()->HandleWebhook (secret TELEGRAM_WEBHOOK_SECRET).
// Any port may be replaced through BotAssemblyOptions, e.g. your own
// MarketData or Advisor.
//
// Every configuration key, its default and meaning: docs/configuration.md;
// ReadBotSettings is the one place that reads them.
//
// Thread safety: as Bot: Run blocks, Stop may be called from any thread.

#ifndef BOTCORE_RUNTIME_BOT_ASSEMBLY_H_
#define BOTCORE_RUNTIME_BOT_ASSEMBLY_H_

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/adapters/console.h"
#include "botcore/adapters/telegram.h"
#include "botcore/core/clock.h"
#include "botcore/core/config.h"
#include "botcore/ports/advisor.h"
#include "botcore/ports/chain_client.h"
#include "botcore/ports/database.h"
#include "botcore/ports/market_data.h"
#include "botcore/ports/messenger.h"
#include "botcore/runtime/bot.h"
#include "botcore/runtime/log.h"
#include "botcore/runtime/metrics.h"
#include "botcore/runtime/operations_server.h"

namespace botcore {

namespace testing {
class SimulatedChain;
}  // namespace testing

enum class BotMode { kConsole, kLongPolling, kWebhook };

// "console", "polling", "webhook".
std::string_view BotModeName(BotMode mode);

// Everything the configuration says, read once.
struct BotSettings {
  BotMode mode = BotMode::kConsole;
  std::string telegram_token;
  std::string telegram_api_base_url;
  std::string webhook_url;     // registered with setWebhook when set
  std::string webhook_secret;  // required in webhook mode
  std::string database_url;
  std::string moex_base_url;
  absl::Duration moex_data_delay;  // MoexOptions::data_delay
  std::string llm_api_key;  // empty: the rule-based advisor
  std::string llm_base_url;
  std::string llm_model;
  std::string bsc_rpc_url;  // empty: no chain (console: simulated)
  // The candles replayed in console mode; empty: the bundled file.
  std::string replay_candles_csv;
  // The operations HTTP server (Telegram webhook, /healthz, /metrics): run
  // in webhook mode, and in the other modes when HTTP_PORT is set. Its
  // pointer and callback fields are filled in by BotAssembly::Run.
  bool serve_http = false;
  OperationsServerOptions http;
  // LOG_LEVEL, LOG_FORMAT and the secrets masked in every line.
  LoggerOptions log;
  // BACKUP_FILE: where the daily backup job writes a SQLite online backup;
  // empty: no backup job.
  std::string backup_file;
  // The runtime's options; its ports are left null.
  BotOptions bot;
};

// Reads every key of docs/configuration.md with its default.
// Errors: kInvalidArgument naming the key and value (secrets masked) for a
// malformed value or a mode that misses what it needs.
[[nodiscard]] absl::StatusOr<BotSettings> ReadBotSettings(const Config& config);

// Where the bundled GAZP candles are looked for, in order: data/ next to the
// binary botcore is linked into (the executable, or the Python module in
// its package), ../share/botcore/ from there, the installed share/botcore/,
// the source tree.
std::vector<std::string> BundledCandlePaths();

// Ports to use instead of the ones the configuration would build. Not
// owned; each must outlive the BotAssembly. All default to nullptr.
struct BotAssemblyOptions {
  Messenger* messenger = nullptr;
  MarketData* market_data = nullptr;
  Advisor* advisor = nullptr;
  ChainClient* chain = nullptr;
  Clock* clock = nullptr;
  // Default: the assembly's BotMetrics, served on /metrics.
  BotObserver* observer = nullptr;
  // Console mode's input (Stop stops it) and output. Defaults: standard
  // input (a ConsoleInput of the assembly's own) and std::cout.
  ConsoleInput* console_input = nullptr;
  std::ostream* console_out = nullptr;
};

class BotAssembly {
 public:
  // Reads the settings, opens the database (running every migration),
  // builds the adapters not overridden and the Bot. Contacts no server.
  // Errors: ReadBotSettings's; OpenDatabase's; kNotFound when console mode
  // finds no candle file; the adapters' and Bot::Create's.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<BotAssembly>> Create(
      const Config& config, const BotAssemblyOptions& options = {});

  BotAssembly(const BotAssembly&) = delete;
  BotAssembly& operator=(const BotAssembly&) = delete;
  ~BotAssembly();

  // Starts the operations HTTP server when BotSettings::serve_http (its
  // errors: kUnavailable when the port is taken), registers the webhook in
  // webhook mode with a webhook URL (max_connections: at most HTTP_THREADS,
  // the connections the server can hold), then Bot::Run; the server stops
  // when the Bot has stopped.
  [[nodiscard]] absl::Status Run();
  // In webhook mode first closes the webhook (TelegramMessenger::
  // CloseWebhook: later POSTs are answered 503 and Telegram sends them
  // again), and Run handles every update already answered 200 before it
  // returns. In console mode stops the console's input, so a Receive
  // waiting at an idle prompt returns at once. Then Bot::Stop.
  // Async-signal-safe.
  void Stop();

  Bot& bot();
  HealthSnapshot Health();
  const BotSettings& settings() const;
  Database& database();
  // The Telegram adapter (for the webhook endpoint), or nullptr in console
  // mode or when the messenger was overridden.
  TelegramMessenger* telegram();
  // The simulated chain of console mode (mine blocks on it to demonstrate
  // deposits), or nullptr.
  testing::SimulatedChain* simulated_chain();

 private:
  struct Parts;
  explicit BotAssembly(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_BOT_ASSEMBLY_H_
