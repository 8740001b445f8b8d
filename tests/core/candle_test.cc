#include "botcore/core/candle.h"

#include <doctest/doctest.h>

#include "absl/strings/match.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

TEST_CASE("ParseCandlesCsv reads columns by name, in any order") {
  ASSIGN_OR_REQUIRE(auto candles, ParseCandlesCsv(
      "volume,close,low,high,open,ts,extra\r\n"
      "100,10.5,9,11,10,2024-01-02T10:00:00,x\r\n"
      "\n"
      "0,10,10,10,10,2024-01-03,y\n"));
  REQUIRE(candles.size() == 2);
  CHECK(candles[0].time == absl::FromCivil(absl::CivilSecond(2024, 1, 2, 10, 0, 0),
                                           absl::UTCTimeZone()));
  CHECK(candles[0].open == 10);
  CHECK(candles[0].high == 11);
  CHECK(candles[0].low == 9);
  CHECK(candles[0].close == 10.5);
  CHECK(candles[0].volume == 100);
  CHECK(FormatIsoTime(candles[1].time) == "2024-01-03T00:00:00Z");
}

TEST_CASE("timestamps honour an explicit offset and the configured zone") {
  CandleCsvOptions msk;
  msk.zone = absl::FixedTimeZone(3 * 3600);
  ASSIGN_OR_REQUIRE(auto candles, ParseCandlesCsv(
      "ts,open,high,low,close,volume\n"
      "2024-01-02T10:00:00,1,1,1,1,1\n"
      "2024-01-02T10:00:00Z,1,1,1,1,1\n", "csv", msk));
  CHECK(FormatIsoTime(candles[0].time) == "2024-01-02T07:00:00Z");
  CHECK(FormatIsoTime(candles[1].time) == "2024-01-02T10:00:00Z");
}

TEST_CASE("bad rows name the source, line and column") {
  const char* header = "ts,open,high,low,close,volume\n";
  struct Case {
    std::string body;
    const char* want;
  };
  const Case cases[] = {
      {"2024-01-02,1,2,1,abc,5\n", "f.csv:2: close: \"abc\" is not a finite number"},
      {"2024-01-02,1,2,1,nan,5\n", "f.csv:2: close"},
      {"yesterday,1,2,1,1,5\n", "f.csv:2: ts: \"yesterday\""},
      {"2024-01-02,1,1,2,1,5\n", "f.csv:2: high 1 is below low 2"},
      {"2024-01-02,1,2,1,1,-5\n", "f.csv:2: volume -5 is negative"},
      {"2024-01-02,1,2,1,1\n", "f.csv:2: expected 6 fields, found 5"},
      {"2024-01-02,1,2,1,1,5\n2024-01-02,1,2,1,1,5\n", "f.csv:3: ts 2024-01-02 is not after"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.want);
    absl::StatusOr<std::vector<Candle>> r = ParseCandlesCsv(header + c.body, "f.csv");
    CHECK_STATUS_IS(r, kInvalidArgument);
    CHECK(absl::StrContains(r.status().message(), c.want));
  }
  CHECK_STATUS_IS(ParseCandlesCsv("ts,open,high,low,close\n", "f.csv"), kInvalidArgument);
  CHECK_STATUS_IS(ParseCandlesCsv("", "f.csv"), kInvalidArgument);
  CHECK_STATUS_IS(ReadCandlesCsv("/nonexistent/file.csv"), kNotFound);
}

TEST_CASE("the shared GAZP and SBER daily files load completely") {
  ASSIGN_OR_REQUIRE(auto gazp, ReadCandlesCsv(testing::SharedDir() + "/data/gazp_daily.csv"));
  CHECK(gazp.size() == 2926);
  CHECK(gazp[0].open == 144);
  CHECK(gazp[0].close == 144.4);
  ASSIGN_OR_REQUIRE(auto sber, ReadCandlesCsv(testing::SharedDir() + "/data/sber_daily.csv"));
  CHECK(sber.size() == 3229);
}

}  // namespace
}  // namespace botcore
