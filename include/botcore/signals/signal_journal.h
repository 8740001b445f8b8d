// File: botcore/signals/signal_journal.h
//
// The signal journal records every signal a strategy emits, resolves each one
// against the candles that follow it (take-profit hit, stop-loss hit, or
// expired after N bars) and reports how the signals of each symbol and
// timeframe performed: win rate, average R multiple, profit factor,
// expectancy, longest losing streak. It persists through the Database port
// (its own migrations component "signals"), so it works on SQLite and
// PostgreSQL alike.
//
//   SignalJournalOptions options;
//   options.database = db.get();
//   absl::StatusOr<std::unique_ptr<SignalJournal>> journal =
//       SignalJournal::Create(options);
//   (*journal)->Record(signal);                        // idempotent by id
//   (*journal)->Resolve("GAZP", "1d", later_candles);  // any time later
//   absl::StatusOr<SignalStats> stats = (*journal)->Stats("GAZP", "1d");
//
// Resolution rules, bar by bar, for the candles that open at or after the
// signal's time (a signal is made at its bar's close):
//   - a bar whose range reaches the stop-loss resolves it as kStopLoss at the
//     stop-loss price, even when the same bar also reaches the take-profit:
//     a daily bar does not say which came first, and assuming the worst keeps
//     the statistics honest;
//   - otherwise a bar that reaches the take-profit resolves it as
//     kTakeProfit at the take-profit price;
//   - otherwise, at the close of the `expiry_bars`-th bar it expires
//     (kExpired) at that close.
// Exits are at the level itself: a bar that gaps through a level still exits
// at the level (no slippage model). Each candle counts once per signal, so
// feeding overlapping batches of candles is safe.
//
// R multiple: the result in units of the initial risk |entry - stop_loss|,
// so a stop-loss is -1 and a take-profit at twice the risk is +2.
//
// Thread safety: thread-safe; several threads and processes may share one
// journal database (every operation is one transaction).

#ifndef BOTCORE_SIGNALS_SIGNAL_JOURNAL_H_
#define BOTCORE_SIGNALS_SIGNAL_JOURNAL_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "botcore/core/candle.h"
#include "botcore/ports/database.h"
#include "botcore/signals/strategy.h"

namespace botcore {

enum class SignalOutcome { kOpen, kTakeProfit, kStopLoss, kExpired };

// "open", "take_profit", "stop_loss" or "expired".
std::string_view SignalOutcomeName(SignalOutcome outcome);

// A recorded signal and what became of it.
struct JournalEntry {
  Signal signal;  // signal.id is always set (SignalId)
  SignalOutcome outcome = SignalOutcome::kOpen;
  // Candles evaluated so far (up to and including the resolving one).
  int bars = 0;
  // The open time of the candle that resolved it; unset while open.
  std::optional<absl::Time> resolved_at;
  // NaN while open.
  double exit_price = std::numeric_limits<double>::quiet_NaN();
  // See the file comment.
  double r_multiple = std::numeric_limits<double>::quiet_NaN();
  // (exit - entry) / entry * 100, negated for SELL.
  double return_percent = std::numeric_limits<double>::quiet_NaN();
};

// Performance of the resolved signals of one symbol and timeframe. Ratios
// that have nothing to divide are NaN.
struct SignalStats {
  std::string symbol;
  std::string timeframe;
  int64_t recorded = 0;  // all signals, open ones included
  int64_t open = 0;
  int64_t resolved = 0;  // take_profits + stop_losses + expired
  int64_t take_profits = 0;
  int64_t stop_losses = 0;
  int64_t expired = 0;
  int64_t wins = 0;      // resolved with R > 0
  int64_t losses = 0;    // resolved with R < 0
  double win_rate = 0;   // wins / resolved
  double average_r = 0;  // mean R multiple of the resolved signals
  // Sum of winning R over the absolute sum of losing R; +infinity when there
  // are wins and no losses, NaN when neither.
  double profit_factor = 0;
  // Mean return_percent of the resolved signals: what one signal is worth,
  // in percent of the entry price.
  double expectancy_percent = 0;
  // Most consecutive losses, resolved signals taken in signal-time order.
  int64_t longest_losing_streak = 0;
};

struct SignalJournalOptions {
  // Where the journal lives. Required; not owned, must outlive the journal.
  // Default: nullptr (Create fails).
  Database* database = nullptr;

  // A signal that reaches neither level expires at the close of this many
  // candles after it. Default: 20.
  int expiry_bars = 20;
};

class SignalJournal {
 public:
  // Checks the options and brings the "signals" schema up to date.
  // Errors: kInvalidArgument for a missing database or expiry_bars < 1;
  // storage errors as Database::Migrate.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SignalJournal>> Create(
      const SignalJournalOptions& options);

  SignalJournal(const SignalJournal&) = delete;
  SignalJournal& operator=(const SignalJournal&) = delete;

  // Records `signal` under SignalId(signal). Returns true when it was new,
  // false when the same id was already recorded with the same content
  // (recording is idempotent).
  // Errors: kInvalidArgument naming the field for an empty symbol or
  // timeframe, a non-finite or non-positive entry, a take-profit and
  // stop-loss not on the two sides of the entry that `side` needs (BUY:
  // stop < entry < take-profit; SELL: the reverse), a confidence outside
  // 0..100, or a reason containing a NUL; kAlreadyExists when the id is
  // recorded with different content; storage errors as Database::Transact.
  [[nodiscard]] absl::StatusOr<bool> Record(const Signal& signal);

  // Resolves the open signals of `symbol` and `timeframe` against `candles`
  // (oldest first) by the rules in the file comment; returns the entries
  // this call resolved, in signal-time order.
  // Errors: kInvalidArgument for candles out of time order, with non-finite
  // prices or with high < low (nothing is changed); storage errors as
  // Database::Transact.
  [[nodiscard]] absl::StatusOr<std::vector<JournalEntry>> Resolve(
      std::string_view symbol, std::string_view timeframe,
      absl::Span<const Candle> candles);

  // Every entry of `symbol` and `timeframe`, in signal-time order (then id).
  [[nodiscard]] absl::StatusOr<std::vector<JournalEntry>> Entries(
      std::string_view symbol, std::string_view timeframe);

  // Statistics of one symbol and timeframe (all zeros and NaNs when nothing
  // was recorded).
  [[nodiscard]] absl::StatusOr<SignalStats> Stats(std::string_view symbol,
                                                  std::string_view timeframe);

  // Statistics of every symbol and timeframe with signals, ordered by symbol
  // then timeframe.
  [[nodiscard]] absl::StatusOr<std::vector<SignalStats>> AllStats();

 private:
  explicit SignalJournal(const SignalJournalOptions& options);

  const SignalJournalOptions options_;
};

}  // namespace botcore

#endif  // BOTCORE_SIGNALS_SIGNAL_JOURNAL_H_
