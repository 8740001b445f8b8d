#include "internal/sql_text.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "botcore/adapters/storage.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

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
        "SELECT $1 , '?', \"?\" FROM t WHERE a = $2 -- ?\n");
  CHECK(count == 2);
  CHECK(NumberPlaceholders("SELECT 1", &count) == "SELECT 1");
  CHECK(count == 0);
}

TEST_CASE("PlaceholderRows builds VALUES rows and IN lists") {
  CHECK(PlaceholderRows(2, 3) == "(?, ?, ?), (?, ?, ?)");
  CHECK(PlaceholderRows(1, 2) == "(?, ?)");
  CHECK(PlaceholderRows(1, 1) == "(?)");
}

TEST_CASE("ForEachChunk splits into its sizes, largest first") {
  std::vector<std::pair<size_t, size_t>> chunks;
  auto record = [&](size_t first, size_t count) {
    chunks.emplace_back(first, count);
    return absl::OkStatus();
  };
  REQUIRE(ForEachChunk(100, record).ok());
  CHECK(chunks == std::vector<std::pair<size_t, size_t>>{{0, 96}, {96, 4}});
  chunks.clear();
  REQUIRE(ForEachChunk(151, record).ok());
  CHECK(chunks == std::vector<std::pair<size_t, size_t>>{
                      {0, 128}, {128, 16}, {144, 6}, {150, 1}});
  chunks.clear();
  REQUIRE(ForEachChunk(600, record).ok());
  CHECK(chunks == std::vector<std::pair<size_t, size_t>>{
                      {0, 256}, {256, 256}, {512, 64}, {576, 24}});
  chunks.clear();
  // Every count covers [0, n) in order with sizes 2^k or 3 * 2^k, and takes
  // no more chunks than powers of two alone would (one per set bit below
  // 256).
  for (size_t n = 1; n <= 1000; ++n) {
    REQUIRE(ForEachChunk(n, record).ok());
    size_t next = 0;
    for (const auto& [first, count] : chunks) {
      CHECK(first == next);
      size_t odd = count;
      while (odd % 2 == 0) odd /= 2;
      CHECK((odd == 1 || odd == 3));
      CHECK(count <= kMaxRowsPerStatement);
      next += count;
    }
    CHECK(next == n);
    const size_t powers =
        n / 256 + static_cast<size_t>(__builtin_popcountll(n % 256));
    CHECK(chunks.size() <= powers);
    chunks.clear();
  }
  // A smaller largest size.
  REQUIRE(ForEachChunk(50, record, 16).ok());
  CHECK(chunks == std::vector<std::pair<size_t, size_t>>{
                      {0, 16}, {16, 16}, {32, 16}, {48, 2}});
  chunks.clear();
  REQUIRE(ForEachChunk(0, record).ok());
  CHECK(chunks.empty());
  int calls = 0;
  const absl::Status stop = ForEachChunk(100, [&](size_t, size_t) {
    ++calls;
    return absl::AbortedError("stop");
  });
  CHECK(stop.code() == absl::StatusCode::kAborted);
  CHECK(calls == 1);
}

TEST_CASE("ForEachInList pads each list to a chunk size with its last item") {
  std::vector<SqlValue> items;
  for (int i = 0; i < 300; ++i) items.emplace_back(i);
  std::vector<std::vector<SqlValue>> lists;
  REQUIRE(ForEachInList(items, [&](absl::Span<const SqlValue> list) {
            lists.emplace_back(list.begin(), list.end());
            return absl::OkStatus();
          }).ok());
  REQUIRE(lists.size() == 2);
  CHECK(lists[0].size() == 256);
  CHECK(lists[0].back() == SqlValue(255));
  REQUIRE(lists[1].size() == 48);  // 44 items, padded
  CHECK(lists[1][0] == SqlValue(256));
  CHECK(lists[1][43] == SqlValue(299));
  CHECK(lists[1][47] == SqlValue(299));
  // At most 16 per list: 300 = 18 * 16 + 12.
  lists.clear();
  REQUIRE(ForEachInList(
              items,
              [&](absl::Span<const SqlValue> list) {
                lists.emplace_back(list.begin(), list.end());
                return absl::OkStatus();
              },
              16)
              .ok());
  REQUIRE(lists.size() == 19);
  CHECK(lists[17].size() == 16);
  CHECK(lists[18].size() == 12);
  CHECK(lists[18][0] == SqlValue(288));
  CHECK(lists[18][11] == SqlValue(299));
}

TEST_CASE("DeleteInBatches deletes the matching rows a batch at a time") {
  for (const std::string& url : testing::FreshDatabaseUrls()) {
    CAPTURE(url);
    ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
    REQUIRE_OK(db->Transact([](SqlTransaction& tx) -> absl::Status {
      absl::Status s =
          tx.Execute("CREATE TABLE items (k BIGINT PRIMARY KEY, age BIGINT)")
              .status();
      for (int64_t k = 1; s.ok() && k <= 7; ++k) {
        s = tx.Execute("INSERT INTO items (k, age) VALUES (?, ?)",
                       {k, k % 2 == 0 ? int64_t{100} : int64_t{1}})
                .status();
      }
      return s;
    }));
    // Rows 1, 3, 5, 7 are old: batches of 3 and 1.
    ASSIGN_OR_REQUIRE(int64_t deleted,
                      DeleteInBatches(*db, "items", "k", "age < ?",
                                      {int64_t{50}}, /*batch_size=*/3));
    CHECK(deleted == 4);
    std::vector<int64_t> left;
    REQUIRE_OK(db->Transact([&](SqlTransaction& tx) -> absl::Status {
      absl::StatusOr<std::vector<SqlRow>> rows =
          tx.Query("SELECT k FROM items ORDER BY k");
      if (!rows.ok()) return rows.status();
      for (const SqlRow& row : *rows) left.push_back(row.Int64(0).value());
      return absl::OkStatus();
    }));
    CHECK(left == std::vector<int64_t>{2, 4, 6});
    ASSIGN_OR_REQUIRE(deleted, DeleteInBatches(*db, "items", "k", "age < ?",
                                               {int64_t{50}}, 3));
    CHECK(deleted == 0);
  }
}

}  // namespace
}  // namespace botcore::internal
