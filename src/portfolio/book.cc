#include "botcore/portfolio/book.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using absl::int128;
using internal::ToAbsl;

// Largest order quantity accepted. Prices have no such bound: every product
// and sum of money is checked and past 128 bits is kOutOfRange.
constexpr int64_t kMaxQuantity = 1'000'000'000'000;

// a's units at `scale`. REQUIRES: a has no non-zero digits beyond `scale`
// (true of prices on a step, which is no finer than the money scale).
int128 UnitsAt(const Amount& a, int scale) {
  int128 units = a.units();
  for (int i = a.scale(); i < scale; ++i) units *= 10;
  for (int i = scale; i < a.scale(); ++i) units /= 10;
  return units;
}

bool SameLevel(const std::optional<Amount>& a, const std::optional<Amount>& b) {
  return a.has_value() == b.has_value() && (!a || *a == *b);
}

}  // namespace

std::string_view TradeReasonName(TradeReason reason) {
  switch (reason) {
    case TradeReason::kOrder:
      return "ORDER";
    case TradeReason::kStopLoss:
      return "STOP_LOSS";
    case TradeReason::kTakeProfit:
      return "TAKE_PROFIT";
  }
  return "ORDER";
}

absl::StatusOr<TradeReason> ParseTradeReason(std::string_view name) {
  for (TradeReason r : {TradeReason::kOrder, TradeReason::kStopLoss,
                        TradeReason::kTakeProfit}) {
    if (TradeReasonName(r) == name) return r;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown trade reason \"", ToAbsl(name), "\""));
}

Amount PortfolioBookOptions::DefaultInitialCash() {
  return *Amount::FromUnits(10'000'000, 2);
}

Amount PortfolioBookOptions::DefaultCommissionBps() {
  return *Amount::FromUnits(5, 0);
}

Instrument PortfolioBookOptions::DefaultInstrument() {
  return Instrument{"GAZP", 10, *Amount::FromUnits(1, 2)};
}

Amount Position::MarketValue() const {
  return *Amount::FromUnits(last_price.units() * quantity, last_price.scale());
}

Amount Position::UnrealizedPnl() const {
  return *Amount::FromUnits(MarketValue().units() - cost.units(), cost.scale());
}

Amount Position::AverageEntryPrice() const {
  if (quantity == 0) return cost;
  return *cost.DivideBy(quantity, RoundingMode::kHalfEven);
}

bool operator==(const PortfolioState& a, const PortfolioState& b) {
  // Marks are not trades: the peak and last prices are left out, so a state
  // replayed from the trade history compares equal to the stored one.
  if (a.cash != b.cash || a.realized_pnl != b.realized_pnl ||
      a.commission_paid != b.commission_paid ||
      a.trade_count != b.trade_count ||
      a.positions.size() != b.positions.size()) {
    return false;
  }
  for (size_t i = 0; i < a.positions.size(); ++i) {
    const Position& p = a.positions[i];
    const Position& q = b.positions[i];
    if (p.symbol != q.symbol || p.quantity != q.quantity || p.cost != q.cost ||
        !SameLevel(p.stop_loss, q.stop_loss) ||
        !SameLevel(p.take_profit, q.take_profit) ||
        p.opened_at != q.opened_at || p.bought != q.bought ||
        p.buy_notional != q.buy_notional || p.sold != q.sold ||
        p.sell_notional != q.sell_notional || p.trip_pnl != q.trip_pnl ||
        p.trip_commission != q.trip_commission) {
      return false;
    }
  }
  return true;
}

PortfolioBook::PortfolioBook(PortfolioBookOptions options)
    : options_(std::move(options)),
      cash_(options_.initial_cash),
      realized_(Amount::Zero(options_.initial_cash.scale())),
      commission_paid_(realized_),
      peak_(cash_) {}

absl::StatusOr<PortfolioBook> PortfolioBook::Create(
    const PortfolioBookOptions& options) {
  if (options.initial_cash.is_negative()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "initial cash ", options.initial_cash.ToString(), " is negative"));
  }
  if (options.commission_bps.is_negative() ||
      options.commission_bps.scale() > Amount::kMaxScale - 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("commission ", options.commission_bps.ToString(),
                     " bp is negative or has more than ", Amount::kMaxScale - 4,
                     " decimals"));
  }
  if (options.slippage_steps < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "slippage ", options.slippage_steps, " steps is negative"));
  }
  for (size_t i = 0; i < options.instruments.size(); ++i) {
    const Instrument& instrument = options.instruments[i];
    if (absl::Status s = ValidateInstrument(instrument); !s.ok()) return s;
    if (instrument.price_step.scale() > options.initial_cash.scale()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "instrument ", instrument.symbol, ": price step ",
          instrument.price_step.ToString(), " is finer than the money scale ",
          options.initial_cash.scale()));
    }
    for (size_t j = 0; j < i; ++j) {
      if (options.instruments[j].symbol == instrument.symbol) {
        return absl::InvalidArgumentError(
            absl::StrCat("instrument ", instrument.symbol, " is listed twice"));
      }
    }
  }
  return PortfolioBook(options);
}

absl::StatusOr<PortfolioBook> PortfolioBook::Restore(
    const PortfolioBookOptions& options, const PortfolioState& state,
    std::vector<Trade> recent_trades) {
  absl::StatusOr<PortfolioBook> book = Create(options);
  if (!book.ok()) return book.status();
  const int scale = options.initial_cash.scale();
  auto wrong_scale = [&](const Amount& a) { return a.scale() != scale; };
  if (wrong_scale(state.cash) || wrong_scale(state.realized_pnl) ||
      wrong_scale(state.commission_paid) || wrong_scale(state.peak_equity)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "portfolio state amounts must have the money scale ", scale));
  }
  for (const Position& p : state.positions) {
    if (book->FindInstrument(p.symbol) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("portfolio state holds unknown instrument ", p.symbol));
    }
    if (p.quantity <= 0 || wrong_scale(p.cost) || wrong_scale(p.last_price)) {
      return absl::InvalidArgumentError(
          absl::StrCat("portfolio state position ", p.symbol, " is malformed"));
    }
  }
  book->cash_ = state.cash;
  book->realized_ = state.realized_pnl;
  book->commission_paid_ = state.commission_paid;
  // The stored peak as it is: ResetPeak may have put it below the initial
  // cash.
  book->peak_ = state.peak_equity;
  book->trade_count_ = state.trade_count;
  book->positions_ = state.positions;
  book->trades_ = std::move(recent_trades);
  if (absl::Status fits =
          book->EquityWith("", Amount::Zero(scale), book->cash_).status();
      !fits.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("portfolio state: ", fits.message()));
  }
  return book;
}

absl::StatusOr<PortfolioBook> PortfolioBook::Replay(
    const PortfolioBookOptions& options, absl::Span<const Trade> history) {
  absl::StatusOr<PortfolioBook> book = Create(options);
  if (!book.ok()) return book.status();
  for (const Trade& recorded : history) {
    Trade trade = recorded;
    absl::Status applied = book->Apply(trade);
    if (!applied.ok()) {
      return absl::DataLossError(absl::StrCat(
          "replaying trade ", recorded.sequence, ": ", applied.message()));
    }
    const Trade& replayed = book->trades_.back();
    if (replayed.realized_pnl != recorded.realized_pnl ||
        replayed.cash_after != recorded.cash_after) {
      return absl::DataLossError(absl::StrCat(
          "replaying trade ", recorded.sequence, ": recomputed realized P&L ",
          replayed.realized_pnl.ToString(), " and cash ",
          replayed.cash_after.ToString(), " differ from the recorded ",
          recorded.realized_pnl.ToString(), " and ",
          recorded.cash_after.ToString()));
    }
  }
  return book;
}

const Instrument* PortfolioBook::FindInstrument(std::string_view symbol) const {
  for (const Instrument& i : options_.instruments) {
    if (i.symbol == symbol) return &i;
  }
  return nullptr;
}

const Position* PortfolioBook::FindPosition(std::string_view symbol) const {
  for (const Position& p : positions_) {
    if (p.symbol == symbol) return &p;
  }
  return nullptr;
}

Amount PortfolioBook::Money(int128 units) const {
  return *Amount::FromUnits(units, money_scale());
}

Amount PortfolioBook::MarketValue() const {
  int128 units = 0;
  for (const Position& p : positions_)
    units += p.last_price.units() * p.quantity;
  return Money(units);
}

Amount PortfolioBook::Equity() const {
  int128 units = cash_.units();
  for (const Position& p : positions_)
    units += p.last_price.units() * p.quantity;
  return Money(units);
}

Amount PortfolioBook::UnrealizedPnl() const {
  int128 units = 0;
  for (const Position& p : positions_) {
    units += p.last_price.units() * p.quantity - p.cost.units();
  }
  return Money(units);
}

void PortfolioBook::RaisePeak() {
  Amount equity = Equity();
  if (equity > peak_) peak_ = equity;
}

PortfolioState PortfolioBook::state() const {
  return PortfolioState{cash_, realized_,    commission_paid_,
                        peak_, trade_count_, positions_};
}

absl::StatusOr<Trade> PortfolioBook::Execute(const Order& order,
                                             absl::Time time) {
  const Instrument* instrument = FindInstrument(order.symbol);
  if (instrument == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown instrument \"", order.symbol, "\""));
  }
  if (order.quantity <= 0 || order.quantity > kMaxQuantity ||
      order.quantity % instrument->lot_size != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        order.symbol, ": quantity ", order.quantity,
        " is not a positive whole number of lots of ", instrument->lot_size));
  }
  if (absl::Status s = CheckPriceOnStep(*instrument, order.price); !s.ok()) {
    return s;
  }
  const int scale = money_scale();
  // A price on the step has at most the money scale's decimals: exact.
  BOTCORE_ASSIGN_OR_RETURN(const Amount price,
                           AtMoneyScale(order.symbol, order.price));
  Trade trade;
  trade.sequence = trade_count_ + 1;
  trade.time = time;
  trade.symbol = order.symbol;
  trade.side = order.side;
  trade.quantity = order.quantity;
  trade.reason = order.reason;
  trade.recommendation_id = order.recommendation_id;
  if (order.side == Side::kBuy) {
    for (const auto* level : {&order.stop_loss, &order.take_profit}) {
      if (!level->has_value()) continue;
      if (absl::Status s = CheckPriceOnStep(*instrument, **level); !s.ok()) {
        return s;
      }
    }
    if (order.stop_loss && *order.stop_loss >= price) {
      return absl::InvalidArgumentError(absl::StrCat(
          order.symbol, ": stop-loss ", order.stop_loss->ToString(),
          " is not below the price ", price.ToString()));
    }
    if (order.take_profit && *order.take_profit <= price) {
      return absl::InvalidArgumentError(absl::StrCat(
          order.symbol, ": take-profit ", order.take_profit->ToString(),
          " is not above the price ", price.ToString()));
    }
    // Below (above) a price that fits at the money scale: these fit too.
    if (order.stop_loss) {
      trade.stop_loss = Money(UnitsAt(*order.stop_loss, scale));
    }
    if (order.take_profit) {
      BOTCORE_ASSIGN_OR_RETURN(trade.take_profit,
                               AtMoneyScale(order.symbol, *order.take_profit));
    }
  } else {
    if (order.stop_loss || order.take_profit) {
      return absl::InvalidArgumentError(absl::StrCat(
          order.symbol, ": a sell takes no stop-loss or take-profit"));
    }
  }
  BOTCORE_ASSIGN_OR_RETURN(trade.price,
                           FillPrice(*instrument, order.side, price));
  BOTCORE_ASSIGN_OR_RETURN(const Amount notional,
                           Notional(order.symbol, order.quantity, trade.price));
  BOTCORE_ASSIGN_OR_RETURN(trade.commission, Commission(notional));
  if (absl::Status s = Apply(trade); !s.ok()) return s;
  return trades_.back();
}

absl::StatusOr<Amount> PortfolioBook::AtMoneyScale(std::string_view symbol,
                                                   const Amount& price) const {
  absl::StatusOr<Amount> at =
      price.Rescale(money_scale(), RoundingMode::kHalfEven);
  if (!at.ok()) {
    return absl::OutOfRangeError(absl::StrCat(
        ToAbsl(symbol), ": price ", price.ToString(),
        " does not fit in 128 bits at the money scale ", money_scale()));
  }
  return at;
}

absl::StatusOr<Amount> PortfolioBook::FillPrice(const Instrument& instrument,
                                                Side side,
                                                const Amount& price) const {
  const Amount step = Money(UnitsAt(instrument.price_step, money_scale()));
  absl::StatusOr<Amount> slip = step.MultiplyBy(options_.slippage_steps);
  absl::StatusOr<Amount> fill = !slip.ok()           ? slip
                                : side == Side::kBuy ? price.Add(*slip)
                                                     : price.Subtract(*slip);
  if (!fill.ok()) {
    return absl::OutOfRangeError(absl::StrCat(
        instrument.symbol, ": price ", price.ToString(), " with slippage of ",
        options_.slippage_steps, " steps: ", fill.status().message()));
  }
  return side == Side::kBuy ? *fill : std::max(step, *fill);
}

absl::StatusOr<Amount> PortfolioBook::Notional(std::string_view symbol,
                                               int64_t quantity,
                                               const Amount& price) const {
  absl::StatusOr<Amount> notional = price.MultiplyBy(quantity);
  if (!notional.ok()) {
    return absl::OutOfRangeError(absl::StrCat(ToAbsl(symbol), ": ", quantity,
                                              " at ", price.ToString(),
                                              " is a notional past 128 bits"));
  }
  return notional;
}

absl::StatusOr<Amount> PortfolioBook::Commission(const Amount& notional) const {
  // The product is exact in 256 bits and rounded once.
  return notional.MultiplyByRate(
      *Amount::FromUnits(options_.commission_bps.units(),
                         options_.commission_bps.scale() + 4),
      RoundingMode::kHalfEven);
}

absl::StatusOr<Amount> PortfolioBook::BuyCost(const Instrument& instrument,
                                              int64_t quantity,
                                              const Amount& price) const {
  BOTCORE_ASSIGN_OR_RETURN(const Amount fill,
                           FillPrice(instrument, Side::kBuy, price));
  BOTCORE_ASSIGN_OR_RETURN(const Amount notional,
                           Notional(instrument.symbol, quantity, fill));
  BOTCORE_ASSIGN_OR_RETURN(const Amount commission, Commission(notional));
  return notional.Add(commission);
}

absl::StatusOr<Amount> PortfolioBook::EquityWith(std::string_view symbol,
                                                 const Amount& value,
                                                 const Amount& cash) const {
  BOTCORE_ASSIGN_OR_RETURN(Amount equity, cash.Add(value));
  for (const Position& p : positions_) {
    if (p.symbol == symbol) continue;
    BOTCORE_ASSIGN_OR_RETURN(const Amount held,
                             Notional(p.symbol, p.quantity, p.last_price));
    BOTCORE_ASSIGN_OR_RETURN(equity, equity.Add(held));
  }
  return equity;
}

absl::Status PortfolioBook::Apply(const Trade& t) {
  if (t.sequence != trade_count_ + 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "trade sequence ", t.sequence, " does not follow ", trade_count_));
  }
  if (FindInstrument(t.symbol) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown instrument \"", t.symbol, "\""));
  }
  const int scale = money_scale();
  if (t.price.scale() != scale || t.commission.scale() != scale ||
      t.quantity <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "trade ", t.sequence, ": malformed price, commission or quantity"));
  }
  // Every sum and product is checked, and the book changes only once all
  // of them fit (then Equity() and MarketValue() fit too).
  auto checked = [&](absl::StatusOr<Amount> a) -> absl::StatusOr<Amount> {
    if (a.ok()) return a;
    return absl::OutOfRangeError(absl::StrCat(
        "trade ", t.sequence, " (", t.symbol, "): ", a.status().message()));
  };
  BOTCORE_ASSIGN_OR_RETURN(const Amount notional,
                           Notional(t.symbol, t.quantity, t.price));
  const Amount& commission = t.commission;
  auto found =
      std::find_if(positions_.begin(), positions_.end(),
                   [&](const Position& p) { return p.symbol == t.symbol; });
  Position p;
  if (found != positions_.end()) {
    p = *found;
  } else {
    p.symbol = t.symbol;
    p.cost = p.buy_notional = p.sell_notional = p.trip_pnl = p.trip_commission =
        Money(0);
    p.opened_at = t.time;
  }
  Amount cash = cash_;
  Amount realized_total = realized_;
  Trade applied = t;
  std::optional<RoundTrip> trip;
  if (t.side == Side::kBuy) {
    BOTCORE_ASSIGN_OR_RETURN(const Amount total,
                             checked(notional.Add(commission)));
    if (total > cash_) {
      return absl::FailedPreconditionError(
          absl::StrCat(t.symbol, ": buying ", t.quantity, " at ",
                       t.price.ToString(), " costs ", total.ToString(),
                       " with commission, cash is ", cash_.ToString()));
    }
    if (p.quantity > std::numeric_limits<int64_t>::max() - t.quantity) {
      return absl::OutOfRangeError(absl::StrCat(t.symbol, ": holding ",
                                                p.quantity, " and buying ",
                                                t.quantity, " passes 64 bits"));
    }
    p.quantity += t.quantity;
    BOTCORE_ASSIGN_OR_RETURN(p.cost, checked(p.cost.Add(total)));
    p.last_price = t.price;
    p.bought += t.quantity;
    BOTCORE_ASSIGN_OR_RETURN(p.buy_notional,
                             checked(p.buy_notional.Add(notional)));
    BOTCORE_ASSIGN_OR_RETURN(p.trip_commission,
                             checked(p.trip_commission.Add(commission)));
    if (t.stop_loss) p.stop_loss = t.stop_loss;
    if (t.take_profit) p.take_profit = t.take_profit;
    cash = Money(cash_.units() - total.units());  // total <= cash
    applied.realized_pnl = Money(0);
  } else {
    if (found == positions_.end() || found->quantity < t.quantity) {
      return absl::FailedPreconditionError(
          absl::StrCat(t.symbol, ": selling ", t.quantity, " but holding ",
                       found == positions_.end() ? 0 : found->quantity));
    }
    Amount released = p.cost;
    if (p.quantity != t.quantity) {
      BOTCORE_ASSIGN_OR_RETURN(const Amount part,
                               checked(p.cost.MultiplyBy(t.quantity)));
      BOTCORE_ASSIGN_OR_RETURN(
          released, part.DivideBy(p.quantity, RoundingMode::kHalfEven));
    }
    BOTCORE_ASSIGN_OR_RETURN(const Amount proceeds,
                             checked(notional.Subtract(commission)));
    BOTCORE_ASSIGN_OR_RETURN(const Amount realized,
                             checked(proceeds.Subtract(released)));
    p.quantity -= t.quantity;
    p.cost = Money(p.cost.units() - released.units());  // released <= cost
    p.last_price = t.price;
    p.sold += t.quantity;
    BOTCORE_ASSIGN_OR_RETURN(p.sell_notional,
                             checked(p.sell_notional.Add(notional)));
    BOTCORE_ASSIGN_OR_RETURN(p.trip_pnl, checked(p.trip_pnl.Add(realized)));
    BOTCORE_ASSIGN_OR_RETURN(p.trip_commission,
                             checked(p.trip_commission.Add(commission)));
    BOTCORE_ASSIGN_OR_RETURN(cash, checked(cash_.Add(proceeds)));
    BOTCORE_ASSIGN_OR_RETURN(realized_total, checked(realized_.Add(realized)));
    applied.realized_pnl = realized;
    if (p.quantity == 0) {
      trip =
          RoundTrip{p.symbol,
                    p.opened_at,
                    t.time,
                    *p.buy_notional.DivideBy(p.bought, RoundingMode::kHalfEven),
                    *p.sell_notional.DivideBy(p.sold, RoundingMode::kHalfEven),
                    p.bought,
                    p.trip_pnl,
                    p.trip_commission,
                    t.reason};
    }
  }
  BOTCORE_ASSIGN_OR_RETURN(const Amount commission_paid,
                           checked(commission_paid_.Add(commission)));
  BOTCORE_ASSIGN_OR_RETURN(const Amount value,
                           Notional(t.symbol, p.quantity, p.last_price));
  BOTCORE_RETURN_IF_ERROR(checked(EquityWith(t.symbol, value, cash)).status());

  if (p.quantity == 0) {
    positions_.erase(found);
    round_trips_.push_back(*std::move(trip));
  } else if (found == positions_.end()) {
    positions_.push_back(std::move(p));
  } else {
    *found = std::move(p);
  }
  cash_ = cash;
  realized_ = realized_total;
  commission_paid_ = commission_paid;
  applied.cash_after = cash_;
  trade_count_ = t.sequence;
  trades_.push_back(std::move(applied));
  RaisePeak();
  return absl::OkStatus();
}

absl::Status PortfolioBook::Mark(std::string_view symbol, const Amount& price) {
  if (price.scale() != money_scale() || !price.is_positive()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mark of ", ToAbsl(symbol), " at ", price.ToString(),
        ": not a positive price at the money scale ", money_scale()));
  }
  for (Position& p : positions_) {
    if (p.symbol == symbol) {
      absl::StatusOr<Amount> value = Notional(symbol, p.quantity, price);
      absl::Status fits = value.ok()
                              ? EquityWith(symbol, *value, cash_).status()
                              : value.status();
      if (!fits.ok()) {
        return absl::OutOfRangeError(absl::StrCat("mark of ", ToAbsl(symbol),
                                                  " at ", price.ToString(),
                                                  ": ", fits.message()));
      }
      p.last_price = price;
      RaisePeak();
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status PortfolioBook::SetProtectiveLevels(
    std::string_view symbol, std::optional<Amount> stop_loss,
    std::optional<Amount> take_profit) {
  auto found =
      std::find_if(positions_.begin(), positions_.end(),
                   [&](const Position& p) { return p.symbol == symbol; });
  if (found == positions_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no open position in ", ToAbsl(symbol)));
  }
  const Instrument& instrument = *FindInstrument(symbol);
  for (auto* level : {&stop_loss, &take_profit}) {
    if (!level->has_value()) continue;
    if (absl::Status s = CheckPriceOnStep(instrument, **level); !s.ok())
      return s;
    **level = *(*level)->Rescale(money_scale(), RoundingMode::kHalfEven);
  }
  if ((stop_loss && *stop_loss >= found->last_price) ||
      (take_profit && *take_profit <= found->last_price)) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(symbol),
                     ": the stop-loss must be below and the take-profit "
                     "above the last price ",
                     found->last_price.ToString()));
  }
  found->stop_loss = stop_loss;
  found->take_profit = take_profit;
  return absl::OkStatus();
}

std::optional<Order> PortfolioBook::CrossedExit(std::string_view symbol,
                                                const Amount& open,
                                                const Amount& high,
                                                const Amount& low) const {
  const Position* p = FindPosition(symbol);
  if (p == nullptr) return std::nullopt;
  Order exit;
  exit.symbol = p->symbol;
  exit.side = Side::kSell;
  exit.quantity = p->quantity;
  // A bar that opened through a level passed it first: exit at the open.
  // Otherwise, when the bar's range crosses both levels, the order of its
  // high and low is unknown and the stop is assumed first.
  if (p->take_profit && open >= *p->take_profit) {
    exit.price = open;
    exit.reason = TradeReason::kTakeProfit;
    return exit;
  }
  if (p->stop_loss && open <= *p->stop_loss) {
    exit.price = open;
    exit.reason = TradeReason::kStopLoss;
    return exit;
  }
  if (p->stop_loss && low <= *p->stop_loss) {
    exit.price = *p->stop_loss;
    exit.reason = TradeReason::kStopLoss;
    return exit;
  }
  if (p->take_profit && high >= *p->take_profit) {
    exit.price = *p->take_profit;
    exit.reason = TradeReason::kTakeProfit;
    return exit;
  }
  return std::nullopt;
}

}  // namespace botcore
