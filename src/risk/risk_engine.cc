#include "botcore/risk/risk_engine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using absl::int128;

// `fraction` as an exact rate with six decimals (0.3 -> 0.300000).
Amount Rate(double fraction) {
  return *Amount::FromUnits(static_cast<int64_t>(std::llround(fraction * 1e6)),
                            6);
}

// a * fraction, rounded by `mode` at a's scale.
Amount Times(const Amount& a, double fraction, RoundingMode mode) {
  return *a.MultiplyByRate(Rate(fraction), mode);
}

std::string Percent(double fraction) {
  return absl::StrFormat("%.4g %%", fraction * 100);
}

RiskReason Rejected(std::string code, std::string message) {
  return RiskReason{RiskDecision::kRejected, std::move(code),
                    std::move(message)};
}

RiskReason Adjusted(std::string code, std::string message) {
  return RiskReason{RiskDecision::kAdjusted, std::move(code),
                    std::move(message)};
}

// Whole lots of `lot` shares that `budget` buys at `price` each (floor);
// none when one lot's price does not even fit in 128 bits.
int64_t LotsFor(const Amount& budget, const Amount& price, int64_t lot) {
  if (!budget.is_positive()) return 0;
  const absl::StatusOr<Amount> one_lot = price.MultiplyBy(lot);
  if (!one_lot.ok()) return 0;
  const int128 lots = budget.units() / one_lot->units();
  return lots > std::numeric_limits<int64_t>::max()
             ? std::numeric_limits<int64_t>::max()
             : static_cast<int64_t>(lots);
}

// The most shares, in whole lots and at most `limit`, that buying at the
// market `price` gets for no more than `budget`, slippage and commission
// included (PortfolioBook::BuyCost); 0 when not one lot fits.
int64_t SharesWithin(const PortfolioBook& book, const Instrument& instrument,
                     const Amount& price, const Amount& budget,
                     int64_t limit = std::numeric_limits<int64_t>::max()) {
  const int64_t lot = instrument.lot_size;
  auto fits = [&](int64_t lots) {
    const absl::StatusOr<Amount> cost =
        book.BuyCost(instrument, lots * lot, price);
    return cost.ok() && *cost <= budget;
  };
  // The cost grows with the quantity: the largest count of lots that fits,
  // by bisection below the count the price alone allows.
  int64_t low = 0;
  int64_t high = std::min(limit / lot, LotsFor(budget, price, lot));
  while (low < high) {
    const int64_t mid = high - (high - low) / 2;
    if (fits(mid)) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low * lot;
}

// The exchange day's trades of `input.book`, newest first.
template <typename Fn>
void ForEachTradeToday(const RiskInput& input, Fn fn) {
  const absl::CivilDay today = input.calendar.ExchangeDay(input.now);
  const std::vector<Trade>& trades = input.book.trades();
  for (auto it = trades.rbegin(); it != trades.rend(); ++it) {
    if (input.calendar.ExchangeDay(it->time) != today) break;
    fn(*it);
  }
}

class DrawdownGuard final : public RiskCheck {
 public:
  std::string_view name() const override { return "drawdown_guard"; }
  std::optional<RiskReason> Check(const RiskInput& in,
                                  Order& order) const override {
    if (in.trading_state == TradingState::kHalted) {
      return Rejected("halted",
                      absl::StrCat("trading is HALTED: equity ",
                                   in.book.Equity().ToString(), " is down ",
                                   Percent(*in.limits.halted_drawdown),
                                   " or more from its peak ",
                                   in.book.peak_equity().ToString()));
    }
    if (in.trading_state == TradingState::kReducing &&
        order.side == Side::kBuy) {
      return Rejected("reducing",
                      absl::StrCat("trading is REDUCING (equity ",
                                   in.book.Equity().ToString(), " is down ",
                                   Percent(*in.limits.reducing_drawdown),
                                   " or more from its peak ",
                                   in.book.peak_equity().ToString(),
                                   "): only closing positions is allowed"));
    }
    return std::nullopt;
  }
};

class TradingHours final : public RiskCheck {
 public:
  std::string_view name() const override { return "trading_hours"; }
  std::optional<RiskReason> Check(const RiskInput& in, Order&) const override {
    if (!in.limits.enforce_trading_hours || in.calendar.IsOpen(in.now)) {
      return std::nullopt;
    }
    return Rejected("market_closed",
                    absl::StrCat("the exchange is closed at ",
                                 absl::FormatTime("%Y-%m-%d %H:%M %Z", in.now,
                                                  in.calendar.zone)));
  }
};

class StopLossGuard final : public RiskCheck {
 public:
  std::string_view name() const override { return "stop_loss_guard"; }
  std::optional<RiskReason> Check(const RiskInput& in,
                                  Order& order) const override {
    if (!in.limits.stop_loss_guard_count || order.side != Side::kBuy) {
      return std::nullopt;
    }
    const absl::Time since = in.now - in.limits.stop_loss_guard_window;
    const int threshold = *in.limits.stop_loss_guard_count;
    int count = 0;
    // The guard lasts while `threshold` stop-losses stay within the window:
    // until the threshold-th newest one leaves it.
    absl::Time until = in.now;
    const std::vector<Trade>& trades = in.book.trades();
    for (auto it = trades.rbegin(); it != trades.rend() && it->time > since;
         ++it) {
      if (it->reason == TradeReason::kStopLoss && ++count == threshold) {
        until = it->time + in.limits.stop_loss_guard_window;
      }
    }
    if (count < threshold) return std::nullopt;
    return Rejected(
        "stop_loss_cooldown",
        absl::StrCat(
            count, " stop-losses within ",
            absl::FormatDuration(in.limits.stop_loss_guard_window),
            ": no buys until ",
            absl::FormatTime("%Y-%m-%d %H:%M %Z", until, in.calendar.zone)));
  }
};

class DailyLossLimit final : public RiskCheck {
 public:
  std::string_view name() const override { return "daily_loss"; }
  std::optional<RiskReason> Check(const RiskInput& in,
                                  Order& order) const override {
    if (!in.limits.daily_loss_limit || order.side != Side::kBuy)
      return std::nullopt;
    // The limit holds from the moment the day's cumulative realized P&L
    // reaches -limit: a later profit the same day does not lift it. Walking
    // newest first, `running` is the cumulative P&L up to each trade.
    int128 total = 0;
    ForEachTradeToday(in,
                      [&](const Trade& t) { total += t.realized_pnl.units(); });
    int128 running = total;
    int128 worst = total;
    ForEachTradeToday(in, [&](const Trade& t) {
      worst = std::min(worst, running);
      running -= t.realized_pnl.units();
    });
    const Amount loss = *Amount::FromUnits(-worst, in.book.money_scale());
    if (loss < *in.limits.daily_loss_limit) return std::nullopt;
    return Rejected("daily_loss",
                    absl::StrCat("realized loss today reached ",
                                 loss.ToString(), ", the daily limit ",
                                 in.limits.daily_loss_limit->ToString(),
                                 ": no buys until the next exchange day"));
  }
};

class TradesPerDay final : public RiskCheck {
 public:
  std::string_view name() const override { return "trades_per_day"; }
  std::optional<RiskReason> Check(const RiskInput& in,
                                  Order& order) const override {
    if (!in.limits.max_trades_per_day || order.side != Side::kBuy) {
      return std::nullopt;
    }
    int count = 0;
    ForEachTradeToday(in, [&](const Trade&) { ++count; });
    if (count < *in.limits.max_trades_per_day) return std::nullopt;
    return Rejected(
        "trades_per_day",
        absl::StrCat(count, " trades today reach the limit of ",
                     *in.limits.max_trades_per_day, " per exchange day"));
  }
};

class ProtectiveLevels final : public RiskCheck {
 public:
  std::string_view name() const override { return "protective_levels"; }
  std::optional<RiskReason> Check(const RiskInput& in,
                                  Order& order) const override {
    if (!in.limits.require_protective_levels || order.side != Side::kBuy ||
        (order.stop_loss && order.take_profit)) {
      return std::nullopt;
    }
    const Amount& price = in.market_price;
    const int scale = price.scale();
    const Amount step =
        *in.instrument.price_step.Rescale(scale, RoundingMode::kHalfEven);
    std::string message;
    if (!order.stop_loss) {
      Amount stop =
          *RoundToStep(in.instrument,
                       Times(price, 1 - in.limits.default_stop_loss_fraction,
                             RoundingMode::kHalfEven),
                       RoundingMode::kHalfEven);
      stop = *stop.Rescale(scale, RoundingMode::kHalfEven);
      if (stop >= price) stop = *price.Subtract(step);
      if (!stop.is_positive()) {
        return Rejected("levels", absl::StrCat("no stop-loss fits below ",
                                               price.ToString()));
      }
      order.stop_loss = stop;
      absl::StrAppend(&message, "stop-loss set to ", stop.ToString(), " (",
                      Percent(in.limits.default_stop_loss_fraction), " below)");
    }
    if (!order.take_profit) {
      Amount target =
          *RoundToStep(in.instrument,
                       Times(price, 1 + in.limits.default_take_profit_fraction,
                             RoundingMode::kHalfEven),
                       RoundingMode::kHalfEven);
      target = *target.Rescale(scale, RoundingMode::kHalfEven);
      if (target <= price) target = *price.Add(step);
      order.take_profit = target;
      absl::StrAppend(&message, message.empty() ? "" : ", ",
                      "take-profit set to ", target.ToString(), " (",
                      Percent(in.limits.default_take_profit_fraction),
                      " above)");
    }
    return Adjusted("levels_filled", std::move(message));
  }
};

class RewardRisk final : public RiskCheck {
 public:
  std::string_view name() const override { return "reward_risk"; }
  std::optional<RiskReason> Check(const RiskInput& in,
                                  Order& order) const override {
    if (!in.limits.min_reward_risk || order.side != Side::kBuy ||
        !order.stop_loss || !order.take_profit) {
      return std::nullopt;
    }
    const double price = static_cast<double>(in.market_price.units());
    const double reward =
        static_cast<double>(order.take_profit->units()) - price;
    const double risk = price - static_cast<double>(order.stop_loss->units());
    const double ratio = reward / risk;
    if (ratio >= *in.limits.min_reward_risk) return std::nullopt;
    return Rejected(
        "reward_risk",
        absl::StrFormat("reward/risk %.2f (take-profit %s, stop-loss %s, price "
                        "%s) is below "
                        "the minimum %.2f",
                        ratio, order.take_profit->ToString(),
                        order.stop_loss->ToString(), in.market_price.ToString(),
                        *in.limits.min_reward_risk));
  }
};

class WholeLots final : public RiskCheck {
 public:
  std::string_view name() const override { return "whole_lots"; }
  std::optional<RiskReason> Check(const RiskInput& in,
                                  Order& order) const override {
    const int64_t lot = in.instrument.lot_size;
    if (order.quantity % lot == 0 && order.quantity > 0) return std::nullopt;
    const int64_t rounded = order.quantity / lot * lot;
    if (rounded <= 0) {
      return Rejected("below_one_lot",
                      absl::StrCat(order.quantity,
                                   " shares is less than one lot of ", lot));
    }
    std::string message =
        absl::StrCat("quantity rounded down from ", order.quantity, " to ",
                     rounded, " shares (whole lots of ", lot, ")");
    order.quantity = rounded;
    return Adjusted("lot_rounding", std::move(message));
  }
};

class MaxPosition final : public RiskCheck {
 public:
  std::string_view name() const override { return "max_position"; }
  std::optional<RiskReason> Check(const RiskInput& in,
                                  Order& order) const override {
    if (!in.limits.max_position_fraction || order.side != Side::kBuy) {
      return std::nullopt;
    }
    const Amount equity = in.book.Equity();
    const Amount cap =
        Times(equity, *in.limits.max_position_fraction, RoundingMode::kFloor);
    const Position* held = in.book.FindPosition(order.symbol);
    const absl::StatusOr<Amount> held_value =
        held == nullptr ? Amount::Zero(cap.scale())
                        : in.market_price.MultiplyBy(held->quantity);
    // A held value past 128 bits leaves no room.
    const Amount room =
        held_value.ok()
            ? *Amount::FromUnits(cap.units() - held_value->units(), cap.scale())
            : Amount::Zero(cap.scale());
    const int64_t allowed =
        SharesWithin(in.book, in.instrument, in.market_price, room);
    const std::string rule = absl::StrCat(
        "a position may be at most ", Percent(*in.limits.max_position_fraction),
        " of equity ", equity.ToString(), " (", cap.ToString(),
        ", slippage and commission included)");
    if (allowed <= 0) {
      return Rejected("max_position", absl::StrCat("no room to buy: ", rule));
    }
    if (order.quantity <= allowed) return std::nullopt;
    std::string message = absl::StrCat("quantity cut from ", order.quantity,
                                       " to ", allowed, " shares: ", rule);
    order.quantity = allowed;
    return Adjusted("max_position", std::move(message));
  }
};

class CashSufficiency final : public RiskCheck {
 public:
  std::string_view name() const override { return "cash"; }
  std::optional<RiskReason> Check(const RiskInput& in,
                                  Order& order) const override {
    if (order.side != Side::kBuy) return std::nullopt;
    const Amount& cash = in.book.cash();
    // Whole lots by now (WholeLots ran before).
    const int64_t shares = SharesWithin(in.book, in.instrument, in.market_price,
                                        cash, order.quantity);
    if (shares == order.quantity) return std::nullopt;
    const int64_t lot = in.instrument.lot_size;
    if (shares == 0) {
      return Rejected(
          "cash", absl::StrCat("cash ", cash.ToString(),
                               " does not buy one lot of ", lot, " at ",
                               in.market_price.ToString(), " with commission"));
    }
    std::string message = absl::StrCat(
        "quantity cut from ", order.quantity, " to ", shares, " shares: cash ",
        cash.ToString(), " covers no more with commission");
    order.quantity = shares;
    return Adjusted("cash", std::move(message));
  }
};

}  // namespace

std::string_view RiskDecisionName(RiskDecision decision) {
  switch (decision) {
    case RiskDecision::kApproved:
      return "APPROVED";
    case RiskDecision::kAdjusted:
      return "ADJUSTED";
    case RiskDecision::kRejected:
      return "REJECTED";
  }
  return "REJECTED";
}

std::string_view TradingStateName(TradingState state) {
  switch (state) {
    case TradingState::kActive:
      return "ACTIVE";
    case TradingState::kReducing:
      return "REDUCING";
    case TradingState::kHalted:
      return "HALTED";
  }
  return "HALTED";
}

absl::CivilDay ExchangeCalendar::ExchangeDay(absl::Time t) const {
  return absl::ToCivilDay(t, zone);
}

bool ExchangeCalendar::IsOpen(absl::Time t) const {
  const absl::CivilDay day = ExchangeDay(t);
  if (weekends_closed) {
    const absl::Weekday w = absl::GetWeekday(day);
    if (w == absl::Weekday::saturday || w == absl::Weekday::sunday)
      return false;
  }
  if (std::find(holidays.begin(), holidays.end(), day) != holidays.end()) {
    return false;
  }
  const absl::Duration since_midnight = t - absl::FromCivil(day, zone);
  return since_midnight >= session_open && since_midnight < session_close;
}

Amount RiskLimits::DefaultDailyLossLimit() {
  return *Amount::FromUnits(100000, 2);
}

RiskLimits RiskLimits::CashOnly() {
  RiskLimits limits;
  limits.max_position_fraction.reset();
  limits.require_protective_levels = false;
  limits.min_reward_risk.reset();
  limits.max_trades_per_day.reset();
  limits.daily_loss_limit.reset();
  limits.enforce_trading_hours = false;
  limits.stop_loss_guard_count.reset();
  limits.reducing_drawdown.reset();
  limits.halted_drawdown.reset();
  limits.max_entry_deviation.reset();
  return limits;
}

std::string RiskVerdict::Summary() const {
  std::string out(RiskDecisionName(decision));
  for (size_t i = 0; i < reasons.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? ": " : "; ", reasons[i].code, " (",
                    reasons[i].message, ")");
  }
  return out;
}

RiskEngine::RiskEngine(RiskEngineOptions options)
    : options_(std::move(options)) {
  checks_ = {
      std::make_shared<DrawdownGuard>(), std::make_shared<TradingHours>(),
      std::make_shared<StopLossGuard>(), std::make_shared<DailyLossLimit>(),
      std::make_shared<TradesPerDay>(),  std::make_shared<ProtectiveLevels>(),
      std::make_shared<RewardRisk>(),    std::make_shared<WholeLots>(),
      std::make_shared<MaxPosition>(),   std::make_shared<CashSufficiency>()};
  checks_.insert(checks_.end(), options_.extra_checks.begin(),
                 options_.extra_checks.end());
}

absl::StatusOr<std::unique_ptr<RiskEngine>> RiskEngine::Create(
    const RiskEngineOptions& options) {
  if (options.calendar.session_close <= options.calendar.session_open) {
    return absl::InvalidArgumentError(
        absl::StrCat("trading session closes at ",
                     absl::FormatDuration(options.calendar.session_close),
                     ", not after it opens at ",
                     absl::FormatDuration(options.calendar.session_open)));
  }
  for (const auto& check : options.extra_checks) {
    if (check == nullptr) {
      return absl::InvalidArgumentError("RiskEngineOptions: null extra check");
    }
  }
  return std::unique_ptr<RiskEngine>(new RiskEngine(options));
}

TradingState RiskEngine::TradingStateOf(const PortfolioBook& book,
                                        const RiskLimits& limits) {
  const Amount& peak = book.peak_equity();
  if (!peak.is_positive()) return TradingState::kActive;
  const Amount equity = book.Equity();
  // equity <= peak * (1 - limit), exactly.
  auto down_by = [&](double limit) {
    return equity <= Times(peak, 1 - limit, RoundingMode::kHalfEven);
  };
  if (limits.halted_drawdown && down_by(*limits.halted_drawdown)) {
    return TradingState::kHalted;
  }
  if (limits.reducing_drawdown && down_by(*limits.reducing_drawdown)) {
    return TradingState::kReducing;
  }
  return TradingState::kActive;
}

RiskVerdict RiskEngine::Review(const Recommendation& rec,
                               const PortfolioBook& book,
                               const Amount& market_price, absl::Time now,
                               const RiskLimits& limits) const {
  RiskVerdict verdict;
  verdict.trading_state = TradingStateOf(book, limits);
  auto reject = [&](std::string code, std::string message) {
    verdict.decision = RiskDecision::kRejected;
    verdict.reasons.push_back(Rejected(std::move(code), std::move(message)));
    return verdict;
  };
  if (rec.action == TradeAction::kHold) {
    return reject("hold", "a HOLD recommendation is not an order");
  }
  const Instrument* instrument = book.FindInstrument(rec.symbol);
  if (instrument == nullptr) {
    return reject(
        "unknown_symbol",
        absl::StrCat("the portfolio does not trade \"", rec.symbol, "\""));
  }
  if (!CheckPriceOnStep(*instrument, market_price).ok()) {
    return reject("bad_market_price",
                  absl::StrCat("market price ", market_price.ToString(),
                               " is not a positive price on the step ",
                               instrument->price_step.ToString()));
  }
  const int scale = book.money_scale();
  const Amount price = *market_price.Rescale(scale, RoundingMode::kHalfEven);
  const bool buy = rec.action == TradeAction::kBuy;

  // Sanity of the advisor's numbers.
  if (rec.confidence < 0 || rec.confidence > 100) {
    return reject("bad_confidence", absl::StrCat("confidence ", rec.confidence,
                                                 " is outside 0..100"));
  }
  if (rec.quantity < 0 || !std::isfinite(rec.percent) || rec.percent < 0 ||
      rec.percent > 100 || (rec.quantity > 0 && rec.percent > 0)) {
    return reject(
        "absurd_quantity",
        absl::StrCat(
            "quantity ", rec.quantity, " / percent ", rec.percent,
            ": give a positive quantity or a percent in 0..100, not both"));
  }
  for (const auto* level : {&rec.entry, &rec.stop_loss, &rec.take_profit}) {
    if (level->has_value() && !CheckPriceOnStep(*instrument, **level).ok()) {
      return reject("price_off_step",
                    absl::StrCat("price ", (*level)->ToString(),
                                 " is not a positive price on the step ",
                                 instrument->price_step.ToString()));
    }
  }
  if (rec.stop_loss &&
      (buy ? *rec.stop_loss >= price : *rec.stop_loss <= price)) {
    return reject("stop_wrong_side",
                  absl::StrCat("stop-loss ", rec.stop_loss->ToString(),
                               " is on the wrong side of the "
                               "market price ",
                               price.ToString(), " for a ",
                               internal::ToAbsl(TradeActionName(rec.action))));
  }
  if (rec.take_profit &&
      (buy ? *rec.take_profit <= price : *rec.take_profit >= price)) {
    return reject("target_wrong_side",
                  absl::StrCat("take-profit ", rec.take_profit->ToString(),
                               " is on the wrong side of "
                               "the market price ",
                               price.ToString(), " for a ",
                               internal::ToAbsl(TradeActionName(rec.action))));
  }
  if (rec.entry && limits.max_entry_deviation) {
    const Amount entry = *rec.entry->Rescale(scale, RoundingMode::kHalfEven);
    const int128 gap = entry.units() > price.units()
                           ? entry.units() - price.units()
                           : price.units() - entry.units();
    if (*Amount::FromUnits(gap, scale) >
        Times(price, *limits.max_entry_deviation, RoundingMode::kHalfEven)) {
      return reject("entry_far_from_market",
                    absl::StrCat("entry ", entry.ToString(), " is more than ",
                                 Percent(*limits.max_entry_deviation),
                                 " from the market price ", price.ToString()));
    }
  }

  // Size the order.
  Order& order = verdict.order;
  order.symbol = rec.symbol;
  order.side = buy ? Side::kBuy : Side::kSell;
  order.price = price;
  order.recommendation_id = rec.id;
  const int64_t lot = instrument->lot_size;
  const Amount equity = book.Equity();
  if (buy) {
    if (rec.stop_loss)
      order.stop_loss = *rec.stop_loss->Rescale(scale, RoundingMode::kHalfEven);
    if (rec.take_profit) {
      order.take_profit =
          *rec.take_profit->Rescale(scale, RoundingMode::kHalfEven);
    }
    if (rec.quantity > 0) {
      const Amount absurd = Times(equity, limits.absurd_notional_multiple,
                                  RoundingMode::kHalfEven);
      const absl::StatusOr<Amount> notional = price.MultiplyBy(rec.quantity);
      if (!notional.ok() || *notional > absurd) {
        return reject(
            "absurd_quantity",
            absl::StrCat(rec.quantity, " shares at ", price.ToString(),
                         " is more than ", limits.absurd_notional_multiple,
                         " times equity ", equity.ToString()));
      }
      order.quantity = rec.quantity;
    } else {
      double fraction = rec.percent / 100;
      if (rec.percent == 0) {
        if (!limits.max_position_fraction) {
          return reject("no_quantity",
                        "the recommendation gives no size and no maximum "
                        "position limit is set");
        }
        fraction = *limits.max_position_fraction;
      }
      // Sized as the maximum position check measures: the budget pays the
      // slippage and commission too.
      order.quantity =
          SharesWithin(book, *instrument, price,
                       Times(equity, fraction, RoundingMode::kFloor));
      if (order.quantity == 0) {
        return reject(
            "below_one_lot",
            absl::StrCat(Percent(fraction), " of equity ", equity.ToString(),
                         " buys less than one lot of ", lot, " at ",
                         price.ToString()));
      }
    }
  } else {
    const Position* held = book.FindPosition(rec.symbol);
    if (held == nullptr) {
      return reject(
          "no_position",
          absl::StrCat("no ", rec.symbol,
                       " position to sell (positions are long only)"));
    }
    order.quantity = rec.quantity > 0 ? rec.quantity
                     : rec.percent > 0
                         ? static_cast<int64_t>(
                               std::floor(held->quantity * rec.percent / 100))
                         : held->quantity;
    if (order.quantity > held->quantity) {
      verdict.decision = RiskDecision::kAdjusted;
      verdict.reasons.push_back(Adjusted(
          "above_position", absl::StrCat("quantity cut from ", order.quantity,
                                         " to the ", held->quantity, " held")));
      order.quantity = held->quantity;
    }
  }

  const RiskInput input{book,
                        *instrument,
                        price,
                        now,
                        limits,
                        options_.calendar,
                        verdict.trading_state};
  for (const auto& check : checks_) {
    std::optional<RiskReason> reason = check->Check(input, order);
    if (!reason) continue;
    const RiskDecision decision = reason->decision;
    if (decision == RiskDecision::kApproved) continue;
    verdict.reasons.push_back(*std::move(reason));
    if (decision == RiskDecision::kRejected) {
      verdict.decision = RiskDecision::kRejected;
      return verdict;
    }
    verdict.decision = RiskDecision::kAdjusted;
  }
  return verdict;
}

}  // namespace botcore
