// File: botcore/portfolio/strategy_advisor.h
//
// StrategyAdvisor is the rule-based Advisor: it feeds the candles it is shown
// to a Strategy and turns the strategy's signals into recommendations, so the
// whole recommend -> review -> confirm -> execute flow works with no LLM.
// The backtester drives the same class.
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
// Thread safety: thread-compatible (it owns the strategy's series state).

#ifndef BOTCORE_PORTFOLIO_STRATEGY_ADVISOR_H_
#define BOTCORE_PORTFOLIO_STRATEGY_ADVISOR_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/amount.h"
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

  // Feeds the strategy every candle of context.candles newer than the last
  // one it saw, and answers for the last signal among them.
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
  absl::Time last_fed_ = absl::InfinitePast();
};

}  // namespace botcore

#endif  // BOTCORE_PORTFOLIO_STRATEGY_ADVISOR_H_
