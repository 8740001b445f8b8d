#include "botcore/runtime/bot.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "botcore/backtest/backtester.h"
#include "botcore/ledger/deposits.h"
#include "botcore/ledger/ledger.h"
#include "botcore/ledger/withdrawals.h"
#include "botcore/outbox/outbox.h"
#include "botcore/portfolio/portfolios.h"
#include "botcore/portfolio/recommendation_desk.h"
#include "botcore/referral/referral.h"
#include "botcore/runtime/ordered_executor.h"
#include "botcore/runtime/scheduler.h"
#include "botcore/signals/default_strategy.h"
#include "botcore/signals/signal_journal.h"
#include "internal/json_text.h"
#include "internal/schema.h"
#include "internal/sql_text.h"
#include "internal/status_macros.h"
#include "internal/strings.h"
#include "internal/utf8.h"
#include "runtime/equity_chart.h"

namespace botcore {
namespace {

using internal::ToAbsl;

constexpr Migration kBotMigrations[] = {
    {1, "users, handled updates, sessions, broadcasts, own risk limits",
     "CREATE TABLE bot_users ("
     "  user_id BIGINT PRIMARY KEY,"
     "  chat_id BIGINT NOT NULL,"
     "  username TEXT NOT NULL,"
     "  first_name TEXT NOT NULL,"
     "  registered_at BIGINT NOT NULL,"
     "  active INTEGER NOT NULL,"
     "  banned INTEGER NOT NULL);"
     "CREATE TABLE bot_updates ("
     "  update_id BIGINT PRIMARY KEY,"
     "  state TEXT NOT NULL,"
     "  owner TEXT NOT NULL,"
     "  claimed_at BIGINT NOT NULL);"
     "CREATE TABLE bot_sessions ("
     "  chat_id BIGINT PRIMARY KEY,"
     "  awaiting TEXT NOT NULL,"
     "  updated_at BIGINT NOT NULL);"
     "CREATE TABLE bot_broadcasts ("
     "  id {{auto_id}},"
     "  update_id BIGINT NOT NULL UNIQUE,"
     "  text TEXT NOT NULL,"
     "  created_by BIGINT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  cursor_user BIGINT NOT NULL,"
     "  sent BIGINT NOT NULL,"
     "  done INTEGER NOT NULL);"
     "CREATE TABLE bot_risk_limits ("
     "  owner TEXT PRIMARY KEY,"
     "  max_position_pct DOUBLE PRECISION,"
     "  trades_per_day BIGINT,"
     "  daily_loss TEXT)"},
    {2, "broadcasts named after their request (console ids restart)",
     // A broadcast was unique on its update id; the console's ids restart
     // with every run, so a later run's /broadcast was taken for an earlier
     // one and dropped. Existing rows keep their order and progress.
     "CREATE TABLE bot_broadcasts_named ("
     "  id {{auto_id}},"
     "  request TEXT NOT NULL UNIQUE,"
     "  text TEXT NOT NULL,"
     "  created_by BIGINT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  cursor_user BIGINT NOT NULL,"
     "  sent BIGINT NOT NULL,"
     "  done INTEGER NOT NULL);"
     "INSERT INTO bot_broadcasts_named (request, text, created_by, created_at,"
     "  cursor_user, sent, done)"
     " SELECT 'b' || CAST(update_id AS TEXT), text, created_by, created_at,"
     "  cursor_user, sent, done FROM bot_broadcasts ORDER BY id;"
     "DROP TABLE bot_broadcasts;"
     "ALTER TABLE bot_broadcasts_named RENAME TO bot_broadcasts"},
    {3, "SQLite: updates, users and sessions keyed by their rowid",
     // A SQLite table whose key is BIGINT PRIMARY KEY keeps its rows under a
     // hidden rowid and the key in a second b-tree, so every claim and done
     // mark wrote and searched both; INTEGER PRIMARY KEY (64-bit in SQLite)
     // is the rowid itself. PostgreSQL's tables stay as they are.
     "CREATE TABLE bot_updates_keyed ("
     "  update_id INTEGER PRIMARY KEY,"
     "  state TEXT NOT NULL,"
     "  owner TEXT NOT NULL,"
     "  claimed_at BIGINT NOT NULL);"
     "INSERT INTO bot_updates_keyed (update_id, state, owner, claimed_at)"
     " SELECT update_id, state, owner, claimed_at FROM bot_updates;"
     "DROP TABLE bot_updates;"
     "ALTER TABLE bot_updates_keyed RENAME TO bot_updates;"
     "CREATE TABLE bot_users_keyed ("
     "  user_id INTEGER PRIMARY KEY,"
     "  chat_id BIGINT NOT NULL,"
     "  username TEXT NOT NULL,"
     "  first_name TEXT NOT NULL,"
     "  registered_at BIGINT NOT NULL,"
     "  active INTEGER NOT NULL,"
     "  banned INTEGER NOT NULL);"
     "INSERT INTO bot_users_keyed (user_id, chat_id, username, first_name,"
     "  registered_at, active, banned)"
     " SELECT user_id, chat_id, username, first_name, registered_at, active,"
     "  banned FROM bot_users;"
     "DROP TABLE bot_users;"
     "ALTER TABLE bot_users_keyed RENAME TO bot_users;"
     "CREATE TABLE bot_sessions_keyed ("
     "  chat_id INTEGER PRIMARY KEY,"
     "  awaiting TEXT NOT NULL,"
     "  updated_at BIGINT NOT NULL);"
     "INSERT INTO bot_sessions_keyed (chat_id, awaiting, updated_at)"
     " SELECT chat_id, awaiting, updated_at FROM bot_sessions;"
     "DROP TABLE bot_sessions;"
     "ALTER TABLE bot_sessions_keyed RENAME TO bot_sessions",
     "COMMENT ON TABLE bot_updates IS 'updates claimed and handled'"},
    {4, "closes by request: a /close handled again answers its first fill",
     "CREATE TABLE bot_closes ("
     "  request TEXT PRIMARY KEY,"
     "  answer TEXT NOT NULL,"
     "  closed_at BIGINT NOT NULL)"},
    {5, "users' notices to their private chats, not the group they wrote last",
     // Group and channel chat ids are negative; a user's private chat id is
     // their user id. Only private chats are recorded since.
     "UPDATE bot_users SET chat_id = user_id WHERE chat_id < 0"},
};

// An update left unhandled is tried again after this delay, at most
// kMaxUpdateAttempts times in all.
constexpr absl::Duration kUpdateRetryDelay = absl::Seconds(5);
// The workers' queue of the work callbacks hand over (OffMessengerThread),
// apart from every chat's (Telegram's chat ids are far from it).
constexpr int64_t kOffMessengerThreadKey = std::numeric_limits<int64_t>::min();
// The longest Run waits for unfinished updates before receiving more.
constexpr absl::Duration kRoomWait = absl::Milliseconds(100);
constexpr int kMaxUpdateAttempts = 5;

// Rows the cleanup job deletes per transaction.
constexpr int kCleanupBatch = 500;

// Longest argument text accepted (a broadcast may be longer).
constexpr size_t kMaxArgumentLength = 200;
constexpr size_t kMaxBroadcastLength = 3500;

struct CommandInfo {
  std::string_view name;
  std::string_view description;
  bool admin;
};

constexpr CommandInfo kCommands[] = {
    {"start", "register (/start ref_<code> with an invitation)", false},
    {"help", "what the bot can do", false},
    {"price", "last price: /price GAZP", false},
    {"signal", "indicator signal: /signal GAZP 1d", false},
    {"recommend", "a trade proposal to confirm: /recommend GAZP", false},
    {"portfolio", "cash, equity and trades of your paper portfolio", false},
    {"positions", "open positions", false},
    {"history", "your last trades", false},
    {"close", "close a position: /close GAZP", false},
    {"risk", "show or tighten your limits: /risk max_position 20", false},
    {"stats", "signal statistics", false},
    {"backtest", "backtest the strategy: /backtest GAZP", false},
    {"wallet", "register your deposit wallet: /wallet 0x...", false},
    {"deposit", "how to deposit", false},
    {"balance", "your balance", false},
    {"withdraw", "withdraw: /withdraw 10 0x...", false},
    {"referral", "your referral link and rewards", false},
    {"level", "your deposit level", false},
    {"admin", "admin: users, deposits, withdrawals, errors", true},
    {"approve", "admin: /approve <withdrawal id>", true},
    {"reject", "admin: /reject <withdrawal id> <reason>", true},
    {"assign", "admin: /assign <tx hash>:<log index> <user id>", true},
    {"broadcast", "admin: /broadcast <text>", true},
    {"ban", "admin: /ban <user id>", true},
    {"unban", "admin: /unban <user id>", true},
};

// Removes `prefix` from the front of *text when it is there.
bool ConsumePrefix(std::string_view* text, std::string_view prefix) {
  if (!text->starts_with(prefix)) return false;
  text->remove_prefix(prefix.size());
  return true;
}

std::string Owner(int64_t user_id) { return absl::StrCat("tg:", user_id); }

std::optional<int64_t> UserOfOwner(std::string_view owner) {
  int64_t id = 0;
  if (!ConsumePrefix(&owner, "tg:")) return std::nullopt;
  if (!absl::SimpleAtoi(ToAbsl(owner), &id)) return std::nullopt;
  return id;
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", t, absl::UTCTimeZone());
}

std::string FormatDay(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
}

double ToDouble(const Amount& a) {
  double d = 0;
  if (!absl::SimpleAtod(a.ToString(), &d)) return 0;
  return d;
}

// A decimal as people write it: "1.500000" -> "1.5", "2.000" -> "2".
std::string Human(std::string decimal) {
  if (decimal.find('.') == std::string::npos) return decimal;
  while (!decimal.empty() && decimal.back() == '0') decimal.pop_back();
  if (!decimal.empty() && decimal.back() == '.') decimal.pop_back();
  return decimal;
}

// Whether a send to one chat failed for a reason that retrying does not
// change (blocked, chat gone or moved, refused request), as opposed to the
// messenger being unreachable or limiting the rate for a while.
bool RefusedForGood(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInvalidArgument:
      return true;
    default:
      return false;
  }
}

std::string Percent(double fraction) {
  return absl::StrFormat("%.1f%%", fraction * 100);
}

// A symbol as the user typed it: 1-12 ASCII letters or digits, any case.
std::optional<std::string> ParseSymbol(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)))
      return std::nullopt;
  }
  return absl::AsciiStrToUpper(ToAbsl(text));
}

// The timeframes both the market data port and the default strategy know.
std::optional<CandleInterval> ParseTimeframe(std::string_view text) {
  for (CandleInterval i : {CandleInterval::kMinute, CandleInterval::kHour,
                           CandleInterval::kDay, CandleInterval::kWeek}) {
    if (ToAbsl(CandleIntervalName(i)) == ToAbsl(text)) return i;
  }
  return std::nullopt;
}

// A timeframe as typed, in the case ParseTimeframe reads: "1H" and "1D" are
// 1h and 1d, but "1M" stays (a month, which no strategy knows, not 1m).
std::string TimeframeArg(std::string_view text) {
  if (!text.empty() && text.back() == 'M') return std::string(text);
  return absl::AsciiStrToLower(ToAbsl(text));
}

absl::Duration IntervalLength(CandleInterval i) {
  switch (i) {
    case CandleInterval::kMinute:
      return absl::Minutes(1);
    case CandleInterval::kTenMinutes:
      return absl::Minutes(10);
    case CandleInterval::kHour:
      return absl::Hours(1);
    case CandleInterval::kDay:
      return absl::Hours(24);
    case CandleInterval::kWeek:
      return absl::Hours(24 * 7);
    case CandleInterval::kMonth:
      return absl::Hours(24 * 31);
    case CandleInterval::kQuarter:
      return absl::Hours(24 * 92);
  }
  return absl::Hours(24);
}

std::vector<std::string> SplitArgs(std::string_view args) {
  return absl::StrSplit(ToAbsl(args), absl::ByAnyChar(" \t\n"),
                        absl::SkipEmpty());
}

// What a handler answers: a text (with buttons), and optionally a picture.
struct Answer {
  std::string text;
  InlineKeyboard keyboard;
  std::string photo_png;
  std::string photo_caption;
};

Answer Say(std::string text) { return Answer{std::move(text), {}, {}, {}}; }

// One update being handled.
struct Request {
  int64_t update_id = 0;
  int64_t chat_id = 0;
  // The message's id in its chat; 0 for button presses.
  int64_t message_id = 0;
  int64_t user_id = 0;
  std::string owner;
  std::string command;  // without '/', lower case; "" for plain text
  std::string args;
  bool admin = false;
  // Whether `chat_id` is the user's private chat with the bot (not a
  // group's).
  bool private_chat = true;
};

}  // namespace

namespace internal {
ComponentSchema BotSchema() { return {"bot", kBotMigrations}; }
}  // namespace internal

struct Bot::Impl final : public OutboxTarget {
  BotOptions options;
  // Names what unclaimed updates create (ProposalId, RequestName): 8 random
  // hex digits per Bot.
  std::string run_key;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<ReferralEngine> referral;
  std::unique_ptr<DepositEngine> deposits;
  std::unique_ptr<WithdrawalEngine> withdrawals;
  std::unique_ptr<Portfolios> portfolios;
  std::unique_ptr<RiskEngine> risk;
  std::unique_ptr<RecommendationDesk> desk;
  std::unique_ptr<SignalJournal> journal;
  std::unique_ptr<Scheduler> scheduler;

  // What Username() returns; when Run next asks the messenger (Run's
  // thread only).
  absl::Mutex username_mu;
  std::string username ABSL_GUARDED_BY(username_mu);
  absl::Time next_username_ask = absl::InfinitePast();

  std::atomic<bool> stop_requested{false};
  std::atomic<bool> running{false};
  std::atomic<bool> ran{false};
  std::atomic<int64_t> last_poll_micros{0};
  std::atomic<int64_t> in_flight_count{0};
  // Set when a delivery round queued admins' notices (NotifyAdmins).
  std::atomic<bool> notices_queued{false};

  // Run's workers, while Run has them, and the work handed to them off the
  // messenger's thread (OffMessengerThread).
  absl::Mutex executor_mu;
  OrderedExecutor* executor ABSL_GUARDED_BY(executor_mu) = nullptr;
  absl::Mutex side_mu;
  std::deque<absl::AnyInvocable<void() &&>> side_work ABSL_GUARDED_BY(side_mu);

  absl::Mutex advisor_mu;  // the Advisor port is called by one thread at a time

  absl::Mutex mu;
  // Requests per user in the current window: times of the recent ones.
  absl::flat_hash_map<int64_t, std::deque<absl::Time>> requests
      ABSL_GUARDED_BY(mu);
  // Users told about the limit in their current window.
  absl::flat_hash_map<int64_t, absl::Time> told_limited ABSL_GUARDED_BY(mu);
  // Update ids received and not yet handled, for the acknowledgement mark.
  std::set<int64_t> pending_ids ABSL_GUARDED_BY(mu);
  // How many updates of each chat the workers hold (queued or running).
  absl::flat_hash_map<int64_t, int> chats_in_flight ABSL_GUARDED_BY(mu);
  // Updates left unhandled, with their attempts, handed to the workers
  // again after kUpdateRetryDelay; not acknowledged meanwhile.
  struct Retry {
    Update update;
    int attempts = 0;
    absl::Time due;
  };
  std::map<int64_t, Retry> retries ABSL_GUARDED_BY(mu);
  // Group commit of the done marks (FinishUpdate).
  absl::Mutex finish_mu;
  std::vector<int64_t> finish_queue ABSL_GUARDED_BY(finish_mu);
  // Updates answered (or being answered) whose done mark is not committed,
  // at most AnswerSlots() (TakeAnswerSlot); how many of them are
  // in finish_queue.
  int unrecorded_answers ABSL_GUARDED_BY(finish_mu) = 0;
  int queued_answers ABSL_GUARDED_BY(finish_mu) = 0;
  bool finish_flushing ABSL_GUARDED_BY(finish_mu) = false;
  int64_t finish_batches_started ABSL_GUARDED_BY(finish_mu) = 0;
  int64_t finish_batches_done ABSL_GUARDED_BY(finish_mu) = 0;
  int64_t max_received ABSL_GUARDED_BY(mu) = 0;
  int64_t acknowledged ABSL_GUARDED_BY(mu) = 0;
  // Consecutive failures per job; handler error times for the alert.
  std::map<std::string, int> job_failures ABSL_GUARDED_BY(mu);
  std::deque<absl::Time> handler_errors ABSL_GUARDED_BY(mu);

  // ---- logging and alerts -------------------------------------------------

  void Log(std::string_view line) {
    if (options.log) {
      options.log(line);
    } else {
      std::fprintf(stderr, "botcore: %.*s\n", static_cast<int>(line.size()),
                   line.data());
    }
  }

  int64_t AlertChat() const {
    if (options.owner_chat_id != 0) return options.owner_chat_id;
    return options.admin_ids.empty() ? 0 : options.admin_ids.front();
  }

  // Queues an alert for the owner through the outbox (delivered and retried
  // like every notification); `key` de-duplicates it.
  void Alert(const std::string& key, const std::string& text) {
    Log(absl::StrCat("alert: ", text));
    if (AlertChat() == 0) return;
    absl::Status s = options.database->Transact([&](SqlTransaction& tx) {
      return outbox->Enqueue(
          tx, {key.substr(0, 200), "alert",
               internal::JsonObject(
                   {{"text", std::string(internal::Utf8Prefix(text, 3000))}})});
    });
    if (!s.ok()) Log(absl::StrCat("could not queue alert: ", s.ToString()));
  }

  void ReportError(std::string_view where, const absl::Status& status) {
    Log(absl::StrCat(ToAbsl(where), ": ", status.ToString()));
    if (options.observer != nullptr) options.observer->OnError(where, status);
    const absl::Time now = options.clock->Now();
    bool alert = false;
    int count = 0;
    {
      absl::MutexLock lock(&mu);
      handler_errors.push_back(now);
      while (!handler_errors.empty() &&
             handler_errors.front() < now - absl::Minutes(10)) {
        handler_errors.pop_front();
      }
      count = static_cast<int>(handler_errors.size());
      alert = count == options.alert_after_errors;
    }
    if (alert) {
      Alert(absl::StrCat("alert:errors:", absl::ToUnixMicros(now)),
            absl::StrCat(count, " errors within 10 minutes; the last in ",
                         ToAbsl(where), ": ", status.ToString()));
    }
  }

  // ---- sending ------------------------------------------------------------

  // Runs `work` (database writes) on one of Run's workers rather than on
  // the calling thread: a messenger calls the callbacks of StartSendMessage
  // on its own thread (the HTTP client's event loop), where they must be
  // quick (Messenger::StartSendMessage). Without Run's workers (outside
  // Run, or once they stop taking work) it runs here; what the workers
  // leave at a shutdown deadline, Run does once they have stopped.
  void OffMessengerThread(absl::AnyInvocable<void() &&> work) {
    {
      absl::MutexLock lock(&side_mu);
      side_work.push_back(std::move(work));
    }
    {
      absl::MutexLock lock(&executor_mu);
      if (executor != nullptr &&
          executor->Submit(kOffMessengerThreadKey, [this] { RunSideWork(); })
              .ok()) {
        return;
      }
    }
    RunSideWork();
  }

  // Runs the work handed over (OffMessengerThread), in order, until none is
  // left.
  void RunSideWork() {
    while (true) {
      absl::AnyInvocable<void() &&> work;
      {
        absl::MutexLock lock(&side_mu);
        if (side_work.empty()) return;
        work = std::move(side_work.front());
        side_work.pop_front();
      }
      std::move(work)();
    }
  }

  // Sends and handles the error every caller would: a user who blocked the
  // bot is marked inactive.
  absl::Status Send(int64_t chat_id, const Answer& answer) {
    TakeAnswerSlot();
    absl::Status sent;
    SendThen(chat_id, answer, /*start=*/false,
             [&](absl::Status status) { sent = std::move(status); });
    return sent;
  }

  // Sends `answer` and calls `done` with the outcome, as Send does but
  // without taking an answer slot. With `start`, a text answer goes through
  // Messenger::StartSendMessage: `done` may then run later on the
  // messenger's thread (and a blocked user is marked inactive on a worker,
  // OffMessengerThread); otherwise it runs before SendThen returns.
  void SendThen(int64_t chat_id, const Answer& answer, bool start,
                absl::AnyInvocable<void(absl::Status) &&> done) {
    auto finish = [this, chat_id, start,
                   done = std::move(done)](absl::Status status) mutable {
      if (status.code() == absl::StatusCode::kPermissionDenied) {
        if (start) {
          // (It may land after the chat's next update marked the user
          // active again; their update after that marks them active anew.)
          OffMessengerThread([this, chat_id] { MarkInactive(chat_id); });
        } else {
          MarkInactive(chat_id);
        }
      }
      std::move(done)(std::move(status));
    };
    if (answer.text.empty() && answer.photo_png.empty()) {
      finish(absl::OkStatus());
      return;
    }
    OutgoingMessage m;
    m.chat_id = chat_id;
    m.text = answer.text;
    m.keyboard = answer.keyboard;
    m.disable_link_preview = true;
    if (start && answer.photo_png.empty()) {
      options.messenger->StartSendMessage(
          m, [finish =
                  std::move(finish)](absl::StatusOr<SentMessage> sent) mutable {
            finish(sent.status());
          });
      return;
    }
    absl::Status status;
    if (!answer.text.empty()) {
      status = options.messenger->SendMessage(m).status();
    }
    if (status.ok() && !answer.photo_png.empty()) {
      OutgoingFile f;
      f.chat_id = chat_id;
      f.file_name = "equity.png";
      f.content = answer.photo_png;
      f.caption = answer.photo_caption;
      status = options.messenger->SendPhoto(f).status();
    }
    finish(std::move(status));
  }

  void MarkInactive(int64_t chat_id) {
    absl::Status s = options.database->Transact([&](SqlTransaction& tx) {
      return tx
          .Execute("UPDATE bot_users SET active = 0 WHERE chat_id = ?",
                   {chat_id})
          .status();
    });
    if (!s.ok()) Log(absl::StrCat("mark inactive: ", s.ToString()));
  }

  // ---- update claims ------------------------------------------------------

  // kHandle: this instance handles it; kDone: handled before; kBusy:
  // another instance holds a fresh claim on it.
  enum class Claim { kHandle, kDone, kBusy };

  // A chat's session row: the command waiting for its next plain message
  // ("" for none) and when it was asked for.
  struct Session {
    std::string awaiting;
    absl::Time updated_at = absl::InfinitePast();
  };

  // An update to claim: its request and who sent it (may be null); when
  // `session` is set, the chat's session is read into it in the same
  // transaction.
  struct ClaimRequest {
    const Request* request = nullptr;
    const MessengerUser* from = nullptr;
    std::optional<Session>* session = nullptr;
  };
  // What to do with a claimed update and whether its user is banned.
  using ClaimResult = std::pair<Claim, bool>;
  // A claim taken when the update's batch arrived, and its chat's session
  // when it was read then and no update queued before it can change it.
  struct BatchClaim {
    ClaimResult result;
    absl::Time at;
    std::optional<Session> session;
  };

  // Claims, done marks and the users' records commit without waiting for
  // the disk: a process crash keeps them; a power failure (or, on
  // PostgreSQL, a crash or failover of the server) may roll back the last
  // ones, which only has their answers sent again (a lost user record is
  // written again by the user's next update).
  static constexpr TransactionOptions kBookkeepingCommit{.durable = false};
  // The most rows a bookkeeping statement carries (claims, users, sessions,
  // done marks): they run with every batch, so each connection keeps their
  // statements prepared, in every size up to this one; larger ones would
  // take memory (tens of KiB each) for little gain.
  static constexpr size_t kBookkeepingRows = 16;

  // Claims the updates for this instance and records their users, all in
  // one transaction (one commit for a whole received batch). Returns what to
  // do with each, in order. The claims, the users and the sessions take a
  // statement per chunk of rows; only when an update was seen before is
  // each claim taken on its own (TakeClaim).
  absl::StatusOr<std::vector<ClaimResult>> ClaimUpdates(
      absl::Span<const ClaimRequest> claims) {
    const int64_t now = absl::ToUnixMicros(options.clock->Now());
    const int64_t stale =
        now - absl::ToInt64Microseconds(options.update_claim_lease);
    std::vector<ClaimResult> results;
    BOTCORE_RETURN_IF_ERROR(options.database->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          results.assign(claims.size(), {Claim::kHandle, false});
          if (options.claim_updates) {
            BOTCORE_ASSIGN_OR_RETURN(const int64_t inserted,
                                     InsertClaims(tx, claims, now));
            if (inserted < static_cast<int64_t>(claims.size())) {
              // Some were seen before (the rows just inserted are this
              // instance's and taken again).
              for (size_t i = 0; i < claims.size(); ++i) {
                BOTCORE_ASSIGN_OR_RETURN(
                    results[i].first,
                    TakeClaim(tx, claims[i].request->update_id, now, stale));
              }
            }
          }
          BOTCORE_RETURN_IF_ERROR(RecordUsers(tx, claims, now, results));
          return ReadSessions(tx, claims, results);
        },
        kBookkeepingCommit));
    return results;
  }

  // Inserts a claim row for each update not in bot_updates yet; returns how
  // many were inserted.
  absl::StatusOr<int64_t> InsertClaims(SqlTransaction& tx,
                                       absl::Span<const ClaimRequest> claims,
                                       int64_t now) {
    int64_t inserted = 0;
    BOTCORE_RETURN_IF_ERROR(internal::ForEachChunk(
        claims.size(),
        [&](size_t first, size_t count) -> absl::Status {
          std::vector<SqlValue> params;
          params.reserve(count * 4);
          for (size_t i = first; i < first + count; ++i) {
            params.insert(params.end(), {claims[i].request->update_id,
                                         "claimed", options.instance_id, now});
          }
          BOTCORE_ASSIGN_OR_RETURN(
              const int64_t n,
              tx.Execute(absl::StrCat("INSERT INTO bot_updates (update_id, "
                                      "state, owner, claimed_at) VALUES ",
                                      internal::PlaceholderRows(count, 4),
                                      " ON CONFLICT (update_id) DO NOTHING"),
                         params));
          inserted += n;
          return absl::OkStatus();
        },
        kBookkeepingRows));
    return inserted;
  }

  // Records the users of the updates to handle (a known user is written
  // only when the chat, the names or the active mark changed; a user's last
  // update gives them) and sets their ban flags in `results`. The chat
  // recorded is the user's private one, where their notices go: a group's
  // never replaces it, and a user first seen in a group gets their user id
  // (Telegram's id of the private chat).
  absl::Status RecordUsers(SqlTransaction& tx,
                           absl::Span<const ClaimRequest> claims, int64_t now,
                           std::vector<ClaimResult>& results) {
    struct Known {
      int64_t chat_id = 0;
      std::string username;
      std::string first_name;
      bool active = false;
      bool banned = false;
    };
    // Each user's last update in the batch, the users in order, and the
    // private chats of the batch.
    absl::flat_hash_map<int64_t, size_t> last;
    absl::flat_hash_map<int64_t, int64_t> private_chat;
    std::vector<SqlValue> users;
    auto recorded = [&](size_t i) {
      return results[i].first == Claim::kHandle && claims[i].from != nullptr &&
             claims[i].request->user_id != 0;
    };
    for (size_t i = 0; i < claims.size(); ++i) {
      if (!recorded(i)) continue;
      const Request& r = *claims[i].request;
      if (last.insert_or_assign(r.user_id, i).second) {
        users.emplace_back(r.user_id);
      }
      if (r.private_chat) private_chat[r.user_id] = r.chat_id;
    }
    if (users.empty()) return absl::OkStatus();
    absl::flat_hash_map<int64_t, Known> known;
    BOTCORE_RETURN_IF_ERROR(internal::QueryInList(
        tx,
        "SELECT user_id, chat_id, username, first_name, active, banned FROM "
        "bot_users WHERE user_id IN ",
        {}, users,
        [&](const SqlRow& row) -> absl::Status {
          Known k;
          BOTCORE_ASSIGN_OR_RETURN(const int64_t user, row.Int64(0));
          BOTCORE_ASSIGN_OR_RETURN(k.chat_id, row.Int64(1));
          BOTCORE_ASSIGN_OR_RETURN(k.username, row.Text(2));
          BOTCORE_ASSIGN_OR_RETURN(k.first_name, row.Text(3));
          BOTCORE_ASSIGN_OR_RETURN(const int64_t active, row.Int64(4));
          BOTCORE_ASSIGN_OR_RETURN(const int64_t banned, row.Int64(5));
          k.active = active == 1;
          k.banned = banned != 0;
          known[user] = std::move(k);
          return absl::OkStatus();
        },
        kBookkeepingRows));
    for (size_t i = 0; i < claims.size(); ++i) {
      if (!recorded(i)) continue;
      auto it = known.find(claims[i].request->user_id);
      results[i].second = it != known.end() && it->second.banned;
    }
    // New users in one statement per chunk (another instance may register
    // one at once: its row wins); a known user whose chat, names or active
    // mark changed is written on its own.
    std::vector<SqlValue> fresh;
    for (const SqlValue& user : users) {
      const ClaimRequest& c = claims[last[std::get<int64_t>(user.value())]];
      const Request& r = *c.request;
      auto it = known.find(r.user_id);
      auto in_private = private_chat.find(r.user_id);
      if (it == known.end()) {
        const int64_t chat =
            in_private != private_chat.end() ? in_private->second : r.user_id;
        fresh.insert(fresh.end(),
                     {r.user_id, chat, c.from->username, c.from->first_name,
                      now, int64_t{1}, int64_t{0}});
        continue;
      }
      const Known& k = it->second;
      const int64_t chat =
          in_private != private_chat.end() ? in_private->second : k.chat_id;
      if (k.chat_id != chat || k.username != c.from->username ||
          k.first_name != c.from->first_name || !k.active) {
        BOTCORE_RETURN_IF_ERROR(
            tx.Execute("UPDATE bot_users SET chat_id = ?, username = ?, "
                       "first_name = ?, active = 1 WHERE user_id = ?",
                       {chat, c.from->username, c.from->first_name, r.user_id})
                .status());
      }
    }
    constexpr size_t kColumns = 7;
    return internal::ForEachChunk(
        fresh.size() / kColumns,
        [&](size_t first, size_t count) -> absl::Status {
          return tx
              .Execute(
                  absl::StrCat("INSERT INTO bot_users (user_id, chat_id, "
                               "username, first_name, registered_at, active, "
                               "banned) VALUES ",
                               internal::PlaceholderRows(count, kColumns),
                               " ON CONFLICT (user_id) DO NOTHING"),
                  absl::MakeConstSpan(fresh).subspan(first * kColumns,
                                                     count * kColumns))
              .status();
        },
        kBookkeepingRows);
  }

  // Reads the sessions the claims ask for (ClaimRequest::session) of the
  // updates to handle, in one statement per chunk.
  static absl::Status ReadSessions(SqlTransaction& tx,
                                   absl::Span<const ClaimRequest> claims,
                                   const std::vector<ClaimResult>& results) {
    std::vector<SqlValue> chats;
    for (size_t i = 0; i < claims.size(); ++i) {
      if (claims[i].session == nullptr) continue;
      claims[i].session->reset();
      if (results[i].first == Claim::kHandle) {
        chats.emplace_back(claims[i].request->chat_id);
      }
    }
    if (chats.empty()) return absl::OkStatus();
    absl::flat_hash_map<int64_t, Session> found;
    BOTCORE_RETURN_IF_ERROR(internal::QueryInList(
        tx,
        "SELECT chat_id, awaiting, updated_at FROM bot_sessions WHERE "
        "chat_id IN ",
        {}, chats,
        [&](const SqlRow& row) -> absl::Status {
          Session session;
          BOTCORE_ASSIGN_OR_RETURN(const int64_t chat, row.Int64(0));
          BOTCORE_ASSIGN_OR_RETURN(session.awaiting, row.Text(1));
          BOTCORE_ASSIGN_OR_RETURN(const int64_t updated_at, row.Int64(2));
          session.updated_at = absl::FromUnixMicros(updated_at);
          found[chat] = std::move(session);
          return absl::OkStatus();
        },
        kBookkeepingRows));
    for (size_t i = 0; i < claims.size(); ++i) {
      if (claims[i].session == nullptr || results[i].first != Claim::kHandle) {
        continue;
      }
      auto it = found.find(claims[i].request->chat_id);
      *claims[i].session = it != found.end() ? it->second : Session{};
    }
    return absl::OkStatus();
  }

  // The claim of an update whose row is in bot_updates (InsertClaims ran),
  // inside `tx`: kDone when it was handled, kHandle when the claim is (now)
  // this instance's (it was, or another instance's went stale), else kBusy.
  absl::StatusOr<Claim> TakeClaim(SqlTransaction& tx, int64_t update_id,
                                  int64_t now, int64_t stale) {
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query("SELECT state FROM bot_updates WHERE update_id = ?",
                 {update_id}));
    if (rows.empty()) return Claim::kBusy;  // cleanup
    BOTCORE_ASSIGN_OR_RETURN(std::string state, rows[0].Text(0));
    if (state == "done") return Claim::kDone;
    BOTCORE_ASSIGN_OR_RETURN(
        int64_t taken,
        tx.Execute(
            "UPDATE bot_updates SET owner = ?, claimed_at = ? "
            "WHERE update_id = ? AND state = 'claimed' AND "
            "(claimed_at < ? OR owner = ?)",
            {options.instance_id, now, update_id, stale, options.instance_id}));
    return taken == 0 ? Claim::kBusy : Claim::kHandle;
  }

  // Records the update done. Done marks are committed in groups: with
  // `wait`, returns once `update_id` is recorded (with every id queued
  // meanwhile); without, queues it and returns at once. The queue is
  // committed when an update about to be answered finds
  // AnswerSlots() answers unrecorded (TakeAnswerSlot), when the
  // last update in the workers' hands finishes, and by Run before each
  // acknowledgement and when it ends. Committing only then lets the marks of
  // many updates share one commit. A storage error is reported.
  // `slot`: whether the update holds an answer slot (TakeAnswerSlot), which
  // stays taken until the commit.
  void FinishUpdate(int64_t update_id, bool wait, bool slot) {
    if (!options.claim_updates) return;
    absl::MutexLock lock(&finish_mu);
    finish_queue.push_back(update_id);
    if (slot) ++queued_answers;
    if (wait) RecordThrough(finish_batches_started + 1);
  }

  // Frees the answer slot of an update left unhandled, if it holds one.
  void FreeAnswerSlot(bool slot) {
    if (!slot) return;
    absl::MutexLock lock(&finish_mu);
    --unrecorded_answers;
  }

  // The answer slot this thread's update holds, handed over: to its done
  // mark (FinishUpdate) or to FreeAnswerSlot.
  bool HandOverAnswerSlot() {
    if (answering.bot != this || !answering.slot) return false;
    answering.slot = false;
    return true;
  }

  // Returns once the group-commit round `batch` is committed: waits for a
  // leader at work, or becomes the leader and commits the queued ids round
  // after round until none is left. Each committed round frees the answer
  // slots of its updates.
  void RecordThrough(int64_t batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(finish_mu) {
    auto mine_done_or_free = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(finish_mu) {
      return finish_batches_done >= batch || !finish_flushing;
    };
    finish_mu.Await(absl::Condition(&mine_done_or_free));
    if (finish_batches_done >= batch) return;
    finish_flushing = true;
    while (!finish_queue.empty()) {
      const int64_t round = ++finish_batches_started;
      std::vector<int64_t> ids;
      ids.swap(finish_queue);
      const int answers = queued_answers;
      queued_answers = 0;
      finish_mu.Unlock();
      absl::Status s = options.database->Transact(
          [&](SqlTransaction& tx) -> absl::Status {
            const std::vector<SqlValue> values(ids.begin(), ids.end());
            return internal::ForEachInList(
                values,
                [&](absl::Span<const SqlValue> list) {
                  return tx
                      .Execute(absl::StrCat(
                                   "UPDATE bot_updates SET state = 'done' "
                                   "WHERE update_id IN ",
                                   internal::PlaceholderRows(1, list.size())),
                               list)
                      .status();
                },
                kBookkeepingRows);
          },
          kBookkeepingCommit);
      finish_mu.Lock();
      finish_batches_done = round;
      // Recorded, or given up on for now: either way their slots are free,
      // so a failing database holds no answer back.
      unrecorded_answers -= answers;
      if (!s.ok()) {
        // The marks go back to the queue for the next round (a next
        // commit, the last update in the workers' hands, Run); their
        // answers went out, so the waiting worker goes on.
        finish_queue.insert(finish_queue.begin(), ids.begin(), ids.end());
        finish_mu.Unlock();
        ReportError("finish", s);
        finish_mu.Lock();
        break;
      }
    }
    finish_flushing = false;
  }

  // Records every queued done mark (Run, before acknowledging; a worker's
  // mark queued just after may be acknowledged first, which can only leave
  // its row claimed after a crash: an acknowledged update is not delivered
  // again).
  void RecordQueued() {
    if (!options.claim_updates) return;
    absl::MutexLock lock(&finish_mu);
    if (finish_queue.empty()) return;
    RecordThrough(finish_batches_started + 1);
  }

  // The most updates answered and not yet recorded done.
  int AnswerSlots() const {
    return options.max_unrecorded_answers > 0 ? options.max_unrecorded_answers
                                              : options.worker_threads;
  }

  // Before the update this thread handles sends its first answer, takes an
  // answer slot: waits until fewer than AnswerSlots() updates are
  // answered and unrecorded, committing the queued done marks once they
  // hold at least half the slots. So at most AnswerSlots() answers are ever
  // sent but not recorded: what a crash can make the next run send again. Does
  // nothing outside Handle (scheduled jobs' notifications), when the update
  // holds a slot already, and without claims.
  void TakeAnswerSlot() {
    if (answering.bot != this || answering.slot || !options.claim_updates) {
      return;
    }
    const int limit = AnswerSlots();
    // A commit frees at least half the slots: the answers still being sent
    // finish meanwhile and add their marks, so fewer commits carry more
    // marks each, while half the workers can still have answers in flight.
    const int enough = (limit + 1) / 2;
    absl::MutexLock lock(&finish_mu);
    auto free_or_committable = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(finish_mu) {
      return unrecorded_answers < limit ||
             (!finish_flushing && queued_answers >= enough);
    };
    while (unrecorded_answers >= limit) {
      finish_mu.Await(absl::Condition(&free_or_committable));
      if (unrecorded_answers >= limit) {
        RecordThrough(finish_batches_started + 1);
      }
    }
    ++unrecorded_answers;
    answering.slot = true;
  }

  // The update this thread handles: its bot, and whether it holds an
  // answer slot (TakeAnswerSlot).
  struct Answering {
    Impl* bot = nullptr;
    bool slot = false;
  };
  static thread_local Answering answering;

  // Marks this thread as handling an update of `bot` for its lifetime; an
  // answer slot the update took and did not hand to FinishUpdate (it was
  // left unhandled) is freed at the end.
  class AnswerScope {
   public:
    explicit AnswerScope(Impl* bot) : saved_(answering) {
      answering = {bot, false};
    }
    AnswerScope(const AnswerScope&) = delete;
    AnswerScope& operator=(const AnswerScope&) = delete;
    ~AnswerScope() {
      if (answering.slot) answering.bot->FreeAnswerSlot(true);
      answering = saved_;
    }

   private:
    const Answering saved_;
  };

  // ---- rate limit ---------------------------------------------------------

  // True when the user may go on; otherwise whether to tell them.
  std::pair<bool, bool> Admit(int64_t user_id) {
    const absl::Time now = options.clock->Now();
    absl::MutexLock lock(&mu);
    std::deque<absl::Time>& times = requests[user_id];
    while (!times.empty() && times.front() <= now - options.rate_limit_window) {
      times.pop_front();
    }
    if (static_cast<int>(times.size()) < options.rate_limit_max_requests) {
      times.push_back(now);
      told_limited.erase(user_id);
      return {true, false};
    }
    auto [it, first] = told_limited.emplace(user_id, now);
    return {false, first};
  }

  // ---- sessions -----------------------------------------------------------

  static absl::StatusOr<Session> ReadSession(SqlTransaction& tx,
                                             int64_t chat_id) {
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query("SELECT awaiting, updated_at FROM bot_sessions "
                 "WHERE chat_id = ?",
                 {chat_id}));
    Session session;
    if (rows.empty()) return session;
    BOTCORE_ASSIGN_OR_RETURN(session.awaiting, rows[0].Text(0));
    BOTCORE_ASSIGN_OR_RETURN(int64_t updated_at, rows[0].Int64(1));
    session.updated_at = absl::FromUnixMicros(updated_at);
    return session;
  }

  // The command waiting for this chat's next plain message (asked for in
  // the last 10 minutes), or "". From `read` when the session was read with
  // the update's batch claim, else from the database.
  absl::StatusOr<std::string> Awaiting(int64_t chat_id,
                                       const std::optional<Session>& read) {
    Session session;
    if (read.has_value()) {
      session = *read;
    } else {
      BOTCORE_RETURN_IF_ERROR(options.database->Transact(
          [&](SqlTransaction& tx) -> absl::Status {
            BOTCORE_ASSIGN_OR_RETURN(session, ReadSession(tx, chat_id));
            return absl::OkStatus();
          },
          kReadOnlyTransaction));
    }
    if (session.updated_at < options.clock->Now() - absl::Minutes(10)) {
      return std::string();
    }
    return std::move(session.awaiting);
  }

  absl::Status SetAwaiting(int64_t chat_id, std::string_view command) {
    const int64_t now = absl::ToUnixMicros(options.clock->Now());
    return options.database->Transact([&](SqlTransaction& tx) {
      return tx
          .Execute(
              "INSERT INTO bot_sessions (chat_id, awaiting, updated_at) "
              "VALUES (?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET "
              "awaiting = excluded.awaiting, updated_at = excluded.updated_at",
              {chat_id, command, now})
          .status();
    });
  }

  // ---- dispatch -----------------------------------------------------------

  bool IsAdmin(int64_t user_id) const {
    return std::find(options.admin_ids.begin(), options.admin_ids.end(),
                     user_id) != options.admin_ids.end();
  }

  // The bot's username: BotOptions::bot_username, else what the messenger
  // told (LearnUsername); empty while unknown.
  std::string Username() {
    absl::MutexLock lock(&username_mu);
    return username;
  }

  // Asks the messenger for the bot's username when the options name none
  // and it is not known yet (Run, when it starts and then at most once a
  // minute until it is).
  void LearnUsername() {
    const absl::Time now = options.clock->Now();
    if (!Username().empty() || now < next_username_ask) return;
    next_username_ask = now + absl::Minutes(1);
    absl::StatusOr<std::string> asked = options.messenger->Username();
    if (absl::IsUnimplemented(asked.status())) {
      next_username_ask = absl::InfiniteFuture();
      return;
    }
    if (!asked.ok()) {
      ReportError("username", asked.status());
      return;
    }
    absl::MutexLock lock(&username_mu);
    username = *std::move(asked);
  }

  // Whether `m` is a command addressed to another bot ("/help@other_bot" in
  // a group): left unanswered. While the username is unknown every command
  // is taken as this bot's.
  bool ForAnotherBot(const Message& m) {
    if (m.command_bot.empty()) return false;
    const std::string mine = Username();
    return !mine.empty() && !absl::EqualsIgnoreCase(m.command_bot, mine);
  }

  // What an update asks for. Handled in place (nothing to answer): edits,
  // other kinds, commands addressed to another bot, and a chat member change
  // (a blocked bot marks its chat inactive); then `kind` stays empty and
  // false is returned.
  struct Incoming {
    Request request;
    const MessengerUser* from = nullptr;
    std::string kind;  // the command, "" for plain text, "callback"
  };
  bool ReadIncoming(const Update& update, Incoming& in) {
    Request& r = in.request;
    r.update_id = update.id;
    if ((update.kind == UpdateKind::kMessage) && update.message.has_value()) {
      const Message& m = *update.message;
      if (ForAnotherBot(m)) return false;
      r.chat_id = m.chat.id;
      r.private_chat = m.chat.type == ChatType::kPrivate;
      r.message_id = m.message_id;
      if (m.from.has_value()) in.from = &*m.from;
      r.command = absl::AsciiStrToLower(m.command);
      r.args = m.command.empty() ? m.text : m.command_args;
      in.kind = r.command;
    } else if (update.kind == UpdateKind::kCallbackQuery &&
               update.callback_query.has_value()) {
      const CallbackQuery& q = *update.callback_query;
      in.from = &q.from;
      r.chat_id = q.message.has_value() ? q.message->chat.id : q.from.id;
      r.private_chat =
          !q.message.has_value() || q.message->chat.type == ChatType::kPrivate;
      in.kind = "callback";
    } else {
      return false;
    }
    if (in.from != nullptr) r.user_id = in.from->id;
    r.owner = Owner(r.user_id);
    r.admin = IsAdmin(r.user_id);
    return true;
  }

  // Claims the updates of a received batch that need an answer in one
  // transaction. Returns their claims by update id; empty when storage
  // failed (each is then claimed on its own when handled). A plain
  // message's chat session is read with its claim when nothing queued
  // before it can change the session meanwhile: no update of its chat is in
  // the workers' hands and none comes before it in the batch. (Only the
  // chat's own updates set its session, and they run in order.)
  std::map<int64_t, BatchClaim> ClaimBatch(const std::vector<Update>& batch) {
    std::vector<Incoming> incoming(batch.size());
    std::vector<std::optional<Session>> sessions(batch.size());
    std::vector<ClaimRequest> claims;
    claims.reserve(batch.size());
    {
      absl::flat_hash_set<int64_t> chats;
      absl::MutexLock lock(&mu);
      for (size_t i = 0; i < batch.size(); ++i) {
        if (!ReadIncoming(batch[i], incoming[i])) continue;
        const int64_t chat = incoming[i].request.chat_id;
        const bool first = chats.insert(chat).second;
        const bool read_session = incoming[i].kind.empty() && first &&
                                  !chats_in_flight.contains(chat);
        claims.push_back({&incoming[i].request, incoming[i].from,
                          read_session ? &sessions[i] : nullptr});
      }
    }
    std::map<int64_t, BatchClaim> claimed;
    if (claims.empty()) return claimed;
    const absl::Time at = options.clock->Now();
    absl::StatusOr<std::vector<ClaimResult>> results = ClaimUpdates(claims);
    if (!results.ok()) {
      ReportError("claim", results.status());
      return claimed;
    }
    for (size_t i = 0; i < claims.size(); ++i) {
      claimed.emplace(
          claims[i].request->update_id,
          BatchClaim{(*results)[i], at,
                     claims[i].session != nullptr ? *claims[i].session
                                                  : std::nullopt});
    }
    return claimed;
  }

  // Handles `update` and calls `done` once: `handled` is false when it was
  // left unhandled (storage failed, the answer could not be sent for now,
  // or another instance's claim on it outlived a stop request): it must be
  // handled again later and not be acknowledged before. `claimed`: its
  // claim when the batch was claimed before; `wait_for_record`: call `done`
  // only once its done mark is committed (see FinishUpdate). With
  // `start_send`, a text answer to a command or message goes out through
  // Messenger::StartSendMessage and the rest (the outcome, the done mark)
  // follows in `done`'s call, possibly after HandleThen returned and on the
  // messenger's thread; the update's answer slot goes with it. `update` is
  // not read once the answer is handed over. Without, `done` runs before
  // HandleThen returns.
  void HandleThen(const Update& update, std::optional<BatchClaim> claimed,
                  bool wait_for_record, bool start_send,
                  absl::AnyInvocable<void(bool) &&> done) {
    const absl::Time started = options.clock->Now();
    AnswerScope answering_update(this);
    Incoming in;
    if (!ReadIncoming(update, in)) {
      if (update.kind == UpdateKind::kMyChatMember &&
          update.my_chat_member.has_value() &&
          (update.my_chat_member->new_status == MemberStatus::kKicked ||
           update.my_chat_member->new_status == MemberStatus::kLeft)) {
        MarkInactive(update.my_chat_member->chat.id);
      }
      std::move(done)(true);  // edits and other kinds need no answer
      return;
    }
    Request& r = in.request;
    const std::string& kind = in.kind;

    // Another instance's claim: wait until it finishes the update or its
    // claim goes stale (that instance died), keeping this chat's order.
    const absl::Duration poll =
        std::clamp(options.update_claim_lease / 20, absl::Milliseconds(10),
                   absl::Seconds(1));
    // A batch claim older than half the lease is taken again (refreshed, or
    // found taken over by another instance).
    std::optional<ClaimResult> claim;
    std::optional<Session> session;
    if (claimed.has_value() &&
        options.clock->Now() - claimed->at < options.update_claim_lease / 2) {
      claim = claimed->result;
      session = std::move(claimed->session);
    }
    while (!claim.has_value() || claim->first == Claim::kBusy) {
      if (claim.has_value()) {
        if (stop_requested.load()) {
          std::move(done)(false);
          return;
        }
        options.clock->SleepFor(poll);
      }
      absl::StatusOr<std::vector<ClaimResult>> one =
          ClaimUpdates({{&r, in.from}});
      if (!one.ok()) {
        ReportError("claim", one.status());
        std::move(done)(false);
        return;
      }
      claim = (*one)[0];
    }
    if (claim->first == Claim::kDone) {
      std::move(done)(true);
      return;
    }
    bool failed = false;
    if (!claim->second) {
      auto [admitted, tell] = Admit(r.user_id);
      if (!admitted) {
        if (options.observer != nullptr) {
          options.observer->OnRateLimited(r.user_id);
        }
        if (tell) {
          Send(r.chat_id, Say(absl::StrCat(
                              "Please slow down: at most ",
                              options.rate_limit_max_requests, " requests per ",
                              absl::FormatDuration(options.rate_limit_window),
                              ". Try again in a moment.")))
              .IgnoreError();
        }
      } else if (kind == "callback") {
        failed = !HandleCallback(r, *update.callback_query);
      } else {
        absl::StatusOr<Answer> answer = Dispatch(r, session);
        if (!answer.ok()) {
          failed = true;
          ReportError(r.command.empty() ? "message" : r.command,
                      answer.status());
          answer =
              Say("Sorry, something went wrong on our side. Please try again "
                  "later.");
        }
        TakeAnswerSlot();
        const bool slot = HandOverAnswerSlot();
        SendThen(r.chat_id, *answer, start_send,
                 [this, update_id = r.update_id, kind, started, failed, slot,
                  wait_for_record, start_send,
                  done = std::move(done)](absl::Status sent) mutable {
                   if (!sent.ok() &&
                       sent.code() != absl::StatusCode::kPermissionDenied) {
                     // An alert it raises is written to the outbox.
                     if (start_send) {
                       OffMessengerThread(
                           [this, sent] { ReportError("send", sent); });
                     } else {
                       ReportError("send", sent);
                     }
                     if (absl::IsUnavailable(sent) ||
                         absl::IsDeadlineExceeded(sent) ||
                         absl::IsResourceExhausted(sent)) {
                       // Handled again later; the commands are safe to
                       // repeat.
                       FreeAnswerSlot(slot);
                       std::move(done)(false);
                       return;
                     }
                     failed = true;
                   }
                   Finished(update_id, wait_for_record, slot, kind, started,
                            failed);
                   std::move(done)(true);
                 });
        return;
      }
    }
    Finished(r.update_id, wait_for_record, HandOverAnswerSlot(), kind, started,
             failed);
    std::move(done)(true);
  }

  // Records a handled update done (FinishUpdate) and tells the observer.
  void Finished(int64_t update_id, bool wait_for_record, bool slot,
                const std::string& kind, absl::Time started, bool failed) {
    FinishUpdate(update_id, wait_for_record, slot);
    if (options.observer != nullptr) {
      options.observer->OnUpdateHandled(kind, options.clock->Now() - started,
                                        failed);
    }
  }

  // `session`: the chat's session when read with the batch claim.
  absl::StatusOr<Answer> Dispatch(Request& r,
                                  const std::optional<Session>& session) {
    if (r.command.empty()) {
      BOTCORE_ASSIGN_OR_RETURN(std::string awaiting,
                               Awaiting(r.chat_id, session));
      if (awaiting.empty()) {
        return Say("Send a command, e.g. /help or /price GAZP.");
      }
      BOTCORE_RETURN_IF_ERROR(SetAwaiting(r.chat_id, ""));
      r.command = awaiting;
    }
    const CommandInfo* info = nullptr;
    for (const CommandInfo& c : kCommands) {
      if (c.name == r.command) info = &c;
    }
    const CustomCommand* custom = nullptr;
    for (const CustomCommand& c : options.commands) {
      if (c.name == r.command) custom = &c;
    }
    if (custom != nullptr) {
      if (custom->admin_only && !r.admin) {
        Log(absl::StrCat("audit: user ", r.user_id, " was refused /",
                         r.command));
        return Say("This command is not allowed.");
      }
      if (internal::Utf8Length(r.args) > kMaxArgumentLength) {
        return Say(absl::StrCat("That is too long: at most ",
                                kMaxArgumentLength, " characters after /",
                                r.command, "."));
      }
      absl::StatusOr<std::string> text =
          custom->run({r.user_id, r.chat_id, r.owner, r.args});
      if (absl::IsInvalidArgument(text.status())) {
        return Say(std::string(text.status().message()));
      }
      if (!text.ok()) return text.status();
      return Say(std::move(*text));
    }
    if (info == nullptr) {
      return Say(absl::StrCat("Unknown command /",
                              ToAbsl(internal::Utf8Prefix(r.command, 32)),
                              ". Try /help, e.g. /price GAZP."));
    }
    if (info->admin && !r.admin) {
      Log(absl::StrCat("audit: user ", r.user_id, " was refused /", r.command));
      return Say("This command is not allowed.");
    }
    const size_t limit =
        r.command == "broadcast" ? kMaxBroadcastLength : kMaxArgumentLength;
    if (internal::Utf8Length(r.args) > limit) {
      return Say(absl::StrCat("That is too long: at most ", limit,
                              " characters after /", r.command, "."));
    }
    const std::string& c = r.command;
    if (c == "start") return Start(r);
    if (c == "help") return Help(r);
    if (c == "price") return Price(r);
    if (c == "signal") return SignalCommand(r);
    if (c == "recommend") return Recommend(r);
    if (c == "portfolio") return PortfolioCommand(r);
    if (c == "positions") return Positions(r);
    if (c == "history") return History(r);
    if (c == "close") return Close(r);
    if (c == "risk") return Risk(r);
    if (c == "stats") return Stats(r);
    if (c == "backtest") return BacktestCommand(r);
    if (c == "wallet") return Wallet(r);
    if (c == "deposit") return DepositCommand(r);
    if (c == "balance") return BalanceCommand(r);
    if (c == "withdraw") return Withdraw(r);
    if (c == "referral") return Referral(r);
    if (c == "level") return Level(r);
    if (c == "admin") return Admin(r);
    if (c == "approve") return Approve(r);
    if (c == "reject") return RejectWithdrawal(r);
    if (c == "assign") return Assign(r);
    if (c == "broadcast") return Broadcast(r);
    return Ban(r, c == "ban");
  }

  // ---- everyone -----------------------------------------------------------

  absl::StatusOr<Answer> Start(const Request& r) {
    std::string_view code = r.args;
    std::string note;
    if (!code.empty() && !ConsumePrefix(&code, "ref_")) {
      note = "(That start parameter is not a referral code; ignored.)\n";
      code = {};
    }
    constexpr std::string_view kReferrerFixed =
        "(A referrer can only be set at your first /start.)\n";
    // A member's referrer (or none) was fixed at their first /start: a
    // code naming anyone else gets a note, the same link again none.
    absl::StatusOr<ReferralMember> member = referral->Member(r.owner);
    if (member.ok()) {
      if (!code.empty()) {
        bool same_link = false;
        if (!member->referrer.empty()) {
          BOTCORE_ASSIGN_OR_RETURN(ReferralMember referrer,
                                   referral->Member(member->referrer));
          same_link = referrer.code == code;
        }
        if (!same_link) note = std::string(kReferrerFixed);
      }
      return Welcome(note);
    }
    if (!absl::IsNotFound(member.status())) return member.status();
    member = referral->Register(r.owner, code);
    if (!member.ok() && !code.empty() &&
        (absl::IsNotFound(member.status()) ||
         absl::IsInvalidArgument(member.status()))) {
      note = absl::StrCat("(Referral code ",
                          ToAbsl(internal::Utf8Prefix(code, 40)),
                          " is not valid; registered without a referrer.)\n");
      member = referral->Register(r.owner, "");
    }
    if (!member.ok() && absl::IsFailedPrecondition(member.status())) {
      // Registered a moment ago by another instance, with another code.
      note = std::string(kReferrerFixed);
      member = referral->Member(r.owner);
    }
    if (!member.ok()) return member.status();
    return Welcome(note);
  }

  Answer Welcome(std::string_view note) {
    return Say(absl::StrCat(
        ToAbsl(note), "Welcome! You have a paper portfolio of ",
        options.book.initial_cash.ToDisplayString(), " ", options.book.currency,
        ". Try /price, /recommend, /portfolio or /deposit. /help lists all "
        "commands."));
  }

  absl::StatusOr<Answer> Help(const Request& r) {
    std::string text = "Commands:\n";
    for (const CustomCommand& c : options.commands) {
      if (c.admin_only && !r.admin) continue;
      absl::StrAppend(&text, "/", c.name, " - ", c.description, "\n");
    }
    for (const CommandInfo& c : kCommands) {
      if (c.admin && !r.admin) continue;
      absl::StrAppend(&text, "/", ToAbsl(c.name), " - ", ToAbsl(c.description),
                      "\n");
    }
    return Say(text);
  }

  // ---- trading ------------------------------------------------------------

  struct SymbolArg {
    std::string symbol;
    std::optional<Answer> error;
  };

  SymbolArg SymbolFrom(std::string_view text, std::string_view command,
                       bool required) {
    if (text.empty()) {
      if (required) {
        return {{},
                Say(absl::StrCat("Name the symbol, e.g. /", ToAbsl(command),
                                 " ", options.default_symbol, "."))};
      }
      return {options.default_symbol, std::nullopt};
    }
    std::optional<std::string> symbol = ParseSymbol(text);
    if (!symbol) {
      return {
          {},
          Say(absl::StrCat("A symbol is 1-12 letters or digits, e.g. /",
                           ToAbsl(command), " ", options.default_symbol, "."))};
    }
    return {*symbol, std::nullopt};
  }

  absl::StatusOr<std::vector<Candle>> Candles(const std::string& symbol,
                                              CandleInterval interval,
                                              int bars) {
    CandleQuery q;
    q.security = symbol;
    q.board = options.board;
    q.interval = interval;
    q.till = options.clock->Now();
    q.from = q.till - IntervalLength(interval) * (2 * bars) - absl::Hours(240);
    BOTCORE_ASSIGN_OR_RETURN(std::vector<Candle> candles,
                             options.market_data->GetCandles(q));
    if (static_cast<int>(candles.size()) > bars) {
      candles.erase(candles.begin(), candles.end() - bars);
    }
    return candles;
  }

  // The market's answer for a user: not found and bad queries are the
  // user's to fix, everything else is ours.
  std::optional<Answer> MarketProblem(const absl::Status& s,
                                      std::string_view symbol) {
    if (absl::IsNotFound(s)) {
      return Say(absl::StrCat("No market data for ", ToAbsl(symbol), " on ",
                              options.board, ". Try ", options.default_symbol,
                              "."));
    }
    if (absl::IsInvalidArgument(s)) {
      return Say(absl::StrCat("The market cannot answer that: ", s.message()));
    }
    if (absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s) ||
        absl::IsResourceExhausted(s)) {
      return Say("The exchange does not answer right now. Try again soon.");
    }
    return std::nullopt;
  }

  absl::StatusOr<Answer> Price(const Request& r) {
    SymbolArg arg = SymbolFrom(r.args, "price", false);
    if (arg.error) return *arg.error;
    absl::StatusOr<LastPrice> last =
        options.market_data->GetLastPrice(arg.symbol, options.board);
    if (!last.ok()) {
      if (auto a = MarketProblem(last.status(), arg.symbol)) return *a;
      return last.status();
    }
    return Say(absl::StrCat(arg.symbol, ": ", last->price.ToString(), " (",
                            TimeText(last->time), ")"));
  }

  absl::StatusOr<Answer> SignalCommand(const Request& r) {
    std::vector<std::string> args = SplitArgs(r.args);
    if (args.size() > 2) {
      return Say("Usage: /signal [SYMBOL] [TIMEFRAME], e.g. /signal GAZP 1d.");
    }
    // "/signal 1h" names the timeframe of the default symbol.
    if (args.size() == 1 && ParseTimeframe(TimeframeArg(args[0])).has_value()) {
      args.insert(args.begin(), std::string());
    }
    SymbolArg arg = SymbolFrom(args.empty() ? "" : args[0], "signal", false);
    if (arg.error) return *arg.error;
    std::string tf = args.size() > 1 ? TimeframeArg(args[1]) : "1d";
    std::optional<CandleInterval> interval = ParseTimeframe(tf);
    if (!interval) {
      return Say(absl::StrCat("Timeframe ",
                              ToAbsl(internal::Utf8Prefix(tf, 16)),
                              " is not one of 1m, 1h, 1d, 1w; e.g. "
                              "/signal GAZP 1d."));
    }
    absl::StatusOr<std::vector<Candle>> candles =
        Candles(arg.symbol, *interval, std::max(options.history_bars, 60));
    if (!candles.ok()) {
      if (auto a = MarketProblem(candles.status(), arg.symbol)) return *a;
      return candles.status();
    }
    DefaultStrategyOptions so;
    so.symbol = arg.symbol;
    so.timeframe = tf;
    absl::StatusOr<std::unique_ptr<DefaultStrategy>> strategy =
        DefaultStrategy::Create(so);
    if (!strategy.ok()) {
      return Say(absl::StrCat("No strategy for timeframe ", tf, "."));
    }
    std::optional<Signal> last;
    for (const Candle& c : *candles) {
      BOTCORE_ASSIGN_OR_RETURN(std::optional<Signal> s, (*strategy)->OnBar(c));
      if (s) last = std::move(s);
    }
    if (!candles->empty()) {
      BOTCORE_RETURN_IF_ERROR(
          journal->Resolve(arg.symbol, so.timeframe, *candles).status());
    }
    if (!last) {
      return Say(absl::StrCat("No signal for ", arg.symbol, " ", tf,
                              " in the last ", candles->size(), " bars."));
    }
    BOTCORE_RETURN_IF_ERROR(journal->Record(*last).status());
    const bool fresh = !candles->empty() && last->time >= candles->back().time;
    return Say(absl::StrFormat(
        "%s %s: %s %s at %.2f, stop %.2f, target %.2f, confidence %d%%\n%s%s",
        arg.symbol, tf, fresh ? "signal now" : "last signal",
        ToAbsl(SideName(last->side)), last->entry, last->stop_loss,
        last->take_profit, last->confidence, absl::StrJoin(last->reasons, "; "),
        fresh ? "" : absl::StrCat(" (", FormatDay(last->time), ")")));
  }

  absl::StatusOr<Amount> MarketPrice(const Instrument& instrument,
                                     int money_scale) {
    BOTCORE_ASSIGN_OR_RETURN(
        LastPrice last,
        options.market_data->GetLastPrice(instrument.symbol, options.board));
    BOTCORE_ASSIGN_OR_RETURN(
        Amount on_step,
        RoundToStep(instrument, last.price, RoundingMode::kHalfEven));
    return on_step.Rescale(money_scale, RoundingMode::kHalfEven);
  }

  // The user's own limits, read inside `tx`: the admin's, tightened where
  // the user chose to. A choice looser than the admin's bound (the admin
  // tightened it since) gives way to the bound. The desk reviews proposals
  // and confirmations with these.
  absl::StatusOr<RiskLimits> LimitsIn(SqlTransaction& tx,
                                      std::string_view owner) const {
    const RiskLimits& admin = options.limits;
    RiskLimits limits = admin;
    BOTCORE_ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        tx.Query("SELECT max_position_pct, trades_per_day, daily_loss "
                 "FROM bot_risk_limits WHERE owner = ?",
                 {owner}));
    if (rows.empty()) return limits;
    if (!rows[0].IsNull(0)) {
      BOTCORE_ASSIGN_OR_RETURN(double pct, rows[0].Double(0));
      limits.max_position_fraction =
          std::min(pct / 100, admin.max_position_fraction.value_or(pct / 100));
    }
    if (!rows[0].IsNull(1)) {
      BOTCORE_ASSIGN_OR_RETURN(int64_t n, rows[0].Int64(1));
      limits.max_trades_per_day = static_cast<int>(
          std::min<int64_t>(n, admin.max_trades_per_day.value_or(n)));
    }
    if (!rows[0].IsNull(2)) {
      BOTCORE_ASSIGN_OR_RETURN(std::string text, rows[0].Text(2));
      BOTCORE_ASSIGN_OR_RETURN(
          Amount loss, Amount::Parse(text, options.book.initial_cash.scale()));
      if (!admin.daily_loss_limit || loss < *admin.daily_loss_limit) {
        limits.daily_loss_limit = loss;
      }
    }
    return limits;
  }

  absl::StatusOr<RiskLimits> LimitsOf(const std::string& owner) {
    RiskLimits limits;
    BOTCORE_RETURN_IF_ERROR(options.database->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(limits, LimitsIn(tx, owner));
          return absl::OkStatus();
        },
        kReadOnlyTransaction));
    return limits;
  }

  void Observe(std::string_view outcome) {
    if (options.observer != nullptr)
      options.observer->OnRecommendation(outcome);
  }

  // What a request creates is named after the request, so that the update
  // handled again (after a crash or a failed answer) finds it instead of
  // creating it twice. Claimed updates have ids that survive restarts;
  // unclaimed ones (the console's) restart with the process, so their names
  // carry `run_key`, drawn anew by each Bot.
  std::string ProposalId(const Request& r) const {
    if (!options.claim_updates || r.message_id == 0) {
      return absl::StrCat("c", run_key, "_", r.update_id);
    }
    return absl::StrCat("m", r.chat_id, "_", r.message_id);
  }
  // `kind` followed by the update's id: a withdrawal ("w"), a broadcast
  // ("b"), a close ("c").
  std::string RequestName(std::string_view kind, const Request& r) const {
    if (!options.claim_updates) {
      return absl::StrCat(ToAbsl(kind), run_key, "-", r.update_id);
    }
    return absl::StrCat(ToAbsl(kind), r.update_id);
  }

  // What the user is shown of a stored proposal.
  Answer ShowProposal(const StoredRecommendation& stored) {
    if (stored.status == RecommendationStatus::kRefused) {
      return Say(absl::StrCat("Not proposed (risk limits, see /risk): ",
                              stored.verdict.Summary()));
    }
    if (stored.status != RecommendationStatus::kPending) {
      return Say(absl::StrCat("This recommendation is ",
                              absl::AsciiStrToLower(ToAbsl(
                                  RecommendationStatusName(stored.status))),
                              ". /recommend asks for a new one."));
    }
    const Order& o = stored.verdict.order;
    std::string text = absl::StrCat(
        ToAbsl(TradeActionName(stored.recommendation.action)), " ", o.quantity,
        " ", o.symbol, " at about ", o.price.ToString());
    if (o.stop_loss) absl::StrAppend(&text, ", stop ", o.stop_loss->ToString());
    if (o.take_profit) {
      absl::StrAppend(&text, ", target ", o.take_profit->ToString());
    }
    absl::StrAppend(
        &text, "\nConfidence ", stored.recommendation.confidence, "%. ",
        ToAbsl(internal::Utf8Prefix(stored.recommendation.rationale, 1000)),
        "\nRisk: ", stored.verdict.Summary(), "\nValid until ",
        TimeText(stored.expires_at), ".");
    Answer a = Say(std::move(text));
    const std::string& id = stored.recommendation.id;
    a.keyboard = {{{.text = "Confirm", .callback_data = "rc:" + id},
                   {.text = "Reject", .callback_data = "rr:" + id}}};
    return a;
  }

  absl::StatusOr<Answer> Recommend(const Request& r) {
    SymbolArg arg = SymbolFrom(r.args, "recommend", false);
    if (arg.error) return *arg.error;
    const std::string proposal_id = ProposalId(r);
    if (!proposal_id.empty()) {
      // Handled before (the answer was lost): show the same proposal again.
      absl::StatusOr<StoredRecommendation> earlier = desk->Get(proposal_id);
      if (earlier.ok() && earlier->owner == r.owner) {
        return ShowProposal(*earlier);
      }
      if (!earlier.ok() && !absl::IsNotFound(earlier.status())) {
        return earlier.status();
      }
    }
    BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book, portfolios->Open(r.owner));
    const Instrument* instrument = book.FindInstrument(arg.symbol);
    if (instrument == nullptr) {
      return Say(absl::StrCat("There is no trading in ", arg.symbol,
                              " here; try /recommend ", options.default_symbol,
                              "."));
    }
    absl::StatusOr<std::vector<Candle>> candles =
        Candles(arg.symbol, CandleInterval::kDay, options.history_bars);
    if (!candles.ok()) {
      if (auto a = MarketProblem(candles.status(), arg.symbol)) return *a;
      return candles.status();
    }
    absl::StatusOr<Amount> price = MarketPrice(*instrument, book.money_scale());
    if (!price.ok()) {
      if (auto a = MarketProblem(price.status(), arg.symbol)) return *a;
      return price.status();
    }
    BOTCORE_ASSIGN_OR_RETURN(RiskLimits own, LimitsOf(r.owner));
    AdvisorContext context;
    context.symbol = arg.symbol;
    context.now = options.clock->Now();
    context.candles = *candles;
    context.instrument = instrument;
    context.portfolio = &book;
    context.limits = &own;
    absl::StatusOr<std::optional<Recommendation>> advice;
    {
      absl::MutexLock lock(&advisor_mu);
      advice = options.advisor->Advise(context);
    }
    if (!advice.ok()) {
      Observe("failed");
      ReportError("advisor", advice.status());
      return Say("The advisor is not available right now. Try again later.");
    }
    if (!advice->has_value()) {
      return Say(absl::StrCat("The advisor has no recommendation for ",
                              arg.symbol, " right now."));
    }
    Recommendation rec = std::move(**advice);
    if (rec.symbol.empty()) rec.symbol = arg.symbol;
    if (rec.action == TradeAction::kHold) {
      Observe("hold");
      return Say(
          absl::StrCat("The advisor says HOLD ", rec.symbol, ". ",
                       ToAbsl(internal::Utf8Prefix(rec.rationale, 1000))));
    }
    // Pin the size and levels the user is shown, so that Confirm executes
    // what they saw (or refuses it). The desk reviews it again with the
    // user's limits (limits_of) when storing it, and at Confirm.
    RiskVerdict sized = risk->Review(rec, book, *price, context.now, own);
    if (sized.allowed()) {
      rec.quantity = sized.order.quantity;
      rec.percent = 0;
      rec.stop_loss = sized.order.stop_loss;
      rec.take_profit = sized.order.take_profit;
    }
    BOTCORE_ASSIGN_OR_RETURN(StoredRecommendation stored,
                             desk->Propose(r.owner, rec, *price, proposal_id));
    Observe(stored.status == RecommendationStatus::kPending ? "proposed"
                                                            : "refused");
    return ShowProposal(stored);
  }

  // Returns false when handling failed on our side.
  bool HandleCallback(const Request& r, const CallbackQuery& q) {
    std::string_view data = q.data;
    std::string toast;
    std::string reply;
    bool failed = false;
    const bool confirm = ConsumePrefix(&data, "rc:");
    const bool reject = !confirm && ConsumePrefix(&data, "rr:");
    if (!confirm && !reject) {
      toast = "This button is no longer valid.";
    } else if (reject) {
      absl::Status s = desk->Reject(r.owner, data);
      if (s.ok()) {
        Observe("rejected");
        toast = reply = "Rejected.";
      } else if (absl::IsNotFound(s)) {
        toast = "Unknown recommendation.";
      } else if (absl::IsFailedPrecondition(s)) {
        toast = "This recommendation is no longer pending.";
      } else {
        failed = true;
        ReportError("reject", s);
        toast = "Something went wrong; try again.";
      }
    } else {
      absl::StatusOr<Trade> trade = ConfirmRecommendation(r.owner, data);
      if (trade.ok()) {
        Observe("confirmed");
        toast = "Executed.";
        reply = absl::StrCat("Executed: ", ToAbsl(SideName(trade->side)), " ",
                             trade->quantity, " ", trade->symbol, " at ",
                             trade->price.ToString(), ", commission ",
                             trade->commission.ToString(), ". Cash now ",
                             trade->cash_after.ToString(), ".");
      } else if (absl::IsAlreadyExists(trade.status())) {
        Observe("duplicate_confirm");
        toast = "Already executed.";
      } else if (absl::IsNotFound(trade.status())) {
        toast = "Unknown recommendation.";
      } else if (absl::IsFailedPrecondition(trade.status())) {
        Observe("refused");
        toast = "Not executed.";
        absl::StatusOr<StoredRecommendation> now = desk->Get(data);
        if (now.ok() && now->status == RecommendationStatus::kRefused) {
          // Reviewed again with the user's limits as they are now.
          reply = absl::StrCat("Not executed: the risk check refuses it now: ",
                               now->verdict.Summary(),
                               ". /risk shows your limits.");
        } else {
          reply = absl::StrCat("Not executed: ", trade.status().message());
        }
      } else {
        failed = true;
        ReportError("confirm", trade.status());
        toast = "Something went wrong; try again.";
      }
    }
    CallbackAnswer answer;
    answer.callback_query_id = q.id;
    answer.text = toast;
    TakeAnswerSlot();  // as Send does: a toast is an answer too
    options.messenger->AnswerCallbackQuery(answer).IgnoreError();
    if (!reply.empty()) {
      if (q.message.has_value() && (confirm || reject)) {
        MessageEdit edit;
        edit.chat_id = q.message->chat.id;
        edit.message_id = q.message->message_id;
        edit.text = absl::StrCat(
            q.message->text.empty() ? "Recommendation" : q.message->text, "\n",
            confirm ? "Confirmed." : "Rejected.");
        options.messenger->EditMessageText(edit).IgnoreError();
      }
      if (absl::Status s = Send(r.chat_id, Say(reply));
          !s.ok() && !absl::IsPermissionDenied(s)) {
        failed = true;
        ReportError("send", s);
      }
    }
    return !failed;
  }

  absl::StatusOr<Trade> ConfirmRecommendation(const std::string& owner,
                                              std::string_view id) {
    BOTCORE_ASSIGN_OR_RETURN(StoredRecommendation stored, desk->Get(id));
    if (stored.owner != owner) {
      return absl::NotFoundError(
          absl::StrCat("no recommendation ", ToAbsl(id)));
    }
    if (stored.status != RecommendationStatus::kPending) {
      // Let the desk say what became of it (confirmed, rejected, expired).
      return desk->Confirm(owner, id, stored.market_price);
    }
    BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book, portfolios->Open(owner));
    const Instrument* instrument =
        book.FindInstrument(stored.recommendation.symbol);
    if (instrument == nullptr) {
      return absl::FailedPreconditionError("the instrument is gone");
    }
    BOTCORE_ASSIGN_OR_RETURN(Amount price,
                             MarketPrice(*instrument, book.money_scale()));
    return desk->Confirm(owner, id, price);
  }

  absl::StatusOr<Answer> PortfolioCommand(const Request& r) {
    BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book, portfolios->Open(r.owner));
    const PortfolioState state = book.state();
    const std::string& cur = book.options().currency;
    return Say(absl::StrCat(
        "Cash: ", book.cash().ToString(), " ", cur,
        "\nEquity: ", book.Equity().ToString(), " ", cur, "\nOpen positions: ",
        book.positions().size(), "\nTrades: ", state.trade_count,
        "\nRealized P&L: ", book.realized_pnl().ToString(), " ", cur,
        "\nCommission paid: ", book.commission_paid().ToString(), " ", cur));
  }

  absl::StatusOr<Answer> Positions(const Request& r) {
    BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book, portfolios->Open(r.owner));
    if (book.positions().empty()) {
      return Say("No open positions. /recommend proposes a trade.");
    }
    std::string text;
    for (const Position& p : book.positions()) {
      absl::StrAppend(&text, p.symbol, ": ", p.quantity, " shares, average ",
                      p.AverageEntryPrice().ToString(), ", last ",
                      p.last_price.ToString(), ", unrealized ",
                      p.UnrealizedPnl().ToString());
      if (p.stop_loss)
        absl::StrAppend(&text, ", stop ", p.stop_loss->ToString());
      if (p.take_profit) {
        absl::StrAppend(&text, ", target ", p.take_profit->ToString());
      }
      text += "\n";
    }
    return Say(text);
  }

  absl::StatusOr<Answer> History(const Request& r) {
    BOTCORE_ASSIGN_OR_RETURN(std::vector<Trade> trades,
                             portfolios->Trades(r.owner));
    if (trades.empty()) return Say("No trades yet.");
    std::string text = "Last trades:\n";
    const size_t first = trades.size() > 10 ? trades.size() - 10 : 0;
    for (size_t i = first; i < trades.size(); ++i) {
      const Trade& t = trades[i];
      absl::StrAppend(&text, "#", t.sequence, " ", FormatDay(t.time), " ",
                      ToAbsl(SideName(t.side)), " ", t.quantity, " ", t.symbol,
                      " @ ", t.price.ToString(), " (",
                      ToAbsl(TradeReasonName(t.reason)), ")\n");
    }
    return Say(text);
  }

  absl::StatusOr<Answer> Close(const Request& r) {
    SymbolArg arg = SymbolFrom(r.args, "close", true);
    if (arg.error) return *arg.error;
    // The fill is recorded under the request with the trade, so that the
    // update handled again (its answer could not be sent) answers it
    // instead of "You hold no".
    const std::string request = RequestName("c", r);
    std::string answer;
    auto recorded = [&](SqlTransaction& tx) -> absl::Status {
      BOTCORE_ASSIGN_OR_RETURN(
          std::vector<SqlRow> rows,
          tx.Query("SELECT answer FROM bot_closes WHERE request = ?",
                   {request}));
      if (rows.empty()) return absl::OkStatus();
      BOTCORE_ASSIGN_OR_RETURN(answer, rows[0].Text(0));
      return absl::OkStatus();
    };
    BOTCORE_RETURN_IF_ERROR(
        options.database->Transact(recorded, kReadOnlyTransaction));
    if (!answer.empty()) return Say(std::move(answer));
    BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book, portfolios->Open(r.owner));
    const Position* p = book.FindPosition(arg.symbol);
    const Instrument* instrument = book.FindInstrument(arg.symbol);
    if (p == nullptr || p->quantity <= 0 || instrument == nullptr) {
      return Say(absl::StrCat("You hold no ", arg.symbol,
                              ". /positions lists what you hold."));
    }
    absl::StatusOr<Amount> price = MarketPrice(*instrument, book.money_scale());
    if (!price.ok()) {
      if (auto a = MarketProblem(price.status(), arg.symbol)) return *a;
      return price.status();
    }
    const absl::Time now = options.clock->Now();
    absl::Status refused;
    BOTCORE_RETURN_IF_ERROR(
        options.database->Transact([&](SqlTransaction& tx) -> absl::Status {
          answer.clear();
          refused = absl::OkStatus();
          BOTCORE_RETURN_IF_ERROR(recorded(tx));
          if (!answer.empty()) return absl::OkStatus();
          BOTCORE_ASSIGN_OR_RETURN(PortfolioBook held,
                                   portfolios->LoadIn(tx, r.owner, now));
          const Position* position = held.FindPosition(arg.symbol);
          if (position == nullptr || position->quantity <= 0) {
            return absl::OkStatus();  // closed meanwhile
          }
          const int64_t loaded = held.state().trade_count;
          // The sell is reviewed as every trade is: trading hours and the
          // drawdown guard's HALTED state apply to it too.
          Recommendation sell;
          sell.symbol = arg.symbol;
          sell.action = TradeAction::kSell;
          const int64_t holding = position->quantity;
          sell.quantity = holding;
          sell.time = now;
          BOTCORE_ASSIGN_OR_RETURN(RiskLimits limits, LimitsIn(tx, r.owner));
          const RiskVerdict verdict =
              risk->Review(sell, held, *price, now, limits);
          if (!verdict.allowed()) {
            refused = absl::FailedPreconditionError(absl::StrCat(
                verdict.reasons.empty() ? verdict.Summary()
                                        : verdict.reasons.back().message,
                verdict.trading_state == TradingState::kHalted
                    ? ". /risk resume lifts the halt"
                    : ""));
            return absl::OkStatus();
          }
          absl::StatusOr<Trade> trade = held.Execute(verdict.order, now);
          if (absl::IsFailedPrecondition(trade.status()) ||
              absl::IsInvalidArgument(trade.status())) {
            refused = trade.status();
            return absl::OkStatus();
          }
          if (!trade.ok()) return trade.status();
          BOTCORE_RETURN_IF_ERROR(
              portfolios->SaveIn(tx, r.owner, held, loaded, now));
          // The review may sell less than held (whole lots).
          answer =
              absl::StrCat(trade->quantity < holding ? "Partly closed: sold "
                                                     : "Closed: sold ",
                           trade->quantity, " ", trade->symbol, " at ",
                           trade->price.ToString(), ", P&L ",
                           trade->realized_pnl.ToString(), ".");
          return tx
              .Execute(
                  "INSERT INTO bot_closes (request, answer, closed_at) "
                  "VALUES (?, ?, ?)",
                  {request, answer, absl::ToUnixMicros(now)})
              .status();
        }));
    if (!refused.ok()) {
      return Say(absl::StrCat("Not closed: ", refused.message()));
    }
    if (answer.empty()) {
      return Say(absl::StrCat("You hold no ", arg.symbol,
                              ". /positions lists what you hold."));
    }
    return Say(std::move(answer));
  }

  absl::StatusOr<Answer> Risk(const Request& r) {
    std::vector<std::string> args = SplitArgs(r.args);
    const RiskLimits& admin = options.limits;
    if (args.size() == 1 && args[0] == "reset") {
      BOTCORE_RETURN_IF_ERROR(
          options.database->Transact([&](SqlTransaction& tx) {
            return tx
                .Execute("DELETE FROM bot_risk_limits WHERE owner = ?",
                         {r.owner})
                .status();
          }));
      args.clear();
    } else if (args.size() == 1 && args[0] == "resume") {
      // The drawdown guard measures from the equity now: the user's own
      // decision to trade again after a REDUCING or HALTED state.
      BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book,
                               portfolios->ResetDrawdown(r.owner));
      return Say(absl::StrCat(
          "Trading resumed: the drawdown guard now measures from your equity ",
          book.peak_equity().ToString(), " ", options.book.currency, "."));
    } else if (!args.empty()) {
      const std::string usage =
          "Usage: /risk max_position <percent> | trades <per day> | "
          "daily_loss <amount> | reset | resume, e.g. /risk max_position 20.";
      if (args.size() != 2) return Say(usage);
      const std::string& key = args[0];
      const std::string& value = args[1];
      std::string column;
      SqlValue stored;
      if (key == "max_position") {
        double pct = 0;
        // Compared as fractions, pct / 100 as the configuration reads
        // MAX_POSITION_SIZE_PCT: 29 is within a bound of 29 % (0.29 * 100 is
        // 28.999999999999996).
        const double bound = admin.max_position_fraction.value_or(1.0);
        if (!absl::SimpleAtod(value, &pct) || !std::isfinite(pct) || pct <= 0 ||
            pct / 100 > bound) {
          return Say(absl::StrFormat(
              "max_position must be a percent above 0 and at most %g, e.g. "
              "/risk max_position 20.",
              bound * 100));
        }
        column = "max_position_pct";
        stored = pct;
      } else if (key == "trades") {
        int64_t n = 0;
        const int64_t bound = admin.max_trades_per_day.value_or(1000);
        if (!absl::SimpleAtoi(value, &n) || n < 1 || n > bound) {
          return Say(absl::StrCat("trades must be a whole number from 1 to ",
                                  bound, ", e.g. /risk trades 3."));
        }
        column = "trades_per_day";
        stored = n;
      } else if (key == "daily_loss") {
        absl::StatusOr<Amount> loss =
            Amount::Parse(value, options.book.initial_cash.scale());
        const bool too_big = loss.ok() && admin.daily_loss_limit &&
                             *loss > *admin.daily_loss_limit;
        if (!loss.ok() || !loss->is_positive() || too_big) {
          return Say(absl::StrCat(
              "daily_loss must be a positive amount",
              admin.daily_loss_limit
                  ? absl::StrCat(" up to ", admin.daily_loss_limit->ToString())
                  : "",
              ", e.g. /risk daily_loss 500."));
        }
        column = "daily_loss";
        stored = loss->ToString();
      } else {
        return Say(usage);
      }
      BOTCORE_RETURN_IF_ERROR(
          options.database->Transact([&](SqlTransaction& tx) {
            BOTCORE_RETURN_IF_ERROR(
                tx.Execute("INSERT INTO bot_risk_limits (owner) VALUES (?) "
                           "ON CONFLICT (owner) DO NOTHING",
                           {r.owner})
                    .status());
            return tx
                .Execute(absl::StrCat("UPDATE bot_risk_limits SET ", column,
                                      " = ? WHERE owner = ?"),
                         {stored, r.owner})
                .status();
          }));
    }
    BOTCORE_ASSIGN_OR_RETURN(RiskLimits own, LimitsOf(r.owner));
    BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book, portfolios->Open(r.owner));
    const TradingState state = RiskEngine::TradingStateOf(book, own);
    std::string text = "Your limits:\n";
    if (own.max_position_fraction) {
      absl::StrAppend(&text,
                      "max position: ", Percent(*own.max_position_fraction),
                      " of equity\n");
    }
    if (own.max_trades_per_day) {
      absl::StrAppend(&text, "trades per day: ", *own.max_trades_per_day, "\n");
    }
    if (own.daily_loss_limit) {
      absl::StrAppend(&text,
                      "daily loss limit: ", own.daily_loss_limit->ToString(),
                      " ", options.book.currency, "\n");
    }
    absl::StrAppend(
        &text, "default stop-loss: ", Percent(own.default_stop_loss_fraction),
        ", take-profit: ", Percent(own.default_take_profit_fraction));
    if (own.min_reward_risk) {
      absl::StrAppend(&text, absl::StrFormat(", minimum reward/risk %.1f",
                                             *own.min_reward_risk));
    }
    absl::StrAppend(&text,
                    "\nTighten them with /risk max_position 20, /risk trades 3 "
                    "or /risk daily_loss 500; /risk reset.");
    if (state != TradingState::kActive) {
      absl::StrAppend(
          &text, "\nTrading is ", ToAbsl(TradingStateName(state)),
          state == TradingState::kReducing ? " (only closing positions)"
                                           : " (no orders)",
          ": your equity ", book.Equity().ToString(), " is down from its peak ",
          book.peak_equity().ToString(),
          ". /risk resume measures from your equity now.");
    }
    return Say(text);
  }

  absl::StatusOr<Answer> Stats(const Request&) {
    BOTCORE_ASSIGN_OR_RETURN(std::vector<SignalStats> all, journal->AllStats());
    if (all.empty()) return Say("No signals recorded yet. Try /signal GAZP.");
    std::string text = "Signal statistics:\n";
    for (const SignalStats& s : all) {
      absl::StrAppend(
          &text,
          absl::StrFormat("%s %s: %d signals, %d open, %d resolved", s.symbol,
                          s.timeframe, s.recorded, s.open, s.resolved));
      if (s.resolved > 0) {
        absl::StrAppend(
            &text,
            absl::StrFormat(", win rate %.0f%%, average R %.2f, "
                            "profit factor %.2f",
                            s.win_rate * 100, s.average_r, s.profit_factor));
      }
      text += "\n";
    }
    return Say(text);
  }

  absl::StatusOr<Answer> BacktestCommand(const Request& r) {
    SymbolArg arg = SymbolFrom(r.args, "backtest", false);
    if (arg.error) return *arg.error;
    BacktestOptions bo;
    bo.portfolio = options.book;
    bo.symbol = arg.symbol;
    absl::StatusOr<std::unique_ptr<Backtester>> backtester =
        Backtester::Create(bo);
    if (!backtester.ok()) {
      return Say(absl::StrCat("There is no trading in ", arg.symbol,
                              " here; try /backtest ", options.default_symbol,
                              "."));
    }
    CandleQuery q;
    q.security = arg.symbol;
    q.board = options.board;
    q.interval = CandleInterval::kDay;
    q.till = options.clock->Now();
    q.from = q.till - absl::Hours(24 * 365 * 15);
    absl::StatusOr<std::vector<Candle>> candles =
        options.market_data->GetCandles(q);
    if (!candles.ok()) {
      if (auto a = MarketProblem(candles.status(), arg.symbol)) return *a;
      return candles.status();
    }
    if (candles->size() < 60) {
      return Say(absl::StrCat("Too little history for ", arg.symbol, ": ",
                              candles->size(), " daily bars."));
    }
    DefaultStrategyOptions so;
    so.symbol = arg.symbol;
    BOTCORE_ASSIGN_OR_RETURN(std::unique_ptr<DefaultStrategy> strategy,
                             DefaultStrategy::Create(so));
    BOTCORE_ASSIGN_OR_RETURN(BacktestResult result,
                             (*backtester)->Run(*strategy, *candles));
    const BacktestReport& rep = result.report;
    Answer a = Say(absl::StrFormat(
        "Backtest of the default strategy on %s, %d daily bars (%s to %s):\n"
        "return %.1f%%, CAGR %.1f%%, max drawdown %.1f%%, Sharpe %.2f\n"
        "%d round trips, win rate %.0f%%, final equity %s",
        arg.symbol, rep.bars, FormatDay(candles->front().time),
        FormatDay(candles->back().time), rep.total_return * 100, rep.cagr * 100,
        rep.max_drawdown * 100, rep.sharpe, rep.round_trips, rep.win_rate * 100,
        rep.final_equity.ToString()));
    std::vector<double> curve;
    curve.reserve(result.equity_curve.size());
    for (const EquityPoint& p : result.equity_curve) {
      curve.push_back(ToDouble(p.equity));
    }
    absl::StatusOr<std::string> png =
        internal::RenderEquityChartPng(curve, 640, 320);
    if (png.ok()) {
      a.photo_png = std::move(*png);
      a.photo_caption = absl::StrCat(arg.symbol, " equity curve");
    }
    return a;
  }

  // ---- money --------------------------------------------------------------

  absl::StatusOr<Answer> Wallet(const Request& r) {
    std::string_view address = r.args;
    if (address.empty()) {
      BOTCORE_RETURN_IF_ERROR(SetAwaiting(r.chat_id, "wallet"));
      return Say(
          "Send the address you will deposit from, e.g. "
          "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    }
    absl::Status s = deposits->RegisterWallet(r.owner, address);
    if (absl::IsInvalidArgument(s)) {
      return Say(
          "That is not a valid BSC address (0x and 40 hex digits), e.g. "
          "/wallet 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    }
    if (absl::IsAlreadyExists(s)) {
      return Say("That address is registered by another user.");
    }
    BOTCORE_RETURN_IF_ERROR(s);
    return Say(absl::StrCat("Wallet ", ToAbsl(address),
                            " registered: deposits from it are credited to "
                            "you. /deposit says where to send."));
  }

  absl::StatusOr<Answer> DepositCommand(const Request&) {
    if (options.system_wallet.empty()) {
      return Say("Deposits are not enabled on this bot.");
    }
    return Say(absl::StrCat(
        "Send ", options.asset, " (BEP-20, contract ", options.token_contract,
        ") from your registered wallet (/wallet) to ", options.system_wallet,
        ".\nMinimum: ", options.minimum_deposit, " ", options.asset,
        ". Credited after ", options.confirmations,
        " confirmations; you get a message then."));
  }

  absl::StatusOr<Answer> BalanceCommand(const Request& r) {
    absl::StatusOr<Balance> b = ledger->GetBalance({r.owner, options.asset});
    if (absl::IsNotFound(b.status())) {
      return Say(absl::StrCat("Balance: 0 ", options.asset,
                              ". /deposit says how to add funds."));
    }
    if (!b.ok()) return b.status();
    std::string text = absl::StrCat("Balance: ", b->posted.ToDisplayString(),
                                    " ", options.asset);
    if (b->available != b->posted) {
      absl::StrAppend(&text, " (available ", b->available.ToDisplayString(),
                      ", the rest held for withdrawals)");
    }
    return Say(text);
  }

  absl::StatusOr<Answer> Withdraw(const Request& r) {
    std::vector<std::string> args = SplitArgs(r.args);
    const std::string usage =
        "Usage: /withdraw <amount> <address>, e.g. /withdraw 10 "
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    if (args.empty()) {
      BOTCORE_RETURN_IF_ERROR(SetAwaiting(r.chat_id, "withdraw"));
      return Say(
          "Send the amount and the address, e.g. 10 "
          "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    }
    if (args.size() != 2) return Say(usage);
    absl::StatusOr<Amount> amount = ledger->ParseAmount(args[0], options.asset);
    if (!amount.ok()) {
      return Say(absl::StrCat("Not an amount of ", options.asset, ": ",
                              ToAbsl(internal::Utf8Prefix(args[0], 40)), ". ",
                              usage));
    }
    if (!amount->is_positive()) {
      return Say(absl::StrCat("The amount must be positive. ", usage));
    }
    WithdrawalRequest req;
    req.id = RequestName("w", r);
    req.user_id = r.owner;
    req.amount = *amount;
    req.destination = args[1];
    absl::StatusOr<Withdrawal> w = withdrawals->Request(req);
    if (absl::IsInvalidArgument(w.status())) {
      return Say(
          absl::StrCat("Cannot withdraw: ", w.status().message(), ". ", usage));
    }
    if (absl::IsNotFound(w.status())) {
      return Say(absl::StrCat("You have no ", options.asset,
                              " yet. /deposit says how to add funds."));
    }
    if (absl::IsFailedPrecondition(w.status())) {
      return Say(absl::StrCat("Insufficient funds: ", w.status().message()));
    }
    if (!w.ok()) return w.status();
    return Say(absl::StrCat("Withdrawal ", w->request.id, " of ",
                            w->request.amount.ToDisplayString(), " ", w->asset,
                            " to ", w->request.destination, " requested (fee ",
                            w->fee.ToDisplayString(),
                            "). An admin will review it."));
  }

  absl::StatusOr<Answer> Referral(const Request& r) {
    absl::StatusOr<ReferralMember> member = referral->Member(r.owner);
    if (absl::IsNotFound(member.status())) {
      return Say("Send /start first to register.");
    }
    if (!member.ok()) return member.status();
    BOTCORE_ASSIGN_OR_RETURN(ReferralStats stats, referral->Stats(r.owner));
    const std::string bot = Username();
    std::string text = absl::StrCat(
        bot.empty()
            ? absl::StrCat("Your invitation: new users send /start ref_",
                           member->code)
            : absl::StrCat("Your link: https://t.me/", bot, "?start=ref_",
                           member->code),
        "\nReferrals per level: ",
        absl::StrJoin(stats.referrals_per_level, " / "));
    if (stats.rewards.empty()) {
      absl::StrAppend(&text, "\nRewards: none yet");
    }
    for (const auto& [asset, amount] : stats.rewards) {
      absl::StrAppend(&text, "\nRewards: ", amount.ToDisplayString(), " ",
                      asset);
    }
    return Say(text);
  }

  absl::StatusOr<Answer> Level(const Request& r) {
    BOTCORE_ASSIGN_OR_RETURN(DepositLevel level, deposits->Level(r.owner));
    std::string text = absl::StrCat("Deposit level ", level.level, " (",
                                    level.credited_total.ToDisplayString(), " ",
                                    options.asset, " credited).");
    if (level.level < static_cast<int>(options.level_thresholds.size())) {
      absl::StrAppend(&text, " Next level at ",
                      options.level_thresholds[level.level], " ", options.asset,
                      ".");
    }
    return Say(text);
  }

  // ---- admin --------------------------------------------------------------

  absl::StatusOr<Answer> Admin(const Request&) {
    int64_t users = 0, active = 0, banned = 0;
    BOTCORE_RETURN_IF_ERROR(options.database->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(
              std::vector<SqlRow> rows,
              tx.Query("SELECT COUNT(*), COALESCE(SUM(active), 0), "
                       "COALESCE(SUM(banned), 0) FROM bot_users"));
          BOTCORE_ASSIGN_OR_RETURN(users, rows[0].Int64(0));
          BOTCORE_ASSIGN_OR_RETURN(active, rows[0].Int64(1));
          BOTCORE_ASSIGN_OR_RETURN(banned, rows[0].Int64(2));
          return absl::OkStatus();
        },
        kReadOnlyTransaction));
    BOTCORE_ASSIGN_OR_RETURN(std::vector<Deposit> confirming,
                             deposits->List(DepositState::kConfirming));
    BOTCORE_ASSIGN_OR_RETURN(std::vector<Deposit> unmatched,
                             deposits->List(DepositState::kUnmatched));
    BOTCORE_ASSIGN_OR_RETURN(std::vector<Withdrawal> pending,
                             withdrawals->List(WithdrawalState::kPending));
    BOTCORE_ASSIGN_OR_RETURN(std::vector<OutboxEntry> failed,
                             outbox->List(OutboxState::kFailed));
    BOTCORE_ASSIGN_OR_RETURN(std::vector<JobStatus> jobs,
                             scheduler->Statuses());
    std::string text =
        absl::StrCat("Users: ", users, " (", active, " active, ", banned,
                     " banned)\n", "Deposits confirming: ", confirming.size(),
                     ", unmatched: ", unmatched.size(), "\n");
    for (const Deposit& d : unmatched) {
      absl::StrAppend(&text, "  /assign ", d.observation.key.tx_hash, ":",
                      d.observation.key.log_index, " <user id> (",
                      d.observation.amount.ToDisplayString(), " from ",
                      d.observation.from, ")\n");
    }
    absl::StrAppend(&text, "Pending withdrawals: ", pending.size(), "\n");
    for (const Withdrawal& w : pending) {
      absl::StrAppend(&text, "  ", w.request.id, ": ",
                      w.request.amount.ToDisplayString(), " ", w.asset, " by ",
                      w.request.user_id, " to ", w.request.destination, "\n");
    }
    absl::StrAppend(&text, "Undelivered notifications: ", failed.size(), "\n");
    for (const JobStatus& j : jobs) {
      if (!j.last_error.empty()) {
        absl::StrAppend(&text, "Job ", j.name, " failed: ",
                        ToAbsl(internal::Utf8Prefix(j.last_error, 200)), "\n");
      }
    }
    return Say(text);
  }

  absl::StatusOr<Answer> Approve(const Request& r) {
    std::vector<std::string> args = SplitArgs(r.args);
    if (args.size() != 1)
      return Say("Usage: /approve <withdrawal id>, e.g. /approve w17");
    absl::StatusOr<Withdrawal> w = withdrawals->Approve(args[0]);
    if (absl::IsNotFound(w.status())) {
      return Say(absl::StrCat("No withdrawal ",
                              ToAbsl(internal::Utf8Prefix(args[0], 40)),
                              ". /admin lists the pending ones."));
    }
    if (absl::IsFailedPrecondition(w.status())) {
      return Say(absl::StrCat("Cannot approve: ", w.status().message()));
    }
    if (!w.ok()) return w.status();
    Log(absl::StrCat("audit: admin ", r.user_id, " approved ", w->request.id));
    return Say(absl::StrCat("Approved ", w->request.id, ": pay ",
                            w->request.amount.ToDisplayString(), " ", w->asset,
                            " to ", w->request.destination, "."));
  }

  absl::StatusOr<Answer> RejectWithdrawal(const Request& r) {
    std::vector<std::string> args = SplitArgs(r.args);
    if (args.size() < 2) {
      return Say(
          "Usage: /reject <withdrawal id> <reason>, e.g. /reject w17 "
          "address is a contract");
    }
    // The text after the id, as typed.
    std::string_view reason = r.args;
    reason.remove_prefix(reason.find(args[0]) + args[0].size());
    reason = internal::ToStd(absl::StripLeadingAsciiWhitespace(ToAbsl(reason)));
    absl::StatusOr<Withdrawal> w = withdrawals->Reject(args[0], reason);
    if (absl::IsNotFound(w.status())) {
      return Say(absl::StrCat("No withdrawal ",
                              ToAbsl(internal::Utf8Prefix(args[0], 40)), "."));
    }
    if (absl::IsFailedPrecondition(w.status()) ||
        absl::IsInvalidArgument(w.status())) {
      return Say(absl::StrCat("Cannot reject: ", w.status().message()));
    }
    if (!w.ok()) return w.status();
    Log(absl::StrCat("audit: admin ", r.user_id, " rejected ", w->request.id));
    return Say(
        absl::StrCat("Rejected ", w->request.id, "; the funds are back."));
  }

  absl::StatusOr<Answer> Assign(const Request& r) {
    std::vector<std::string> args = SplitArgs(r.args);
    const std::string usage =
        "Usage: /assign <tx hash>:<log index> <user id>, e.g. /assign "
        "0xab...:3 123456";
    if (args.size() != 2) return Say(usage);
    std::vector<std::string> key_parts = absl::StrSplit(args[0], ':');
    DepositKey key;
    key.chain_id = options.chain_id;
    int64_t user = 0;
    if (key_parts.size() != 2 ||
        !absl::SimpleAtoi(key_parts[1], &key.log_index) ||
        !absl::SimpleAtoi(args[1], &user) || user <= 0) {
      return Say(usage);
    }
    key.tx_hash = key_parts[0];
    // A credit cannot be taken back: only to a user the bot knows.
    BOTCORE_ASSIGN_OR_RETURN(std::optional<int64_t> known, RecordedChat(user));
    if (!known) return Say(absl::StrCat("No user ", user, "."));
    absl::StatusOr<Deposit> d = deposits->Assign(key, Owner(user));
    // kInvalidArgument: not a tx hash, so no deposit's.
    if (absl::IsNotFound(d.status()) || absl::IsInvalidArgument(d.status())) {
      return Say(absl::StrCat("No deposit ",
                              ToAbsl(internal::Utf8Prefix(args[0], 80)), "."));
    }
    if (absl::IsFailedPrecondition(d.status())) {
      return Say(absl::StrCat("Cannot assign: ", d.status().message()));
    }
    if (!d.ok()) return d.status();
    Log(absl::StrCat("audit: admin ", r.user_id, " assigned ", args[0], " to ",
                     user));
    return Say(absl::StrCat("Deposit assigned to ", user, " (",
                            ToAbsl(DepositStateName(d->state)), ")."));
  }

  absl::StatusOr<Answer> Broadcast(const Request& r) {
    const std::string text(absl::StripAsciiWhitespace(r.args));
    if (text.empty())
      return Say(
          "Usage: /broadcast <text>, e.g. /broadcast Maintenance at 22:00 "
          "UTC.");
    int64_t recipients = 0;
    const int64_t now = absl::ToUnixMicros(options.clock->Now());
    BOTCORE_RETURN_IF_ERROR(
        options.database->Transact([&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute(
                    "INSERT INTO bot_broadcasts (request, text, created_by, "
                    "created_at, cursor_user, sent, done) VALUES "
                    "(?, ?, ?, ?, ?, 0, 0) ON CONFLICT (request) DO NOTHING",
                    {RequestName("b", r), text, r.user_id, now,
                     std::numeric_limits<int64_t>::min()})
                  .status());
          BOTCORE_ASSIGN_OR_RETURN(
              std::vector<SqlRow> rows,
              tx.Query("SELECT COUNT(*) FROM bot_users WHERE active = 1 AND "
                       "banned = 0"));
          BOTCORE_ASSIGN_OR_RETURN(recipients, rows[0].Int64(0));
          return absl::OkStatus();
        }));
    Log(absl::StrCat("audit: admin ", r.user_id, " queued a broadcast"));
    return Say(absl::StrCat("Broadcast queued for ", recipients,
                            " users; it is sent at ",
                            options.broadcast_per_second,
                            " messages a second and resumes after a restart."));
  }

  absl::StatusOr<Answer> Ban(const Request& r, bool ban) {
    std::vector<std::string> args = SplitArgs(r.args);
    int64_t user = 0;
    if (args.size() != 1 || !absl::SimpleAtoi(args[0], &user) || user <= 0) {
      return Say(absl::StrCat("Usage: /", ban ? "ban" : "unban",
                              " <user id>, e.g. /", ban ? "ban" : "unban",
                              " 123456"));
    }
    if (ban && user == r.user_id) return Say("You cannot ban yourself.");
    int64_t changed = 0;
    BOTCORE_RETURN_IF_ERROR(
        options.database->Transact([&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(
              changed, tx.Execute("UPDATE bot_users SET banned = ? WHERE "
                                  "user_id = ?",
                                  {ban ? 1 : 0, user}));
          return absl::OkStatus();
        }));
    if (changed == 0) return Say(absl::StrCat("No user ", user, "."));
    Log(absl::StrCat("audit: admin ", r.user_id,
                     ban ? " banned " : " unbanned ", user));
    return Say(absl::StrCat("User ", user, ban ? " banned." : " unbanned."));
  }

  // ---- notifications (OutboxTarget) ---------------------------------------

  // The chat recorded for a user; std::nullopt for a user the bot never
  // saw.
  absl::StatusOr<std::optional<int64_t>> RecordedChat(int64_t user_id) {
    std::optional<int64_t> chat;
    BOTCORE_RETURN_IF_ERROR(options.database->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          chat.reset();
          BOTCORE_ASSIGN_OR_RETURN(
              std::vector<SqlRow> rows,
              tx.Query("SELECT chat_id FROM bot_users WHERE user_id = ?",
                       {user_id}));
          if (!rows.empty()) {
            BOTCORE_ASSIGN_OR_RETURN(chat, rows[0].Int64(0));
          }
          return absl::OkStatus();
        },
        kReadOnlyTransaction));
    return chat;
  }

  absl::Status NotifyOwner(std::string_view owner, const std::string& text) {
    std::optional<int64_t> user = UserOfOwner(owner);
    if (!user) return absl::OkStatus();  // not a Telegram user: nobody to tell
    BOTCORE_ASSIGN_OR_RETURN(std::optional<int64_t> chat, RecordedChat(*user));
    // Never seen: a user's private chat id is their user id.
    return Notify(chat.value_or(*user), text);
  }

  // Queues `text` (what `entry` tells the admins) as one "admin.notice"
  // message per admin chat and the owner's, so that a chat refused for
  // good holds back nobody and a retry for one chat repeats nothing to the
  // others. Their keys derive from the entry: a repeated delivery of it
  // queues nothing new.
  absl::Status NotifyAdmins(const OutboxEntry& entry, const std::string& text) {
    std::vector<int64_t> chats = options.admin_ids;
    if (options.owner_chat_id != 0 &&
        std::find(chats.begin(), chats.end(), options.owner_chat_id) ==
            chats.end()) {
      chats.push_back(options.owner_chat_id);
    }
    std::vector<OutboxMessage> notices;
    for (int64_t chat : chats) {
      notices.push_back({absl::StrCat("admin:", entry.id, ":", chat),
                         "admin.notice",
                         internal::JsonObject(
                             {{"chat", absl::StrCat(chat)}, {"text", text}})});
    }
    BOTCORE_RETURN_IF_ERROR(options.database->Transact(
        [&](SqlTransaction& tx) { return outbox->EnqueueAll(tx, notices); }));
    notices_queued = true;
    return absl::OkStatus();
  }

  // Sends one admin chat its notice; a chat refused for good is logged and
  // skipped, any other failure is retried.
  absl::Status DeliverAdminNotice(std::string_view chat_text,
                                  const std::string& text) {
    int64_t chat = 0;
    if (!absl::SimpleAtoi(ToAbsl(chat_text), &chat)) {
      return absl::InvalidArgumentError(
          absl::StrCat("admin notice for chat \"", ToAbsl(chat_text), "\""));
    }
    return Notify(chat, text);
  }

  // Sends a notification; a chat that refuses it for good (blocked, gone,
  // moved) is logged and skipped, any other failure is returned, so the
  // outbox or the job tries again.
  absl::Status Notify(int64_t chat, const std::string& text) {
    absl::Status s = Send(chat, Say(text));
    if (!RefusedForGood(s)) return s;
    Log(absl::StrCat("chat ", chat, " refused a notification: ", s.ToString()));
    return absl::OkStatus();
  }

  absl::Status Deliver(const OutboxEntry& entry) override {
    std::optional<std::map<std::string, std::string>> f =
        internal::ParseJsonObject(entry.message.payload);
    if (!f) {
      return absl::InvalidArgumentError(
          absl::StrCat("unreadable payload of ", entry.message.key));
    }
    auto get = [&](const char* k) { return (*f)[k]; };
    const std::string& topic = entry.message.topic;
    if (topic == "deposit.credited") {
      return NotifyOwner(get("user_id"),
                         absl::StrCat("Deposit of ", Human(get("amount")), " ",
                                      get("asset"), " credited. Thank you!"));
    }
    if (topic == "deposit.level_up") {
      return NotifyOwner(
          get("user_id"),
          absl::StrCat("You reached deposit level ", get("level"), " (",
                       Human(get("credited_total")), " ", get("asset"),
                       " in total)."));
    }
    if (topic == "referral.reward") {
      return NotifyOwner(
          get("user_id"),
          absl::StrCat("Referral reward: ", Human(get("amount")), " ",
                       get("asset"), " (level ", get("level"), ")."));
    }
    if (topic == "admin.notice") {
      return DeliverAdminNotice(get("chat"), get("text"));
    }
    if (topic == "referral.reward_unpaid") {
      return NotifyAdmins(
          entry,
          absl::StrCat("The rewards pool cannot pay a referral reward of ",
                       Human(get("amount")), " ", get("asset"), " to ",
                       get("user_id"), " (level ", get("level"), ", from ",
                       get("from_user_id"),
                       "). It is paid once the pool is funded."));
    }
    if (topic == "deposit.unmatched") {
      return NotifyAdmins(
          entry,
          absl::StrCat("Deposit of ", Human(get("amount")), " ", get("asset"),
                       " from ", get("from"),
                       " has no registered sender: /assign ", get("tx_hash"),
                       ":", get("log_index"), " <user id>"));
    }
    if (topic == "withdrawal.pending") {
      return NotifyAdmins(
          entry,
          absl::StrCat("Withdrawal ", get("id"), ": ", Human(get("amount")),
                       " ", get("asset"), " to ", get("destination"), " by ",
                       get("user_id"), ". /approve ", get("id"), " or /reject ",
                       get("id"), " <reason>"));
    }
    if (topic == "withdrawal.payout") {
      return NotifyAdmins(
          entry, absl::StrCat("Payout due: send ", Human(get("amount")), " ",
                              get("asset"), " to ", get("destination"),
                              " (withdrawal ", get("id"), ")."));
    }
    if (absl::StartsWith(topic, "withdrawal.")) {
      std::string text = absl::StrCat("Your withdrawal ", get("id"), " of ",
                                      Human(get("amount")), " ", get("asset"),
                                      " is ", get("state"), ".");
      if (!get("reason").empty()) absl::StrAppend(&text, " ", get("reason"));
      if (!get("payout_tx_hash").empty()) {
        absl::StrAppend(&text, " Transaction ", get("payout_tx_hash"));
      }
      return NotifyOwner(get("user_id"), text);
    }
    if (topic == "trade.exit") {
      return NotifyOwner(
          get("owner"),
          absl::StrCat(
              get("reason") == TradeReasonName(TradeReason::kTakeProfit)
                  ? "Take-profit"
                  : "Stop-loss",
              " hit: sold ", get("quantity"), " ", get("symbol"), " at ",
              get("price"), ", P&L ", get("pnl"), "."));
    }
    if (topic == "alert") {
      const int64_t chat = AlertChat();
      if (chat == 0) return absl::OkStatus();
      return Notify(chat, absl::StrCat("Alert: ", get("text")));
    }
    return absl::OkStatus();  // a topic for another consumer
  }

  // ---- scheduled jobs -----------------------------------------------------

  // Runs a job and raises an alert on the first failure of a streak.
  std::function<absl::Status()> Watched(std::string name,
                                        std::function<absl::Status()> job) {
    return [this, name = std::move(name), job = std::move(job)] {
      absl::Status s = job();
      int streak = 0;
      {
        absl::MutexLock lock(&mu);
        streak = s.ok() ? 0 : job_failures[name] + 1;
        job_failures[name] = streak;
      }
      if (!s.ok()) {
        Log(absl::StrCat("job ", name, ": ", s.ToString()));
        if (options.observer != nullptr) options.observer->OnError(name, s);
        if (streak == 1 || streak == options.alert_after_errors) {
          Alert(absl::StrCat("alert:job:", name, ":", streak, ":",
                             absl::ToUnixSeconds(options.clock->Now())),
                absl::StrCat("job ", name, " failed",
                             streak > 1
                                 ? absl::StrCat(" ", streak, " times in a row")
                                 : "",
                             ": ", s.ToString()));
        }
      }
      return s;
    };
  }

  absl::Status WatchStops() {
    BOTCORE_RETURN_IF_ERROR(desk->ExpireDue().status());
    for (const Instrument& instrument : options.book.instruments) {
      absl::StatusOr<Amount> price =
          MarketPrice(instrument, options.book.initial_cash.scale());
      if (absl::IsNotFound(price.status())) continue;
      BOTCORE_RETURN_IF_ERROR(price.status());
      // Each exit's notice is queued in the exit's own transaction.
      BOTCORE_RETURN_IF_ERROR(
          portfolios
              ->OnPrice(
                  instrument.symbol, {*price, *price, *price, *price},
                  [this](SqlTransaction& tx, const PositionExit& e) {
                    return outbox->Enqueue(
                        tx, {absl::StrCat("trade.exit:", e.owner, ":",
                                          e.trade.sequence),
                             "trade.exit",
                             internal::JsonObject(
                                 {{"owner", e.owner},
                                  {"symbol", e.trade.symbol},
                                  {"quantity", absl::StrCat(e.trade.quantity)},
                                  {"price", e.trade.price.ToString()},
                                  {"pnl", e.trade.realized_pnl.ToString()},
                                  {"reason", std::string(ToAbsl(TradeReasonName(
                                                 e.trade.reason)))}})});
                  })
              .status());
    }
    return absl::OkStatus();
  }

  absl::Status DeliverOutbox() {
    // Admins' notices queued by a round go out in a second one at once.
    notices_queued = false;
    BOTCORE_RETURN_IF_ERROR(outbox->DeliverDue(*this, 100).status());
    if (notices_queued) {
      BOTCORE_RETURN_IF_ERROR(outbox->DeliverDue(*this, 100).status());
    }
    if (options.observer != nullptr) {
      BOTCORE_ASSIGN_OR_RETURN(std::vector<OutboxEntry> pending,
                               outbox->List(OutboxState::kPending, 10000));
      options.observer->OnOutboxBacklog(static_cast<int64_t>(pending.size()));
    }
    return absl::OkStatus();
  }

  absl::Status SendBroadcasts() {
    const int batch = std::max(
        1, static_cast<int>(options.broadcast_per_second *
                            absl::ToDoubleSeconds(options.broadcast_period)));
    int64_t id = 0, cursor = 0, creator = 0;
    std::string text;
    std::vector<std::pair<int64_t, int64_t>> recipients;  // user, chat
    BOTCORE_RETURN_IF_ERROR(options.database->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          id = 0;
          recipients.clear();
          BOTCORE_ASSIGN_OR_RETURN(
              std::vector<SqlRow> rows,
              tx.Query("SELECT id, text, cursor_user, created_by FROM "
                       "bot_broadcasts WHERE done = 0 ORDER BY id LIMIT 1"));
          if (rows.empty()) return absl::OkStatus();
          BOTCORE_ASSIGN_OR_RETURN(id, rows[0].Int64(0));
          BOTCORE_ASSIGN_OR_RETURN(text, rows[0].Text(1));
          BOTCORE_ASSIGN_OR_RETURN(cursor, rows[0].Int64(2));
          BOTCORE_ASSIGN_OR_RETURN(creator, rows[0].Int64(3));
          BOTCORE_ASSIGN_OR_RETURN(
              std::vector<SqlRow> users,
              tx.Query("SELECT user_id, chat_id FROM bot_users WHERE "
                       "user_id > ? AND active = 1 AND banned = 0 ORDER BY "
                       "user_id LIMIT ?",
                       {cursor, batch}));
          for (const SqlRow& u : users) {
            BOTCORE_ASSIGN_OR_RETURN(int64_t user, u.Int64(0));
            BOTCORE_ASSIGN_OR_RETURN(int64_t chat, u.Int64(1));
            recipients.emplace_back(user, chat);
          }
          return absl::OkStatus();
        },
        kReadOnlyTransaction));
    if (id == 0) return absl::OkStatus();
    const absl::Duration pause =
        absl::Seconds(1) / options.broadcast_per_second;
    // Moves the cursor from `from` to `to`; false when it is no longer at
    // `from` (another instance took the broadcast over and moved it on).
    auto move_cursor = [&](int64_t from, int64_t to) -> absl::StatusOr<bool> {
      int64_t moved = 0;
      BOTCORE_RETURN_IF_ERROR(
          options.database->Transact([&](SqlTransaction& tx) -> absl::Status {
            BOTCORE_ASSIGN_OR_RETURN(
                moved, tx.Execute("UPDATE bot_broadcasts SET cursor_user = ? "
                                  "WHERE id = ? AND cursor_user = ?",
                                  {to, id, from}));
            return absl::OkStatus();
          }));
      return moved == 1;
    };
    for (const auto& [user, chat] : recipients) {
      // The cursor passes a recipient before the message goes out, so no
      // two instances send it and a restart skips at most the message in
      // flight.
      BOTCORE_ASSIGN_OR_RETURN(const bool ours, move_cursor(cursor, user));
      if (!ours) return absl::OkStatus();
      absl::Status s = Send(chat, Say(text));
      if (s.ok()) {
        BOTCORE_RETURN_IF_ERROR(
            options.database->Transact([&](SqlTransaction& tx) {
              return tx
                  .Execute(
                      "UPDATE bot_broadcasts SET sent = sent + 1 WHERE id = ?",
                      {id})
                  .status();
            }));
      } else if (RefusedForGood(s)) {
        Log(absl::StrCat("broadcast ", id, " skips chat ", chat, ": ",
                         s.ToString()));
      } else {
        // Resumes with this recipient next period.
        BOTCORE_RETURN_IF_ERROR(move_cursor(user, cursor).status());
        return s;
      }
      cursor = user;
      options.clock->SleepFor(pause);
    }
    if (static_cast<int>(recipients.size()) < batch) {
      int64_t finished = 0, sent = 0;
      BOTCORE_RETURN_IF_ERROR(
          options.database->Transact([&](SqlTransaction& tx) -> absl::Status {
            BOTCORE_ASSIGN_OR_RETURN(
                finished, tx.Execute("UPDATE bot_broadcasts SET done = 1 "
                                     "WHERE id = ? AND cursor_user = ? AND "
                                     "done = 0",
                                     {id, cursor}));
            BOTCORE_ASSIGN_OR_RETURN(
                std::vector<SqlRow> rows,
                tx.Query("SELECT sent FROM bot_broadcasts WHERE id = ?", {id}));
            BOTCORE_ASSIGN_OR_RETURN(sent, rows[0].Int64(0));
            return absl::OkStatus();
          }));
      if (finished == 1) {
        Send(creator,
             Say(absl::StrCat("Broadcast done: sent to ", sent, " users.")))
            .IgnoreError();
      }
    }
    return absl::OkStatus();
  }

  absl::Status DailySummary() {
    const int64_t since =
        absl::ToUnixMicros(options.clock->Now() - absl::Hours(24));
    int64_t users = 0, fresh = 0, handled = 0;
    BOTCORE_RETURN_IF_ERROR(options.database->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                                   tx.Query("SELECT COUNT(*) FROM bot_users"));
          BOTCORE_ASSIGN_OR_RETURN(users, rows[0].Int64(0));
          BOTCORE_ASSIGN_OR_RETURN(
              rows, tx.Query("SELECT COUNT(*) FROM bot_users WHERE "
                             "registered_at >= ?",
                             {since}));
          BOTCORE_ASSIGN_OR_RETURN(fresh, rows[0].Int64(0));
          BOTCORE_ASSIGN_OR_RETURN(
              rows, tx.Query("SELECT COUNT(*) FROM bot_updates WHERE "
                             "claimed_at >= ?",
                             {since}));
          BOTCORE_ASSIGN_OR_RETURN(handled, rows[0].Int64(0));
          return absl::OkStatus();
        },
        kReadOnlyTransaction));
    BOTCORE_ASSIGN_OR_RETURN(std::vector<Withdrawal> pending,
                             withdrawals->List(WithdrawalState::kPending));
    BOTCORE_ASSIGN_OR_RETURN(std::vector<OutboxEntry> failed,
                             outbox->List(OutboxState::kFailed));
    const int64_t chat = AlertChat();
    if (chat == 0) return absl::OkStatus();
    return Notify(chat,
                  absl::StrCat("Daily summary: ", users, " users (", fresh,
                               " new), ", handled, " updates handled, ",
                               pending.size(), " withdrawals pending, ",
                               failed.size(), " undelivered notifications."));
  }

  absl::Status Cleanup() {
    const int64_t cutoff =
        absl::ToUnixMicros(options.clock->Now() - options.retention);
    // In batches, each its own transaction: updates, sessions and
    // notifications pile up by the million at a busy bot's rates.
    BOTCORE_RETURN_IF_ERROR(
        internal::DeleteInBatches(*options.database, "bot_updates", "update_id",
                                  "state = 'done' AND claimed_at < ?", {cutoff},
                                  kCleanupBatch)
            .status());
    BOTCORE_RETURN_IF_ERROR(
        internal::DeleteInBatches(*options.database, "bot_sessions", "chat_id",
                                  "updated_at < ?", {cutoff}, kCleanupBatch)
            .status());
    BOTCORE_RETURN_IF_ERROR(
        internal::DeleteInBatches(*options.database, "bot_closes", "request",
                                  "closed_at < ?", {cutoff}, kCleanupBatch)
            .status());
    BOTCORE_RETURN_IF_ERROR(
        portfolios
            ->PurgeEquityHistory(absl::FromUnixMicros(cutoff), kCleanupBatch)
            .status());
    // Failed notifications stay for /admin until retried.
    BOTCORE_RETURN_IF_ERROR(
        outbox->PurgeDelivered(absl::FromUnixMicros(cutoff), kCleanupBatch)
            .status());
    BOTCORE_RETURN_IF_ERROR(ledger->ExpirePendingTransfers().status());
    return desk->ExpireDue().status();
  }

  absl::Status GuardDisk() {
    BOTCORE_ASSIGN_OR_RETURN(int64_t free_bytes, options.free_disk_bytes());
    if (free_bytes < options.min_free_disk_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("only ", free_bytes / (1 << 20),
                       " MiB free on the database disk (", "the guard wants ",
                       options.min_free_disk_bytes / (1 << 20), " MiB)"));
    }
    return absl::OkStatus();
  }

  absl::Status AddJobs() {
    struct Job {
      const char* name;
      absl::Duration period;
      std::function<absl::Status()> run;
    };
    std::vector<Job> jobs = {
        {"watcher", options.watcher_period, [this] { return WatchStops(); }},
        {"outbox", options.outbox_period, [this] { return DeliverOutbox(); }},
        {"broadcast", options.broadcast_period,
         [this] { return SendBroadcasts(); }},
        {"daily_summary", options.summary_period,
         [this] { return DailySummary(); }},
        {"cleanup", options.cleanup_period, [this] { return Cleanup(); }},
    };
    if (options.chain != nullptr && !options.system_wallet.empty()) {
      jobs.push_back({"chain_monitor", options.chain_monitor_period,
                      [this]() -> absl::Status {
                        BOTCORE_ASSIGN_OR_RETURN(
                            SyncReport r, deposits->Sync(*options.chain));
                        if (options.observer != nullptr && r.credited > 0) {
                          options.observer->OnDepositsCredited(r.credited);
                        }
                        // Rewards a capped pool could not cover, once it
                        // can (an empty table when the pool is uncapped).
                        return referral->PayUnpaidRewards().status();
                      }});
      jobs.push_back({"confirmations", options.confirmation_period,
                      [this]() -> absl::Status {
                        BOTCORE_ASSIGN_OR_RETURN(
                            SyncReport r, deposits->Process(*options.chain));
                        if (options.observer != nullptr && r.credited > 0) {
                          options.observer->OnDepositsCredited(r.credited);
                        }
                        return absl::OkStatus();
                      }});
    }
    if (options.free_disk_bytes) {
      jobs.push_back({"disk_guard", options.disk_guard_period,
                      [this] { return GuardDisk(); }});
    }
    if (options.backup) {
      jobs.push_back({"backup", options.backup_period, options.backup});
    }
    for (Job& j : jobs) {
      ScheduledJob s;
      s.name = j.name;
      s.period = j.period;
      // A run's lease: its period, within 1-5 minutes. A crashed run holds
      // the job's next periods back that long; a run that outlasts it may
      // overlap the next one, which every job here tolerates (outbox claims,
      // the broadcast cursor's compare-and-set, idempotent crediting).
      s.lease = std::clamp(j.period, absl::Minutes(1), absl::Minutes(5));
      s.run = Watched(j.name, std::move(j.run));
      BOTCORE_RETURN_IF_ERROR(scheduler->Add(std::move(s)));
    }
    return absl::OkStatus();
  }

  // ---- workers ------------------------------------------------------------

  static int64_t ChatKey(const Update& u) {
    if (u.message) return u.message->chat.id;
    if (u.callback_query && u.callback_query->message) {
      return u.callback_query->message->chat.id;
    }
    if (u.callback_query) return u.callback_query->from.id;
    if (u.my_chat_member) return u.my_chat_member->chat.id;
    return 0;
  }

  // Hands `u` to the workers (its chat's queue); `attempts` earlier tries;
  // `claimed`: its claim, when its batch was claimed before.
  void Submit(OrderedExecutor& executor, Update u, int attempts,
              std::optional<BatchClaim> claimed = std::nullopt) {
    const int64_t chat = ChatKey(u);
    const int64_t id = u.id;
    {
      absl::MutexLock lock(&mu);
      pending_ids.insert(u.id);
      ++chats_in_flight[chat];
      max_received = std::max(max_received, u.id);
    }
    in_flight_count.fetch_add(1);
    // The chat's next update waits until this one's answer is sent.
    absl::Status queued = executor.SubmitHeld(
        chat, [this, u = std::move(u), attempts, claimed = std::move(claimed),
               chat](OrderedExecutor::Release release) mutable {
          auto update = std::make_unique<Update>(std::move(u));
          const Update& handled_update = *update;
          HandleThen(handled_update, std::move(claimed),
                     /*wait_for_record=*/false,
                     /*start_send=*/true,
                     [this, update = std::move(update), attempts, chat,
                      release = std::move(release)](bool handled) mutable {
                       // The last update in the workers' hands records the
                       // queued done marks: none waits for a next answer while
                       // the bot is idle. (This may run on the messenger's
                       // thread.)
                       if (in_flight_count.fetch_sub(1) == 1) {
                         OffMessengerThread([this] { RecordQueued(); });
                       }
                       {
                         absl::MutexLock lock(&mu);
                         pending_ids.erase(update->id);
                         LeaveChat(chat);
                         if (!handled) {
                           if (attempts + 1 >= kMaxUpdateAttempts) {
                             Log(absl::StrCat("update ", update->id,
                                              " given up after ", attempts + 1,
                                              " attempts"));
                           } else {
                             const int64_t retried = update->id;
                             retries[retried] = {
                                 std::move(*update), attempts + 1,
                                 options.clock->Now() + kUpdateRetryDelay};
                           }
                         }
                       }
                       std::move(release)();
                     });
        });
    if (!queued.ok()) {
      in_flight_count.fetch_sub(1);
      absl::MutexLock lock(&mu);
      pending_ids.erase(id);
      LeaveChat(chat);
    }
  }

  void LeaveChat(int64_t chat) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    auto it = chats_in_flight.find(chat);
    if (--it->second == 0) chats_in_flight.erase(it);
  }

  void SubmitDueRetries(OrderedExecutor& executor) {
    std::vector<Retry> due;
    {
      const absl::Time now = options.clock->Now();
      absl::MutexLock lock(&mu);
      for (auto it = retries.begin(); it != retries.end();) {
        if (it->second.due <= now) {
          due.push_back(std::move(it->second));
          it = retries.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (Retry& r : due) Submit(executor, std::move(r.update), r.attempts);
  }

  // Waits until at most `receive_at_unfinished` received updates are
  // unfinished (at most kRoomWait), or with finish_batch_before_receive
  // until none is.
  void AwaitRoomToReceive() {
    const size_t room =
        options.finish_batch_before_receive
            ? 0
            : static_cast<size_t>(options.receive_at_unfinished);
    auto has_room = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return pending_ids.size() <= room;
    };
    if (options.finish_batch_before_receive) {
      mu.LockWhen(absl::Condition(&has_room));
    } else {
      // A real-time wait, as for the workers it waits on.
      mu.LockWhenWithTimeout(absl::Condition(&has_room), kRoomWait);
    }
    mu.Unlock();
  }

  // ---- acknowledgements ---------------------------------------------------

  void Acknowledge() {
    int64_t mark = 0;
    {
      absl::MutexLock lock(&mu);
      mark = max_received;
      if (!pending_ids.empty()) mark = std::min(mark, *pending_ids.begin() - 1);
      if (!retries.empty()) mark = std::min(mark, retries.begin()->first - 1);
      if (mark <= acknowledged) return;
    }
    if (absl::Status s = options.messenger->Acknowledge(mark); !s.ok()) {
      ReportError("acknowledge", s);  // tried again at the next round
      return;
    }
    absl::MutexLock lock(&mu);
    acknowledged = std::max(acknowledged, mark);
  }
};

Bot::Bot(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bot::~Bot() = default;

thread_local Bot::Impl::Answering Bot::Impl::answering;

absl::StatusOr<std::unique_ptr<Bot>> Bot::Create(const BotOptions& options) {
  if (options.messenger == nullptr || options.market_data == nullptr ||
      options.advisor == nullptr || options.database == nullptr ||
      options.clock == nullptr) {
    return absl::InvalidArgumentError(
        "BotOptions: messenger, market_data, advisor, database and clock are "
        "required");
  }
  if (options.worker_threads < 1 || options.rate_limit_max_requests < 1 ||
      options.rate_limit_window <= absl::ZeroDuration() ||
      options.broadcast_per_second <= 0 || options.history_bars < 2 ||
      options.alert_after_errors < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "BotOptions: worker_threads (", options.worker_threads,
        "), rate_limit_max_requests (", options.rate_limit_max_requests,
        "), history_bars (", options.history_bars,
        "), alert_after_errors, rate_limit_window and broadcast_per_second "
        "must be positive"));
  }
  if (options.receive_at_unfinished < 0 ||
      options.max_unrecorded_answers < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "BotOptions: receive_at_unfinished (", options.receive_at_unfinished,
        ") and max_unrecorded_answers (", options.max_unrecorded_answers,
        ") must not be negative"));
  }
  // Claims are timed in microseconds: a shorter lease would make every
  // claim stale.
  if (options.update_claim_lease < absl::Microseconds(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("BotOptions: update_claim_lease (",
                     absl::FormatDuration(options.update_claim_lease),
                     ") must be at least 1us"));
  }
  for (const CustomCommand& c : options.commands) {
    bool valid = !c.name.empty() && c.name.size() <= 32 && c.run &&
                 !c.description.empty();
    for (char ch : c.name) {
      if (!absl::ascii_islower(static_cast<unsigned char>(ch)) &&
          !absl::ascii_isdigit(static_cast<unsigned char>(ch)) && ch != '_') {
        valid = false;
      }
    }
    for (const CommandInfo& b : kCommands) {
      if (b.name == c.name) valid = false;
    }
    if (!valid) {
      return absl::InvalidArgumentError(absl::StrCat(
          "BotOptions::commands: \"", c.name,
          "\" needs 1-32 of a-z, 0-9, _, a description and a function, and "
          "must not be a built-in command"));
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  {
    absl::MutexLock lock(&impl->username_mu);
    impl->username = options.bot_username;
  }
  BotOptions& o = impl->options;
  impl->run_key = absl::StrFormat("%08x", std::random_device{}());
  Database* db = o.database;
  if (o.instance_id.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
    o.instance_id = absl::StrCat(host, ":", getpid());
  }
  BOTCORE_RETURN_IF_ERROR(internal::ApplySchema(*db, internal::BotSchema()));

  BOTCORE_ASSIGN_OR_RETURN(
      impl->ledger, Ledger::Create({.database = db,
                                    .clock = o.clock,
                                    .assets = {{o.asset, o.asset_scale}}}));
  OutboxOptions oo;
  oo.database = db;
  oo.clock = o.clock;
  oo.initial_backoff = o.outbox_retry;
  BOTCORE_ASSIGN_OR_RETURN(impl->outbox, Outbox::Create(oo));
  ReferralOptions ro;
  ro.database = db;
  ro.ledger = impl->ledger.get();
  ro.clock = o.clock;
  ro.outbox = impl->outbox.get();
  ro.rates = o.referral_rates;
  ro.max_depth = o.max_referral_depth;
  BOTCORE_ASSIGN_OR_RETURN(impl->referral, ReferralEngine::Create(ro));
  DepositEngineOptions dopt;
  dopt.database = db;
  dopt.ledger = impl->ledger.get();
  dopt.clock = o.clock;
  dopt.outbox = impl->outbox.get();
  dopt.listener = impl->referral.get();
  dopt.chain_id = o.chain_id;
  dopt.token = o.token_contract;
  dopt.asset = o.asset;
  // Without a system wallet deposits are off; the engine still answers
  // /level and /wallet, watching a placeholder address nobody can send to.
  dopt.wallets = {
      o.system_wallet.empty()
          ? std::string("0x000000000000000000000000000000000000dead")
          : o.system_wallet};
  dopt.confirmations = o.confirmations;
  dopt.minimum_deposit = o.minimum_deposit;
  dopt.level_thresholds = o.level_thresholds;
  dopt.start_block = o.start_block;
  BOTCORE_ASSIGN_OR_RETURN(impl->deposits, DepositEngine::Create(dopt));
  WithdrawalOptions wo;
  wo.database = db;
  wo.ledger = impl->ledger.get();
  wo.clock = o.clock;
  wo.outbox = impl->outbox.get();
  wo.asset = o.asset;
  wo.minimum_amount = o.minimum_withdrawal;
  wo.fee = o.withdrawal_fee;
  BOTCORE_ASSIGN_OR_RETURN(impl->withdrawals, WithdrawalEngine::Create(wo));
  PortfoliosOptions po;
  po.database = db;
  po.clock = o.clock;
  po.book = o.book;
  BOTCORE_ASSIGN_OR_RETURN(impl->portfolios, Portfolios::Create(po));
  RiskEngineOptions reo;
  reo.calendar = o.calendar;
  BOTCORE_ASSIGN_OR_RETURN(impl->risk, RiskEngine::Create(reo));
  RecommendationDeskOptions rdo;
  rdo.portfolios = impl->portfolios.get();
  rdo.risk = impl->risk.get();
  rdo.expiry = o.recommendation_expiry;
  rdo.limits = o.limits;
  rdo.limits_of = [im = impl.get()](SqlTransaction& tx,
                                    std::string_view owner) {
    return im->LimitsIn(tx, owner);
  };
  BOTCORE_ASSIGN_OR_RETURN(impl->desk, RecommendationDesk::Create(rdo));
  BOTCORE_ASSIGN_OR_RETURN(impl->journal,
                           SignalJournal::Create({.database = db}));
  BOTCORE_ASSIGN_OR_RETURN(
      impl->scheduler,
      Scheduler::Create(
          {.database = db, .clock = o.clock, .instance_id = o.instance_id}));
  BOTCORE_RETURN_IF_ERROR(impl->AddJobs());
  return std::unique_ptr<Bot>(new Bot(std::move(impl)));
}

std::vector<BotCommand> Bot::Commands() const {
  std::vector<BotCommand> commands;
  for (const CustomCommand& c : impl_->options.commands) {
    commands.push_back({c.name, c.description});
  }
  for (const CommandInfo& c : kCommands) {
    commands.push_back({std::string(c.name), std::string(c.description)});
  }
  return commands;
}

void Bot::Stop() { impl_->stop_requested.store(true); }

HealthSnapshot Bot::Health() {
  HealthSnapshot h;
  h.database = impl_->options.database->Transact(
      [](SqlTransaction& tx) { return tx.Query("SELECT 1").status(); },
      kReadOnlyTransaction);
  const int64_t last = impl_->last_poll_micros.load();
  if (last != 0) {
    h.last_poll_age = impl_->options.clock->Now() - absl::FromUnixMicros(last);
  }
  h.running = impl_->running.load() && !impl_->stop_requested.load();
  h.in_flight = impl_->in_flight_count.load();
  return h;
}

absl::StatusOr<std::vector<std::string>> Bot::RunDueJobs() {
  return impl_->scheduler->RunDue();
}

bool Bot::HandleUpdate(const Update& update) {
  bool handled = false;
  impl_->HandleThen(update, std::nullopt, /*wait_for_record=*/true,
                    /*start_send=*/false, [&](bool h) { handled = h; });
  return handled;
}

absl::Status Bot::Run() {
  Impl& im = *impl_;
  if (im.ran.exchange(true)) {
    return absl::FailedPreconditionError("Bot::Run was already called");
  }
  const BotOptions& o = im.options;
  im.running.store(true);
  if (absl::Status s = o.messenger->SetCommands(Commands()); !s.ok()) {
    im.ReportError("set_commands", s);
  }
  absl::Notification stop_jobs;
  std::thread jobs([&] { im.scheduler->Run(stop_jobs, o.scheduler_tick); });
  OrderedExecutor executor(o.worker_threads);
  {
    absl::MutexLock lock(&im.executor_mu);
    im.executor = &executor;
  }
  absl::Duration backoff = absl::Seconds(1);
  while (true) {
    im.LearnUsername();
    // Once stopped, with drain_on_stop: what the messenger still holds.
    const bool draining = im.stop_requested.load();
    if (draining && !o.drain_on_stop) break;
    absl::StatusOr<std::vector<Update>> updates =
        o.messenger->Receive(draining ? absl::ZeroDuration() : o.poll_wait);
    if (absl::IsOutOfRange(updates.status())) break;  // end of input
    if (!updates.ok()) {
      if (draining) break;
      im.ReportError("receive", updates.status());
      im.RecordQueued();  // the workers' marks wait for no next receive
      o.clock->SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(30));
      continue;
    }
    backoff = absl::Seconds(1);
    im.last_poll_micros.store(absl::ToUnixMicros(o.clock->Now()));
    // Updates that arrive after Stop are left unacknowledged: the next run
    // (or another instance) gets them again; unless they are to be drained.
    if (im.stop_requested.load() && !o.drain_on_stop) break;
    if (draining && updates->empty()) break;
    std::map<int64_t, Impl::BatchClaim> claimed = im.ClaimBatch(*updates);
    for (Update& u : *updates) {
      auto it = claimed.find(u.id);
      im.Submit(executor, std::move(u), 0,
                it == claimed.end()
                    ? std::nullopt
                    : std::optional<Impl::BatchClaim>(std::move(it->second)));
    }
    im.SubmitDueRetries(executor);
    im.AwaitRoomToReceive();
    im.RecordQueued();
    im.Acknowledge();
    if (updates->empty()) o.clock->SleepFor(o.idle_pause);
  }
  // Graceful stop: no more updates; finish what is queued, then flush the
  // outbox once more, all within the shutdown timeout.
  const absl::Time deadline = o.clock->Now() + o.shutdown_timeout;
  absl::Status drained = executor.Shutdown(o.shutdown_timeout);
  {
    absl::MutexLock lock(&im.executor_mu);
    im.executor = nullptr;
  }
  im.RunSideWork();  // what a shutdown deadline left
  im.RecordQueued();
  im.Acknowledge();
  stop_jobs.Notify();
  jobs.join();
  if (o.clock->Now() < deadline) {
    if (absl::Status s = im.DeliverOutbox(); !s.ok()) {
      im.ReportError("outbox", s);
    }
  }
  im.running.store(false);
  return drained;
}

}  // namespace botcore
