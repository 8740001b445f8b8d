// The Database port over SOCI, on SQLite and on a real PostgreSQL.

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "botcore/adapters/storage.h"
#include "botcore/ports/database.h"
#include "internal/status_macros.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

using testing::FreshDatabaseUrls;
using testing::FreshPostgresUrl;
using testing::FreshSqliteUrl;

std::unique_ptr<Database> Open(const std::string& url,
                               const DatabaseOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url, options);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return *std::move(db);
}

absl::StatusOr<std::vector<SqlRow>> QueryOnce(Database& db, std::string_view sql,
                                              std::vector<SqlValue> params = {}) {
  std::vector<SqlRow> rows;
  absl::Status s = db.Transact([&](SqlTransaction& tx) -> absl::Status {
    BOTCORE_ASSIGN_OR_RETURN(rows, tx.Query(sql, params));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return rows;
}

absl::Status ExecOnce(Database& db, std::string_view sql,
                      std::vector<SqlValue> params = {}) {
  return db.Transact(
      [&](SqlTransaction& tx) { return tx.Execute(sql, params).status(); });
}

int64_t CounterValue(Database& db) {
  absl::StatusOr<std::vector<SqlRow>> rows =
      QueryOnce(db, "SELECT v FROM counter WHERE id = 1");
  REQUIRE_OK(rows);
  return *rows->at(0).Int64(0);
}

TEST_CASE("OpenDatabase on every backend records the core schema") {
  std::vector<std::string> urls = FreshDatabaseUrls();
  urls.push_back("sqlite::memory:");
  for (const std::string& url : urls) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    ASSIGN_OR_REQUIRE(auto versions, db->SchemaVersions());
    CHECK(versions == std::map<std::string, int>{{"botcore", 1}});
    CHECK(db->dialect() == (absl::StartsWith(url, "sqlite") ? SqlDialect::kSqlite
                                                             : SqlDialect::kPostgresql));
  }
}

TEST_CASE("bad URLs are kInvalidArgument with the password masked") {
  for (const char* url :
       {"", "mysql://u:pw@h/d", "sqlite://", "sqlite:///", "sqlite:memory",
        "postgresql:/u:secretpw@h/d"}) {
    CAPTURE(url);
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url);
    CHECK_STATUS_IS(db, kInvalidArgument);
    CHECK(!absl::StrContains(db.status().message(), "secretpw"));
  }
  DatabaseOptions unsafe;
  unsafe.sqlite_synchronous = "OFF";
  CHECK_STATUS_IS(OpenDatabase("sqlite::memory:", unsafe), kInvalidArgument);
}

TEST_CASE("an unreachable PostgreSQL server is kUnavailable, password masked") {
  // Port 1 on loopback: nothing listens there.
  absl::StatusOr<std::unique_ptr<Database>> db =
      OpenDatabase("postgresql://bot:secretpw@127.0.0.1:1/botcore");
  CHECK_STATUS_IS(db, kUnavailable);
  CHECK(!absl::StrContains(db.status().message(), "secretpw"));
  CHECK(absl::StrContains(db.status().message(), "bot:***@127.0.0.1:1"));
}

TEST_CASE("a SQLite file that cannot be created is kUnavailable") {
  CHECK_STATUS_IS(OpenDatabase("sqlite:////proc/botcore/nope.db"), kUnavailable);
}

TEST_CASE("SQLite connections run with WAL, foreign keys, busy timeout, FULL sync") {
  std::unique_ptr<Database> db = Open(FreshSqliteUrl());
  auto pragma = [&](const char* name) {
    absl::StatusOr<std::vector<SqlRow>> rows =
        QueryOnce(*db, std::string("PRAGMA ") + name);
    REQUIRE_OK(rows);
    return *rows->at(0).Text(0);
  };
  CHECK(pragma("journal_mode") == "wal");
  CHECK(pragma("foreign_keys") == "1");
  CHECK(pragma("busy_timeout") == "5000");
  CHECK(pragma("synchronous") == "2");  // FULL
}

TEST_CASE("a non-durable transaction commits without waiting for the disk") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    DatabaseOptions options;
    options.max_connections = 1;  // the same connection throughout
    std::unique_ptr<Database> db = Open(url, options);
    const bool sqlite = url.starts_with("sqlite");
    const std::string show =
        sqlite ? "PRAGMA synchronous" : "SHOW synchronous_commit";
    REQUIRE_OK(ExecOnce(*db, "CREATE TABLE marks (id BIGINT PRIMARY KEY)"));
    std::string inside;
    REQUIRE_OK(db->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_RETURN_IF_ERROR(
              tx.Execute("INSERT INTO marks (id) VALUES (1)").status());
          BOTCORE_ASSIGN_OR_RETURN(std::vector<SqlRow> rows, tx.Query(show));
          BOTCORE_ASSIGN_OR_RETURN(inside, rows.at(0).Text(0));
          return absl::OkStatus();
        },
        TransactionOptions{.durable = false}));
    CHECK(inside == (sqlite ? "1" : "off"));  // NORMAL on SQLite
    ASSIGN_OR_REQUIRE(std::vector<SqlRow> after, QueryOnce(*db, show));
    CHECK(*after.at(0).Text(0) == (sqlite ? "2" : "on"));  // back to FULL
    ASSIGN_OR_REQUIRE(std::vector<SqlRow> marks,
                      QueryOnce(*db, "SELECT id FROM marks"));
    CHECK(marks.size() == 1);
  }
}

TEST_CASE("values round-trip exactly through both backends") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    REQUIRE_OK(ExecOnce(*db,
                        "CREATE TABLE v (i BIGINT, d DOUBLE PRECISION, t TEXT, n TEXT)"));
    const int64_t big = std::numeric_limits<int64_t>::max();
    const int64_t small = std::numeric_limits<int64_t>::min();
    const std::string text = "Газпром 'quoted' \"dq\" ? ; -- not a comment";
    REQUIRE_OK(ExecOnce(*db, "INSERT INTO v VALUES (?, ?, ?, ?)",
                        {big, 0.1, text, SqlValue()}));
    REQUIRE_OK(ExecOnce(*db, "INSERT INTO v VALUES (?, ?, ?, ?)",
                        {small, -2.5e300, std::string(), "x"}));
    ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT i, d, t, n FROM v ORDER BY i"));
    REQUIRE(rows.size() == 2);
    CHECK(*rows[0].Int64(0) == small);
    CHECK(*rows[0].Double(1) == -2.5e300);
    CHECK(*rows[0].Text(2) == "");
    CHECK(*rows[0].Text(3) == "x");
    CHECK(*rows[1].Int64(0) == big);
    CHECK(*rows[1].Double(1) == 0.1);
    CHECK(*rows[1].Text(2) == text);
    CHECK(rows[1].IsNull(3));
    CHECK_STATUS_IS(rows[1].Int64(3), kInternal);
    CHECK_STATUS_IS(rows[1].Int64(9), kInternal);
    ASSIGN_OR_REQUIRE(auto count, QueryOnce(*db, "SELECT COUNT(*), MAX(i) FROM v"));
    CHECK(*count[0].Int64(0) == 2);
    CHECK(*count[0].Int64(1) == big);
  }
}

TEST_CASE("Transact commits on OK, rolls back on error, maps error codes") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    REQUIRE_OK(ExecOnce(*db, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL)"));
    absl::Status s = db->Transact([](SqlTransaction& tx) -> absl::Status {
      BOTCORE_RETURN_IF_ERROR(
          tx.Execute("INSERT INTO t VALUES (?, ?)", {1, "kept?"}).status());
      return absl::FailedPreconditionError("engine said no");
    });
    CHECK_STATUS_IS(s, kFailedPrecondition);
    CHECK(s.message() == "engine said no");
    ASSIGN_OR_REQUIRE(auto none, QueryOnce(*db, "SELECT COUNT(*) FROM t"));
    CHECK(*none[0].Int64(0) == 0);

    int64_t changed = -1;
    REQUIRE_OK(db->Transact([&](SqlTransaction& tx) -> absl::Status {
      BOTCORE_RETURN_IF_ERROR(tx.Execute("INSERT INTO t VALUES (1, 'a')").status());
      BOTCORE_RETURN_IF_ERROR(tx.Execute("INSERT INTO t VALUES (2, 'b')").status());
      BOTCORE_ASSIGN_OR_RETURN(changed, tx.Execute("UPDATE t SET name = 'c'"));
      return absl::OkStatus();
    }));
    CHECK(changed == 2);

    CHECK_STATUS_IS(ExecOnce(*db, "INSERT INTO t VALUES (1, 'again')"), kAlreadyExists);
    CHECK_STATUS_IS(ExecOnce(*db, "INSERT INTO t VALUES (3, NULL)"), kFailedPrecondition);
    CHECK_STATUS_IS(ExecOnce(*db, "INSERT INTO t VALUES (?, ?)", {1}), kInvalidArgument);
    absl::Status syntax = ExecOnce(*db, "INSERT INTO nowhere VALUES (1)");
    CHECK_STATUS_IS(syntax, kInternal);
    CHECK(absl::StrContains(syntax.message(), "INSERT INTO nowhere"));
    // The database is still usable after every failure.
    ASSIGN_OR_REQUIRE(auto two, QueryOnce(*db, "SELECT COUNT(*) FROM t"));
    CHECK(*two[0].Int64(0) == 2);
  }
}

TEST_CASE("Execute counts the rows a statement changed, and 0 for others") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    REQUIRE_OK(db->Transact([](SqlTransaction& tx) -> absl::Status {
      BOTCORE_ASSIGN_OR_RETURN(
          int64_t created, tx.Execute("CREATE TABLE c (id BIGINT PRIMARY KEY)"));
      CHECK(created == 0);
      BOTCORE_ASSIGN_OR_RETURN(int64_t inserted,
                               tx.Execute("INSERT INTO c VALUES (1), (2), (3)"));
      CHECK(inserted == 3);
      // SQLite kept the INSERT's count, PostgreSQL counted the rows read.
      BOTCORE_ASSIGN_OR_RETURN(int64_t selected, tx.Execute("SELECT id FROM c"));
      CHECK(selected == 0);
      BOTCORE_ASSIGN_OR_RETURN(int64_t altered,
                               tx.Execute("CREATE INDEX c_id ON c (id)"));
      CHECK(altered == 0);
      BOTCORE_ASSIGN_OR_RETURN(int64_t none,
                               tx.Execute("DELETE FROM c WHERE id > 5"));
      CHECK(none == 0);
      BOTCORE_ASSIGN_OR_RETURN(int64_t deleted,
                               tx.Execute("DELETE FROM c WHERE id > 1"));
      CHECK(deleted == 2);
      return absl::OkStatus();
    }));
  }
}

TEST_CASE("no statement, several statements and NUL in text are refused alike") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    REQUIRE_OK(ExecOnce(*db, "CREATE TABLE n (id BIGINT, t TEXT)"));
    for (const char* blank : {"", "  ", "-- nothing\n", ";"}) {
      CAPTURE(blank);
      absl::Status s = ExecOnce(*db, blank);
      CHECK_STATUS_IS(s, kInvalidArgument);
      CHECK(absl::StrContains(s.message(), "no SQL statement"));
      CHECK_STATUS_IS(QueryOnce(*db, blank), kInvalidArgument);
    }
    // SQLite ran the first of these and dropped the second without a word.
    absl::Status two = ExecOnce(
        *db, "INSERT INTO n VALUES (1, 'a'); INSERT INTO n VALUES (2, 'b')");
    CHECK_STATUS_IS(two, kInvalidArgument);
    CHECK(absl::StrContains(two.message(), "one by one"));
    CHECK(absl::StrContains(two.message(), "INSERT INTO n VALUES (2, 'b')"));
    CHECK_STATUS_IS(QueryOnce(*db, "SELECT 1; SELECT 2"), kInvalidArgument);
    // A trailing semicolon or comment is one statement.
    REQUIRE_OK(ExecOnce(*db, "INSERT INTO n VALUES (3, 'c'); -- done"));
    // libpq would have cut "x\0y" to "x".
    absl::Status nul = ExecOnce(*db, "INSERT INTO n VALUES (?, ?)",
                                {4, std::string("x\0y", 3)});
    CHECK_STATUS_IS(nul, kInvalidArgument);
    CHECK(absl::StrContains(nul.message(), "parameter 2 holds a NUL byte"));
    ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT id, t FROM n"));
    REQUIRE(rows.size() == 1);
    CHECK(*rows[0].Int64(0) == 3);
  }
}

constexpr Migration kV1[] = {
    {1, "create items", "CREATE TABLE items (id BIGINT PRIMARY KEY); "
                        "INSERT INTO items VALUES (1)"},
};
constexpr Migration kV2[] = {
    kV1[0],
    {2, "add name", "ALTER TABLE items ADD COLUMN name TEXT DEFAULT 'x'"},
};

TEST_CASE("migrations apply in order, once, and refuse a newer schema") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    REQUIRE_OK(db->Migrate("items", kV1));
    REQUIRE_OK(db->Migrate("items", kV1));  // a no-op: no duplicate row
    ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT COUNT(*) FROM items"));
    CHECK(*rows[0].Int64(0) == 1);
    REQUIRE_OK(db->Migrate("items", kV2));
    ASSIGN_OR_REQUIRE(auto versions, db->SchemaVersions());
    CHECK(versions == std::map<std::string, int>{{"botcore", 1}, {"items", 2}});

    // Older code against the newer schema is refused, clearly.
    absl::Status older = db->Migrate("items", kV1);
    CHECK_STATUS_IS(older, kFailedPrecondition);
    CHECK(absl::StrContains(older.message(), "version 2, newer than the 1"));

    // Reopening applies nothing new and keeps the data.
    db.reset();
    db = Open(url);
    REQUIRE_OK(db->Migrate("items", kV2));
    ASSIGN_OR_REQUIRE(auto named, QueryOnce(*db, "SELECT name FROM items"));
    CHECK(*named[0].Text(0) == "x");
  }
}

TEST_CASE("a failing migration leaves the schema untouched") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    constexpr Migration kBroken[] = {
        {1, "ok", "CREATE TABLE good (id BIGINT)"},
        {2, "broken", "CREATE TABLE bad (id BIGINT); SELEKT nonsense"},
    };
    absl::Status s = db->Migrate("broken", kBroken);
    CHECK_STATUS_IS(s, kInternal);
    CHECK(absl::StrContains(s.message(), "migration broken 2 (broken)"));
    ASSIGN_OR_REQUIRE(auto versions, db->SchemaVersions());
    CHECK(versions.count("broken") == 0);
    CHECK_STATUS_IS(QueryOnce(*db, "SELECT * FROM good"), kInternal);

    constexpr Migration kGap[] = {{1, "a", "SELECT 1"}, {3, "c", "SELECT 1"}};
    CHECK_STATUS_IS(db->Migrate("gap", kGap), kInvalidArgument);
  }
}

TEST_CASE("PostgreSQL-specific migration text replaces the portable one") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    constexpr Migration kDialects[] = {
        {1, "dialect", "CREATE TABLE d (which TEXT); INSERT INTO d VALUES ('sqlite')",
         "CREATE TABLE d (which TEXT); INSERT INTO d VALUES ('postgresql')"},
    };
    REQUIRE_OK(db->Migrate("dialects", kDialects));
    ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT which FROM d"));
    CHECK(*rows[0].Text(0) ==
          (db->dialect() == SqlDialect::kSqlite ? "sqlite" : "postgresql"));
  }
}

TEST_CASE("kAutoIdColumn gives an auto-incrementing key on both backends") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    constexpr Migration kAutoId[] = {
        {1, "auto id", "CREATE TABLE events (id {{auto_id}}, what TEXT NOT NULL)"},
    };
    REQUIRE_OK(db->Migrate("auto_id", kAutoId));
    REQUIRE_OK(ExecOnce(*db, "INSERT INTO events (what) VALUES ('a')"));
    REQUIRE_OK(ExecOnce(*db, "INSERT INTO events (what) VALUES ('b')"));
    ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT id, what FROM events ORDER BY id"));
    REQUIRE(rows.size() == 2);
    CHECK(*rows[0].Int64(0) == 1);
    CHECK(*rows[1].Int64(0) == 2);
  }
}

TEST_CASE("concurrent Migrate calls from many threads apply each version once") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    std::vector<absl::Status> results(4);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < results.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = db->Migrate("items", kV2); });
    }
    for (std::thread& t : threads) t.join();
    for (const absl::Status& s : results) CHECK_OK(s);
    ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT COUNT(*) FROM items"));
    CHECK(*rows[0].Int64(0) == 1);
  }
}

TEST_CASE("concurrent read-modify-write transactions lose no update") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    DatabaseOptions options;
    options.max_connections = 4;
    std::unique_ptr<Database> db = Open(url, options);
    REQUIRE_OK(ExecOnce(*db, "CREATE TABLE counter (id BIGINT PRIMARY KEY, v BIGINT)"));
    REQUIRE_OK(ExecOnce(*db, "INSERT INTO counter VALUES (1, 0)"));
    constexpr int kThreads = 4, kIncrements = 50;
    TransactionOptions patient;
    patient.max_attempts = 1000;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kIncrements; ++i) {
          absl::Status s = db->Transact(
              [](SqlTransaction& tx) -> absl::Status {
                BOTCORE_ASSIGN_OR_RETURN(auto rows,
                                         tx.Query("SELECT v FROM counter WHERE id = 1"));
                BOTCORE_ASSIGN_OR_RETURN(int64_t v, rows.at(0).Int64(0));
                return tx.Execute("UPDATE counter SET v = ? WHERE id = 1", {v + 1})
                    .status();
              },
              patient);
          if (!s.ok()) failures.fetch_add(1);
        }
      });
    }
    for (std::thread& t : threads) t.join();
    CHECK(failures.load() == 0);
    CHECK(CounterValue(*db) == kThreads * kIncrements);
  }
}

// Holds a write transaction open on one thread while `contender` runs.
void WhileLockHeld(Database& db, const std::function<void()>& contender) {
  absl::Notification locked, release;
  std::thread holder([&] {
    REQUIRE_OK(db.Transact([&](SqlTransaction& tx) -> absl::Status {
      BOTCORE_RETURN_IF_ERROR(
          tx.Execute("UPDATE counter SET v = v + 1 WHERE id = 1").status());
      locked.Notify();
      release.WaitForNotification();
      return absl::OkStatus();
    }));
  });
  locked.WaitForNotification();
  contender();
  release.Notify();
  holder.join();
}

TEST_CASE("SQLite: a busy database is retried, then kAborted when attempts run out") {
  DatabaseOptions impatient;
  impatient.sqlite_busy_timeout = absl::ZeroDuration();
  std::unique_ptr<Database> db = Open(FreshSqliteUrl(), impatient);
  REQUIRE_OK(ExecOnce(*db, "CREATE TABLE counter (id BIGINT PRIMARY KEY, v BIGINT)"));
  REQUIRE_OK(ExecOnce(*db, "INSERT INTO counter VALUES (1, 0)"));

  TransactionOptions once;
  once.max_attempts = 3;
  WhileLockHeld(*db, [&] {
    absl::Status s = db->Transact(
        [](SqlTransaction& tx) {
          return tx.Execute("UPDATE counter SET v = v + 10 WHERE id = 1").status();
        },
        once);
    CHECK_STATUS_IS(s, kAborted);
    CHECK(absl::StrContains(s.message(), "gave up after 3"));
  });
  CHECK(CounterValue(*db) == 1);

  // With attempts to spare, the contender gets through once the lock is gone.
  absl::Status late;
  std::thread contender;
  TransactionOptions patient;
  patient.max_attempts = 1000;
  WhileLockHeld(*db, [&] {
    contender = std::thread([&] {
      late = db->Transact(
          [](SqlTransaction& tx) {
            return tx.Execute("UPDATE counter SET v = v + 10 WHERE id = 1").status();
          },
          patient);
    });
    absl::SleepFor(absl::Milliseconds(50));  // let it hit the lock at least once
  });
  contender.join();
  CHECK_OK(late);
  CHECK(CounterValue(*db) == 12);
}

TEST_CASE("SQLite: a SELECT * run again after ALTER TABLE returns the new columns") {
  DatabaseOptions one;
  one.max_connections = 1;  // the statement stays prepared on this connection
  std::unique_ptr<Database> db = Open(FreshSqliteUrl(), one);
  REQUIRE_OK(ExecOnce(*db, "CREATE TABLE s (a BIGINT)"));
  REQUIRE_OK(ExecOnce(*db, "INSERT INTO s VALUES (1)"));
  ASSIGN_OR_REQUIRE(auto before, QueryOnce(*db, "SELECT * FROM s"));
  CHECK(before.at(0).size() == 1);
  REQUIRE_OK(ExecOnce(*db, "ALTER TABLE s ADD COLUMN b BIGINT DEFAULT 2"));
  // SQLite prepares the statement again inside its first step; the row has
  // the columns of that new statement.
  ASSIGN_OR_REQUIRE(auto after, QueryOnce(*db, "SELECT * FROM s"));
  REQUIRE(after.at(0).size() == 2);
  CHECK(*after[0].Int64(1) == 2);
}

TEST_CASE("a statement prepared before a schema change works again after it") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    DatabaseOptions one;
    one.max_connections = 1;  // the statements stay prepared on this connection
    std::unique_ptr<Database> db = Open(url, one);
    std::unique_ptr<Database> migrator = Open(url);
    REQUIRE_OK(ExecOnce(*db, "CREATE TABLE s (id BIGINT PRIMARY KEY, v BIGINT)"));
    REQUIRE_OK(ExecOnce(*db, "INSERT INTO s VALUES (1, 7)"));
    const char* kById = "SELECT v FROM s WHERE id = ?";
    const char* kByValue = "SELECT id FROM s WHERE v = ?";
    const char* kAll = "SELECT * FROM s";
    REQUIRE_OK(QueryOnce(*db, kById, {1}));
    REQUIRE_OK(QueryOnce(*db, kByValue, {7}));
    REQUIRE_OK(QueryOnce(*db, kAll));
    // Another process migrates: v changes type, a column is added. On
    // PostgreSQL the first run of each statement may fail (its prepared plan
    // no longer fits: "cached plan must not change result type"); the next
    // one prepares it again, as SOCI's statement cache did.
    const char* kAlter =
        db->dialect() == SqlDialect::kPostgresql
            ? "ALTER TABLE s ALTER COLUMN v TYPE TEXT"
            : "ALTER TABLE s RENAME COLUMN v TO v_old";
    REQUIRE_OK(ExecOnce(*migrator, kAlter));
    if (db->dialect() == SqlDialect::kSqlite) {
      REQUIRE_OK(ExecOnce(*migrator, "ALTER TABLE s ADD COLUMN v TEXT"));
      REQUIRE_OK(ExecOnce(*migrator, "UPDATE s SET v = '7'"));
    }
    REQUIRE_OK(ExecOnce(*migrator, "ALTER TABLE s ADD COLUMN w BIGINT DEFAULT 2"));
    for (int run = 0; run < 2; ++run) {
      (void)QueryOnce(*db, kById, {1});
      (void)QueryOnce(*db, kByValue, {"7"});
      (void)QueryOnce(*db, kAll);
    }
    ASSIGN_OR_REQUIRE(auto by_id, QueryOnce(*db, kById, {1}));
    CHECK(*by_id.at(0).Text(0) == "7");
    ASSIGN_OR_REQUIRE(auto by_value, QueryOnce(*db, kByValue, {"7"}));
    CHECK(*by_value.at(0).Int64(0) == 1);
    ASSIGN_OR_REQUIRE(auto all, QueryOnce(*db, kAll));
    CHECK(all.at(0).size() == (db->dialect() == SqlDialect::kPostgresql ? 3 : 4));
  }
}

TEST_CASE("PostgreSQL: a statement failing on every run stays prepared once") {
  DatabaseOptions one;
  one.max_connections = 1;
  std::unique_ptr<Database> db = Open(FreshPostgresUrl(), one);
  const char* kCount = "SELECT COUNT(*) FROM pg_prepared_statements";
  ASSIGN_OR_REQUIRE(auto before, QueryOnce(*db, kCount));
  for (int run = 0; run < 20; ++run) {
    // Prepared fine; each run fails binding the name to a relation.
    CHECK_STATUS_IS(QueryOnce(*db, "SELECT nextval(?)", {"no_such_sequence"}),
                    kInternal);
  }
  ASSIGN_OR_REQUIRE(auto after, QueryOnce(*db, kCount));
  CHECK(*after[0].Int64(0) - *before[0].Int64(0) == 1);
}

TEST_CASE("a connection keeps at most 512 statements prepared, and works on") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    DatabaseOptions one;
    one.max_connections = 1;
    std::unique_ptr<Database> db = Open(url, one);
    REQUIRE_OK(db->Transact([](SqlTransaction& tx) -> absl::Status {
      for (int i = 0; i < 600; ++i) {
        BOTCORE_ASSIGN_OR_RETURN(
            auto rows, tx.Query(absl::StrCat("SELECT ", i, " + ?"), {1}));
        CHECK(*rows.at(0).Int64(0) == i + 1);
      }
      if (tx.dialect() == SqlDialect::kPostgresql) {
        BOTCORE_ASSIGN_OR_RETURN(
            auto prepared,
            tx.Query("SELECT COUNT(*) FROM pg_prepared_statements"));
        // The server dropped what the cache let go of.
        const int64_t count = *prepared.at(0).Int64(0);
        CHECK(count > 0);
        CHECK(count <= 512);
      }
      return absl::OkStatus();
    }));
  }
}

TEST_CASE("SQLite: a read-only transaction does not wait for a writer") {
  DatabaseOptions impatient;
  impatient.sqlite_busy_timeout = absl::ZeroDuration();
  std::unique_ptr<Database> db = Open(FreshSqliteUrl(), impatient);
  REQUIRE_OK(ExecOnce(*db, "CREATE TABLE counter (id BIGINT PRIMARY KEY, v BIGINT)"));
  REQUIRE_OK(ExecOnce(*db, "INSERT INTO counter VALUES (1, 0)"));
  TransactionOptions once = kReadOnlyTransaction;
  once.max_attempts = 1;
  WhileLockHeld(*db, [&] {
    int64_t seen = -1;
    CHECK_OK(db->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(auto rows,
                                   tx.Query("SELECT v FROM counter WHERE id = 1"));
          BOTCORE_ASSIGN_OR_RETURN(seen, rows.at(0).Int64(0));
          return absl::OkStatus();
        },
        once));
    CHECK(seen == 0);  // the writer has not committed yet
  });
  CHECK(CounterValue(*db) == 1);
}

TEST_CASE("PostgreSQL: a read-only transaction refuses writes") {
  std::unique_ptr<Database> db = Open(FreshPostgresUrl());
  REQUIRE_OK(ExecOnce(*db, "CREATE TABLE t (v BIGINT)"));
  absl::Status write = db->Transact(
      [](SqlTransaction& tx) { return tx.Execute("INSERT INTO t VALUES (1)").status(); },
      kReadOnlyTransaction);
  CHECK_STATUS_IS(write, kInternal);
  CHECK(absl::StrContains(write.message(), "read-only"));
  ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT COUNT(*) FROM t"));
  CHECK(*rows[0].Int64(0) == 0);
}

TEST_CASE("a failed statement the callback ignores: PostgreSQL commits nothing") {
  for (const std::string& url : FreshDatabaseUrls()) {
    CAPTURE(url);
    std::unique_ptr<Database> db = Open(url);
    REQUIRE_OK(ExecOnce(*db, "CREATE TABLE t (id BIGINT PRIMARY KEY)"));
    REQUIRE_OK(ExecOnce(*db, "INSERT INTO t VALUES (1)"));
    absl::Status s = db->Transact([](SqlTransaction& tx) -> absl::Status {
      BOTCORE_RETURN_IF_ERROR(tx.Execute("INSERT INTO t VALUES (2)").status());
      // The duplicate's kAlreadyExists is dropped on purpose.
      (void)tx.Execute("INSERT INTO t VALUES (1)");
      return absl::OkStatus();
    });
    ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT COUNT(*) FROM t"));
    if (db->dialect() == SqlDialect::kPostgresql) {
      // PostgreSQL answered COMMIT with ROLLBACK: not reported as OK.
      CHECK_STATUS_IS(s, kInternal);
      CHECK(absl::StrContains(s.message(), "nothing was written"));
      CHECK(*rows[0].Int64(0) == 1);
    } else {
      // SQLite undid the failed statement alone.
      REQUIRE_OK(s);
      CHECK(*rows[0].Int64(0) == 2);
    }
  }
}

TEST_CASE("PostgreSQL: a serialization failure is retried, then kAborted") {
  std::unique_ptr<Database> db = Open(FreshPostgresUrl());
  REQUIRE_OK(ExecOnce(*db, "CREATE TABLE counter (id BIGINT PRIMARY KEY, v BIGINT)"));
  REQUIRE_OK(ExecOnce(*db, "INSERT INTO counter VALUES (1, 0)"));

  // The transaction reads, then a concurrent one commits an update of the
  // same row, then it writes: SERIALIZABLE must fail it (SQLSTATE 40001).
  auto run = [&](int max_attempts) {
    TransactionOptions options;
    options.max_attempts = max_attempts;
    int attempt = 0;
    absl::Status s = db->Transact(
        [&](SqlTransaction& tx) -> absl::Status {
          BOTCORE_ASSIGN_OR_RETURN(auto rows,
                                   tx.Query("SELECT v FROM counter WHERE id = 1"));
          BOTCORE_ASSIGN_OR_RETURN(int64_t v, rows.at(0).Int64(0));
          if (++attempt == 1) {
            std::thread other([&] {
              REQUIRE_OK(ExecOnce(*db, "UPDATE counter SET v = v + 100 WHERE id = 1"));
            });
            other.join();
          }
          return tx.Execute("UPDATE counter SET v = ? WHERE id = 1", {v + 1}).status();
        },
        options);
    return std::make_pair(s, attempt);
  };
  auto [failed, attempts_failed] = run(1);
  CHECK_STATUS_IS(failed, kAborted);
  CHECK(attempts_failed == 1);
  CHECK(CounterValue(*db) == 100);

  auto [retried, attempts_retried] = run(5);
  CHECK_OK(retried);
  CHECK(attempts_retried == 2);
  CHECK(CounterValue(*db) == 201);
}

TEST_CASE("PostgreSQL: a connection ended mid-transaction is kUnavailable") {
  const std::string url = FreshPostgresUrl();
  DatabaseOptions one;
  one.max_connections = 1;
  std::unique_ptr<Database> db = Open(url, one);
  std::unique_ptr<Database> admin = Open(url);
  absl::Status ended = db->Transact([&](SqlTransaction& tx) -> absl::Status {
    BOTCORE_ASSIGN_OR_RETURN(auto pid, tx.Query("SELECT pg_backend_pid()"));
    BOTCORE_RETURN_IF_ERROR(
        QueryOnce(*admin, "SELECT pg_terminate_backend(?)", {*pid[0].Int64(0)})
            .status());
    return tx.Query("SELECT 1").status();
  });
  CHECK_STATUS_IS(ended, kUnavailable);
  ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT 2"));
  CHECK(*rows[0].Int64(0) == 2);
}

TEST_CASE("a SQLite file keeps committed data across reopening") {
  const std::string url = FreshSqliteUrl();
  {
    std::unique_ptr<Database> db = Open(url);
    REQUIRE_OK(ExecOnce(*db, "CREATE TABLE kept (v TEXT)"));
    REQUIRE_OK(ExecOnce(*db, "INSERT INTO kept VALUES ('still here')"));
  }
  std::unique_ptr<Database> db = Open(url);
  ASSIGN_OR_REQUIRE(auto rows, QueryOnce(*db, "SELECT v FROM kept"));
  CHECK(*rows[0].Text(0) == "still here");
}

}  // namespace
}  // namespace botcore
