#include "botcore/portfolio/strategy_advisor.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "botcore/portfolio/book.h"
#include "botcore/risk/risk_engine.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

Amount Money(const char* text) { return *Amount::Parse(text, 2); }

// Emits the scripted signal at the given bar count.
class ScriptedStrategy final : public Strategy {
 public:
  std::vector<std::pair<int, Signal>> script;
  int seen = 0;
  std::string_view name() const override { return "scripted"; }
  absl::StatusOr<std::optional<Signal>> OnBar(const Candle&) override {
    ++seen;
    for (const auto& [at, signal] : script) {
      if (at == seen) return signal;
    }
    return std::nullopt;
  }
  void Reset() override { seen = 0; }
};

Candle Bar(int i) {
  Candle c;
  c.time = absl::FromUnixSeconds(1700000000 + int64_t{i} * 60);
  c.open = c.high = c.low = c.close = 100;
  return c;
}

// What the advisor sees of `book` holding GAZP candles `candles`.
AdvisorContext GazpContext(const PortfolioBook& book,
                           absl::Span<const Candle> candles) {
  AdvisorContext context;
  context.symbol = "GAZP";
  context.instrument = book.FindInstrument("GAZP");
  context.portfolio = &book;
  context.candles = candles;
  return context;
}

Signal MakeSignal(Side side, double entry, double stop, double target) {
  Signal s;
  s.symbol = "GAZP";
  s.side = side;
  s.entry = entry;
  s.stop_loss = stop;
  s.take_profit = target;
  s.confidence = 64;
  s.reasons = {"because", "and also"};
  return s;
}

TEST_CASE("signals become recommendations on the price step, long only") {
  ScriptedStrategy strategy;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  strategy.script = {{2, MakeSignal(Side::kBuy, 100.004, 99.126, 101.5)},
                     {3, MakeSignal(Side::kSell, 100, nan, nan)},
                     {4, MakeSignal(Side::kBuy, 100, nan, nan)}};
  ASSIGN_OR_REQUIRE(auto advisor, StrategyAdvisor::Create(&strategy, {}));
  CHECK(advisor->name() == "rules:scripted");
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  std::vector<Candle> bars = {Bar(0), Bar(1), Bar(2), Bar(3)};
  AdvisorContext context =
      GazpContext(book, absl::MakeConstSpan(bars).subspan(0, 1));
  ASSIGN_OR_REQUIRE(auto none, advisor->Advise(context));
  CHECK_FALSE(none.has_value());
  // Shown the same candles again plus one: only the new one is fed.
  context.candles = absl::MakeConstSpan(bars).subspan(0, 2);
  ASSIGN_OR_REQUIRE(auto buy, advisor->Advise(context));
  CHECK(strategy.seen == 2);
  REQUIRE(buy.has_value());
  CHECK(buy->action == TradeAction::kBuy);
  CHECK(buy->percent == 95);
  CHECK(buy->entry == Money("100.00"));
  CHECK(buy->stop_loss == Money("99.13"));
  CHECK(buy->take_profit == Money("101.50"));
  CHECK(buy->confidence == 64);
  CHECK(buy->rationale == "because; and also");
  CHECK(buy->source == "rules:scripted");

  // A SELL while flat says nothing.
  context.candles = absl::MakeConstSpan(bars).subspan(0, 3);
  ASSIGN_OR_REQUIRE(auto flat_sell, advisor->Advise(context));
  CHECK_FALSE(flat_sell.has_value());

  // A BUY while holding says nothing.
  Order order;
  order.symbol = "GAZP";
  order.quantity = 10;
  order.price = Money("100.00");
  REQUIRE_OK(book.Execute(order, bars[2].time).status());
  context.candles = absl::MakeConstSpan(bars);
  ASSIGN_OR_REQUIRE(auto held_buy, advisor->Advise(context));
  CHECK_FALSE(held_buy.has_value());
  CHECK(strategy.seen == 4);
}

TEST_CASE("the same candles give every owner the same recommendation") {
  ScriptedStrategy strategy;
  strategy.script = {{2, MakeSignal(Side::kBuy, 100, 99, 102)}};
  ASSIGN_OR_REQUIRE(auto advisor, StrategyAdvisor::Create(&strategy, {}));
  ASSIGN_OR_REQUIRE(PortfolioBook alice, PortfolioBook::Create({}));
  ASSIGN_OR_REQUIRE(PortfolioBook bob, PortfolioBook::Create({}));
  std::vector<Candle> bars = {Bar(0), Bar(1)};
  AdvisorContext context = GazpContext(alice, bars);
  ASSIGN_OR_REQUIRE(auto first, advisor->Advise(context));
  context.portfolio = &bob;
  ASSIGN_OR_REQUIRE(auto second, advisor->Advise(context));
  context.portfolio = &alice;
  ASSIGN_OR_REQUIRE(auto again, advisor->Advise(context));
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  REQUIRE(again.has_value());
  CHECK(second->action == TradeAction::kBuy);
  CHECK(second->entry == first->entry);
  CHECK(again->entry == first->entry);
  CHECK(strategy.seen == 2);  // fed once: the same series is not re-fed
}

TEST_CASE("a signal before the last candle is stale: no recommendation") {
  ScriptedStrategy strategy;
  strategy.script = {{2, MakeSignal(Side::kBuy, 100, 99, 102)}};
  ASSIGN_OR_REQUIRE(auto advisor, StrategyAdvisor::Create(&strategy, {}));
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  std::vector<Candle> bars = {Bar(0), Bar(1), Bar(2), Bar(3)};
  AdvisorContext context = GazpContext(book, bars);
  ASSIGN_OR_REQUIRE(auto stale, advisor->Advise(context));
  CHECK_FALSE(stale.has_value());
}

TEST_CASE("another symbol's candles start a fresh series") {
  ScriptedStrategy strategy;
  strategy.script = {{2, MakeSignal(Side::kBuy, 100, 99, 102)}};
  ASSIGN_OR_REQUIRE(auto advisor, StrategyAdvisor::Create(&strategy, {}));
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  std::vector<Candle> gazp = {Bar(0), Bar(1), Bar(2)};
  std::vector<Candle> sber = {Bar(1), Bar(2)};
  AdvisorContext context = GazpContext(book, gazp);
  ASSIGN_OR_REQUIRE(auto none, advisor->Advise(context));
  CHECK_FALSE(none.has_value());
  // SBER's two bars are a series of their own: its second bar signals.
  context.symbol = "SBER";
  context.candles = absl::MakeConstSpan(sber);
  ASSIGN_OR_REQUIRE(auto buy, advisor->Advise(context));
  REQUIRE(buy.has_value());
  CHECK(buy->symbol == "SBER");
  CHECK(strategy.seen == 2);
}

TEST_CASE("bad options") {
  ScriptedStrategy strategy;
  CHECK_STATUS_IS(StrategyAdvisor::Create(nullptr, {}), kInvalidArgument);
  StrategyAdvisorOptions options;
  options.buy_percent = 0;
  CHECK_STATUS_IS(StrategyAdvisor::Create(&strategy, options),
                  kInvalidArgument);
  options.buy_percent = 101;
  CHECK_STATUS_IS(StrategyAdvisor::Create(&strategy, options),
                  kInvalidArgument);
}

}  // namespace
}  // namespace botcore
