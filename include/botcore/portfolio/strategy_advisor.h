// File: botcore/portfolio/strategy_advisor.h
//
// StrategyAdvisor is the rule-based Advisor: it runs a Strategy over the
// candles it is shown and turns a signal on the last of them into a
// recommendation, so the whole recommend -> review -> confirm -> execute flow
// works with no LLM. The backtester drives the same class.
//
// Advise answers as a function of its context alone: the strategy's signal
// on the last candle, as if the strategy had been reset and fed the
// context's candles from the first. Asked again with the same candles (for
// another owner, or the same one) it gives the same answer; a signal on an
// earlier candle is stale and gives none. When the candles only extend the
// ones shown before (same symbol, same first candle, the previous last
// candle where it was), only the new ones are fed, so a backtest showing a
// growing series costs one OnBar per bar; any other context resets the
// strategy and feeds all its candles.
//
//   std::unique_ptr<SmaCrossStrategy> strategy = *SmaCrossStrategy::Create({});
//   std::unique_ptr<StrategyAdvisor> advisor =
//       *StrategyAdvisor::Create(strategy.get(), StrategyAdvisorOptions{});
//   absl::StatusOr<std::optional<Recommendation>> r = advisor->Advise(context);
//
// Mapping (long only): a BUY signal becomes a BUY of `buy_percent` of equity
// when the portfolio is flat in the symbol (nothing otherwise); a SELL signal
// becomes a SELL of the whole position when there is one (nothing
// otherwise). The signal's entry, stop-loss and take-profit become Amounts on
// the instrument's price step, rounded by `price_rounding`; NaN or
// non-positive levels are left unset (the risk engine fills them in when it
// requires them).
//
// Thread safety: thread-compatible (it drives the borrowed strategy's series
// state; the engines call an Advisor from one thread at a time).

#ifndef BOTCORE_PORTFOLIO_STRATEGY_ADVISOR_H_
#define BOTCORE_PORTFOLIO_STRATEGY_ADVISOR_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/amount.h"
#include "botcore/core/candle.h"
#include "botcore/ports/advisor.h"
#include "botcore/signals/strategy.h"

namespace botcore {

struct StrategyAdvisorOptions {
  // Percent of equity a buy asks for, in (0, 100]. Default: 95.
  double buy_percent = 95;
  // How signal prices snap to the price step. Default: kHalfEven.
  RoundingMode price_rounding = RoundingMode::kHalfEven;
};

class StrategyAdvisor final : public Advisor {
 public:
  // `strategy` is borrowed and must outlive the advisor.
  // Errors: kInvalidArgument for a null strategy or buy_percent outside
  // (0, 100].
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<StrategyAdvisor>> Create(
      Strategy* strategy, const StrategyAdvisorOptions& options);

  StrategyAdvisor(const StrategyAdvisor&) = delete;
  StrategyAdvisor& operator=(const StrategyAdvisor&) = delete;

  // "rules:<strategy name>".
  std::string_view name() const override { return name_; }

  // The recommendation for the strategy's signal on the last candle of
  // context.candles (see the file comment), or std::nullopt when there is
  // none, it is a SELL while flat or a BUY while holding, or there are no
  // candles.
  // REQUIRES: context.portfolio and context.instrument are set.
  // Errors: the strategy's (kInvalidArgument for bad bars); kInvalidArgument
  // when a signal's entry cannot be put on the price step.
  [[nodiscard]] absl::StatusOr<std::optional<Recommendation>> Advise(
      const AdvisorContext& context) override;

 private:
  StrategyAdvisor(Strategy* strategy, const StrategyAdvisorOptions& options);

  Strategy* strategy_;
  StrategyAdvisorOptions options_;
  std::string name_;
  // The series the strategy has been fed since its last Reset: the symbol,
  // its first and last candles, how many, and the signal on the last one.
  std::string fed_symbol_;
  Candle fed_first_;
  Candle fed_last_;
  size_t fed_count_ = 0;
  std::optional<Signal> last_signal_;
};

}  // namespace botcore

#endif  // BOTCORE_PORTFOLIO_STRATEGY_ADVISOR_H_
