#include "botcore/testing/scripted_advisor.h"

#include <doctest/doctest.h>

#include <vector>

#include "support/status_testing.h"

namespace botcore::testing {
namespace {

AdvisorContext Context(const std::vector<Candle>& candles, int64_t now) {
  AdvisorContext c;
  c.symbol = "GAZP";
  c.now = absl::FromUnixSeconds(now);
  c.candles = candles;
  return c;
}

TEST_SUITE("scripted_advisor") {
  TEST_CASE(
      "answers in order, fills symbol, source and time, repeats the last") {
    ScriptedAdvisor advisor("offline");
    Recommendation buy;
    buy.action = TradeAction::kBuy;
    buy.percent = 10;
    advisor.Script(buy);
    advisor.Script(absl::UnavailableError("LLM down"));
    advisor.Script(std::nullopt);
    const std::vector<Candle> candles = {
        {absl::FromUnixSeconds(0), 1, 2, 0.5, 1.5, 10}};

    ASSIGN_OR_REQUIRE(std::optional<Recommendation> first,
                      advisor.Advise(Context(candles, 100)));
    REQUIRE(first.has_value());
    CHECK(first->symbol == "GAZP");
    CHECK(first->source == "offline");
    CHECK(first->time == absl::FromUnixSeconds(100));
    CHECK(first->percent == 10);
    CHECK_STATUS_IS(advisor.Advise(Context(candles, 200)), kUnavailable);
    ASSIGN_OR_REQUIRE(std::optional<Recommendation> none,
                      advisor.Advise(Context({}, 300)));
    CHECK(!none.has_value());
    ASSIGN_OR_REQUIRE(none, advisor.Advise(Context({}, 400)));
    CHECK(!none.has_value());

    const std::vector<AdvisorCall> calls = advisor.calls();
    REQUIRE(calls.size() == 4);
    CHECK(calls[0].symbol == "GAZP");
    CHECK(calls[0].candles == 1);
    CHECK(calls[0].last_close == 1.5);
    CHECK(!calls[2].last_close.has_value());
    CHECK(calls[3].now == absl::FromUnixSeconds(400));
    CHECK(advisor.name() == "offline");
  }

  TEST_CASE("scripted fields are kept; nothing scripted means nothing to say") {
    ScriptedAdvisor advisor;
    ASSIGN_OR_REQUIRE(std::optional<Recommendation> none,
                      advisor.Advise(Context({}, 1)));
    CHECK(!none.has_value());
    Recommendation sell;
    sell.symbol = "SBER";
    sell.action = TradeAction::kSell;
    sell.source = "rules:x";
    sell.time = absl::FromUnixSeconds(5);
    advisor.Script(sell);
    ASSIGN_OR_REQUIRE(std::optional<Recommendation> r,
                      advisor.Advise(Context({}, 9)));
    REQUIRE(r.has_value());
    CHECK(r->symbol == "SBER");
    CHECK(r->source == "rules:x");
    CHECK(r->time == absl::FromUnixSeconds(5));
    CHECK(advisor.name() == "scripted");
  }
}

}  // namespace
}  // namespace botcore::testing
