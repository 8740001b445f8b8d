// File: botcore/risk/risk_engine.h
//
// The risk engine reviews a Recommendation against a portfolio and approves
// it, adjusts it (cuts the quantity to fit, fills in missing stop-loss and
// take-profit) or rejects it, giving every reason as a machine-readable code
// and a sentence for people. The live flow (RecommendationDesk) and the
// backtester call the same Review.
//
//   absl::StatusOr<std::unique_ptr<RiskEngine>> risk =
//       RiskEngine::Create(RiskEngineOptions{});
//   RiskLimits limits;                                   // DESIGN.md defaults
//   RiskVerdict verdict = (*risk)->Review(recommendation, book, last_price,
//                                         clock.Now(), limits);
//   if (verdict.decision == RiskDecision::kRejected) show(verdict.Summary());
//   else book.Execute(verdict.order, clock.Now());
//
// Checks run in a fixed order, each seeing the proposal as the previous ones
// left it; the first rejection stops the review:
//   recommendation sanity (prices against the last price, absurd sizes),
//   drawdown guard (ACTIVE / REDUCING: only closing / HALTED: nothing),
//   trading hours, stop-loss cooldown, daily loss limit, trades per day,
//   protective levels, reward/risk, whole lots, maximum position, cash;
//   then the extra checks given in RiskEngineOptions.
// Sells close (part of) a long position; only the sanity checks, the
// drawdown HALTED state, trading hours and whole lots apply to them.
//
// Thread safety: RiskEngine is immutable after Create and thread-safe;
// checks must be too.

#ifndef BOTCORE_RISK_RISK_ENGINE_H_
#define BOTCORE_RISK_RISK_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "botcore/core/amount.h"
#include "botcore/portfolio/book.h"
#include "botcore/portfolio/instrument.h"
#include "botcore/ports/advisor.h"

namespace botcore {

enum class RiskDecision { kApproved, kAdjusted, kRejected };

// "APPROVED", "ADJUSTED", "REJECTED".
std::string_view RiskDecisionName(RiskDecision decision);

// The drawdown guard's states (as in NautilusTrader).
enum class TradingState {
  kActive,    // everything allowed
  kReducing,  // only orders that reduce a position
  kHalted,    // no orders at all (stop-loss / take-profit exits still run)
};

// "ACTIVE", "REDUCING", "HALTED".
std::string_view TradingStateName(TradingState state);

// One check's finding.
struct RiskReason {
  RiskDecision decision = RiskDecision::kApproved;
  // Stable, machine-readable: "max_position", "cash", "stop_wrong_side", ...
  std::string code;
  // For people: "quantity cut from 300 to 200 shares: a position may be at
  // most 30 % of equity (100000.00 RUB)".
  std::string message;
};

// When the exchange trades, in its own time zone. Defaults: the MOEX main
// session, 10:00-18:40 Moscow time (UTC+3), Monday to Friday.
struct ExchangeCalendar {
  // Default: UTC+3 (Moscow has kept this offset since 2014).
  absl::TimeZone zone = absl::FixedTimeZone(3 * 60 * 60);
  // Session bounds as offsets from local midnight; open inclusive, close
  // exclusive. Defaults: 10:00 and 18:40.
  absl::Duration session_open = absl::Hours(10);
  absl::Duration session_close = absl::Hours(18) + absl::Minutes(40);
  // Default: true (Saturday and Sunday closed).
  bool weekends_closed = true;
  // Closed days (exchange holidays). Default: none.
  std::vector<absl::CivilDay> holidays;

  // The exchange's calendar day of `t`.
  absl::CivilDay ExchangeDay(absl::Time t) const;
  // Whether the session is open at `t`.
  bool IsOpen(absl::Time t) const;
};

// Limits per portfolio. Fractions are plain numbers (0.30 = 30 %); money
// limits are Amounts. An unset optional turns its check off.
struct RiskLimits {
  // A position may be at most this fraction of equity: what is held, at the
  // market price, plus what the buy costs with slippage and commission.
  // Default: 0.30.
  std::optional<double> max_position_fraction = 0.30;
  // Buys must carry a stop-loss and a take-profit; missing ones are set at
  // these distances from the market price (rounded to the price step).
  // Defaults: true, 0.008, 0.015.
  bool require_protective_levels = true;
  double default_stop_loss_fraction = 0.008;
  double default_take_profit_fraction = 0.015;
  // (take-profit - price) / (price - stop-loss) must reach this. Default: 1.5.
  std::optional<double> min_reward_risk = 1.5;
  // Buys allowed per exchange day (trades of both sides count). Default: 5.
  std::optional<int> max_trades_per_day = 5;
  // Once the exchange day's cumulative realized P&L has reached minus this
  // (at any trade of the day: a later profit does not lift it), buys are
  // rejected until the next exchange day. Default: 1000.00 (money scale 2).
  std::optional<Amount> daily_loss_limit = DefaultDailyLossLimit();
  // Orders only while the exchange calendar says open. Default: true.
  bool enforce_trading_hours = true;
  // Cooldown (freqtrade's StoplossGuard): after this many stop-loss exits
  // within the window, no buys until fewer than this many are left within
  // it (the count-th newest one plus the window). Defaults: 3, 24 hours.
  std::optional<int> stop_loss_guard_count = 3;
  absl::Duration stop_loss_guard_window = absl::Hours(24);
  // Drawdown from the equity peak that moves the portfolio to REDUCING /
  // HALTED. Defaults: 0.10, 0.20.
  std::optional<double> reducing_drawdown = 0.10;
  std::optional<double> halted_drawdown = 0.20;
  // A recommendation's entry may differ from the market price by at most
  // this fraction. Default: 0.05.
  std::optional<double> max_entry_deviation = 0.05;
  // A quantity whose notional exceeds this multiple of equity is absurd
  // (rejected rather than cut). Default: 10.
  double absurd_notional_multiple = 10;

  static Amount DefaultDailyLossLimit();
  // Every check off except the sanity of stop/target sides, whole lots and
  // cash: the backtests of the reference strategy use this.
  static RiskLimits CashOnly();
};

// What a review settles on: the order to execute when not rejected.
struct RiskVerdict {
  RiskDecision decision = RiskDecision::kApproved;
  // Valid unless rejected: quantity, market price, levels.
  Order order;
  // Every finding, in check order (approvals are not listed).
  std::vector<RiskReason> reasons;
  TradingState trading_state = TradingState::kActive;

  bool allowed() const { return decision != RiskDecision::kRejected; }
  // "REJECTED: daily_loss (realized loss today reached 1200.00, the daily
  // limit 1000.00: ...)"; "APPROVED" when there are no reasons.
  std::string Summary() const;
};

// What a check sees.
struct RiskInput {
  const PortfolioBook& book;
  const Instrument& instrument;
  const Amount& market_price;  // at the money scale, on the step
  absl::Time now;
  const RiskLimits& limits;
  const ExchangeCalendar& calendar;
  TradingState trading_state;
};

// A composable check. It may change `order` (cut the quantity, set levels)
// and then returns kAdjusted, or return kRejected; std::nullopt means it has
// nothing to say.
class RiskCheck {
 public:
  virtual ~RiskCheck() = default;
  virtual std::string_view name() const = 0;
  virtual std::optional<RiskReason> Check(const RiskInput& input,
                                          Order& order) const = 0;
};

struct RiskEngineOptions {
  // Default: the MOEX main session.
  ExchangeCalendar calendar;
  // Run after the built-in checks, in order. Default: none.
  std::vector<std::shared_ptr<const RiskCheck>> extra_checks;
};

class RiskEngine {
 public:
  // Errors: kInvalidArgument when the calendar's session closes before it
  // opens or an extra check is null.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<RiskEngine>> Create(
      const RiskEngineOptions& options);

  RiskEngine(const RiskEngine&) = delete;
  RiskEngine& operator=(const RiskEngine&) = delete;

  // Reviews `recommendation` for `book` at `market_price` (the last price;
  // the order fills there) and time `now`. Never fails: every problem is a
  // rejection with its reason, e.g. "hold" for a HOLD, "unknown_symbol",
  // "stop_wrong_side", "entry_far_from_market", "absurd_quantity".
  RiskVerdict Review(const Recommendation& recommendation,
                     const PortfolioBook& book, const Amount& market_price,
                     absl::Time now, const RiskLimits& limits) const;

  // The drawdown guard's state for `book` under `limits`: how far equity is
  // below book.peak_equity(). A REDUCING or HALTED state lasts until equity
  // recovers or the peak is reset by the user's or operator's decision
  // (Portfolios::ResetDrawdown, PortfolioBook::ResetPeak).
  static TradingState TradingStateOf(const PortfolioBook& book,
                                     const RiskLimits& limits);

  const ExchangeCalendar& calendar() const { return options_.calendar; }

 private:
  explicit RiskEngine(RiskEngineOptions options);

  RiskEngineOptions options_;
  std::vector<std::shared_ptr<const RiskCheck>> checks_;
};

}  // namespace botcore

#endif  // BOTCORE_RISK_RISK_ENGINE_H_
