#include "botcore/portfolio/portfolios.h"

#include <optional>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "internal/schema.h"
#include "internal/sql_text.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::ToAbsl;

constexpr Migration kMigrations[] = {
    {1, "portfolio accounts, positions, trades and equity history",
     "CREATE TABLE portfolio_accounts ("
     "  owner TEXT PRIMARY KEY,"
     "  currency TEXT NOT NULL,"
     "  initial_cash TEXT NOT NULL,"
     "  cash TEXT NOT NULL,"
     "  realized_pnl TEXT NOT NULL,"
     "  commission_paid TEXT NOT NULL,"
     "  peak_equity TEXT NOT NULL,"
     "  trade_count BIGINT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL);"
     "CREATE TABLE portfolio_positions ("
     "  owner TEXT NOT NULL,"
     "  symbol TEXT NOT NULL,"
     "  quantity BIGINT NOT NULL,"
     "  cost TEXT NOT NULL,"
     "  last_price TEXT NOT NULL,"
     "  stop_loss TEXT,"
     "  take_profit TEXT,"
     "  opened_at BIGINT NOT NULL,"
     "  bought BIGINT NOT NULL,"
     "  buy_notional TEXT NOT NULL,"
     "  sold BIGINT NOT NULL,"
     "  sell_notional TEXT NOT NULL,"
     "  trip_pnl TEXT NOT NULL,"
     "  trip_commission TEXT NOT NULL,"
     "  PRIMARY KEY (owner, symbol));"
     "CREATE INDEX portfolio_positions_symbol ON portfolio_positions (symbol);"
     "CREATE TABLE portfolio_trades ("
     "  owner TEXT NOT NULL,"
     "  sequence BIGINT NOT NULL,"
     "  time BIGINT NOT NULL,"
     "  symbol TEXT NOT NULL,"
     "  side TEXT NOT NULL,"
     "  quantity BIGINT NOT NULL,"
     "  price TEXT NOT NULL,"
     "  commission TEXT NOT NULL,"
     "  realized_pnl TEXT NOT NULL,"
     "  cash_after TEXT NOT NULL,"
     "  reason TEXT NOT NULL,"
     "  recommendation_id TEXT NOT NULL,"
     "  stop_loss TEXT,"
     "  take_profit TEXT,"
     "  PRIMARY KEY (owner, sequence));"
     "CREATE INDEX portfolio_trades_time ON portfolio_trades (owner, time);"
     "CREATE TABLE portfolio_equity ("
     "  owner TEXT NOT NULL,"
     "  time BIGINT NOT NULL,"
     "  cash TEXT NOT NULL,"
     "  equity TEXT NOT NULL);"
     "CREATE INDEX portfolio_equity_owner ON portfolio_equity (owner, time)"},
    // Used by RecommendationDesk; in this component so that one migration
    // list orders the whole schema.
    {2, "recommendations and their transitions",
     "CREATE TABLE portfolio_recommendations ("
     "  id TEXT PRIMARY KEY,"
     "  owner TEXT NOT NULL,"
     "  symbol TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  quantity BIGINT NOT NULL,"
     "  percent DOUBLE PRECISION NOT NULL,"
     "  entry TEXT,"
     "  stop_loss TEXT,"
     "  take_profit TEXT,"
     "  confidence BIGINT NOT NULL,"
     "  rationale TEXT NOT NULL,"
     "  source TEXT NOT NULL,"
     "  proposed_at BIGINT NOT NULL,"
     "  market_price TEXT NOT NULL,"
     "  status TEXT NOT NULL,"
     "  decision TEXT NOT NULL,"
     "  reasons TEXT NOT NULL,"
     "  trading_state TEXT NOT NULL,"
     "  order_quantity BIGINT NOT NULL,"
     "  order_stop TEXT,"
     "  order_target TEXT,"
     "  created_at BIGINT NOT NULL,"
     "  expires_at BIGINT NOT NULL,"
     "  decided_at BIGINT,"
     "  trade_sequence BIGINT NOT NULL);"
     "CREATE INDEX portfolio_recommendations_owner ON "
     "portfolio_recommendations "
     "(owner, status, created_at);"
     "CREATE TABLE portfolio_recommendation_transitions ("
     "  id TEXT NOT NULL,"
     "  step BIGINT NOT NULL,"
     "  status TEXT NOT NULL,"
     "  time BIGINT NOT NULL,"
     "  note TEXT NOT NULL,"
     "  PRIMARY KEY (id, step))"},
    {3, "equity points by time, for PurgeEquityHistory",
     "CREATE INDEX portfolio_equity_time ON portfolio_equity (time)"},
};

constexpr std::string_view kTradeColumns =
    "sequence, time, symbol, side, quantity, price, commission, realized_pnl, "
    "cash_after, reason, recommendation_id, stop_loss, take_profit";

absl::Status Corrupt(std::string_view what, const absl::Status& cause) {
  return absl::DataLossError(
      absl::StrCat("portfolio storage: ", ToAbsl(what), ": ", cause.message()));
}

absl::StatusOr<Amount> MoneyAt(const SqlRow& row, size_t i, int scale) {
  absl::StatusOr<std::string> text = row.Text(i);
  if (!text.ok()) return Corrupt("amount column", text.status());
  absl::StatusOr<Amount> a = Amount::Parse(*text, scale);
  if (!a.ok()) return Corrupt("amount column", a.status());
  return a;
}

absl::StatusOr<std::optional<Amount>> LevelAt(const SqlRow& row, size_t i,
                                              int scale) {
  if (row.IsNull(i)) return std::nullopt;
  absl::StatusOr<Amount> a = MoneyAt(row, i, scale);
  if (!a.ok()) return a.status();
  return std::optional<Amount>(*a);
}

SqlValue LevelValue(const std::optional<Amount>& level) {
  return level ? SqlValue(level->ToString()) : SqlValue();
}

absl::StatusOr<Trade> TradeFrom(const SqlRow& row, int scale) {
  Trade t;
  BOTCORE_ASSIGN_OR_RETURN(t.sequence, row.Int64(0));
  BOTCORE_ASSIGN_OR_RETURN(int64_t micros, row.Int64(1));
  t.time = absl::FromUnixMicros(micros);
  BOTCORE_ASSIGN_OR_RETURN(t.symbol, row.Text(2));
  BOTCORE_ASSIGN_OR_RETURN(std::string side, row.Text(3));
  if (side != "BUY" && side != "SELL") {
    return absl::DataLossError(
        absl::StrCat("portfolio storage: trade side \"", side, "\""));
  }
  t.side = side == "BUY" ? Side::kBuy : Side::kSell;
  BOTCORE_ASSIGN_OR_RETURN(t.quantity, row.Int64(4));
  BOTCORE_ASSIGN_OR_RETURN(t.price, MoneyAt(row, 5, scale));
  BOTCORE_ASSIGN_OR_RETURN(t.commission, MoneyAt(row, 6, scale));
  BOTCORE_ASSIGN_OR_RETURN(t.realized_pnl, MoneyAt(row, 7, scale));
  BOTCORE_ASSIGN_OR_RETURN(t.cash_after, MoneyAt(row, 8, scale));
  BOTCORE_ASSIGN_OR_RETURN(std::string reason, row.Text(9));
  absl::StatusOr<TradeReason> parsed = ParseTradeReason(reason);
  if (!parsed.ok()) return Corrupt("trade reason", parsed.status());
  t.reason = *parsed;
  BOTCORE_ASSIGN_OR_RETURN(t.recommendation_id, row.Text(10));
  BOTCORE_ASSIGN_OR_RETURN(t.stop_loss, LevelAt(row, 11, scale));
  BOTCORE_ASSIGN_OR_RETURN(t.take_profit, LevelAt(row, 12, scale));
  return t;
}

absl::StatusOr<Position> PositionFrom(const SqlRow& row, int scale) {
  Position p;
  BOTCORE_ASSIGN_OR_RETURN(p.symbol, row.Text(0));
  BOTCORE_ASSIGN_OR_RETURN(p.quantity, row.Int64(1));
  BOTCORE_ASSIGN_OR_RETURN(p.cost, MoneyAt(row, 2, scale));
  BOTCORE_ASSIGN_OR_RETURN(p.last_price, MoneyAt(row, 3, scale));
  BOTCORE_ASSIGN_OR_RETURN(p.stop_loss, LevelAt(row, 4, scale));
  BOTCORE_ASSIGN_OR_RETURN(p.take_profit, LevelAt(row, 5, scale));
  BOTCORE_ASSIGN_OR_RETURN(int64_t opened, row.Int64(6));
  p.opened_at = absl::FromUnixMicros(opened);
  BOTCORE_ASSIGN_OR_RETURN(p.bought, row.Int64(7));
  BOTCORE_ASSIGN_OR_RETURN(p.buy_notional, MoneyAt(row, 8, scale));
  BOTCORE_ASSIGN_OR_RETURN(p.sold, row.Int64(9));
  BOTCORE_ASSIGN_OR_RETURN(p.sell_notional, MoneyAt(row, 10, scale));
  BOTCORE_ASSIGN_OR_RETURN(p.trip_pnl, MoneyAt(row, 11, scale));
  BOTCORE_ASSIGN_OR_RETURN(p.trip_commission, MoneyAt(row, 12, scale));
  return p;
}

absl::Status CheckOwner(std::string_view owner) {
  if (owner.empty())
    return absl::InvalidArgumentError("portfolio owner is empty");
  return absl::OkStatus();
}

}  // namespace

namespace internal {
ComponentSchema PortfolioSchema() { return {"portfolio", kMigrations}; }
}  // namespace internal

Portfolios::Portfolios(PortfoliosOptions options)
    : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<Portfolios>> Portfolios::Create(
    const PortfoliosOptions& options) {
  if (options.database == nullptr || options.clock == nullptr) {
    return absl::InvalidArgumentError(
        "PortfoliosOptions: database and clock are required");
  }
  BOTCORE_RETURN_IF_ERROR(PortfolioBook::Create(options.book).status());
  BOTCORE_RETURN_IF_ERROR(
      internal::ApplySchema(*options.database, internal::PortfolioSchema()));
  return std::unique_ptr<Portfolios>(new Portfolios(options));
}

absl::StatusOr<PortfolioBook> Portfolios::LoadIn(SqlTransaction& tx,
                                                 std::string_view owner,
                                                 absl::Time now) {
  BOTCORE_RETURN_IF_ERROR(CheckOwner(owner));
  const PortfolioBookOptions& defaults = options_.book;
  const int scale = defaults.initial_cash.scale();
  const std::string initial = defaults.initial_cash.ToString();
  BOTCORE_RETURN_IF_ERROR(
      tx.Execute(
            "INSERT INTO portfolio_accounts (owner, currency, initial_cash, "
            "cash, realized_pnl, commission_paid, peak_equity, trade_count, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?) "
            "ON CONFLICT (owner) DO NOTHING",
            {owner, defaults.currency, initial, initial,
             Amount::Zero(scale).ToString(), Amount::Zero(scale).ToString(),
             initial, absl::ToUnixMicros(now), absl::ToUnixMicros(now)})
          .status());
  BOTCORE_ASSIGN_OR_RETURN(std::optional<PortfolioBook> book,
                           LoadExistingIn(tx, owner, now));
  if (!book.has_value()) {
    return absl::InternalError(
        absl::StrCat("portfolio of ", ToAbsl(owner), " vanished"));
  }
  return *std::move(book);
}

absl::StatusOr<std::optional<PortfolioBook>> Portfolios::LoadExistingIn(
    SqlTransaction& tx, std::string_view owner, absl::Time now) {
  const PortfolioBookOptions& defaults = options_.book;
  const int scale = defaults.initial_cash.scale();
  BOTCORE_ASSIGN_OR_RETURN(
      std::vector<SqlRow> accounts,
      tx.Query(
          "SELECT currency, initial_cash, cash, realized_pnl, commission_paid, "
          "peak_equity, trade_count FROM portfolio_accounts WHERE owner = ?",
          {owner}));
  if (accounts.empty()) return std::optional<PortfolioBook>();
  const SqlRow& a = accounts[0];
  PortfolioBookOptions book_options = defaults;
  BOTCORE_ASSIGN_OR_RETURN(book_options.currency, a.Text(0));
  BOTCORE_ASSIGN_OR_RETURN(book_options.initial_cash, MoneyAt(a, 1, scale));
  PortfolioState state;
  BOTCORE_ASSIGN_OR_RETURN(state.cash, MoneyAt(a, 2, scale));
  BOTCORE_ASSIGN_OR_RETURN(state.realized_pnl, MoneyAt(a, 3, scale));
  BOTCORE_ASSIGN_OR_RETURN(state.commission_paid, MoneyAt(a, 4, scale));
  BOTCORE_ASSIGN_OR_RETURN(state.peak_equity, MoneyAt(a, 5, scale));
  BOTCORE_ASSIGN_OR_RETURN(state.trade_count, a.Int64(6));
  BOTCORE_ASSIGN_OR_RETURN(
      std::vector<SqlRow> positions,
      tx.Query(
          "SELECT symbol, quantity, cost, last_price, stop_loss, take_profit, "
          "opened_at, bought, buy_notional, sold, sell_notional, trip_pnl, "
          "trip_commission FROM portfolio_positions WHERE owner = ? "
          "ORDER BY opened_at, symbol",
          {owner}));
  for (const SqlRow& row : positions) {
    BOTCORE_ASSIGN_OR_RETURN(Position p, PositionFrom(row, scale));
    state.positions.push_back(std::move(p));
  }
  BOTCORE_ASSIGN_OR_RETURN(
      std::vector<SqlRow> recent,
      tx.Query(
          absl::StrCat("SELECT ", ToAbsl(kTradeColumns),
                       " FROM portfolio_trades WHERE owner = ? AND time >= ? "
                       "ORDER BY sequence"),
          {owner, absl::ToUnixMicros(now - options_.recent_trades)}));
  std::vector<Trade> trades;
  for (const SqlRow& row : recent) {
    BOTCORE_ASSIGN_OR_RETURN(Trade t, TradeFrom(row, scale));
    trades.push_back(std::move(t));
  }
  absl::StatusOr<PortfolioBook> book =
      PortfolioBook::Restore(book_options, state, std::move(trades));
  if (!book.ok())
    return Corrupt(absl::StrCat("portfolio of ", ToAbsl(owner)), book.status());
  return std::optional<PortfolioBook>(*std::move(book));
}

absl::Status Portfolios::SaveIn(SqlTransaction& tx, std::string_view owner,
                                const PortfolioBook& book,
                                int64_t loaded_trade_count, absl::Time now) {
  const PortfolioState state = book.state();
  BOTCORE_ASSIGN_OR_RETURN(
      int64_t updated,
      tx.Execute("UPDATE portfolio_accounts SET cash = ?, realized_pnl = ?, "
                 "commission_paid = ?, peak_equity = ?, trade_count = ?, "
                 "updated_at = ? WHERE owner = ? AND trade_count = ?",
                 {state.cash.ToString(), state.realized_pnl.ToString(),
                  state.commission_paid.ToString(),
                  state.peak_equity.ToString(), state.trade_count,
                  absl::ToUnixMicros(now), owner, loaded_trade_count}));
  if (updated != 1) {
    // Another writer got in between: have Transact run the whole unit again.
    return absl::AbortedError(
        absl::StrCat("portfolio of ", ToAbsl(owner), " changed concurrently"));
  }
  BOTCORE_RETURN_IF_ERROR(
      tx.Execute("DELETE FROM portfolio_positions WHERE owner = ?", {owner})
          .status());
  for (const Position& p : state.positions) {
    BOTCORE_RETURN_IF_ERROR(
        tx.Execute(
              "INSERT INTO portfolio_positions (owner, symbol, quantity, cost, "
              "last_price, stop_loss, take_profit, opened_at, bought, "
              "buy_notional, sold, sell_notional, trip_pnl, trip_commission) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {owner, p.symbol, p.quantity, p.cost.ToString(),
               p.last_price.ToString(), LevelValue(p.stop_loss),
               LevelValue(p.take_profit), absl::ToUnixMicros(p.opened_at),
               p.bought, p.buy_notional.ToString(), p.sold,
               p.sell_notional.ToString(), p.trip_pnl.ToString(),
               p.trip_commission.ToString()})
            .status());
  }
  for (const Trade& t : book.trades()) {
    if (t.sequence <= loaded_trade_count) continue;
    BOTCORE_RETURN_IF_ERROR(
        tx.Execute(absl::StrCat(
                       "INSERT INTO portfolio_trades (owner, ",
                       ToAbsl(kTradeColumns),
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                   {owner, t.sequence, absl::ToUnixMicros(t.time), t.symbol,
                    SideName(t.side), t.quantity, t.price.ToString(),
                    t.commission.ToString(), t.realized_pnl.ToString(),
                    t.cash_after.ToString(), TradeReasonName(t.reason),
                    t.recommendation_id, LevelValue(t.stop_loss),
                    LevelValue(t.take_profit)})
            .status());
  }
  return tx
      .Execute(
          "INSERT INTO portfolio_equity (owner, time, cash, equity) "
          "VALUES (?, ?, ?, ?)",
          {owner, absl::ToUnixMicros(now), state.cash.ToString(),
           book.Equity().ToString()})
      .status();
}

absl::StatusOr<PortfolioBook> Portfolios::Open(std::string_view owner) {
  BOTCORE_RETURN_IF_ERROR(CheckOwner(owner));
  std::optional<PortfolioBook> book;
  // Most calls find the book: a read-only transaction, which on SQLite runs
  // beside others instead of queueing for the one write lock.
  BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(
            book, LoadExistingIn(tx, owner, options_.clock->Now()));
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  if (book.has_value()) return *std::move(book);
  BOTCORE_RETURN_IF_ERROR(
      options_.database->Transact([&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(PortfolioBook created,
                                 LoadIn(tx, owner, options_.clock->Now()));
        book = std::move(created);
        return absl::OkStatus();
      }));
  return *std::move(book);
}

namespace {

// Loads the owner's book, lets `change` modify it and stores it, in one
// transaction at `now`.
absl::Status ChangeBook(Portfolios& portfolios, std::string_view owner,
                        absl::Time now,
                        absl::FunctionRef<absl::Status(PortfolioBook&)> change) {
  return portfolios.database().Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book,
                                 portfolios.LoadIn(tx, owner, now));
        const int64_t loaded = book.state().trade_count;
        BOTCORE_RETURN_IF_ERROR(change(book));
        return portfolios.SaveIn(tx, owner, book, loaded, now);
      });
}

}  // namespace

absl::StatusOr<Trade> Portfolios::Execute(std::string_view owner,
                                          const Order& order) {
  std::optional<Trade> trade;
  const absl::Time now = options_.clock->Now();
  BOTCORE_RETURN_IF_ERROR(
      ChangeBook(*this, owner, now, [&](PortfolioBook& book) -> absl::Status {
        BOTCORE_ASSIGN_OR_RETURN(trade, book.Execute(order, now));
        return absl::OkStatus();
      }));
  return *std::move(trade);
}

absl::StatusOr<std::vector<PositionExit>> Portfolios::OnPrice(
    std::string_view symbol, const BarPrices& prices,
    const PositionExitHook& on_exit) {
  const int scale = options_.book.initial_cash.scale();
  for (const Amount* p :
       {&prices.open, &prices.high, &prices.low, &prices.last}) {
    if (p->scale() != scale || !p->is_positive()) {
      return absl::InvalidArgumentError(
          absl::StrCat("price ", p->ToString(), " of ", ToAbsl(symbol),
                       " is not positive at the money scale ", scale));
    }
  }
  std::vector<std::string> owners;
  BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        owners.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query("SELECT owner FROM portfolio_positions WHERE symbol = ? "
                     "ORDER BY owner",
                     {symbol}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(std::string owner, row.Text(0));
          owners.push_back(std::move(owner));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  std::vector<PositionExit> exits;
  const absl::Time now = options_.clock->Now();
  for (const std::string& owner : owners) {
    std::optional<Trade> exit;
    BOTCORE_RETURN_IF_ERROR(
        options_.database->Transact([&](SqlTransaction& tx) -> absl::Status {
          exit.reset();
          BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book, LoadIn(tx, owner, now));
          const int64_t loaded = book.state().trade_count;
          const Position* held = book.FindPosition(symbol);
          if (held == nullptr) return absl::OkStatus();
          std::optional<Order> order =
              book.CrossedExit(symbol, prices.open, prices.high, prices.low);
          // The same mark and no exit change nothing: no rows are written
          // (the watcher runs every minute for every open position).
          if (!order && held->last_price == prices.last) {
            return absl::OkStatus();
          }
          BOTCORE_RETURN_IF_ERROR(book.Mark(symbol, prices.last));
          if (order) {
            BOTCORE_ASSIGN_OR_RETURN(Trade t, book.Execute(*order, now));
            exit = std::move(t);
          }
          BOTCORE_RETURN_IF_ERROR(SaveIn(tx, owner, book, loaded, now));
          if (exit && on_exit) return on_exit(tx, PositionExit{owner, *exit});
          return absl::OkStatus();
        }));
    if (exit) exits.push_back(PositionExit{owner, *std::move(exit)});
  }
  return exits;
}

absl::StatusOr<PortfolioBook> Portfolios::ResetDrawdown(
    std::string_view owner) {
  std::optional<PortfolioBook> reset;
  BOTCORE_RETURN_IF_ERROR(ChangeBook(*this, owner, options_.clock->Now(),
                                 [&](PortfolioBook& book) -> absl::Status {
                                   book.ResetPeak();
                                   reset = book;
                                   return absl::OkStatus();
                                 }));
  return *std::move(reset);
}

absl::StatusOr<int64_t> Portfolios::PurgeEquityHistory(absl::Time before,
                                                       int batch_size) {
  if (batch_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("equity purge batch size ", batch_size, " is below 1"));
  }
  // `time` is no unique key, but the condition depends on it alone, so a
  // batch deletes every row of the times it picked.
  return internal::DeleteInBatches(*options_.database, "portfolio_equity",
                                   "time", "time < ?",
                                   {absl::ToUnixMicros(before)}, batch_size);
}

absl::StatusOr<std::vector<Trade>> Portfolios::Trades(std::string_view owner) {
  const int scale = options_.book.initial_cash.scale();
  std::vector<Trade> trades;
  BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        trades.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(
                absl::StrCat(
                    "SELECT ", ToAbsl(kTradeColumns),
                    " FROM portfolio_trades WHERE owner = ? ORDER BY sequence"),
                {owner}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(Trade t, TradeFrom(row, scale));
          trades.push_back(std::move(t));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return trades;
}

absl::StatusOr<std::vector<EquityRecord>> Portfolios::EquityHistory(
    std::string_view owner) {
  const int scale = options_.book.initial_cash.scale();
  std::vector<EquityRecord> points;
  BOTCORE_RETURN_IF_ERROR(options_.database->Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        points.clear();
        BOTCORE_ASSIGN_OR_RETURN(std::vector<SqlRow> rows,
                                 tx.Query("SELECT time, cash, equity FROM "
                                          "portfolio_equity WHERE owner = ? "
                                          "ORDER BY time",
                                          {owner}));
        for (const SqlRow& row : rows) {
          EquityRecord e;
          BOTCORE_ASSIGN_OR_RETURN(int64_t micros, row.Int64(0));
          e.time = absl::FromUnixMicros(micros);
          BOTCORE_ASSIGN_OR_RETURN(e.cash, MoneyAt(row, 1, scale));
          BOTCORE_ASSIGN_OR_RETURN(e.equity, MoneyAt(row, 2, scale));
          points.push_back(std::move(e));
        }
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return points;
}

absl::Status Portfolios::Verify(std::string_view owner) {
  std::optional<PortfolioBook> stored;
  std::vector<Trade> history;
  const int scale = options_.book.initial_cash.scale();
  BOTCORE_RETURN_IF_ERROR(
      options_.database->Transact([&](SqlTransaction& tx) -> absl::Status {
        history.clear();
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> exists,
            tx.Query("SELECT owner FROM portfolio_accounts WHERE owner = ?",
                     {owner}));
        if (exists.empty()) {
          return absl::NotFoundError(
              absl::StrCat("no portfolio of ", ToAbsl(owner)));
        }
        BOTCORE_ASSIGN_OR_RETURN(PortfolioBook book,
                                 LoadIn(tx, owner, options_.clock->Now()));
        stored = std::move(book);
        BOTCORE_ASSIGN_OR_RETURN(
            std::vector<SqlRow> rows,
            tx.Query(
                absl::StrCat(
                    "SELECT ", ToAbsl(kTradeColumns),
                    " FROM portfolio_trades WHERE owner = ? ORDER BY sequence"),
                {owner}));
        for (const SqlRow& row : rows) {
          BOTCORE_ASSIGN_OR_RETURN(Trade t, TradeFrom(row, scale));
          history.push_back(std::move(t));
        }
        return absl::OkStatus();
      }));
  absl::StatusOr<PortfolioBook> replayed =
      PortfolioBook::Replay(stored->options(), history);
  if (!replayed.ok()) return replayed.status();
  if (!(replayed->state() == stored->state())) {
    return absl::DataLossError(absl::StrCat(
        "portfolio of ", ToAbsl(owner), ": stored state (cash ",
        stored->cash().ToString(), ", realized ",
        stored->realized_pnl().ToString(), ", ", stored->positions().size(),
        " positions) differs from the one replayed from ", history.size(),
        " trades (cash ", replayed->cash().ToString(), ", realized ",
        replayed->realized_pnl().ToString(), ", ", replayed->positions().size(),
        " positions)"));
  }
  return absl::OkStatus();
}

}  // namespace botcore
