#include "internal/sql_text.h"

#include <doctest/doctest.h>

namespace botcore::internal {
namespace {

TEST_CASE("SplitSqlStatements ignores ';' in quotes and comments") {
  const auto statements = SplitSqlStatements(
      "CREATE TABLE a (x TEXT DEFAULT ';');\n"
      "-- a comment; with a semicolon\n"
      "INSERT INTO a VALUES ('x;y'); /* c; */ ;\n  \n");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] == "CREATE TABLE a (x TEXT DEFAULT ';')");
  CHECK(statements[1] ==
        "-- a comment; with a semicolon\nINSERT INTO a VALUES ('x;y')");
  CHECK(SplitSqlStatements("  ").empty());
}

TEST_CASE("NumberPlaceholders numbers '?' outside quotes") {
  int count = 0;
  CHECK(NumberPlaceholders("SELECT ? , '?', \"?\" FROM t WHERE a = ? -- ?\n",
                           &count) ==
        "SELECT :p1 , '?', \"?\" FROM t WHERE a = :p2 -- ?\n");
  CHECK(count == 2);
  CHECK(NumberPlaceholders("SELECT 1", &count) == "SELECT 1");
  CHECK(count == 0);
}

}  // namespace
}  // namespace botcore::internal
