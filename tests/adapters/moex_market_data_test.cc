#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/moex.h"
#include "botcore/testing/manual_clock.h"
#include "botcore/testing/scripted_http_server.h"
#include "support/fixtures.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

using testing::ReadFixture;
using testing::ScriptedHttpServer;
using testing::ScriptedResponse;

constexpr char kCandlesPath[] =
    "/iss/engines/stock/markets/shares/boards/TQBR/securities/GAZP/"
    "candles.json";
constexpr char kGazpPath[] =
    "/iss/engines/stock/markets/shares/boards/TQBR/securities/GAZP.json";

// A candles page. SYNTHETIC: no verbatim candles.json recording exists
// (fixtures/moex/README.md); this follows the documented column layout,
// with the columns deliberately reordered to prove decoding by name.
std::string CandlesPage(const std::vector<std::string>& begins) {
  std::vector<std::string> rows;
  double price = 160;
  for (const std::string& begin : begins) {
    rows.push_back(absl::StrCat("[\"", begin, "\",", price + 1, ",", price + 2,
                                ",", price - 1, ",", price, ",", 1000, ",",
                                162000.5, ",\"", begin.substr(0, 14),
                                "59:59\"]"));
    price += 0.5;
  }
  return absl::StrCat(
      R"({"candles":{"columns":["begin","close","high","low","open","volume","value","end"],"data":[)",
      absl::StrJoin(rows, ","), "]}}");
}

// 2024-02-19 00:00 UTC: after every candle of the pages below has ended.
constexpr int64_t kStart = 1708300800;

struct Moex {
  std::unique_ptr<ScriptedHttpServer> server;
  const absl::Time start;
  testing::ManualClock clock;
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<MarketData> market;

  explicit Moex(MoexHttpOptions http_options = {},
                absl::Time start_time = absl::FromUnixSeconds(kStart),
                absl::Duration data_delay = MoexOptions().data_delay)
      : start(start_time), clock(start_time) {
    ASSIGN_OR_REQUIRE(server, ScriptedHttpServer::Start());
    ASSIGN_OR_REQUIRE(http, NewMoexHttpClient(&clock, http_options));
    MoexOptions options;
    options.http = http.get();
    options.clock = &clock;
    options.data_delay = data_delay;
    options.base_url = server->base_url() + "/iss";
    ASSIGN_OR_REQUIRE(market, NewMoexMarketData(options));
  }

  absl::Duration Elapsed() const { return clock.Now() - start; }
};

CandleQuery HourlyGazp() {
  CandleQuery q;
  q.security = "GAZP";
  q.board = "TQBR";
  q.interval = CandleInterval::kHour;
  q.from = absl::FromCivil(absl::CivilSecond(2024, 2, 16, 0, 0, 0),
                           absl::UTCTimeZone());
  q.till = absl::FromCivil(absl::CivilSecond(2024, 2, 17, 0, 0, 0),
                           absl::UTCTimeZone());
  return q;
}

TEST_SUITE("moex_market_data") {
  TEST_CASE(
      "candles are paged with start= until an empty page; MSK becomes UTC") {
    Moex moex;
    moex.server->Script(
        "GET", kCandlesPath,
        {.body = CandlesPage({"2024-02-16 10:00:00", "2024-02-16 11:00:00",
                              "2024-02-16 12:00:00"})});
    moex.server->Script(
        "GET", kCandlesPath,
        {.body = CandlesPage({"2024-02-16 13:00:00", "2024-02-16 14:00:00"})});
    moex.server->Script("GET", kCandlesPath, {.body = CandlesPage({})});
    ASSIGN_OR_REQUIRE(std::vector<Candle> candles,
                      moex.market->GetCandles(HourlyGazp()));
    REQUIRE(candles.size() == 5);
    CHECK(FormatIsoTime(candles[0].time) == "2024-02-16T07:00:00Z");
    CHECK(FormatIsoTime(candles[4].time) == "2024-02-16T11:00:00Z");
    CHECK(candles[0].open == 160);
    CHECK(candles[0].close == 161);
    CHECK(candles[0].high == 162);
    CHECK(candles[0].low == 159);
    CHECK(candles[0].volume == 1000);
    const auto requests = moex.server->requests(kCandlesPath);
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].Param("start") == "0");
    CHECK(requests[1].Param("start") == "3");
    CHECK(requests[2].Param("start") == "5");
    CHECK(requests[0].Param("interval") == "60");
    CHECK(requests[0].Param("from") == "2024-02-16 03:00:00");  // MSK
    CHECK(requests[0].Param("till") == "2024-02-17 03:00:00");
    // At most one request a second: the three pages took two seconds.
    CHECK(moex.Elapsed() == absl::Seconds(2));
  }

  TEST_CASE("every ISS interval code is sent as is") {
    for (int code : {1, 10, 60, 24, 7, 31, 4}) {
      CAPTURE(code);
      Moex moex;
      moex.server->Script("GET", kCandlesPath, {.body = CandlesPage({})});
      CandleQuery q = HourlyGazp();
      ASSIGN_OR_REQUIRE(q.interval, CandleIntervalFromCode(code));
      ASSIGN_OR_REQUIRE(std::vector<Candle> none, moex.market->GetCandles(q));
      CHECK(none.empty());
      CHECK(moex.server->requests().at(0).Param("interval") ==
            std::to_string(code));
    }
    CHECK_STATUS_IS(CandleIntervalFromCode(5), kInvalidArgument);
    CHECK(CandleIntervalName(CandleInterval::kQuarter) == "1Q");
  }

  TEST_CASE("candles outside [from, till] are dropped") {
    Moex moex;
    moex.server->Script(
        "GET", kCandlesPath,
        {.body = CandlesPage({"2024-02-16 02:00:00", "2024-02-16 03:00:00",
                              "2024-02-17 03:00:00", "2024-02-17 04:00:00"})});
    moex.server->Script("GET", kCandlesPath, {.body = CandlesPage({})});
    ASSIGN_OR_REQUIRE(std::vector<Candle> candles,
                      moex.market->GetCandles(HourlyGazp()));
    CHECK(candles.size() == 2);
  }

  TEST_CASE("the candle still forming is not returned, nor from the cache") {
    // 14:55 MSK: the 14:00 hour candle (end 14:59:59) is still forming.
    Moex moex({}, absl::FromCivil(absl::CivilSecond(2024, 2, 16, 11, 55, 0),
                                  absl::UTCTimeZone()));
    moex.server->Handle(
        "GET", kCandlesPath, [&moex](const testing::RecordedRequest& r) {
          if (r.Param("start") != "0") {
            return ScriptedResponse{.body = CandlesPage({})};
          }
          // ISS dates its answers; a cached one keeps its Date.
          return ScriptedResponse{
              .headers = {{"Date", absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT",
                                                    moex.clock.Now(),
                                                    absl::UTCTimeZone())}},
              .body =
                  CandlesPage({"2024-02-16 13:00:00", "2024-02-16 14:00:00"})};
        });
    ASSIGN_OR_REQUIRE(std::vector<Candle> candles,
                      moex.market->GetCandles(HourlyGazp()));
    REQUIRE(candles.size() == 1);
    CHECK(FormatIsoTime(candles[0].time) == "2024-02-16T10:00:00Z");

    // 15:01 MSK: the 14:00 candle has ended, but the cached answer was made
    // while it was forming.
    moex.clock.Advance(absl::Minutes(6));
    ASSIGN_OR_REQUIRE(candles, moex.market->GetCandles(HourlyGazp()));
    CHECK(candles.size() == 1);
    const size_t asked = moex.server->requests(kCandlesPath).size();

    // Once the cache has expired ISS is asked again.
    moex.clock.Advance(absl::Minutes(15));
    ASSIGN_OR_REQUIRE(candles, moex.market->GetCandles(HourlyGazp()));
    CHECK(moex.server->requests(kCandlesPath).size() > asked);
    REQUIRE(candles.size() == 2);
    CHECK(FormatIsoTime(candles[1].time) == "2024-02-16T11:00:00Z");
  }

  TEST_CASE("delayed data: a candle ended in the data is finished") {
    // 15:10 MSK. Public ISS data lags 15 minutes: the 14:00 hour candle
    // still forms in it (its data reaches 14:55); real-time data has it
    // finished.
    const absl::Time now = absl::FromCivil(
        absl::CivilSecond(2024, 2, 16, 12, 10, 0), absl::UTCTimeZone());
    for (const absl::Duration delay :
         {MoexOptions().data_delay, absl::ZeroDuration()}) {
      CAPTURE(delay);
      Moex moex({}, now, delay);
      moex.server->Handle(
          "GET", kCandlesPath, [&moex](const testing::RecordedRequest& r) {
            if (r.Param("start") != "0") {
              return ScriptedResponse{.body = CandlesPage({})};
            }
            return ScriptedResponse{
                .headers = {{"Date",
                             absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT",
                                              moex.clock.Now(),
                                              absl::UTCTimeZone())}},
                .body = CandlesPage(
                    {"2024-02-16 13:00:00", "2024-02-16 14:00:00"})};
          });
      ASSIGN_OR_REQUIRE(std::vector<Candle> candles,
                        moex.market->GetCandles(HourlyGazp()));
      CHECK(candles.size() ==
            (delay == absl::ZeroDuration() ? size_t{2} : size_t{1}));
    }
  }

  TEST_CASE("a clock is required") {
    ASSIGN_OR_REQUIRE(auto http, NewCurlHttpClient({}));
    MoexOptions options;
    options.http = http.get();
    CHECK_STATUS_IS(NewMoexMarketData(options), kInvalidArgument);
    SystemClock clock;
    options.clock = &clock;
    options.data_delay = -absl::Seconds(1);
    CHECK_STATUS_IS(NewMoexMarketData(options), kInvalidArgument);
  }

  TEST_CASE("a server that ignores start= cannot make paging loop") {
    Moex moex;
    moex.server->Script("GET", kCandlesPath,
                        {.body = CandlesPage({"2024-02-16 10:00:00"})});
    CHECK_STATUS_IS(moex.market->GetCandles(HourlyGazp()), kUnavailable);
  }

  TEST_CASE("bad queries are kInvalidArgument and send nothing") {
    Moex moex;
    CandleQuery q = HourlyGazp();
    std::swap(q.from, q.till);
    CHECK_STATUS_IS(moex.market->GetCandles(q), kInvalidArgument);
    q = HourlyGazp();
    q.security = "GAZP/../x";
    CHECK_STATUS_IS(moex.market->GetCandles(q), kInvalidArgument);
    CHECK_STATUS_IS(moex.market->GetSecurityInfo("", "TQBR"), kInvalidArgument);
    CHECK(moex.server->requests().empty());
  }

  TEST_CASE("security info: lot size, price step and decimals") {
    Moex moex;
    moex.server->Script(
        "GET", kGazpPath,
        {.body = ReadFixture("moex/DERIVED_boards_TQBR_securities_GAZP.json")});
    ASSIGN_OR_REQUIRE(SecurityInfo info,
                      moex.market->GetSecurityInfo("GAZP", "TQBR"));
    CHECK(info.lot_size == 10);
    CHECK(info.decimals == 2);
    CHECK(info.price_step.ToString() == "0.01");
    CHECK(info.isin == "RU0007661625");
    CHECK(info.currency == "SUR");
    CHECK(info.short_name == "ГАЗПРОМ ао");
    const auto request = moex.server->requests().at(0);
    CHECK(request.Param("iss.only") == "securities,marketdata");
  }

  TEST_CASE("the right row is picked from the full securities list") {
    Moex moex;
    const std::string all =
        ReadFixture("moex/engines_stock_markets_shares_securities.json");
    moex.server->Script("GET", kGazpPath, {.body = all});
    moex.server->Script(
        "GET",
        "/iss/engines/stock/markets/shares/boards/TQBR/securities/SBER.json",
        {.body = all});
    ASSIGN_OR_REQUIRE(SecurityInfo gazp,
                      moex.market->GetSecurityInfo("GAZP", "TQBR"));
    CHECK(gazp.lot_size == 10);
    ASSIGN_OR_REQUIRE(SecurityInfo sber,
                      moex.market->GetSecurityInfo("SBER", "TQBR"));
    CHECK(sber.board == "TQBR");
    CHECK(sber.lot_size >= 1);
  }

  TEST_CASE(
      "the last price, at the security's decimals, with its time in UTC") {
    Moex moex;
    moex.server->Script(
        "GET", kGazpPath,
        {.body = ReadFixture("moex/DERIVED_boards_TQBR_securities_GAZP.json")});
    ASSIGN_OR_REQUIRE(LastPrice last,
                      moex.market->GetLastPrice("GAZP", "TQBR"));
    CHECK(last.price.ToString() == "162.01");
    CHECK(FormatIsoTime(last.time) == "2024-02-15T15:09:06Z");
  }

  TEST_CASE("the cache answers for 15 minutes; then ISS is asked again") {
    Moex moex;
    moex.server->Script(
        "GET", kGazpPath,
        {.body = ReadFixture("moex/DERIVED_boards_TQBR_securities_GAZP.json")});
    REQUIRE_OK(moex.market->GetSecurityInfo("GAZP", "TQBR").status());
    REQUIRE_OK(moex.market->GetLastPrice("GAZP", "TQBR").status());
    CHECK(moex.server->requests().size() == 1);
    moex.clock.Advance(absl::Minutes(15));
    REQUIRE_OK(moex.market->GetLastPrice("GAZP", "TQBR").status());
    CHECK(moex.server->requests().size() == 2);
  }

  TEST_CASE("unknown securities (empty blocks) are kNotFound") {
    Moex moex;
    moex.server->Script(
        "GET",
        "/iss/engines/stock/markets/shares/boards/TQBR/securities/NOPE.json",
        {.body =
             R"({"securities":{"columns":["SECID","BOARDID","LOTSIZE"],"data":[]},)"
             R"("marketdata":{"columns":["SECID","BOARDID","LAST"],"data":[]}})"});
    CHECK_STATUS_IS(moex.market->GetSecurityInfo("NOPE", "TQBR"), kNotFound);
    CHECK_STATUS_IS(moex.market->GetLastPrice("NOPE", "TQBR"), kNotFound);
  }

  TEST_CASE("errors in a 200 body, HTML, truncated JSON, 404 and 5xx") {
    Moex moex;
    moex.server->Script(
        "GET", kCandlesPath,
        {.body = ReadFixture("moex/error_in_block_extended_indices.json")});
    absl::StatusOr<std::vector<Candle>> error =
        moex.market->GetCandles(HourlyGazp());
    CHECK_STATUS_IS(error, kUnavailable);
    CHECK(absl::StrContains(error.status().message(),
                            "Error while acquiring data."));

    moex.server->Reset();
    moex.server->Script(
        "GET", kCandlesPath,
        {.body = "<html>Forbidden</html>", .content_type = "text/html"});
    CHECK_STATUS_IS(moex.market->GetCandles(HourlyGazp()), kUnavailable);

    moex.server->Reset();
    moex.server->Script("GET", kGazpPath,
                        {.body = R"({"securities":{"columns":["SEC)"});
    CHECK_STATUS_IS(moex.market->GetSecurityInfo("GAZP", "TQBR"), kUnavailable);

    moex.server->Reset();
    moex.server->Script("GET", kGazpPath, {.status = 404, .body = "Not found"});
    CHECK_STATUS_IS(moex.market->GetSecurityInfo("GAZP", "TQBR"), kNotFound);

    // 5xx is retried (backoff on the manual clock), then reported.
    moex.server->Reset();
    moex.server->Script("GET", kGazpPath, {.status = 503, .body = "busy"});
    CHECK_STATUS_IS(moex.market->GetSecurityInfo("GAZP", "TQBR"), kUnavailable);
    CHECK(moex.server->requests().size() == 4);

    // A 503 that clears up on retry succeeds.
    moex.server->Reset();
    moex.server->Script("GET", kGazpPath, {.status = 503, .body = "busy"});
    moex.server->Script(
        "GET", kGazpPath,
        {.body = ReadFixture("moex/DERIVED_boards_TQBR_securities_GAZP.json")});
    CHECK_OK(moex.market->GetSecurityInfo("GAZP", "TQBR").status());
  }

  TEST_CASE("a response slower than the timeout is kDeadlineExceeded") {
    Moex moex({.total_timeout = absl::Milliseconds(100)});
    moex.server->Script("GET", kGazpPath,
                        {.body = "{}", .delay = absl::Milliseconds(700)});
    CHECK_STATUS_IS(moex.market->GetSecurityInfo("GAZP", "TQBR"),
                    kDeadlineExceeded);
  }
}

}  // namespace
}  // namespace botcore
