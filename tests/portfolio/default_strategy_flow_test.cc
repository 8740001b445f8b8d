// The whole recommendation flow with no LLM: the signal engine's
// DefaultStrategy behind a StrategyAdvisor proposes, the risk engine reviews,
// the desk stores and confirms, the portfolio executes, the watcher exits.

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "botcore/adapters/storage.h"
#include "botcore/backtest/backtester.h"
#include "botcore/portfolio/portfolios.h"
#include "botcore/portfolio/recommendation_desk.h"
#include "botcore/portfolio/strategy_advisor.h"
#include "botcore/signals/default_strategy.h"
#include "botcore/testing/manual_clock.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

std::unique_ptr<DefaultStrategy> Gazp() {
  DefaultStrategyOptions options;
  options.symbol = "GAZP";
  absl::StatusOr<std::unique_ptr<DefaultStrategy>> s =
      DefaultStrategy::Create(options);
  REQUIRE_OK(s.status());
  return *std::move(s);
}

TEST_CASE("the default strategy drives a backtest with stops and targets") {
  ASSIGN_OR_REQUIRE(
      auto bars, ReadCandlesCsv(testing::SharedDir() + "/data/gazp_daily.csv"));
  BacktestOptions options;
  options.limits = RiskLimits{};
  options.limits.enforce_trading_hours =
      false;  // daily bars carry no session time
  ASSIGN_OR_REQUIRE(auto backtester, Backtester::Create(options));
  std::unique_ptr<DefaultStrategy> strategy = Gazp();
  ASSIGN_OR_REQUIRE(BacktestResult result, backtester->Run(*strategy, bars));
  CHECK(result.report.round_trips > 0);
  bool exited_by_level = false;
  for (const RoundTrip& t : result.round_trips) {
    exited_by_level |= t.exit_reason != TradeReason::kOrder;
  }
  CHECK(exited_by_level);
  for (const Trade& t : result.trades) {
    if (t.side == Side::kBuy) {
      CHECK(t.stop_loss.has_value());
      CHECK(t.take_profit.has_value());
    }
  }
  ASSIGN_OR_REQUIRE(PortfolioBook replayed,
                    PortfolioBook::Replay(options.portfolio, result.trades));
  CHECK(replayed.realized_pnl() == result.report.realized_pnl);
  ASSIGN_OR_REQUIRE(BacktestResult again, backtester->Run(*strategy, bars));
  CHECK(again.report.final_equity == result.report.final_equity);
}

TEST_CASE("advise, review, confirm and execute with the rule-based advisor") {
  ASSIGN_OR_REQUIRE(
      auto bars, ReadCandlesCsv(testing::SharedDir() + "/data/gazp_daily.csv"));
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    ASSIGN_OR_REQUIRE(auto db, OpenDatabase(url));
    testing::ManualClock clock;
    PortfoliosOptions portfolio_options;
    portfolio_options.database = db.get();
    portfolio_options.clock = &clock;
    ASSIGN_OR_REQUIRE(auto portfolios, Portfolios::Create(portfolio_options));
    ASSIGN_OR_REQUIRE(auto risk, RiskEngine::Create({}));
    RecommendationDeskOptions desk_options;
    desk_options.portfolios = portfolios.get();
    desk_options.risk = risk.get();
    desk_options.limits.enforce_trading_hours = false;
    ASSIGN_OR_REQUIRE(auto desk, RecommendationDesk::Create(desk_options));
    std::unique_ptr<DefaultStrategy> strategy = Gazp();
    ASSIGN_OR_REQUIRE(auto advisor,
                      StrategyAdvisor::Create(strategy.get(), {}));

    // Walk the history until the advisor proposes a buy.
    std::optional<StoredRecommendation> proposed;
    size_t at = 0;
    for (; at < bars.size() && !proposed; ++at) {
      clock.Set(bars[at].time + absl::Hours(15));
      ASSIGN_OR_REQUIRE(PortfolioBook book, portfolios->Open("tg:7"));
      AdvisorContext context;
      context.symbol = "GAZP";
      context.now = clock.Now();
      context.candles = absl::MakeConstSpan(bars).subspan(0, at + 1);
      context.instrument = book.FindInstrument("GAZP");
      context.portfolio = &book;
      context.limits = &desk->LimitsFor("tg:7");
      ASSIGN_OR_REQUIRE(auto advice, advisor->Advise(context));
      if (!advice || advice->action != TradeAction::kBuy) continue;
      CHECK(advice->source == "rules:default");
      CHECK(advice->stop_loss.has_value());
      CHECK(!advice->rationale.empty());
      ASSIGN_OR_REQUIRE(Amount last,
                        PriceOnStep(*context.instrument, bars[at].close,
                                    RoundingMode::kHalfEven));
      ASSIGN_OR_REQUIRE(StoredRecommendation r,
                        desk->Propose("tg:7", *advice, last));
      if (r.status == RecommendationStatus::kPending) proposed = r;
    }
    REQUIRE(proposed.has_value());
    // The 95 % the advisor asks for is cut to the 30 % position limit.
    CHECK(proposed->verdict.decision == RiskDecision::kAdjusted);
    clock.Advance(absl::Minutes(2));
    ASSIGN_OR_REQUIRE(Trade trade,
                      desk->Confirm("tg:7", proposed->recommendation.id,
                                    proposed->market_price));
    CHECK(trade.quantity == proposed->verdict.order.quantity);
    CHECK(trade.recommendation_id == proposed->recommendation.id);
    CHECK_STATUS_IS(desk->Confirm("tg:7", proposed->recommendation.id,
                                  proposed->market_price),
                    kAlreadyExists);

    // Later bars: the watcher closes the position at its stop or target.
    std::vector<PositionExit> exits;
    for (; at < bars.size() && exits.empty(); ++at) {
      clock.Set(bars[at].time + absl::Hours(15));
      const Instrument instrument = PortfolioBookOptions::DefaultInstrument();
      auto price = [&](double p) {
        return *PriceOnStep(instrument, p, RoundingMode::kHalfEven);
      };
      ASSIGN_OR_REQUIRE(
          exits, portfolios->OnPrice(
                     "GAZP", {price(bars[at].open), price(bars[at].high),
                              price(bars[at].low), price(bars[at].close)}));
    }
    REQUIRE(exits.size() == 1);
    CHECK(exits[0].owner == "tg:7");
    CHECK(exits[0].trade.reason != TradeReason::kOrder);
    CHECK_OK(portfolios->Verify("tg:7"));
  }
}

}  // namespace
}  // namespace botcore
