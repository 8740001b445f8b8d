// File: botcore/ports/advisor.h
//
// The Advisor port: something that looks at the market and the portfolio and
// proposes a trade, a Recommendation. An LLM over an OpenAI-compatible API is
// one implementation (an adapter); StrategyAdvisor
// (botcore/portfolio/strategy_advisor.h) is the offline one, built on any
// Strategy. What an advisor proposes is never executed as is: the risk engine
// reviews it, the user confirms it (RecommendationDesk), and the backtester
// runs the same review.
//
//   class MyAdvisor : public botcore::Advisor {
//    public:
//     std::string_view name() const override { return "my"; }
//     absl::StatusOr<std::optional<Recommendation>> Advise(
//         const AdvisorContext& context) override {
//       const Candle& last = context.candles.back();
//       if (last.close > last.open) return std::nullopt;
//       Recommendation r;
//       r.symbol = std::string(context.symbol);
//       r.action = TradeAction::kBuy;
//       r.percent_of_equity = 10;
//       r.rationale = "red candle";
//       r.source = "my";
//       return r;
//     }
//   };
//
// The context gives what a prompt needs: the recent candles, indicator
// values, the portfolio (cash, positions, equity) and the risk limits the
// proposal will be checked against.
//
// Thread safety: implementations say; the engines call an Advisor from one
// thread at a time.

#ifndef BOTCORE_PORTS_ADVISOR_H_
#define BOTCORE_PORTS_ADVISOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "botcore/core/amount.h"
#include "botcore/core/candle.h"

namespace botcore {

class PortfolioBook;
struct RiskLimits;
struct Instrument;

enum class TradeAction { kBuy, kSell, kHold };

// "BUY", "SELL", "HOLD".
std::string_view TradeActionName(TradeAction action);
// Errors: kInvalidArgument for any other text (case-sensitive).
[[nodiscard]] absl::StatusOr<TradeAction> ParseTradeAction(
    std::string_view name);

struct Recommendation {
  // Assigned by the RecommendationDesk when stored; empty before.
  std::string id;
  std::string symbol;  // e.g. "GAZP"
  TradeAction action = TradeAction::kHold;
  // Size, one of (or neither): shares (a whole number of lots), or a percent
  // of equity (buys) / of the position (sells). Neither: a buy is sized to
  // the maximum position the risk limits allow, a sell closes the position.
  int64_t quantity = 0;
  double percent = 0;
  // Prices the advisor has in mind, on the instrument's price step. entry is
  // informative: orders fill at the market.
  std::optional<Amount> entry;
  std::optional<Amount> stop_loss;
  std::optional<Amount> take_profit;
  int confidence = 0;     // 0..100
  std::string rationale;  // for people
  std::string source;     // e.g. "rules:sma_cross", "llm:gpt-4o-mini"
  absl::Time time;        // when it was proposed
};

// A named indicator value, e.g. {"rsi_14", 61.2}.
struct IndicatorValue {
  std::string_view name;
  double value = 0;
};

// What an advisor sees. Everything is borrowed for the duration of the call.
struct AdvisorContext {
  std::string_view symbol;
  absl::Time now;
  // Recent candles of `symbol`, oldest first; the last one has just closed.
  absl::Span<const Candle> candles;
  absl::Span<const IndicatorValue> indicators;
  const Instrument* instrument = nullptr;  // lot size, price step
  const PortfolioBook* portfolio = nullptr;
  const RiskLimits* limits = nullptr;
};

class Advisor {
 public:
  virtual ~Advisor() = default;

  // A short stable name, e.g. "rules:sma_cross".
  virtual std::string_view name() const = 0;

  // Returns a recommendation, or std::nullopt when there is nothing to say
  // (a HOLD recommendation is also fine: it is shown, never executed).
  // Errors: whatever the advisor's source reports (kUnavailable for an
  // unreachable LLM, kInvalidArgument for candles it cannot use, ...).
  [[nodiscard]] virtual absl::StatusOr<std::optional<Recommendation>> Advise(
      const AdvisorContext& context) = 0;
};

}  // namespace botcore

#endif  // BOTCORE_PORTS_ADVISOR_H_
