#include "botcore/signals/sma_cross.h"

#include <doctest/doctest.h>

#include <vector>

#include "support/status_testing.h"

namespace botcore {
namespace {

Candle Bar(int i, double close) {
  Candle c;
  c.time = absl::FromUnixSeconds(1700000000 + int64_t{i} * 86400);
  c.open = c.high = c.low = c.close = close;
  return c;
}

TEST_CASE("the first signal comes at bar index 30 for 10/30") {
  ASSIGN_OR_REQUIRE(auto strategy, SmaCrossStrategy::Create({}));
  for (int i = 0; i < 30; ++i) {
    ASSIGN_OR_REQUIRE(auto s, strategy->OnBar(Bar(i, 200 - i)));
    CHECK_FALSE(s.has_value());
  }
  ASSIGN_OR_REQUIRE(auto s, strategy->OnBar(Bar(30, 400)));
  REQUIRE(s.has_value());
  CHECK(s->side == Side::kBuy);
  CHECK(s->entry == 400);
  CHECK(s->symbol == "GAZP");
}

TEST_CASE("an exact tie on a long flat stretch never crosses") {
  // A running double sum drifts on values like 144.37 and makes fast and
  // slow differ by an ulp now one way, now the other: false crosses. The
  // exact window sums keep them equal.
  ASSIGN_OR_REQUIRE(auto strategy, SmaCrossStrategy::Create({}));
  int signals = 0;
  int i = 0;
  for (; i < 40; ++i) {
    ASSIGN_OR_REQUIRE(auto s, strategy->OnBar(Bar(i, 100 + i * 0.37)));
    signals += s.has_value();
  }
  for (; i < 20000; ++i) {
    ASSIGN_OR_REQUIRE(auto s,
                      strategy->OnBar(Bar(i, i % 2 ? 144.37 : 0.1 + 144.27)));
    signals += s.has_value();
  }
  CHECK(signals == 0);
  CHECK(strategy->fast_sma() == strategy->slow_sma());
}

TEST_CASE("a cross is judged against the last non-zero difference") {
  ASSIGN_OR_REQUIRE(auto strategy,
                    SmaCrossStrategy::Create({.fast = 2, .slow = 3}));
  // closes 3,2,1 -> fast 1.5 < slow 2 (negative); 1,1,1 -> tie (zero, kept
  // negative); 5 -> up cross.
  std::vector<double> closes = {3, 2, 1, 1, 1, 1, 5};
  std::vector<bool> want = {false, false, false, false, false, false, true};
  for (size_t i = 0; i < closes.size(); ++i) {
    ASSIGN_OR_REQUIRE(auto s,
                      strategy->OnBar(Bar(static_cast<int>(i), closes[i])));
    CHECK(s.has_value() == want[i]);
  }
  ASSIGN_OR_REQUIRE(auto still_up, strategy->OnBar(Bar(7, 0.5)));
  CHECK_FALSE(still_up.has_value());  // fast 2.75 > slow 2.17
  ASSIGN_OR_REQUIRE(auto down, strategy->OnBar(Bar(8, 0.5)));
  REQUIRE(down.has_value());
  CHECK(down->side == Side::kSell);
}

TEST_CASE("bad windows, bars out of order and unrepresentable closes") {
  CHECK_STATUS_IS(SmaCrossStrategy::Create({.fast = 30, .slow = 10}),
                  kInvalidArgument);
  CHECK_STATUS_IS(SmaCrossStrategy::Create({.fast = 0, .slow = 10}),
                  kInvalidArgument);
  CHECK_STATUS_IS(SmaCrossStrategy::Create({.fast = 1, .slow = 2000}),
                  kInvalidArgument);
  ASSIGN_OR_REQUIRE(auto strategy, SmaCrossStrategy::Create({}));
  REQUIRE_OK(strategy->OnBar(Bar(5, 1)).status());
  CHECK_STATUS_IS(strategy->OnBar(Bar(5, 1)), kInvalidArgument);
  CHECK_STATUS_IS(strategy->OnBar(Bar(6, 1e12)), kInvalidArgument);
  CHECK_STATUS_IS(strategy->OnBar(Bar(6, 1e-12)), kInvalidArgument);
  REQUIRE_OK(strategy->OnBar(Bar(6, 2)).status());
  strategy->Reset();
  REQUIRE_OK(strategy->OnBar(Bar(0, 1)).status());
}

}  // namespace
}  // namespace botcore
