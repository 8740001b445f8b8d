#include "botcore/portfolio/book.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

Amount Money(const char* text) { return *Amount::Parse(text, 2); }

absl::Time At(int day) {
  return absl::FromUnixSeconds(1700000000 + day * 86400);
}

Order Buy(int64_t quantity, const char* price) {
  Order o;
  o.symbol = "GAZP";
  o.side = Side::kBuy;
  o.quantity = quantity;
  o.price = Money(price);
  return o;
}

Order Sell(int64_t quantity, const char* price) {
  Order o = Buy(quantity, price);
  o.side = Side::kSell;
  return o;
}

TEST_CASE("a buy and a sell move cash, commission and realized P&L exactly") {
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  ASSIGN_OR_REQUIRE(Trade buy, book.Execute(Buy(100, "144.40"), At(0)));
  // 100 * 144.40 = 14440.00; 5 bp = 7.22.
  CHECK(buy.commission == Money("7.22"));
  CHECK(book.cash() == Money("85552.78"));
  const Position* p = book.FindPosition("GAZP");
  REQUIRE(p != nullptr);
  CHECK(p->cost == Money("14447.22"));
  CHECK(p->AverageEntryPrice() == Money("144.47"));
  REQUIRE_OK(book.Mark("GAZP", Money("150.00")));
  CHECK(book.MarketValue() == Money("15000.00"));
  CHECK(book.Equity() == Money("100552.78"));
  CHECK(book.UnrealizedPnl() == Money("552.78"));
  CHECK(book.peak_equity() == Money("100552.78"));

  ASSIGN_OR_REQUIRE(Trade sell, book.Execute(Sell(100, "150.00"), At(1)));
  CHECK(sell.commission == Money("7.50"));
  CHECK(sell.realized_pnl == Money("545.28"));  // 15000 - 7.50 - 14447.22
  CHECK(book.cash() == Money("100545.28"));
  CHECK(book.positions().empty());
  REQUIRE(book.round_trips().size() == 1);
  const RoundTrip& trip = book.round_trips()[0];
  CHECK(trip.entry_price == Money("144.40"));
  CHECK(trip.exit_price == Money("150.00"));
  CHECK(trip.quantity == 100);
  CHECK(trip.pnl == Money("545.28"));
  CHECK(trip.commission == Money("14.72"));
}

TEST_CASE("orders must be whole lots, on the price step, affordable and long") {
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  CHECK_STATUS_IS(book.Execute(Buy(15, "144.40"), At(0)), kInvalidArgument);
  CHECK_STATUS_IS(book.Execute(Buy(0, "144.40"), At(0)), kInvalidArgument);
  Order odd = Buy(10, "144.40");
  odd.price = *Amount::Parse("144.405", 3);  // off the 0.01 step
  CHECK_STATUS_IS(book.Execute(odd, At(0)), kInvalidArgument);
  CHECK_STATUS_IS(book.Execute(Buy(1000, "144.40"), At(0)),
                  kFailedPrecondition);
  CHECK_STATUS_IS(book.Execute(Sell(10, "144.40"), At(0)), kFailedPrecondition);
  Order unknown = Buy(10, "1.00");
  unknown.symbol = "SBER";
  CHECK_STATUS_IS(book.Execute(unknown, At(0)), kNotFound);
  Order bad_stop = Buy(10, "144.40");
  bad_stop.stop_loss = Money("150.00");
  CHECK_STATUS_IS(book.Execute(bad_stop, At(0)), kInvalidArgument);
  CHECK(book.trades().empty());
  CHECK(book.cash() == Money("100000.00"));
}

TEST_CASE("a partial sell releases a proportional, exactly rounded basis") {
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  REQUIRE_OK(book.Execute(Buy(30, "100.01"), At(0)).status());
  // basis 3000.30 + 1.50 = 3001.80; a third is 1000.60.
  ASSIGN_OR_REQUIRE(Trade sell, book.Execute(Sell(10, "100.01"), At(1)));
  CHECK(sell.realized_pnl == Money("-1.00"));  // 1000.10 - 0.50 - 1000.60
  CHECK(book.FindPosition("GAZP")->cost == Money("2001.20"));
  CHECK(book.round_trips().empty());
}

TEST_CASE("slippage moves fills against the order by whole steps") {
  PortfolioBookOptions options;
  options.slippage_steps = 2;
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create(options));
  ASSIGN_OR_REQUIRE(Trade buy, book.Execute(Buy(10, "100.00"), At(0)));
  CHECK(buy.price == Money("100.02"));
  ASSIGN_OR_REQUIRE(Trade sell, book.Execute(Sell(10, "100.00"), At(1)));
  CHECK(sell.price == Money("99.98"));
}

TEST_CASE("the watcher exits at the stop, the target, or the open on a gap") {
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  Order buy = Buy(10, "100.00");
  buy.stop_loss = Money("99.00");
  buy.take_profit = Money("102.00");
  REQUIRE_OK(book.Execute(buy, At(0)).status());
  CHECK_FALSE(book.CrossedExit("GAZP", Money("100.00"), Money("101.00"),
                               Money("99.50")));
  auto stop = book.CrossedExit("GAZP", Money("100.00"), Money("101.00"),
                               Money("98.50"));
  REQUIRE(stop);
  CHECK(stop->reason == TradeReason::kStopLoss);
  CHECK(stop->price == Money("99.00"));
  CHECK(stop->quantity == 10);
  auto gap =
      book.CrossedExit("GAZP", Money("97.00"), Money("98.00"), Money("96.00"));
  REQUIRE(gap);
  CHECK(gap->price == Money("97.00"));
  auto target = book.CrossedExit("GAZP", Money("101.00"), Money("103.00"),
                                 Money("100.50"));
  REQUIRE(target);
  CHECK(target->reason == TradeReason::kTakeProfit);
  CHECK(target->price == Money("102.00"));
  auto gap_up = book.CrossedExit("GAZP", Money("104.00"), Money("105.00"),
                                 Money("103.50"));
  CHECK(gap_up->price == Money("104.00"));
  // Both crossed in one bar: the stop is assumed first.
  auto both = book.CrossedExit("GAZP", Money("100.00"), Money("103.00"),
                               Money("98.00"));
  CHECK(both->reason == TradeReason::kStopLoss);
  ASSIGN_OR_REQUIRE(Trade exit, book.Execute(*stop, At(1)));
  CHECK(exit.reason == TradeReason::kStopLoss);
  CHECK(book.round_trips().back().exit_reason == TradeReason::kStopLoss);
}

TEST_CASE("a bar that gaps through a level exits at the open") {
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  Order buy = Buy(10, "100.00");
  buy.stop_loss = Money("99.00");
  buy.take_profit = Money("102.00");
  REQUIRE_OK(book.Execute(buy, At(0)).status());
  // Opened above the target: the target was passed first, whatever the low.
  auto up = book.CrossedExit("GAZP", Money("105.00"), Money("106.00"),
                             Money("98.00"));
  REQUIRE(up);
  CHECK(up->reason == TradeReason::kTakeProfit);
  CHECK(up->price == Money("105.00"));
  // Opened below the stop: the stop was passed first, whatever the high.
  auto down =
      book.CrossedExit("GAZP", Money("97.00"), Money("106.00"), Money("96.00"));
  REQUIRE(down);
  CHECK(down->reason == TradeReason::kStopLoss);
  CHECK(down->price == Money("97.00"));
}

TEST_CASE("a notional past 128 bits is an error and changes nothing") {
  PortfolioBookOptions options;
  ASSIGN_OR_REQUIRE(Instrument x, MakeInstrument("X", 1, "1"));
  options.instruments = {x};
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create(options));
  Order huge;
  huge.symbol = "X";
  huge.quantity = 1'000'000'000'000;
  huge.price = Money("200000000000000000000000000");  // 2e26
  absl::StatusOr<Trade> t = book.Execute(huge, At(0));
  CHECK_STATUS_IS(t, kOutOfRange);
  CHECK(absl::StrContains(t.status().message(), "1000000000000"));
  CHECK(absl::StrContains(t.status().message(),
                          "200000000000000000000000000.00"));
  CHECK(book.cash() == PortfolioBookOptions::DefaultInitialCash());
  CHECK(book.trades().empty());
  CHECK(book.positions().empty());
  CHECK_STATUS_IS(book.BuyCost(x, huge.quantity, huge.price), kOutOfRange);
}

uint64_t Seed() {
  if (const char* s = std::getenv("BOTCORE_SEED"))
    return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

TEST_CASE("random trading keeps the invariants and replays to the same state") {
  const uint64_t seed = Seed();
  std::cout << "book_test seed: " << seed << " (replay with BOTCORE_SEED)\n";
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  PortfolioBookOptions options;
  options.instruments.push_back(
      Instrument{"SBER", 1, *Amount::Parse("0.05", 2)});
  options.slippage_steps = static_cast<int64_t>(rng() % 3);
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create(options));
  int64_t cents[2] = {14440, 30000};
  for (int i = 0; i < 2000; ++i) {
    const int k = static_cast<int>(rng() % 2);
    const Instrument& instrument = options.instruments[k];
    const int64_t step = instrument.price_step.units().operator long long();
    cents[k] = std::max<int64_t>(
        step, cents[k] + (static_cast<int64_t>(rng() % 201) - 100));
    cents[k] = cents[k] / step * step;
    const Amount price = *Amount::FromUnits(cents[k], 2);
    const absl::Time time = At(i / 3);
    REQUIRE_OK(book.Mark(instrument.symbol, price));
    Order order;
    order.symbol = instrument.symbol;
    order.price = price;
    order.side = rng() % 2 ? Side::kBuy : Side::kSell;
    order.quantity = static_cast<int64_t>(1 + rng() % 20) * instrument.lot_size;
    absl::StatusOr<Trade> trade = book.Execute(order, time);
    if (!trade.ok()) {
      CHECK_STATUS_IS(trade, kFailedPrecondition);  // no cash / not enough held
    }
    // Invariants after every step.
    CHECK(book.cash() >= Amount::Zero(2));
    absl::int128 market = 0;
    for (const Position& p : book.positions()) {
      CHECK(p.quantity > 0);
      CHECK(p.quantity % book.FindInstrument(p.symbol)->lot_size == 0);
      market += p.last_price.units() * p.quantity;
    }
    CHECK(book.Equity() == *Amount::FromUnits(book.cash().units() + market, 2));
    CHECK(book.Equity() == *Amount::FromUnits(book.initial_cash().units() +
                                                  book.realized_pnl().units() +
                                                  book.UnrealizedPnl().units(),
                                              2));
  }
  absl::int128 realized = 0;
  for (const Trade& t : book.trades()) realized += t.realized_pnl.units();
  CHECK(book.realized_pnl() == *Amount::FromUnits(realized, 2));
  absl::int128 trips = 0;
  for (const RoundTrip& t : book.round_trips()) trips += t.pnl.units();
  for (const Position& p : book.positions()) trips += p.trip_pnl.units();
  CHECK(book.realized_pnl() == *Amount::FromUnits(trips, 2));

  ASSIGN_OR_REQUIRE(PortfolioBook replayed,
                    PortfolioBook::Replay(options, book.trades()));
  CHECK(replayed.state() == book.state());
  ASSIGN_OR_REQUIRE(PortfolioBook restored,
                    PortfolioBook::Restore(options, book.state(), {}));
  CHECK(restored.state() == book.state());
  CHECK(restored.Equity() == book.Equity());
}

TEST_CASE("a tampered history does not replay") {
  ASSIGN_OR_REQUIRE(PortfolioBook book, PortfolioBook::Create({}));
  REQUIRE_OK(book.Execute(Buy(10, "100.00"), At(0)).status());
  REQUIRE_OK(book.Execute(Sell(10, "110.00"), At(1)).status());
  std::vector<Trade> history = book.trades();
  history[1].realized_pnl = Money("1000.00");
  CHECK_STATUS_IS(PortfolioBook::Replay({}, history), kDataLoss);
  history = book.trades();
  history[1].quantity = 20;
  CHECK_STATUS_IS(PortfolioBook::Replay({}, history), kDataLoss);
  history = book.trades();
  history.erase(history.begin());
  CHECK_STATUS_IS(PortfolioBook::Replay({}, history), kDataLoss);
}

TEST_CASE("bad options are refused") {
  PortfolioBookOptions options;
  options.initial_cash = Money("-1.00");
  CHECK_STATUS_IS(PortfolioBook::Create(options), kInvalidArgument);
  options = {};
  options.instruments.push_back(options.instruments[0]);
  CHECK_STATUS_IS(PortfolioBook::Create(options), kInvalidArgument);
  options = {};
  options.instruments[0].price_step = *Amount::Parse("0.005", 3);
  CHECK_STATUS_IS(PortfolioBook::Create(options), kInvalidArgument);
  options = {};
  options.slippage_steps = -1;
  CHECK_STATUS_IS(PortfolioBook::Create(options), kInvalidArgument);
}

}  // namespace
}  // namespace botcore
