// File: botcore/runtime/bot.h
//
// Bot is the bot runtime: it receives updates from a Messenger, runs the
// commands on the engines (portfolio, risk, signals, backtest, ledger,
// deposits, withdrawals, referral, outbox) and answers, while a Scheduler
// runs the periodic jobs (chain monitor, confirmation checks, stop/target
// watcher, outbox delivery, daily summary, cleanup, disk-space guard,
// backups). The Bot takes every port by pointer and never includes an
// adapter: botcore/runtime/bot_assembly.h builds one from a Config.
//
//   BotOptions options;
//   options.messenger = telegram.get();
//   options.market_data = moex.get();
//   options.advisor = advisor.get();
//   options.chain = chain.get();
//   options.database = db.get();
//   options.clock = &clock;
//   options.admin_ids = {12345};
//   absl::StatusOr<std::unique_ptr<Bot>> bot = Bot::Create(options);
//   std::thread watcher([&] { WaitForSignal(); (*bot)->Stop(); });
//   absl::Status status = (*bot)->Run();   // until Stop or end of input
//
// Updates are handled on a worker pool, in order per chat (OrderedExecutor),
// so a slow handler holds up only its own chat. The text answer to a
// command or message goes out through Messenger::StartSendMessage: with a
// messenger that sends asynchronously (TelegramMessenger over libcurl's
// HttpClient) the worker hands it over and takes its next update, the
// chat's next update waits until the answer is sent, and the rest (the
// done mark, a retry later when it could not be sent) follows on the
// messenger's thread; Run returns only once the answers in flight are sent
// or have failed. Each update is claimed in
// the database (table bot_updates) before it is handled and marked done
// after its answers went out, so two instances sharing one PostgreSQL, or
// one instance restarted after a crash, handle every update once. An update
// claimed by another instance is waited for (its chat keeps its order) until
// that instance marks it done, or until `update_claim_lease` has passed and
// it is taken over (the instance is taken to have died). Only a crash
// between sending an answer and recording it done can repeat that answer;
// a /recommend handled again shows the proposal it made the first time (the
// proposal is keyed on the message), so it never makes a second one.
// Run claims each received batch in one transaction. At most
// `max_unrecorded_answers` (by default `worker_threads`) updates are ever
// answered but not yet recorded done (so
// a crash repeats at most that many answers): an answer that finds that many
// waits until their done marks are committed, all in one transaction (group
// commit), and before Run acknowledges updates and when the bot goes idle
// the marks queued are committed too.
//
// Thread safety: thread-safe. Run blocks its caller; Stop, Health and the
// accessors may be called from any thread, Stop also from a thread that
// watches for signals.

#ifndef BOTCORE_RUNTIME_BOT_H_
#define BOTCORE_RUNTIME_BOT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/clock.h"
#include "botcore/portfolio/book.h"
#include "botcore/ports/advisor.h"
#include "botcore/ports/chain_client.h"
#include "botcore/ports/database.h"
#include "botcore/ports/market_data.h"
#include "botcore/ports/messenger.h"
#include "botcore/risk/risk_engine.h"

namespace botcore {

// Hooks for metrics (the operations layer wires Prometheus here). Called
// from the Bot's threads and the messenger's (an answer sent
// asynchronously is reported from its callback), concurrently:
// implementations must be thread-safe and quick. Every method does nothing
// by default.
class BotObserver {
 public:
  virtual ~BotObserver() = default;
  // An update was handled: its command ("" for non-commands, "callback"
  // for button presses), how long the handler took, and whether it failed.
  virtual void OnUpdateHandled(std::string_view /*command*/,
                               absl::Duration /*latency*/, bool /*failed*/) {}
  // A request was refused by the per-user rate limit.
  virtual void OnRateLimited(int64_t /*user_id*/) {}
  // A recommendation reached an outcome: "proposed", "hold", "refused",
  // "confirmed", "rejected", "duplicate_confirm", "failed".
  virtual void OnRecommendation(std::string_view /*outcome*/) {}
  // A chain sync credited `count` deposits.
  virtual void OnDepositsCredited(int /*count*/) {}
  // Messages waiting in the outbox after a delivery round.
  virtual void OnOutboxBacklog(int64_t /*pending*/) {}
  // Something failed: `where` is a job name, "receive" or a command.
  virtual void OnError(std::string_view /*where*/,
                       const absl::Status& /*status*/) {}
};

// What a command of the application's own is given.
struct CommandRequest {
  int64_t user_id = 0;
  int64_t chat_id = 0;
  // The user's id in the engines: "tg:<user_id>".
  std::string owner;
  // What follows the command, trimmed; at most 200 characters.
  std::string args;
};

// A command the application adds to the built-in ones (e.g. a game bot's
// /join). It goes through the same claim, rate limit and admin check.
struct CustomCommand {
  // 1-32 of a-z, 0-9 and '_', without '/', not a built-in name. Required.
  std::string name;
  // Shown in the menu and /help. Required.
  std::string description;
  // Only ADMIN_IDS may run it. Default: false.
  bool admin_only = false;
  // Returns the answer; kInvalidArgument's message is shown to the user as
  // is (say what was wrong and give an example), any other error is
  // reported and answered with an apology. Called on a worker thread,
  // concurrently for different chats. It may be called again for the same
  // update: when its answer could not be sent for a while (the messenger
  // answered kUnavailable, kDeadlineExceeded or kResourceExhausted) the
  // update is handled again later, and so it is after a crash before the
  // update was marked done; what it changes should not change twice, and
  // the second answer should say what the first did. Required.
  std::function<absl::StatusOr<std::string>(const CommandRequest&)> run;
};

// What /healthz reports (OperationsServer).
struct HealthSnapshot {
  // OK when a trivial read-only query succeeded just now; otherwise why not.
  absl::Status database;
  // Time since the last successful Messenger::Receive; empty before the
  // first one.
  std::optional<absl::Duration> last_poll_age;
  // Whether Run is running and Stop was not called.
  bool running = false;
  // Updates queued or being handled.
  int64_t in_flight = 0;
};

struct BotOptions {
  // The ports. Required unless noted, not owned, must outlive the Bot.
  Messenger* messenger = nullptr;
  MarketData* market_data = nullptr;
  Advisor* advisor = nullptr;
  // Optional: without a chain client the chain jobs are not scheduled.
  // Default: nullptr.
  ChainClient* chain = nullptr;
  Database* database = nullptr;
  Clock* clock = nullptr;
  // Metrics hooks; not owned. Default: none.
  BotObserver* observer = nullptr;
  // The application's own commands. Default: none.
  std::vector<CustomCommand> commands;

  // Names this process in update claims and job leases.
  // Default: "<hostname>:<pid>".
  std::string instance_id;
  // The bot's username, without '@': for referral links
  // (t.me/<username>?start=ref_...) and to leave unanswered the commands
  // addressed to another bot ("/help@other_bot" in a group). Empty: Run asks
  // the messenger (Messenger::Username; Telegram's getMe); while it is
  // unknown (a console, or outside Run) /referral shows the code to send
  // instead of a link, and every command is taken as this bot's.
  // Default: "".
  std::string bot_username;
  // Telegram user ids allowed to run admin commands. Default: none.
  std::vector<int64_t> admin_ids;
  // Where alerts (failed jobs, repeated errors, low disk) go; 0: the first
  // admin; no admin: alerts are only reported to the observer. Default: 0.
  int64_t owner_chat_id = 0;

  // Trading. The symbol used when a command names none. Default: "GAZP".
  std::string default_symbol = "GAZP";
  // The exchange board asked for. Default: "TQBR".
  std::string board = "TQBR";
  // Candles shown to the advisor and the signal strategy. Default: 120.
  int history_bars = 120;
  // Paper portfolios: initial cash, commission, instruments. Default:
  // PortfolioBookOptions{} (100 000 RUB, GAZP lot 10 step 0.01).
  PortfolioBookOptions book;
  // Risk limits every user gets, and the bounds of /risk: a user may tighten
  // max position, trades per day and daily loss; proposals and confirmations
  // are reviewed with the user's limits as they are at that moment (a choice
  // looser than a since tightened bound gives way to it).
  // Default: RiskLimits{}.
  RiskLimits limits;
  // The exchange calendar. Default: the MOEX main session.
  ExchangeCalendar calendar;
  // How long a recommendation waits for Confirm. Default: 15 minutes.
  absl::Duration recommendation_expiry = absl::Minutes(15);

  // Money. The ledger asset and its decimals. Default: "USDT", 18.
  std::string asset = "USDT";
  int asset_scale = 18;
  // Chain id, token contract and the system's deposit wallet (required for
  // the chain jobs and /deposit; empty: deposits are off).
  // Defaults: 56, BSC USDT, "".
  uint64_t chain_id = 56;
  std::string token_contract = "0x55d398326f99059ff775485246999027b3197955";
  std::string system_wallet;
  // Confirmations before a deposit is credited. Default: 12.
  int confirmations = 12;
  // Smallest credited deposit. Default: "0".
  std::string minimum_deposit = "0";
  // Deposit level thresholds. Default: 0.05, 0.1, 0.25, 0.5, 1.0, 2.5.
  std::vector<std::string> level_thresholds = {"0.05", "0.1", "0.25",
                                               "0.5",  "1.0", "2.5"};
  // Referral reward rates per level and depth. Defaults: 5 %, 4 %, 3 %; 3.
  std::vector<std::string> referral_rates = {"0.05", "0.04", "0.03"};
  int max_referral_depth = 3;
  // Withdrawals: minimum and fee. Defaults: "1", "0".
  std::string minimum_withdrawal = "1";
  std::string withdrawal_fee = "0";
  // The first block the chain monitor scans on a fresh database. Default: 0.
  uint64_t start_block = 0;

  // Runtime. Worker threads handling updates. Default: 4.
  int worker_threads = 4;
  // The most updates answered and not yet recorded done, i.e. the most
  // answers a crash can make the next run send again. Answers in flight
  // hold no worker (Messenger::StartSendMessage), so more of them than
  // workers keep the workers busy while answers travel, at the price of
  // more answers repeated after a crash. 0: worker_threads. Default: 0.
  int max_unrecorded_answers = 0;
  // Long-poll wait of Messenger::Receive. Default: 25 s.
  absl::Duration poll_wait = absl::Seconds(25);
  // Pause after an empty batch (a server that answers at once). Default:
  // 50 ms.
  absl::Duration idle_pause = absl::Milliseconds(50);
  // Requests a user may make per window before a polite refusal, counted
  // by each instance on its own. Defaults: 20 per minute.
  int rate_limit_max_requests = 20;
  absl::Duration rate_limit_window = absl::Minutes(1);
  // An update claimed by an instance that has not finished it after this
  // long is handled again (the instance is taken to have died).
  // At least 1 µs; absl::InfiniteDuration() never takes an update over.
  // Default: 2 minutes.
  absl::Duration update_claim_lease = absl::Minutes(2);
  // Whether updates are claimed in the database so that each is handled
  // once across restarts and instances. Turn it off only for a messenger
  // whose update ids do not survive a restart (the console). Default: true.
  bool claim_updates = true;
  // Whether Run waits for a batch to be handled before receiving the next,
  // as a person typing at a console expects. Default: false.
  bool finish_batch_before_receive = false;
  // Otherwise Run receives the next batch once at most this many of the
  // updates it received are unfinished (queued or being handled), or after
  // waiting 100 ms for that. Telegram's getUpdates answers from the oldest
  // unacknowledged update, i.e. the oldest unfinished one, so polling while
  // many are unfinished fetches them again (parsed and skipped) instead of
  // new ones. Default: 50 (half of Telegram's largest batch).
  int receive_at_unfinished = 50;
  // Whether Run, once stopped, handles what the messenger already holds
  // (Receive without waiting, until it returns nothing) instead of leaving
  // it unacknowledged. Set it when unacknowledged updates are not sent again
  // (a Telegram webhook: TelegramMessenger::CloseWebhook must come first,
  // or the draining never ends). Default: false.
  bool drain_on_stop = false;
  // Stop: time allowed to finish in-flight updates and flush the outbox.
  // Default: 10 s.
  absl::Duration shutdown_timeout = absl::Seconds(10);
  // How often the scheduler looks for due jobs. Default: 1 s.
  absl::Duration scheduler_tick = absl::Seconds(1);
  // Job periods. Defaults: chain monitor 30 s, confirmation checks 15 s,
  // stop/target watcher 1 min, outbox delivery 10 s (failed messages are
  // retried 5 minutes later, then with doubling backoff), broadcast 5 s,
  // daily summary 24 h, cleanup 24 h, disk guard 10 min, backup 24 h.
  absl::Duration chain_monitor_period = absl::Seconds(30);
  absl::Duration confirmation_period = absl::Seconds(15);
  absl::Duration watcher_period = absl::Minutes(1);
  absl::Duration outbox_period = absl::Seconds(10);
  absl::Duration outbox_retry = absl::Minutes(5);
  absl::Duration broadcast_period = absl::Seconds(5);
  absl::Duration summary_period = absl::Hours(24);
  absl::Duration cleanup_period = absl::Hours(24);
  absl::Duration disk_guard_period = absl::Minutes(10);
  absl::Duration backup_period = absl::Hours(24);
  // Broadcast messages sent per second. Default: 20.
  double broadcast_per_second = 20;
  // Handled-update records, idle sessions, delivered notifications and
  // portfolio equity points older than this are deleted by the cleanup job
  // (failed notifications, trades and portfolios stay).
  // Default: 30 days.
  absl::Duration retention = absl::Hours(24 * 30);
  // Free bytes on the database's disk; the disk guard alerts below
  // `min_free_disk_bytes`. Default: none (no disk guard).
  std::function<absl::StatusOr<int64_t>()> free_disk_bytes;
  // Default: 1 GiB.
  int64_t min_free_disk_bytes = int64_t{1} << 30;
  // Backs the database up (e.g. SQLite online backup). Default: none (no
  // backup job).
  std::function<absl::Status()> backup;
  // Where log lines go (errors, alerts, "audit:" lines for admin actions
  // and refused admin commands); called from any thread. Default: stderr.
  std::function<void(std::string_view)> log;
  // Consecutive failures of a job, or handler errors within 10 minutes,
  // that raise an alert. Default: 3.
  int alert_after_errors = 3;
};

class Bot {
 public:
  // Checks the options, creates the engines (running their migrations) and
  // the scheduler jobs. Contacts no server.
  // Errors: kInvalidArgument naming a missing port or a bad option;
  // the engines' errors; storage errors.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Bot>> Create(
      const BotOptions& options);

  Bot(const Bot&) = delete;
  Bot& operator=(const Bot&) = delete;
  ~Bot();

  // Publishes the command menu, then receives and handles updates, and runs
  // the scheduled jobs on a second thread, until Stop is called or the
  // messenger reports the end of its input (kOutOfRange). Stop takes effect
  // when the Receive in progress returns (within poll_wait for Telegram;
  // a console waits for its next line); updates it brings are left
  // unacknowledged for the next run, or with drain_on_stop handled, as is
  // every update still held by the messenger. Then Run finishes the updates in
  // flight, flushes the outbox (within shutdown_timeout) and returns. Call
  // it once.
  // Errors: kFailedPrecondition when called twice; kDeadlineExceeded when
  // in-flight work did not finish in time.
  [[nodiscard]] absl::Status Run();

  // Asks Run to return. Async-signal-safe (it only sets an atomic flag), so
  // a signal handler or a signal-watching thread may call it.
  void Stop();

  // The state /healthz reports. Any thread.
  HealthSnapshot Health();

  // The command menu, as published with SetCommands: the built-in commands
  // and the options' own ones.
  std::vector<BotCommand> Commands() const;

  // Runs the scheduler's due jobs once on the calling thread (what the
  // scheduler thread does every tick); for tests and embedding apps that
  // drive time themselves. Returns the names of the jobs run.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> RunDueJobs();

  // Handles `update` synchronously on the calling thread, with the same
  // claim, rate limit and answers as Run. For tests and embedding apps that
  // receive updates themselves. Returns false when the update was left
  // unhandled (a storage error, or another instance's claim on it outlived
  // Stop): do not acknowledge it then.
  bool HandleUpdate(const Update& update);

 private:
  struct Impl;
  explicit Bot(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_BOT_H_
