#include "botcore/risk/risk_engine.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

Amount Money(const char* text) { return *Amount::Parse(text, 2); }

// Monday 2024-01-15, 12:00 Moscow time.
absl::Time Monday(int hour = 12, int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(2024, 1, 15, hour, minute),
                         absl::FixedTimeZone(3 * 3600));
}

Recommendation Buy(const char* entry = nullptr) {
  Recommendation r;
  r.symbol = "GAZP";
  r.action = TradeAction::kBuy;
  r.quantity = 100;
  r.confidence = 70;
  if (entry != nullptr) r.entry = Money(entry);
  return r;
}

Recommendation Sell() {
  Recommendation r;
  r.symbol = "GAZP";
  r.action = TradeAction::kSell;
  return r;
}

bool HasReason(const RiskVerdict& v, std::string_view code) {
  for (const RiskReason& r : v.reasons) {
    if (r.code == code) return true;
  }
  return false;
}

struct Fixture {
  Fixture() : book(*PortfolioBook::Create({})), risk(*RiskEngine::Create({})) {}

  RiskVerdict Review(const Recommendation& r, const char* price = "100.00",
                     absl::Time now = Monday()) {
    return risk->Review(r, book, Money(price), now, limits);
  }

  // Executes what the verdict allows; returns the trade.
  Trade Fill(const RiskVerdict& v, absl::Time now = Monday()) {
    REQUIRE(v.allowed());
    absl::StatusOr<Trade> t = book.Execute(v.order, now);
    REQUIRE_OK(t.status());
    return *t;
  }

  PortfolioBook book;
  std::unique_ptr<RiskEngine> risk;
  RiskLimits limits;
};

TEST_CASE("a buy sized by the engine is sized as max_position measures it") {
  Fixture f;
  Recommendation r = Buy();
  r.quantity = 0;  // the maximum position, commission included
  RiskVerdict v = f.Review(r);
  INFO(v.Summary());
  CHECK(v.order.quantity == 290);
  CHECK_FALSE(HasReason(v, "max_position"));
}

TEST_CASE("defaults fill in the levels and keep a buy within 30 % of equity") {
  Fixture f;
  Recommendation r = Buy();
  r.quantity = 0;
  r.percent = 95;
  RiskVerdict v = f.Review(r);
  CHECK(v.decision == RiskDecision::kAdjusted);
  CHECK(HasReason(v, "levels_filled"));
  CHECK(HasReason(v, "max_position"));
  // 30 % of 100000 at 100.00 with commission: 300 would cost 30015.00.
  CHECK(v.order.quantity == 290);
  CHECK(v.order.stop_loss == Money("99.20"));
  CHECK(v.order.take_profit == Money("101.50"));
  CHECK(v.order.price == Money("100.00"));
  INFO(v.Summary());
  CHECK(v.Summary().find("ADJUSTED: levels_filled") == 0);
  f.Fill(v);
  // Already at the cap (less the commission): no room for more.
  RiskVerdict more = f.Review(Buy());
  CHECK(more.decision == RiskDecision::kRejected);
  CHECK(HasReason(more, "max_position"));
}

TEST_CASE(
    "the filled position stays within the cap with slippage and commission") {
  PortfolioBookOptions options;
  options.slippage_steps = 5;  // buys fill at 100.05
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create(options));
  ASSIGN_OR_REQUIRE(std::unique_ptr<RiskEngine> risk, RiskEngine::Create({}));
  RiskLimits limits;
  const Amount cap = Money("30000.00");  // 30 % of 100000.00
  Recommendation sized = Buy();
  sized.quantity = 0;  // sized by the limit
  Recommendation asked = Buy();
  asked.quantity = 300;
  for (const Recommendation& r : {sized, asked}) {
    RiskVerdict v = risk->Review(r, book, Money("100.00"), Monday(), limits);
    INFO(v.Summary());
    REQUIRE(v.allowed());
    // 300 shares cost 30015.00 + 15.01; 290 cost 29014.50 + 14.51.
    CHECK(v.order.quantity == 290);
    ASSIGN_OR_REQUIRE(Amount cost,
                      book.BuyCost(*book.FindInstrument("GAZP"),
                                   v.order.quantity, v.order.price));
    CHECK(cost <= cap);
  }
}

TEST_CASE("a buy with good levels inside the limits is approved as is") {
  Fixture f;
  Recommendation r = Buy("100.10");
  r.stop_loss = Money("99.00");
  r.take_profit = Money("102.00");
  RiskVerdict v = f.Review(r);
  CHECK(v.decision == RiskDecision::kApproved);
  CHECK(v.reasons.empty());
  CHECK(v.order.quantity == 100);
  CHECK(v.Summary() == "APPROVED");
}

TEST_CASE("the advisor's numbers are checked against the market price") {
  Fixture f;
  Recommendation stop = Buy();
  stop.stop_loss = Money("101.00");
  CHECK(HasReason(f.Review(stop), "stop_wrong_side"));
  Recommendation target = Buy();
  target.take_profit = Money("99.00");
  CHECK(HasReason(f.Review(target), "target_wrong_side"));
  CHECK(HasReason(f.Review(Buy("120.00")), "entry_far_from_market"));
  Recommendation huge = Buy();
  huge.quantity = 100'000'000;
  CHECK(HasReason(f.Review(huge), "absurd_quantity"));
  Recommendation both = Buy();
  both.percent = 10;
  CHECK(HasReason(f.Review(both), "absurd_quantity"));
  Recommendation confidence = Buy();
  confidence.confidence = 101;
  CHECK(HasReason(f.Review(confidence), "bad_confidence"));
  Recommendation off_step = Buy();
  off_step.entry = *Amount::Parse("100.005", 3);
  CHECK(HasReason(f.Review(off_step), "price_off_step"));
  Recommendation unknown = Buy();
  unknown.symbol = "SBER";
  CHECK(HasReason(f.Review(unknown), "unknown_symbol"));
  Recommendation hold = Buy();
  hold.action = TradeAction::kHold;
  CHECK(HasReason(f.Review(hold), "hold"));
  CHECK(HasReason(f.Review(Sell()), "no_position"));
}

TEST_CASE("whole lots and cash cut the quantity") {
  Fixture f;
  f.limits = RiskLimits::CashOnly();
  Recommendation r = Buy();
  r.quantity = 15;
  RiskVerdict v = f.Review(r);
  CHECK(v.decision == RiskDecision::kAdjusted);
  CHECK(HasReason(v, "lot_rounding"));
  CHECK(v.order.quantity == 10);
  r.quantity = 5;
  CHECK(HasReason(f.Review(r), "below_one_lot"));
  r.quantity = 2000;  // 200 000 RUB at 100.00
  RiskVerdict cash = f.Review(r);
  CHECK(HasReason(cash, "cash"));
  // 990 shares cost 99000 + 49.50; 1000 would cost 100050.
  CHECK(cash.order.quantity == 990);
  f.Fill(cash);
  CHECK(f.book.cash() >= Amount::Zero(2));
}

TEST_CASE("trading hours follow the exchange calendar") {
  Fixture f;
  Recommendation r = Buy();
  r.stop_loss = Money("99.00");
  r.take_profit = Money("102.00");
  CHECK(f.Review(r, "100.00", Monday(10, 0)).allowed());
  CHECK(HasReason(f.Review(r, "100.00", Monday(9, 59)), "market_closed"));
  CHECK(HasReason(f.Review(r, "100.00", Monday(18, 40)), "market_closed"));
  CHECK(HasReason(f.Review(r, "100.00", Monday() + absl::Hours(24 * 5)),
                  "market_closed"));
  RiskEngineOptions options;
  options.calendar.holidays.push_back(absl::CivilDay(2024, 1, 15));
  ASSIGN_OR_REQUIRE(auto holiday_risk, RiskEngine::Create(options));
  CHECK(HasReason(
      holiday_risk->Review(r, f.book, Money("100.00"), Monday(), f.limits),
      "market_closed"));
  options.calendar.session_close = absl::Hours(9);
  CHECK_STATUS_IS(RiskEngine::Create(options), kInvalidArgument);
}

TEST_CASE(
    "at most five trades per exchange day, then buys wait for the next day") {
  Fixture f;
  Recommendation r = Buy();
  r.quantity = 10;
  for (int i = 0; i < 5; ++i) {
    RiskVerdict v = f.Review(r, "100.00", Monday(11, i));
    f.Fill(v, Monday(11, i));
  }
  CHECK(HasReason(f.Review(r, "100.00", Monday(15)), "trades_per_day"));
  CHECK(f.Review(Sell(), "100.00", Monday(15)).allowed());  // closing is fine
  CHECK(f.Review(r, "100.00", Monday(15) + absl::Hours(24)).allowed());
}

TEST_CASE("a daily loss of 1000 halts buys until the next exchange day") {
  Fixture f;
  f.limits.max_position_fraction = 0.9;
  Recommendation r = Buy();
  r.quantity = 500;
  f.Fill(f.Review(r), Monday(11));
  Order sell;
  sell.symbol = "GAZP";
  sell.side = Side::kSell;
  sell.quantity = 500;
  sell.price = Money("97.00");
  REQUIRE_OK(f.book.Execute(sell, Monday(12)).status());  // about -1550
  r.quantity = 10;
  RiskVerdict v = f.Review(r, "100.00", Monday(13));
  CHECK(HasReason(v, "daily_loss"));
  CHECK(f.Review(r, "100.00", Monday(13) + absl::Hours(24)).allowed());
}

TEST_CASE("three stop-losses within 24 hours start a cooldown") {
  Fixture f;
  f.limits.max_trades_per_day.reset();
  f.limits.daily_loss_limit.reset();
  Recommendation r = Buy();
  r.quantity = 10;
  for (int i = 0; i < 3; ++i) {
    f.Fill(f.Review(r, "100.00", Monday(11, i)), Monday(11, i));
    std::optional<Order> exit = f.book.CrossedExit(
        "GAZP", Money("100.00"), Money("100.00"), Money("99.00"));
    REQUIRE(exit);
    CHECK(exit->reason == TradeReason::kStopLoss);
    REQUIRE_OK(
        f.book.Execute(*exit, Monday(11, i) + absl::Seconds(30)).status());
  }
  CHECK(HasReason(f.Review(r, "100.00", Monday(12)), "stop_loss_cooldown"));
  CHECK(f.Review(r, "100.00", Monday(12) + absl::Hours(24)).allowed());
}

TEST_CASE("a daily loss limit reached stays reached after a later profit") {
  PortfolioBookOptions options;
  options.commission_bps = Amount::Zero(0);
  ASSIGN_OR_REQUIRE(Instrument sber, MakeInstrument("SBER", 10, "0.01"));
  options.instruments.push_back(sber);
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create(options));
  ASSIGN_OR_REQUIRE(std::unique_ptr<RiskEngine> risk, RiskEngine::Create({}));
  RiskLimits limits;
  auto order = [](const char* symbol, Side side, const char* price) {
    Order o;
    o.symbol = symbol;
    o.side = side;
    o.quantity = 100;
    o.price = Money(price);
    return o;
  };
  REQUIRE_OK(book.Execute(order("GAZP", Side::kBuy, "100.00"), Monday(10, 30))
                 .status());
  REQUIRE_OK(book.Execute(order("SBER", Side::kBuy, "100.00"), Monday(10, 31))
                 .status());
  REQUIRE_OK(book.Execute(order("GAZP", Side::kSell, "88.00"), Monday(11))
                 .status());  // -1200
  Recommendation r = Buy();
  r.quantity = 10;
  CHECK(
      HasReason(risk->Review(r, book, Money("100.00"), Monday(11, 10), limits),
                "daily_loss"));
  REQUIRE_OK(book.Execute(order("SBER", Side::kSell, "103.00"), Monday(11, 30))
                 .status());  // +300: -900 for the day
  RiskVerdict v = risk->Review(r, book, Money("100.00"), Monday(12), limits);
  CHECK(HasReason(v, "daily_loss"));
  CHECK(absl::StrContains(v.Summary(), "1200.00"));
  CHECK(risk->Review(r, book, Money("100.00"), Monday(12) + absl::Hours(24),
                     limits)
            .allowed());
}

TEST_CASE("the cooldown message names when the cooldown really ends") {
  Fixture f;
  f.limits.max_trades_per_day.reset();
  f.limits.daily_loss_limit.reset();
  Recommendation r = Buy();
  r.quantity = 10;
  for (int i = 0; i < 4; ++i) {
    Order buy;
    buy.symbol = "GAZP";
    buy.quantity = 10;
    buy.price = Money("100.00");
    buy.stop_loss = Money("99.50");
    REQUIRE_OK(f.book.Execute(buy, Monday(11 + i)).status());
    std::optional<Order> exit = f.book.CrossedExit(
        "GAZP", Money("100.00"), Money("100.00"), Money("99.00"));
    REQUIRE(exit);
    REQUIRE_OK(
        f.book.Execute(*exit, Monday(11 + i) + absl::Seconds(30)).status());
  }
  // Stop-losses at 11:00, 12:00, 13:00 and 14:00: three of them stay within
  // 24 hours until the 12:00 one leaves the window.
  RiskVerdict v = f.Review(r, "100.00", Monday(15));
  REQUIRE(HasReason(v, "stop_loss_cooldown"));
  CHECK(absl::StrContains(v.Summary(), "until 2024-01-16 12:00"));
  CHECK(HasReason(f.Review(r, "100.00", Monday(11, 30) + absl::Hours(24)),
                  "stop_loss_cooldown"));
  CHECK(f.Review(r, "100.00", Monday(12, 1) + absl::Hours(24)).allowed());
}

TEST_CASE("the drawdown guard: ACTIVE, REDUCING, HALTED") {
  Fixture f;
  f.limits.max_position_fraction = 1.0;
  Recommendation r = Buy();
  r.quantity = 900;
  f.Fill(f.Review(r), Monday(11));
  CHECK(RiskEngine::TradingStateOf(f.book, f.limits) == TradingState::kActive);
  REQUIRE_OK(f.book.Mark("GAZP", Money("88.00")));  // equity about 89 150
  CHECK(RiskEngine::TradingStateOf(f.book, f.limits) ==
        TradingState::kReducing);
  r.quantity = 10;
  RiskVerdict buy = f.Review(r, "88.00");
  CHECK(HasReason(buy, "reducing"));
  CHECK(buy.trading_state == TradingState::kReducing);
  Recommendation half = Sell();
  half.quantity = 100;
  CHECK(f.Review(half, "88.00").allowed());
  REQUIRE_OK(f.book.Mark("GAZP", Money("77.00")));
  CHECK(RiskEngine::TradingStateOf(f.book, f.limits) == TradingState::kHalted);
  CHECK(HasReason(f.Review(half, "77.00"), "halted"));
}

TEST_CASE("a notional past 128 bits is absurd, not wrapped") {
  Fixture f;
  f.limits = RiskLimits::CashOnly();
  Recommendation r = Buy();
  r.quantity = 1'000'000'000'000;
  const char* huge = "200000000000000000000000000.00";  // 2e26
  RiskVerdict v = f.Review(r, huge);
  CHECK_FALSE(v.allowed());
  CHECK(HasReason(v, "absurd_quantity"));
  r.quantity = 0;
  r.percent = 50;
  CHECK_FALSE(f.Review(r, huge).allowed());
}

TEST_CASE("reward/risk below 1.5 is rejected") {
  Fixture f;
  Recommendation r = Buy();
  r.stop_loss = Money("99.00");
  r.take_profit = Money("101.00");
  RiskVerdict v = f.Review(r);
  CHECK(v.decision == RiskDecision::kRejected);
  CHECK(HasReason(v, "reward_risk"));
}

TEST_CASE("sells are capped at the position and sized by percent") {
  Fixture f;
  f.limits = RiskLimits::CashOnly();
  Recommendation r = Buy();
  r.quantity = 100;
  f.Fill(f.Review(r));
  Recommendation sell = Sell();
  sell.quantity = 500;
  RiskVerdict v = f.Review(sell);
  CHECK(HasReason(v, "above_position"));
  CHECK(v.order.quantity == 100);
  sell.quantity = 0;
  sell.percent = 55;
  CHECK(f.Review(sell).order.quantity == 50);  // 55 shares, whole lots: 50
}

class NoFridays final : public RiskCheck {
 public:
  std::string_view name() const override { return "no_fridays"; }
  std::optional<RiskReason> Check(const RiskInput& in, Order&) const override {
    if (absl::GetWeekday(in.calendar.ExchangeDay(in.now)) !=
        absl::Weekday::friday) {
      return std::nullopt;
    }
    return RiskReason{RiskDecision::kRejected, "no_fridays", "not on Fridays"};
  }
};

TEST_CASE("extra checks compose after the built-in ones") {
  RiskEngineOptions options;
  options.extra_checks.push_back(std::make_shared<NoFridays>());
  ASSIGN_OR_REQUIRE(auto risk, RiskEngine::Create(options));
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  RiskLimits limits;
  Recommendation r = Buy();
  r.stop_loss = Money("99.00");
  r.take_profit = Money("102.00");
  CHECK(risk->Review(r, book, Money("100.00"), Monday(), limits).allowed());
  RiskVerdict friday = risk->Review(r, book, Money("100.00"),
                                    Monday() + absl::Hours(96), limits);
  CHECK(HasReason(friday, "no_fridays"));
  options.extra_checks.push_back(nullptr);
  CHECK_STATUS_IS(RiskEngine::Create(options), kInvalidArgument);
}

}  // namespace
}  // namespace botcore
