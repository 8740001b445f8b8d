#include "adapters/moex/iss_blocks.h"

#include <doctest/doctest.h>

#include "absl/strings/match.h"
#include "support/fixtures.h"
#include "support/status_testing.h"

namespace botcore::internal {
namespace {

using testing::ReadFixture;

TEST_SUITE("iss_blocks") {
  TEST_CASE("compact blocks with metadata, decoded by column name") {
    ASSIGN_OR_REQUIRE(auto tables,
                      ParseIssBlocks(ReadFixture(
                          "moex/DERIVED_boards_TQBR_securities_GAZP.json")));
    REQUIRE(tables.count("securities") == 1);
    REQUIRE(tables.count("marketdata") == 1);
    CHECK(tables.count("metadata") == 0);
    const IssTable& s = tables.at("securities");
    REQUIRE(s.rows.size() == 1);
    CHECK(IssText(s, 0, "SECID") == "GAZP");
    CHECK(IssText(s, 0, "secid") == "GAZP");  // any case
    CHECK(IssNumber(s, 0, "LOTSIZE") == 10);
    CHECK(IssNumber(s, 0, "MINSTEP") == 0.01);
    CHECK_FALSE(IssNumber(s, 0, "REMARKS").has_value());  // null
    CHECK_FALSE(IssNumber(s, 0, "NO_SUCH_COLUMN").has_value());
    CHECK_FALSE(IssNumber(s, 0, "SECID").has_value());  // text, not number
    CHECK(tables.at("marketdata_yields").rows.empty());
  }

  TEST_CASE("the full securities list with nulls in any column") {
    ASSIGN_OR_REQUIRE(
        auto tables, ParseIssBlocks(ReadFixture(
                         "moex/engines_stock_markets_shares_securities.json")));
    const IssTable& s = tables.at("securities");
    CHECK(s.rows.size() > 100);
    bool found = false;
    for (size_t row = 0; row < s.rows.size(); ++row) {
      if (IssText(s, row, "SECID") == "GAZP" &&
          IssText(s, row, "BOARDID") == "TQBR") {
        found = true;
        CHECK(IssNumber(s, row, "DECIMALS") == 2);
      }
    }
    CHECK(found);
  }

  TEST_CASE("iss.meta=off history pages with a cursor; lowercase columns") {
    ASSIGN_OR_REQUIRE(auto history,
                      ParseIssBlocks(ReadFixture(
                          "moex/history_IMOEX_SNDX_page_with_cursor.json")));
    const IssTable& cursor = history.at("history.cursor");
    CHECK(IssNumber(cursor, 0, "TOTAL") == 5);
    CHECK(IssNumber(cursor, 0, "PAGESIZE") == 100);
    CHECK(history.at("history").rows.size() == 5);
    ASSIGN_OR_REQUIRE(
        auto bond,
        ParseIssBlocks(ReadFixture(
            "moex/history_bond_SU26238RMFS4_page_with_cursor.json")));
    CHECK(bond.at("history").columns.size() == 50);
    ASSIGN_OR_REQUIRE(auto splits,
                      ParseIssBlocks(ReadFixture("moex/splits_GMKN.json")));
    CHECK(IssText(splits.at("splits"), 0, "SECID") == "GMKN");
    CHECK(IssNumber(splits.at("splits"), 0, "after") == 100);
  }

  TEST_CASE("an empty result is an empty table, not an error") {
    ASSIGN_OR_REQUIRE(auto tables,
                      ParseIssBlocks(ReadFixture("moex/splits_empty.json")));
    CHECK(tables.at("splits").rows.empty());
    CHECK(tables.at("splits").columns.size() == 4);
  }

  TEST_CASE("the extended format") {
    ASSIGN_OR_REQUIRE(
        auto tables,
        ParseIssBlocks(ReadFixture("moex/secstats_extended_format.json")));
    const IssTable& stats = tables.at("secstats");
    REQUIRE_FALSE(stats.rows.empty());
    CHECK(IssText(stats, 0, "SECID").has_value());
    CHECK(stats.Column("charsetinfo") < 0);
  }

  TEST_CASE(
      "errors inside a 200 body are kUnavailable with the exchange's text") {
    absl::StatusOr<std::map<std::string, IssTable>> extended = ParseIssBlocks(
        ReadFixture("moex/error_in_block_extended_indices.json"));
    CHECK_STATUS_IS(extended, kUnavailable);
    CHECK(absl::StrContains(extended.status().message(),
                            "Error while acquiring data."));
    absl::StatusOr<std::map<std::string, IssTable>> compact = ParseIssBlocks(
        R"({"candles":{"columns":["error"],"data":[["Unknown interval"]]}})");
    CHECK_STATUS_IS(compact, kUnavailable);
    CHECK(absl::StrContains(compact.status().message(), "Unknown interval"));
  }

  TEST_CASE("bodies that are not ISS JSON are kUnavailable") {
    CHECK_STATUS_IS(ParseIssBlocks("<html>Forbidden</html>"), kUnavailable);
    CHECK_STATUS_IS(
        ParseIssBlocks(R"({"candles":{"columns":["open"],"data":[[1)"),
        kUnavailable);
    CHECK_STATUS_IS(ParseIssBlocks("42"), kUnavailable);
    CHECK_STATUS_IS(ParseIssBlocks(""), kUnavailable);
    // Short rows are padded with nulls; odd members are skipped.
    ASSIGN_OR_REQUIRE(
        auto odd,
        ParseIssBlocks(
            R"({"a":{"columns":["x","y"],"data":[[1]]},"b":5,"c":{"columns":[1],"data":[]}})"));
    CHECK(odd.size() == 1);
    CHECK_FALSE(IssNumber(odd.at("a"), 0, "y").has_value());
  }
}

}  // namespace
}  // namespace botcore::internal
