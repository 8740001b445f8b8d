// Persisted portfolios and the recommendation desk, on SQLite and PostgreSQL.

#include "botcore/portfolio/portfolios.h"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "botcore/adapters/storage.h"
#include "botcore/portfolio/recommendation_desk.h"
#include "botcore/risk/risk_engine.h"
#include "botcore/testing/manual_clock.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

Amount Money(const char* text) { return *Amount::Parse(text, 2); }

// Monday 2024-01-15, 12:00 Moscow time: the exchange is open.
absl::Time Noon() {
  return absl::FromCivil(absl::CivilMinute(2024, 1, 15, 12, 0),
                         absl::FixedTimeZone(3 * 3600));
}

Order Buy(int64_t quantity, const char* price) {
  Order o;
  o.symbol = "GAZP";
  o.side = Side::kBuy;
  o.quantity = quantity;
  o.price = Money(price);
  return o;
}

struct Env {
  explicit Env(const std::string& url,
               std::function<absl::StatusOr<RiskLimits>(SqlTransaction&,
                                                        std::string_view)>
                   limits_of = nullptr)
      : clock(Noon()) {
    absl::StatusOr<std::unique_ptr<Database>> opened = OpenDatabase(url);
    REQUIRE_OK(opened.status());
    db = *std::move(opened);
    PortfoliosOptions options;
    options.database = db.get();
    options.clock = &clock;
    absl::StatusOr<std::unique_ptr<Portfolios>> p = Portfolios::Create(options);
    REQUIRE_OK(p.status());
    portfolios = *std::move(p);
    absl::StatusOr<std::unique_ptr<RiskEngine>> r = RiskEngine::Create({});
    REQUIRE_OK(r.status());
    risk = *std::move(r);
    RecommendationDeskOptions desk_options;
    desk_options.portfolios = portfolios.get();
    desk_options.risk = risk.get();
    desk_options.limits_of = std::move(limits_of);
    absl::StatusOr<std::unique_ptr<RecommendationDesk>> d =
        RecommendationDesk::Create(desk_options);
    REQUIRE_OK(d.status());
    desk = *std::move(d);
  }

  testing::ManualClock clock;
  std::unique_ptr<Database> db;
  std::unique_ptr<Portfolios> portfolios;
  std::unique_ptr<RiskEngine> risk;
  std::unique_ptr<RecommendationDesk> desk;
};

Recommendation GoodBuy() {
  Recommendation r;
  r.symbol = "GAZP";
  r.action = TradeAction::kBuy;
  r.quantity = 100;
  r.entry = Money("100.00");
  r.stop_loss = Money("99.00");
  r.take_profit = Money("102.00");
  r.confidence = 70;
  r.rationale = "test";
  r.source = "test";
  return r;
}

TEST_CASE(
    "portfolios persist trades, state and equity, and replay to the stored "
    "state") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    Env env(url);
    ASSIGN_OR_REQUIRE(PortfolioBook fresh, env.portfolios->Open("tg:1"));
    CHECK(fresh.cash() == Money("100000.00"));
    ASSIGN_OR_REQUIRE(Trade buy,
                      env.portfolios->Execute("tg:1", Buy(100, "144.40")));
    CHECK(buy.sequence == 1);
    CHECK(buy.time == Noon());
    env.clock.Advance(absl::Minutes(5));
    Order sell = Buy(40, "150.00");
    sell.side = Side::kSell;
    ASSIGN_OR_REQUIRE(Trade s, env.portfolios->Execute("tg:1", sell));
    CHECK(s.sequence == 2);
    CHECK_STATUS_IS(env.portfolios->Execute("tg:1", Buy(15, "150.00")),
                    kInvalidArgument);
    CHECK_STATUS_IS(env.portfolios->Execute("tg:1", Buy(10000, "150.00")),
                    kFailedPrecondition);
    CHECK_STATUS_IS(env.portfolios->Execute("", Buy(10, "150.00")),
                    kInvalidArgument);

    ASSIGN_OR_REQUIRE(PortfolioBook book, env.portfolios->Open("tg:1"));
    CHECK(book.cash() == s.cash_after);
    REQUIRE(book.FindPosition("GAZP") != nullptr);
    CHECK(book.FindPosition("GAZP")->quantity == 60);
    CHECK(book.realized_pnl() == s.realized_pnl);
    ASSIGN_OR_REQUIRE(auto trades, env.portfolios->Trades("tg:1"));
    REQUIRE(trades.size() == 2);
    CHECK(trades[1].price == Money("150.00"));
    CHECK(trades[1].realized_pnl == s.realized_pnl);
    ASSIGN_OR_REQUIRE(auto equity, env.portfolios->EquityHistory("tg:1"));
    REQUIRE(equity.size() == 2);
    CHECK(equity[1].cash == s.cash_after);
    CHECK_OK(env.portfolios->Verify("tg:1"));
    CHECK_STATUS_IS(env.portfolios->Verify("nobody"), kNotFound);

    // Another owner is independent.
    ASSIGN_OR_REQUIRE(PortfolioBook other,
                      env.portfolios->Open("strategy:sma"));
    CHECK(other.cash() == Money("100000.00"));

    // A stored state that no longer matches its history is caught.
    REQUIRE_OK(env.db->Transact([](SqlTransaction& tx) {
      return tx
          .Execute(
              "UPDATE portfolio_accounts SET cash = '1.00' WHERE owner = "
              "'tg:1'")
          .status();
    }));
    CHECK_STATUS_IS(env.portfolios->Verify("tg:1"), kDataLoss);
  }
}

uint64_t Seed() {
  if (const char* s = std::getenv("BOTCORE_SEED"))
    return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

TEST_CASE(
    "random persisted trading: the state recomputed from history equals the "
    "stored") {
  const uint64_t seed = Seed();
  std::cout << "portfolios_test seed: " << seed
            << " (replay with BOTCORE_SEED)\n";
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    CAPTURE(seed);
    Env env(url);
    std::mt19937_64 rng(seed);
    int64_t cents = 14440;
    for (int i = 0; i < 60; ++i) {
      cents = std::max<int64_t>(
          100, cents + static_cast<int64_t>(rng() % 301) - 150);
      Order order = Buy(static_cast<int64_t>(1 + rng() % 30) * 10, "1.00");
      order.price = *Amount::FromUnits(cents, 2);
      order.side = rng() % 2 ? Side::kBuy : Side::kSell;
      absl::StatusOr<Trade> t = env.portfolios->Execute("tg:r", order);
      if (!t.ok()) CHECK_STATUS_IS(t, kFailedPrecondition);
      env.clock.Advance(absl::Minutes(1));
    }
    CHECK_OK(env.portfolios->Verify("tg:r"));
    ASSIGN_OR_REQUIRE(PortfolioBook book, env.portfolios->Open("tg:r"));
    ASSIGN_OR_REQUIRE(auto trades, env.portfolios->Trades("tg:r"));
    ASSIGN_OR_REQUIRE(PortfolioBook replayed,
                      PortfolioBook::Replay(book.options(), trades));
    CHECK(replayed.state() == book.state());
    CHECK(book.cash() >= Amount::Zero(2));
  }
}

TEST_CASE(
    "the watcher closes crossed positions at the level or the gapped open") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    Env env(url);
    Order a = Buy(10, "100.00");
    a.stop_loss = Money("98.00");
    a.take_profit = Money("105.00");
    REQUIRE_OK(env.portfolios->Execute("a", a).status());
    Order b = Buy(20, "100.00");
    b.stop_loss = Money("95.00");
    REQUIRE_OK(env.portfolios->Execute("b", b).status());
    ASSIGN_OR_REQUIRE(
        auto none,
        env.portfolios->OnPrice("GAZP", {Money("100.00"), Money("101.00"),
                                         Money("99.00"), Money("100.50")}));
    CHECK(none.empty());
    ASSIGN_OR_REQUIRE(PortfolioBook marked, env.portfolios->Open("a"));
    CHECK(marked.FindPosition("GAZP")->last_price == Money("100.50"));
    env.clock.Advance(absl::Hours(1));
    ASSIGN_OR_REQUIRE(
        auto exits,
        env.portfolios->OnPrice("GAZP", {Money("97.00"), Money("97.50"),
                                         Money("96.00"), Money("96.50")}));
    REQUIRE(exits.size() == 1);
    CHECK(exits[0].owner == "a");
    CHECK(exits[0].trade.reason == TradeReason::kStopLoss);
    CHECK(exits[0].trade.price == Money("97.00"));  // gapped through 98.00
    ASSIGN_OR_REQUIRE(
        auto later,
        env.portfolios->OnPrice("GAZP", {Money("96.00"), Money("96.00"),
                                         Money("94.00"), Money("94.50")}));
    REQUIRE(later.size() == 1);
    CHECK(later[0].owner == "b");
    CHECK(later[0].trade.price == Money("95.00"));
    CHECK_OK(env.portfolios->Verify("a"));
    CHECK_OK(env.portfolios->Verify("b"));
    CHECK_STATUS_IS(env.portfolios->OnPrice(
                        "GAZP", {Money("1.00"), Money("1.00"), Money("1.00"),
                                 *Amount::Parse("1", 0)}),
                    kInvalidArgument);
  }
}

TEST_CASE("the watcher writes an equity point only when the mark changes") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    Env env(url);
    REQUIRE_OK(env.portfolios->Execute("a", Buy(10, "100.00")).status());
    const BarPrices same{Money("100.50"), Money("100.50"), Money("100.50"),
                         Money("100.50")};
    for (int minute = 0; minute < 5; ++minute) {
      env.clock.Advance(absl::Minutes(1));
      REQUIRE_OK(env.portfolios->OnPrice("GAZP", same).status());
    }
    ASSIGN_OR_REQUIRE(auto points, env.portfolios->EquityHistory("a"));
    CHECK(points.size() == 2);  // the buy and the first mark at 100.50
    env.clock.Advance(absl::Minutes(1));
    REQUIRE_OK(env.portfolios
                   ->OnPrice("GAZP", {Money("100.50"), Money("101.00"),
                                      Money("100.50"), Money("101.00")})
                   .status());
    ASSIGN_OR_REQUIRE(points, env.portfolios->EquityHistory("a"));
    REQUIRE(points.size() == 3);
    CHECK(points.back().time == env.clock.Now());
    CHECK_OK(env.portfolios->Verify("a"));

    // The purge keeps the points from `before` on, and the portfolio.
    REQUIRE_OK(env.portfolios->Execute("b", Buy(10, "101.00")).status());
    ASSIGN_OR_REQUIRE(int64_t purged,
                      env.portfolios->PurgeEquityHistory(env.clock.Now(), 1));
    CHECK(purged == 2);
    ASSIGN_OR_REQUIRE(points, env.portfolios->EquityHistory("a"));
    CHECK(points.size() == 1);
    ASSIGN_OR_REQUIRE(points, env.portfolios->EquityHistory("b"));
    CHECK(points.size() == 1);
    CHECK_OK(env.portfolios->Verify("a"));
    CHECK_STATUS_IS(env.portfolios->PurgeEquityHistory(env.clock.Now(), 0),
                    kInvalidArgument);
  }
}

TEST_CASE("a drawdown halt is lifted by resetting the peak, and stays lifted") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    Env env(url);
    RiskLimits limits;
    REQUIRE_OK(env.portfolios->Execute("a", Buy(900, "100.00")).status());
    env.clock.Advance(absl::Minutes(1));
    Order sell = Buy(900, "85.00");
    sell.side = Side::kSell;
    REQUIRE_OK(env.portfolios->Execute("a", sell).status());  // flat, -13 500
    ASSIGN_OR_REQUIRE(PortfolioBook flat, env.portfolios->Open("a"));
    REQUIRE(flat.positions().empty());
    CHECK(RiskEngine::TradingStateOf(flat, limits) == TradingState::kReducing);
    env.clock.Advance(absl::Hours(24 * 30));  // time alone changes nothing
    ASSIGN_OR_REQUIRE(flat, env.portfolios->Open("a"));
    CHECK(RiskEngine::TradingStateOf(flat, limits) == TradingState::kReducing);

    ASSIGN_OR_REQUIRE(PortfolioBook reset, env.portfolios->ResetDrawdown("a"));
    CHECK(reset.peak_equity() == flat.Equity());
    ASSIGN_OR_REQUIRE(PortfolioBook reopened, env.portfolios->Open("a"));
    CHECK(reopened.peak_equity() == flat.Equity());
    CHECK(RiskEngine::TradingStateOf(reopened, limits) ==
          TradingState::kActive);
    CHECK_OK(env.portfolios->Verify("a"));
    CHECK_STATUS_IS(env.portfolios->ResetDrawdown(""), kInvalidArgument);
  }
}

TEST_CASE("a recommendation is confirmed exactly once") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    Env env(url);
    ASSIGN_OR_REQUIRE(StoredRecommendation r,
                      env.desk->Propose("tg:1", GoodBuy(), Money("100.00")));
    CHECK(r.status == RecommendationStatus::kPending);
    CHECK(r.expires_at == Noon() + absl::Minutes(15));
    CHECK(!r.recommendation.id.empty());
    ASSIGN_OR_REQUIRE(auto pending, env.desk->Pending("tg:1"));
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].recommendation.id == r.recommendation.id);
    CHECK(pending[0].recommendation.stop_loss == Money("99.00"));
    CHECK(pending[0].verdict.order.quantity == 100);

    CHECK_STATUS_IS(
        env.desk->Confirm("tg:2", r.recommendation.id, Money("100.00")),
        kNotFound);
    env.clock.Advance(absl::Minutes(1));
    ASSIGN_OR_REQUIRE(Trade t, env.desk->Confirm("tg:1", r.recommendation.id,
                                                 Money("100.10")));
    CHECK(t.price == Money("100.10"));
    CHECK(t.quantity == 100);
    CHECK(t.recommendation_id == r.recommendation.id);
    CHECK(t.stop_loss == Money("99.00"));
    CHECK_STATUS_IS(
        env.desk->Confirm("tg:1", r.recommendation.id, Money("100.10")),
        kAlreadyExists);
    CHECK_STATUS_IS(env.desk->Reject("tg:1", r.recommendation.id),
                    kFailedPrecondition);
    ASSIGN_OR_REQUIRE(auto trades, env.portfolios->Trades("tg:1"));
    CHECK(trades.size() == 1);
    ASSIGN_OR_REQUIRE(StoredRecommendation after,
                      env.desk->Get(r.recommendation.id));
    CHECK(after.status == RecommendationStatus::kConfirmed);
    CHECK(after.trade_sequence == 1);
    CHECK(after.decided_at == Noon() + absl::Minutes(1));
    ASSIGN_OR_REQUIRE(auto history, env.desk->History(r.recommendation.id));
    REQUIRE(history.size() == 2);
    CHECK(history[0].status == RecommendationStatus::kPending);
    CHECK(history[0].time == Noon());
    CHECK(history[1].status == RecommendationStatus::kConfirmed);
    CHECK(history[1].time == Noon() + absl::Minutes(1));
    CHECK_STATUS_IS(env.desk->Get("nope"), kNotFound);
  }
}

TEST_CASE("simultaneous confirms of one id produce one trade") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    Env env(url);
    ASSIGN_OR_REQUIRE(StoredRecommendation r,
                      env.desk->Propose("tg:1", GoodBuy(), Money("100.00")));
    std::atomic<int> ok{0};
    std::atomic<int> already{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
      threads.emplace_back([&] {
        absl::StatusOr<Trade> t =
            env.desk->Confirm("tg:1", r.recommendation.id, Money("100.00"));
        if (t.ok()) {
          ++ok;
        } else if (t.status().code() == absl::StatusCode::kAlreadyExists) {
          ++already;
        } else {
          ++other;
          MESSAGE(t.status().ToString());
        }
      });
    }
    for (std::thread& t : threads) t.join();
    CHECK(ok == 1);
    CHECK(already == 5);
    CHECK(other == 0);
    ASSIGN_OR_REQUIRE(auto trades, env.portfolios->Trades("tg:1"));
    CHECK(trades.size() == 1);
    CHECK_OK(env.portfolios->Verify("tg:1"));
  }
}

TEST_CASE("reject, expiry and refusal are final") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    Env env(url);
    ASSIGN_OR_REQUIRE(StoredRecommendation a,
                      env.desk->Propose("u", GoodBuy(), Money("100.00")));
    CHECK_OK(env.desk->Reject("u", a.recommendation.id));
    CHECK_STATUS_IS(
        env.desk->Confirm("u", a.recommendation.id, Money("100.00")),
        kFailedPrecondition);
    CHECK_STATUS_IS(env.desk->Reject("u", a.recommendation.id),
                    kFailedPrecondition);

    ASSIGN_OR_REQUIRE(StoredRecommendation b,
                      env.desk->Propose("u", GoodBuy(), Money("100.00")));
    ASSIGN_OR_REQUIRE(StoredRecommendation c,
                      env.desk->Propose("u", GoodBuy(), Money("100.00")));
    env.clock.Advance(absl::Minutes(15));
    CHECK_STATUS_IS(
        env.desk->Confirm("u", b.recommendation.id, Money("100.00")),
        kFailedPrecondition);
    ASSIGN_OR_REQUIRE(StoredRecommendation b2,
                      env.desk->Get(b.recommendation.id));
    CHECK(b2.status == RecommendationStatus::kExpired);
    ASSIGN_OR_REQUIRE(int expired, env.desk->ExpireDue());
    CHECK(expired == 1);  // c; b was already expired by the confirm
    ASSIGN_OR_REQUIRE(StoredRecommendation c2,
                      env.desk->Get(c.recommendation.id));
    CHECK(c2.status == RecommendationStatus::kExpired);
    CHECK(c2.decided_at == Noon() + absl::Minutes(15));

    Recommendation wrong = GoodBuy();
    wrong.stop_loss = Money("101.00");
    ASSIGN_OR_REQUIRE(StoredRecommendation d,
                      env.desk->Propose("u", wrong, Money("100.00")));
    CHECK(d.status == RecommendationStatus::kRefused);
    REQUIRE(!d.verdict.reasons.empty());
    CHECK(d.verdict.reasons[0].code == "stop_wrong_side");
    ASSIGN_OR_REQUIRE(StoredRecommendation d2,
                      env.desk->Get(d.recommendation.id));
    CHECK(d2.status == RecommendationStatus::kRefused);
    CHECK(d2.verdict.reasons[0].code == "stop_wrong_side");
    CHECK(d2.verdict.reasons[0].message == d.verdict.reasons[0].message);
    CHECK_STATUS_IS(
        env.desk->Confirm("u", d.recommendation.id, Money("100.00")),
        kFailedPrecondition);

    // The fresh review at confirmation refuses it: the market fell below
    // the stop-loss meanwhile.
    ASSIGN_OR_REQUIRE(StoredRecommendation e,
                      env.desk->Propose("u", GoodBuy(), Money("100.00")));
    CHECK(e.status == RecommendationStatus::kPending);
    absl::StatusOr<Trade> refused =
        env.desk->Confirm("u", e.recommendation.id, Money("98.50"));
    CHECK_STATUS_IS(refused, kFailedPrecondition);
    CHECK(refused.status().message().find("stop_wrong_side") !=
          std::string::npos);
    ASSIGN_OR_REQUIRE(StoredRecommendation e2,
                      env.desk->Get(e.recommendation.id));
    CHECK(e2.status == RecommendationStatus::kRefused);
    CHECK(e2.verdict.reasons[0].code == "stop_wrong_side");
    ASSIGN_OR_REQUIRE(auto trades, env.portfolios->Trades("u"));
    CHECK(trades.empty());

    // A SELL with no position is refused at proposal.
    Recommendation sell;
    sell.symbol = "GAZP";
    sell.action = TradeAction::kSell;
    ASSIGN_OR_REQUIRE(StoredRecommendation f,
                      env.desk->Propose("u", sell, Money("100.00")));
    CHECK(f.status == RecommendationStatus::kRefused);
    CHECK(f.verdict.reasons[0].code == "no_position");
  }
}

TEST_CASE("the watcher's exit hook commits or rolls back with the exit") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    Env env(url);
    REQUIRE_OK(env.db->Transact([](SqlTransaction& tx) {
      return tx.Execute("CREATE TABLE exit_notes (owner TEXT NOT NULL)")
          .status();
    }));
    Order a = Buy(10, "100.00");
    a.stop_loss = Money("98.00");
    REQUIRE_OK(env.portfolios->Execute("a", a).status());
    const BarPrices fall = {Money("97.00"), Money("97.00"), Money("97.00"),
                            Money("97.00")};
    // A failing hook: no exit.
    CHECK_STATUS_IS(env.portfolios
                        ->OnPrice("GAZP", fall,
                                  [](SqlTransaction&, const PositionExit&) {
                                    return absl::UnavailableError("outbox");
                                  })
                        .status(),
                    kUnavailable);
    ASSIGN_OR_REQUIRE(auto trades, env.portfolios->Trades("a"));
    CHECK(trades.size() == 1);
    // A hook that writes: the exit and its note together.
    ASSIGN_OR_REQUIRE(
        auto exits,
        env.portfolios->OnPrice(
            "GAZP", fall, [](SqlTransaction& tx, const PositionExit& e) {
              return tx
                  .Execute("INSERT INTO exit_notes (owner) VALUES (?)",
                           {e.owner})
                  .status();
            }));
    REQUIRE(exits.size() == 1);
    CHECK(exits[0].trade.reason == TradeReason::kStopLoss);
    ASSIGN_OR_REQUIRE(trades, env.portfolios->Trades("a"));
    CHECK(trades.size() == 2);
    int64_t notes = 0;
    REQUIRE_OK(env.db->Transact([&](SqlTransaction& tx) -> absl::Status {
      absl::StatusOr<std::vector<SqlRow>> rows =
          tx.Query("SELECT COUNT(*) FROM exit_notes WHERE owner = 'a'");
      if (!rows.ok()) return rows.status();
      notes = (*rows)[0].Int64(0).value_or(-1);
      return absl::OkStatus();
    }));
    CHECK(notes == 1);
    CHECK_OK(env.portfolios->Verify("a"));
  }
}

TEST_CASE("a proposal under the caller's id is stored once") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    Env env(url);
    ASSIGN_OR_REQUIRE(
        StoredRecommendation first,
        env.desk->Propose("tg:1", GoodBuy(), Money("100.00"), "m1_5"));
    CHECK(first.recommendation.id == "m1_5");
    CHECK(first.status == RecommendationStatus::kPending);
    env.clock.Advance(absl::Minutes(1));
    Recommendation other = GoodBuy();
    other.quantity = 10;
    ASSIGN_OR_REQUIRE(
        StoredRecommendation again,
        env.desk->Propose("tg:1", other, Money("101.00"), "m1_5"));
    CHECK(again.recommendation.id == "m1_5");
    CHECK(again.created_at == first.created_at);
    CHECK(again.verdict.order.quantity == 100);
    ASSIGN_OR_REQUIRE(auto pending, env.desk->Pending("tg:1"));
    CHECK(pending.size() == 1);
    ASSIGN_OR_REQUIRE(auto history, env.desk->History("m1_5"));
    CHECK(history.size() == 1);
    CHECK_STATUS_IS(
        env.desk->Propose("tg:2", GoodBuy(), Money("100.00"), "m1_5"),
        kAlreadyExists);
    CHECK_STATUS_IS(
        env.desk->Propose("tg:1", GoodBuy(), Money("100.00"), "m 1"),
        kInvalidArgument);
    CHECK_STATUS_IS(env.desk->Propose("tg:1", GoodBuy(), Money("100.00"),
                                      std::string(49, 'a')),
                    kInvalidArgument);
    ASSIGN_OR_REQUIRE(Trade t,
                      env.desk->Confirm("tg:1", "m1_5", Money("100.00")));
    CHECK(t.quantity == 100);
    // Proposed again after it was confirmed: the confirmed one, no new one.
    ASSIGN_OR_REQUIRE(
        again, env.desk->Propose("tg:1", other, Money("100.00"), "m1_5"));
    CHECK(again.status == RecommendationStatus::kConfirmed);
  }
}

TEST_CASE("limits_of is read again when a proposal is confirmed") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    std::atomic<int> trades_per_day{5};
    Env env(
        url,
        [&](SqlTransaction&, std::string_view) -> absl::StatusOr<RiskLimits> {
          RiskLimits limits;
          limits.max_trades_per_day = trades_per_day.load();
          return limits;
        });
    REQUIRE_OK(env.portfolios->Execute("u", Buy(10, "100.00")).status());
    ASSIGN_OR_REQUIRE(StoredRecommendation r,
                      env.desk->Propose("u", GoodBuy(), Money("100.00")));
    REQUIRE(r.status == RecommendationStatus::kPending);
    trades_per_day = 1;  // one trade today already
    absl::StatusOr<Trade> t =
        env.desk->Confirm("u", r.recommendation.id, Money("100.00"));
    CHECK_STATUS_IS(t, kFailedPrecondition);
    CHECK(t.status().message().find("trades_per_day") != std::string::npos);
    ASSIGN_OR_REQUIRE(StoredRecommendation after,
                      env.desk->Get(r.recommendation.id));
    CHECK(after.status == RecommendationStatus::kRefused);
    ASSIGN_OR_REQUIRE(auto trades, env.portfolios->Trades("u"));
    CHECK(trades.size() == 1);
    // Its error fails the call.
    Env failing(
        url,
        [](SqlTransaction&, std::string_view) -> absl::StatusOr<RiskLimits> {
          return absl::UnavailableError("limits store down");
        });
    CHECK_STATUS_IS(failing.desk->Propose("v", GoodBuy(), Money("100.00")),
                    kUnavailable);
  }
}

}  // namespace
}  // namespace botcore
