// File: botcore/portfolio/book.h
//
// PortfolioBook is the in-memory core of a paper portfolio: cash in one
// currency, long positions in whole lots, fills with commission and optional
// slippage, realized and unrealized P&L, equity, the trade history and the
// closed round trips. The backtester drives a PortfolioBook directly, bar by
// bar; the persisted Portfolios (botcore/portfolio/portfolios.h) load one,
// apply the same arithmetic and store the result, so a backtest and the live
// bot cannot disagree about money.
//
//   PortfolioBookOptions options;                  // 100 000 RUB, 5 bp, GAZP
//   absl::StatusOr<PortfolioBook> book = PortfolioBook::Create(options);
//   Order buy{.symbol = "GAZP", .side = Side::kBuy, .quantity = 100,
//             .price = *Amount::Parse("144.40", 2)};
//   absl::StatusOr<Trade> trade = book->Execute(buy, now);
//   book->Mark("GAZP", *Amount::Parse("150.00", 2));
//   Amount equity = book->Equity();       // cash + market value
//
// Money rules (all exact, at the money scale = initial_cash's scale):
//   - notional = quantity * fill price; commission = notional * bps / 10000,
//     rounded half-even to the money scale, charged on each side;
//   - a buy's cost basis is its notional plus its commission; a sell releases
//     quantity/held of the basis (rounded half-even; the whole basis when the
//     position closes) and realizes proceeds - commission - released basis;
//   - equity = cash + market value = initial cash + realized + unrealized.
// Positions are long only: a sell never exceeds the quantity held, and cash
// never goes negative.
//
// Thread safety: thread-compatible (a value type; synchronize shared use).

#ifndef BOTCORE_PORTFOLIO_BOOK_H_
#define BOTCORE_PORTFOLIO_BOOK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "botcore/core/amount.h"
#include "botcore/portfolio/instrument.h"
#include "botcore/signals/strategy.h"

namespace botcore {

// Why a trade happened.
enum class TradeReason {
  kOrder,       // an order: a confirmed recommendation, a backtest signal
  kStopLoss,    // the position's stop-loss was crossed
  kTakeProfit,  // the position's take-profit was crossed
};

// "ORDER", "STOP_LOSS", "TAKE_PROFIT".
std::string_view TradeReasonName(TradeReason reason);
// Errors: kInvalidArgument for any other text.
[[nodiscard]] absl::StatusOr<TradeReason> ParseTradeReason(
    std::string_view name);

struct Order {
  std::string symbol;
  Side side = Side::kBuy;
  // Shares; a positive whole number of lots.
  int64_t quantity = 0;
  // The market price the order fills at before slippage; on the price step.
  Amount price;
  // Buys only: the protective levels to set on the position (on the step).
  std::optional<Amount> stop_loss;
  std::optional<Amount> take_profit;
  TradeReason reason = TradeReason::kOrder;
  // The recommendation this order executes, if any.
  std::string recommendation_id;
};

struct Trade {
  int64_t sequence = 0;  // 1, 2, 3, ... within the portfolio
  absl::Time time;
  std::string symbol;
  Side side = Side::kBuy;
  int64_t quantity = 0;
  Amount price;  // the fill price, slippage included
  Amount commission;
  Amount realized_pnl;  // sells: proceeds - commission - released basis
  Amount cash_after;
  TradeReason reason = TradeReason::kOrder;
  std::string recommendation_id;
  std::optional<Amount> stop_loss;  // as set by a buy
  std::optional<Amount> take_profit;
};

struct Position {
  std::string symbol;
  int64_t quantity = 0;  // shares, > 0 while the position is open
  Amount cost;           // cost basis of the shares held, buy commissions in
  Amount last_price;     // the last mark or fill
  std::optional<Amount> stop_loss;
  std::optional<Amount> take_profit;
  // The round trip so far: from the first buy after flat.
  absl::Time opened_at;
  int64_t bought = 0;      // shares bought
  Amount buy_notional;     // their notional
  int64_t sold = 0;        // shares sold
  Amount sell_notional;    // their notional
  Amount trip_pnl;         // realized so far, net of commissions
  Amount trip_commission;  // commissions so far

  // Exact for a position of a PortfolioBook: the book refuses fills and
  // marks whose values do not fit (kOutOfRange).
  Amount MarketValue() const;
  Amount UnrealizedPnl() const;  // market value - cost
  // cost / quantity, half-even at the money scale.
  Amount AverageEntryPrice() const;
};

// A position from its first buy to the sell that made it flat again.
struct RoundTrip {
  std::string symbol;
  absl::Time entry_time;
  absl::Time exit_time;
  Amount entry_price;    // average buy price, half-even at the money scale
  Amount exit_price;     // average sell price, likewise
  int64_t quantity = 0;  // shares bought (= sold)
  Amount pnl;            // net of all commissions of the trip
  Amount commission;
  TradeReason exit_reason = TradeReason::kOrder;
};

// The stored state of a book, for persistence (Portfolios).
struct PortfolioState {
  Amount cash;
  Amount realized_pnl;
  Amount commission_paid;
  Amount peak_equity;
  int64_t trade_count = 0;  // the last trade's sequence
  std::vector<Position> positions;

  friend bool operator==(const PortfolioState&, const PortfolioState&);
};

struct PortfolioBookOptions {
  // The currency of cash, for people and storage. Default: "RUB".
  std::string currency = "RUB";
  // Cash at creation; its scale is the money scale (every amount in the
  // book). Default: 100000.00 (scale 2).
  Amount initial_cash = DefaultInitialCash();
  // Commission per side in basis points of notional, any scale ("5",
  // "0.5"). Default: 5 (0.05 %).
  Amount commission_bps = DefaultCommissionBps();
  // Slippage in price steps against the order: buys fill this many steps
  // above the order price, sells below (never below one step). Default: 0.
  int64_t slippage_steps = 0;
  // The tradable instruments; price steps must not have more decimals than
  // the money scale. Default: GAZP (lot 10, step 0.01).
  std::vector<Instrument> instruments = {DefaultInstrument()};

  static Amount DefaultInitialCash();
  static Amount DefaultCommissionBps();
  static Instrument DefaultInstrument();
};

class PortfolioBook {
 public:
  // Errors: kInvalidArgument for a negative initial cash, negative
  // commission or slippage, an invalid or duplicate instrument, or a price
  // step finer than the money scale.
  [[nodiscard]] static absl::StatusOr<PortfolioBook> Create(
      const PortfolioBookOptions& options);

  // Rebuilds a book from `state` (as returned by state()) and the recent
  // trades the risk checks look at (today's, recent stop-losses).
  // Errors: as Create; kInvalidArgument when state amounts are not at the
  // money scale, name an unknown instrument or add up past 128 bits.
  [[nodiscard]] static absl::StatusOr<PortfolioBook> Restore(
      const PortfolioBookOptions& options, const PortfolioState& state,
      std::vector<Trade> recent_trades);

  // Recomputes a book from its full trade history by applying each trade's
  // recorded quantity, fill price and commission in order.
  // Errors: as Create; kDataLoss when a trade cannot be applied (sequence
  // gap, overselling, negative cash) or its recorded realized P&L or cash
  // differs from the recomputed one.
  [[nodiscard]] static absl::StatusOr<PortfolioBook> Replay(
      const PortfolioBookOptions& options, absl::Span<const Trade> history);

  const PortfolioBookOptions& options() const { return options_; }
  int money_scale() const { return options_.initial_cash.scale(); }

  // nullptr when unknown.
  const Instrument* FindInstrument(std::string_view symbol) const;

  // Fills `order` at `time`: checks the symbol, whole lots, the price step,
  // the levels, then applies slippage and commission. On success appends and
  // returns the trade; on error nothing changes.
  // Errors: kNotFound for an unknown symbol; kInvalidArgument for a
  // non-positive or fractional-lot quantity, a price off the step, levels on
  // the wrong side of the price or on a sell; kFailedPrecondition when cash
  // does not cover a buy or a sell exceeds the position; kOutOfRange naming
  // the values when a notional, a sum of money or the resulting equity does
  // not fit in 128 bits.
  [[nodiscard]] absl::StatusOr<Trade> Execute(const Order& order,
                                              absl::Time time);

  // Sets the last price of `symbol` (a mark to market) and raises the
  // equity peak. A no-op for symbols without a position, apart from the peak.
  // Errors: kInvalidArgument when price is not at the money scale or not
  // positive; kOutOfRange (nothing changes) when the position's value or the
  // equity at that price does not fit in 128 bits.
  [[nodiscard]] absl::Status Mark(std::string_view symbol, const Amount& price);

  // Moves the equity peak to the current equity, so that the drawdown guard
  // (RiskEngine::TradingStateOf) measures from here: the only way a REDUCING
  // or HALTED book becomes ACTIVE again without a recovery (a flat book's
  // equity is its cash, which no mark changes). Deciding to resume is the
  // user's or operator's call; the library never resets the peak by itself.
  // Trades, cash and positions are unchanged.
  void ResetPeak() { peak_ = Equity(); }

  // Sets or clears the stop-loss / take-profit of an open position.
  // Errors: kNotFound without a position; kInvalidArgument for levels off
  // the step or on the wrong side of the last price.
  [[nodiscard]] absl::Status SetProtectiveLevels(
      std::string_view symbol, std::optional<Amount> stop_loss,
      std::optional<Amount> take_profit);

  // The stop-loss / take-profit watcher: the exits a bar with these prices
  // triggers for `symbol`'s position. A bar that opens at or beyond a level
  // (a gap through it) exits at the open: a take-profit when it opened at or
  // above the target, a stop-loss when at or below the stop. Otherwise a
  // stop fills at the stop price and a target at the target price; when the
  // bar's range crosses both, the stop wins (the order of the high and low
  // inside a bar is unknown, so the worse case is assumed). Execute the
  // returned order to close the position. Prices at the money scale.
  std::optional<Order> CrossedExit(std::string_view symbol, const Amount& open,
                                   const Amount& high, const Amount& low) const;

  // What buying `quantity` shares at the market `price` (money scale)
  // would take from cash: the fill price with slippage times quantity, plus
  // commission. Errors: kOutOfRange on overflow.
  [[nodiscard]] absl::StatusOr<Amount> BuyCost(const Instrument& instrument,
                                               int64_t quantity,
                                               const Amount& price) const;

  const Amount& cash() const { return cash_; }
  const Amount& initial_cash() const { return options_.initial_cash; }
  const Amount& realized_pnl() const { return realized_; }
  const Amount& commission_paid() const { return commission_paid_; }
  // The highest equity seen at a mark or fill since the book was created
  // (starting from the initial cash) or since the last ResetPeak.
  const Amount& peak_equity() const { return peak_; }
  Amount MarketValue() const;
  Amount Equity() const;  // cash + market value
  Amount UnrealizedPnl() const;
  // Gross value of positions; equals MarketValue() while positions are long.
  Amount Exposure() const { return MarketValue(); }

  // nullptr when flat in `symbol`.
  const Position* FindPosition(std::string_view symbol) const;
  const std::vector<Position>& positions() const { return positions_; }
  // Trades since creation (Restore: the recent trades given, then new ones).
  const std::vector<Trade>& trades() const { return trades_; }
  const std::vector<RoundTrip>& round_trips() const { return round_trips_; }

  PortfolioState state() const;

 private:
  explicit PortfolioBook(PortfolioBookOptions options);

  absl::Status Apply(const Trade& trade);
  // Each: kOutOfRange naming the values when the result does not fit in 128
  // bits.
  absl::StatusOr<Amount> AtMoneyScale(std::string_view symbol,
                                      const Amount& price) const;
  absl::StatusOr<Amount> FillPrice(const Instrument& instrument, Side side,
                                   const Amount& price) const;
  absl::StatusOr<Amount> Notional(std::string_view symbol, int64_t quantity,
                                  const Amount& price) const;
  absl::StatusOr<Amount> Commission(const Amount& notional) const;
  // `cash` plus `value` (what `symbol`'s position is to be worth) plus the
  // value of the other positions.
  absl::StatusOr<Amount> EquityWith(std::string_view symbol,
                                    const Amount& value,
                                    const Amount& cash) const;
  Amount Money(absl::int128 units) const;
  void RaisePeak();

  PortfolioBookOptions options_;
  Amount cash_;
  Amount realized_;
  Amount commission_paid_;
  Amount peak_;
  int64_t trade_count_ = 0;
  std::vector<Position> positions_;
  std::vector<Trade> trades_;
  std::vector<RoundTrip> round_trips_;
};

}  // namespace botcore

#endif  // BOTCORE_PORTFOLIO_BOOK_H_
