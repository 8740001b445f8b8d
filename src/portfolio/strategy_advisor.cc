#include "botcore/portfolio/strategy_advisor.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "botcore/portfolio/book.h"
#include "botcore/portfolio/instrument.h"

namespace botcore {

StrategyAdvisor::StrategyAdvisor(Strategy* strategy,
                                 const StrategyAdvisorOptions& options)
    : strategy_(strategy),
      options_(options),
      name_(absl::StrCat("rules:", std::string(strategy->name()))) {}

absl::StatusOr<std::unique_ptr<StrategyAdvisor>> StrategyAdvisor::Create(
    Strategy* strategy, const StrategyAdvisorOptions& options) {
  if (strategy == nullptr) {
    return absl::InvalidArgumentError("StrategyAdvisor: null strategy");
  }
  if (!(options.buy_percent > 0 && options.buy_percent <= 100)) {
    return absl::InvalidArgumentError(
        absl::StrCat("StrategyAdvisor: buy_percent ", options.buy_percent,
                     " is outside (0, 100]"));
  }
  return std::unique_ptr<StrategyAdvisor>(
      new StrategyAdvisor(strategy, options));
}

absl::StatusOr<std::optional<Recommendation>> StrategyAdvisor::Advise(
    const AdvisorContext& context) {
  const absl::Span<const Candle> candles = context.candles;
  const bool continues = fed_count_ > 0 && fed_symbol_ == context.symbol &&
                         candles.size() >= fed_count_ &&
                         candles.front() == fed_first_ &&
                         candles[fed_count_ - 1] == fed_last_;
  if (!continues) {
    strategy_->Reset();
    fed_symbol_ = std::string(context.symbol);
    fed_count_ = 0;
    last_signal_.reset();
  }
  for (size_t i = fed_count_; i < candles.size(); ++i) {
    absl::StatusOr<std::optional<Signal>> s = strategy_->OnBar(candles[i]);
    if (!s.ok()) {
      // The strategy saw part of the series: start over next time.
      fed_count_ = 0;
      return s.status();
    }
    last_signal_ = *std::move(s);
    fed_count_ = i + 1;
    fed_last_ = candles[i];
    if (i == 0) fed_first_ = candles[0];
  }
  if (candles.empty()) return std::nullopt;
  const std::optional<Signal>& signal = last_signal_;
  if (!signal) return std::nullopt;
  const bool holding =
      context.portfolio->FindPosition(context.symbol) != nullptr;
  if (signal->side == Side::kBuy ? holding : !holding) return std::nullopt;

  Recommendation r;
  r.symbol = std::string(context.symbol);
  r.action =
      signal->side == Side::kBuy ? TradeAction::kBuy : TradeAction::kSell;
  if (signal->side == Side::kBuy) r.percent = options_.buy_percent;
  const Instrument& instrument = *context.instrument;
  auto level = [&](double price) -> absl::StatusOr<std::optional<Amount>> {
    if (!std::isfinite(price) || price <= 0) return std::nullopt;
    absl::StatusOr<Amount> a =
        PriceOnStep(instrument, price, options_.price_rounding);
    if (!a.ok()) return a.status();
    return std::optional<Amount>(*a);
  };
  absl::StatusOr<std::optional<Amount>> entry = level(signal->entry);
  if (!entry.ok()) return entry.status();
  r.entry = *entry;
  if (signal->side == Side::kBuy) {
    absl::StatusOr<std::optional<Amount>> stop = level(signal->stop_loss);
    if (!stop.ok()) return stop.status();
    absl::StatusOr<std::optional<Amount>> target = level(signal->take_profit);
    if (!target.ok()) return target.status();
    r.stop_loss = *stop;
    r.take_profit = *target;
  }
  r.confidence = signal->confidence;
  r.rationale = absl::StrJoin(signal->reasons, "; ");
  r.source = name_;
  r.time = context.now;
  return r;
}

}  // namespace botcore
