// File: botcore/portfolio/portfolios.h
//
// Portfolios keeps one paper portfolio per owner (any id: a Telegram user, a
// strategy) in the database, component "portfolio". Each operation loads the
// owner's PortfolioBook inside a transaction, applies the book's arithmetic
// and writes the new state, the trade and an equity point back in the same
// transaction: the persisted portfolio and the backtester share the money
// code. The full trade history stays; Verify recomputes the state from it and
// compares it with the stored one. Equity points are written when something
// changed (a trade, a new mark, a reset) and kept until PurgeEquityHistory.
//
//   PortfoliosOptions options;
//   options.database = db.get();
//   options.clock = &clock;
//   auto portfolios = *Portfolios::Create(options);
//   absl::StatusOr<Trade> t = portfolios->Execute("tg:42", order);
//   absl::StatusOr<std::vector<PositionExit>> exits =
//       portfolios->OnPrice("GAZP", bar_prices);   // the stop/target watcher
//
// Thread safety: thread-safe; several processes may share one database (the
// Database port serializes conflicting transactions and retries them).

#ifndef BOTCORE_PORTFOLIO_PORTFOLIOS_H_
#define BOTCORE_PORTFOLIO_PORTFOLIOS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/amount.h"
#include "botcore/core/clock.h"
#include "botcore/portfolio/book.h"
#include "botcore/ports/database.h"

namespace botcore {

struct PortfoliosOptions {
  // Where portfolios live; borrowed, must outlive Portfolios. Required.
  Database* database = nullptr;
  // Times of trades and equity points; borrowed. Required.
  Clock* clock = nullptr;
  // Settings of new portfolios (initial cash, currency, commission,
  // slippage, instruments); a portfolio keeps the initial cash and currency
  // it was created with. Default: PortfolioBookOptions{}.
  PortfolioBookOptions book;
  // How far back a loaded book carries its trades for the risk checks that
  // look at recent ones (trades per day, daily loss, stop-loss cooldown).
  // Default: 7 days.
  absl::Duration recent_trades = absl::Hours(24 * 7);
};

// The prices of one bar (or quote: all four equal) for the watcher, at the
// money scale and on the step.
struct BarPrices {
  Amount open;
  Amount high;
  Amount low;
  Amount last;
};

// A position the watcher closed: its owner and the exit trade (reason
// kStopLoss or kTakeProfit), for the bot to turn into a message.
struct PositionExit {
  std::string owner;
  Trade trade;
};

// Called by Portfolios::OnPrice inside the transaction that closes a
// position, e.g. to queue the exit's notification in an outbox through `tx`,
// so that the exit and what it causes commit together or not at all. It may
// run again when the transaction is retried: it must change nothing outside
// `tx`. An error rolls the exit back and is returned by OnPrice.
using PositionExitHook =
    std::function<absl::Status(SqlTransaction& tx, const PositionExit& exit)>;

struct EquityRecord {
  absl::Time time;
  Amount cash;
  Amount equity;
};

class Portfolios {
 public:
  // Runs the "portfolio" migrations.
  // Errors: kInvalidArgument for a missing database or clock or bad book
  // options; storage errors as Database::Migrate.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Portfolios>> Create(
      const PortfoliosOptions& options);

  Portfolios(const Portfolios&) = delete;
  Portfolios& operator=(const Portfolios&) = delete;

  // The owner's book, created with the default settings on first use.
  // Errors: kInvalidArgument for an empty owner; kDataLoss for a stored row
  // that does not parse; storage errors as Database::Transact.
  [[nodiscard]] absl::StatusOr<PortfolioBook> Open(std::string_view owner);

  // Executes `order` for `owner` at the clock's time (PortfolioBook::Execute)
  // and stores the trade, the new state and an equity point atomically.
  // Errors: as PortfolioBook::Execute and Open.
  [[nodiscard]] absl::StatusOr<Trade> Execute(std::string_view owner,
                                              const Order& order);

  // The watcher: for every owner holding `symbol`, marks the position at
  // prices.last and, when its stop-loss or take-profit was crossed (see
  // PortfolioBook::CrossedExit), closes it, calling `on_exit` (when set) in
  // the same transaction. An owner whose position is already marked at
  // prices.last and is not closed is left untouched (no equity point).
  // Returns the exits, one transaction per owner.
  // Errors: kInvalidArgument for prices off the money scale; storage errors
  // and on_exit's errors (the owners handled before keep their exits).
  [[nodiscard]] absl::StatusOr<std::vector<PositionExit>> OnPrice(
      std::string_view symbol, const BarPrices& prices,
      const PositionExitHook& on_exit = nullptr);

  // Lifts a drawdown halt: moves the owner's equity peak to its current
  // equity (PortfolioBook::ResetPeak, marks as last stored) and stores it, so
  // RiskEngine::TradingStateOf reads ACTIVE until equity falls the
  // REDUCING / HALTED fraction below the new peak. This is the explicit
  // resume of NautilusTrader's trading state: the decision is the user's or
  // the operator's (e.g. a bot's "/risk resume"), never taken by the library;
  // cash, positions and trades are unchanged. Returns the book as stored.
  // Errors: kInvalidArgument for an empty owner; kDataLoss for a stored row
  // that does not parse; storage errors as Database::Transact.
  [[nodiscard]] absl::StatusOr<PortfolioBook> ResetDrawdown(
      std::string_view owner);

  // Deletes every owner's equity points recorded before `before`, in
  // transactions of about `batch_size` rows (more when points share a time),
  // so that a large purge never holds the write lock for long; returns how
  // many were deleted. Trades and the stored state stay (Verify and the risk
  // checks do not read equity points). Meant for a periodic cleanup with the
  // operator's retention, e.g. PurgeEquityHistory(now - retention).
  // Errors: kInvalidArgument for a batch size below 1; storage errors (the
  // batches deleted before stay deleted).
  [[nodiscard]] absl::StatusOr<int64_t> PurgeEquityHistory(
      absl::Time before, int batch_size = 1000);

  // The owner's trades (oldest first) and equity points.
  // Errors: storage errors; kDataLoss for rows that do not parse.
  [[nodiscard]] absl::StatusOr<std::vector<Trade>> Trades(
      std::string_view owner);
  [[nodiscard]] absl::StatusOr<std::vector<EquityRecord>> EquityHistory(
      std::string_view owner);

  // Recomputes the owner's state from the full trade history
  // (PortfolioBook::Replay) and compares it with the stored state.
  // Errors: kDataLoss naming the difference; kNotFound for an unknown
  // owner; storage errors.
  [[nodiscard]] absl::Status Verify(std::string_view owner);

  // Inside a caller's transaction (RecommendationDesk uses these to confirm
  // and execute atomically): load the owner's book, and store what
  // PortfolioBook::Execute added to it since the load.
  [[nodiscard]] absl::StatusOr<PortfolioBook> LoadIn(SqlTransaction& tx,
                                                     std::string_view owner,
                                                     absl::Time now);
  [[nodiscard]] absl::Status SaveIn(SqlTransaction& tx, std::string_view owner,
                                    const PortfolioBook& book,
                                    int64_t loaded_trade_count, absl::Time now);

  Clock& clock() const { return *options_.clock; }
  Database& database() const { return *options_.database; }

 private:
  explicit Portfolios(PortfoliosOptions options);

  // LoadIn's reads: the book, or nullopt when the owner has none.
  absl::StatusOr<std::optional<PortfolioBook>> LoadExistingIn(
      SqlTransaction& tx, std::string_view owner, absl::Time now);

  PortfoliosOptions options_;
};

}  // namespace botcore

#endif  // BOTCORE_PORTFOLIO_PORTFOLIOS_H_
