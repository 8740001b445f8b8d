// BackupDatabase and RestoreDatabase (src/storage/soci_database.cc).
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "botcore/adapters/storage.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

// The file path of a "sqlite:///<path>" URL.
std::string PathOf(const std::string& url) {
  return url.substr(std::string("sqlite:///").size());
}

std::unique_ptr<Database> Open(const std::string& url) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url);
  REQUIRE_OK(db.status());
  return *std::move(db);
}

int64_t Count(Database& db, const std::string& table) {
  int64_t count = -1;
  REQUIRE_OK(db.Transact(
      [&](SqlTransaction& tx) -> absl::Status {
        absl::StatusOr<std::vector<SqlRow>> rows =
            tx.Query(absl::StrCat("SELECT COUNT(*) FROM ", table));
        if (!rows.ok()) return rows.status();
        absl::StatusOr<int64_t> n = (*rows)[0].Int64(0);
        if (!n.ok()) return n.status();
        count = *n;
        return absl::OkStatus();
      },
      kReadOnlyTransaction));
  return count;
}

void CreatePairs(Database& db) {
  REQUIRE_OK(db.Transact([](SqlTransaction& tx) -> absl::Status {
    if (absl::Status s =
            tx.Execute("CREATE TABLE debits (id BIGINT PRIMARY KEY)").status();
        !s.ok()) {
      return s;
    }
    return tx.Execute("CREATE TABLE credits (id BIGINT PRIMARY KEY)").status();
  }));
}

TEST_SUITE("backup") {
  TEST_CASE("a backup taken while another thread writes restores consistent") {
    const std::string url = testing::FreshSqliteUrl();
    std::unique_ptr<Database> db = Open(url);
    CreatePairs(*db);
    // Each transaction writes one row to each table: any consistent
    // snapshot has as many debits as credits.
    std::atomic<int64_t> committed = 0;
    std::atomic<bool> stop = false;
    std::thread writer([&] {
      for (int64_t id = 0; !stop; ++id) {
        REQUIRE_OK(db->Transact([&](SqlTransaction& tx) -> absl::Status {
          if (absl::Status s =
                  tx.Execute("INSERT INTO debits (id) VALUES (?)", {id})
                      .status();
              !s.ok()) {
            return s;
          }
          return tx.Execute("INSERT INTO credits (id) VALUES (?)", {id})
              .status();
        }));
        committed = id + 1;
      }
    });
    while (committed < 200) std::this_thread::yield();

    for (int round = 0; round < 3; ++round) {
      CAPTURE(round);
      const std::string file = PathOf(url) + absl::StrCat(".bak", round);
      const int64_t before = committed;
      REQUIRE_OK(BackupDatabase(*db, file));
      const int64_t after = committed;

      const std::string restored_url = testing::FreshSqliteUrl();
      REQUIRE_OK(RestoreDatabase(restored_url, file));
      std::unique_ptr<Database> restored = Open(restored_url);
      const int64_t debits = Count(*restored, "debits");
      CHECK(debits == Count(*restored, "credits"));
      CHECK(debits >= before);
      // The writer counts a transaction after its commit returns: one may
      // be in the snapshot and not yet counted.
      CHECK(debits <= after + 1);
      CHECK_FALSE(std::ifstream(file + ".partial").good());
    }
    stop = true;
    writer.join();
  }

  TEST_CASE("restore replaces the contents of an existing database") {
    const std::string url = testing::FreshSqliteUrl();
    const std::string file = PathOf(url) + ".bak";
    {
      std::unique_ptr<Database> db = Open(url);
      CreatePairs(*db);
      REQUIRE_OK(db->Transact([](SqlTransaction& tx) {
        return tx.Execute("INSERT INTO debits (id) VALUES (1)").status();
      }));
      REQUIRE_OK(BackupDatabase(*db, file));
      REQUIRE_OK(db->Transact([](SqlTransaction& tx) {
        return tx.Execute("INSERT INTO debits (id) VALUES (2), (3)").status();
      }));
      CHECK(Count(*db, "debits") == 3);
    }
    REQUIRE_OK(RestoreDatabase(url, file));
    std::unique_ptr<Database> db = Open(url);
    CHECK(Count(*db, "debits") == 1);
  }

  TEST_CASE("an in-memory database can be backed up") {
    std::unique_ptr<Database> db = Open("sqlite::memory:");
    CreatePairs(*db);
    const std::string file = PathOf(testing::FreshSqliteUrl()) + ".memory.bak";
    REQUIRE_OK(BackupDatabase(*db, file));
    const std::string url = testing::FreshSqliteUrl();
    REQUIRE_OK(RestoreDatabase(url, file));
    CHECK(Count(*Open(url), "credits") == 0);
  }

  TEST_CASE("bad paths give errors naming them") {
    const std::string url = testing::FreshSqliteUrl();
    std::unique_ptr<Database> db = Open(url);
    const std::string dir = PathOf(url) + ".dir";

    absl::Status missing_dir =
        BackupDatabase(*db, "/nonexistent-botcore-dir/sub/b.db");
    CHECK_STATUS_IS(missing_dir, kNotFound);
    CHECK(absl::StrContains(missing_dir.message(),
                            "/nonexistent-botcore-dir/sub does not exist"));
    CHECK_STATUS_IS(BackupDatabase(*db, ""), kInvalidArgument);
    absl::Status itself = BackupDatabase(*db, PathOf(url));
    CHECK_STATUS_IS(itself, kInvalidArgument);
    CHECK(absl::StrContains(itself.message(), "is the database itself"));
    REQUIRE(std::filesystem::create_directory(dir));
    CHECK_STATUS_IS(BackupDatabase(*db, dir), kInvalidArgument);
    // A directory that cannot be written to.
    CHECK_STATUS_IS(BackupDatabase(*db, "/proc/botcore.bak"), kUnavailable);

    absl::Status no_file = RestoreDatabase(url, PathOf(url) + ".nothing");
    CHECK_STATUS_IS(no_file, kNotFound);
    CHECK(absl::StrContains(no_file.message(), ".nothing does not exist"));
    const std::string text = PathOf(url) + ".txt";
    std::ofstream(text) << "not a database, just text long enough to be read";
    absl::Status not_db = RestoreDatabase(testing::FreshSqliteUrl(), text);
    CHECK_STATUS_IS(not_db, kInvalidArgument);
    CHECK(absl::StrContains(not_db.message(), "is not a botcore database"));
    CHECK_STATUS_IS(RestoreDatabase(url, PathOf(url)), kInvalidArgument);
    CHECK_STATUS_IS(RestoreDatabase("sqlite::memory:", text), kInvalidArgument);
    CHECK_STATUS_IS(RestoreDatabase("mysql://x", text), kInvalidArgument);
  }

  TEST_CASE("a SQLite file without botcore's schema is refused") {
    const std::string file = PathOf(testing::FreshSqliteUrl()) + ".plain";
    {
      // An empty file is a valid, empty SQLite database.
      std::ofstream touch(file);
    }
    absl::Status s = RestoreDatabase(testing::FreshSqliteUrl(), file);
    CHECK_STATUS_IS(s, kInvalidArgument);
    CHECK(absl::StrContains(s.message(), "no such table: schema_migrations"));
  }

  TEST_CASE("PostgreSQL: backup and restore point to pg_dump / pg_restore") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      if (!absl::StartsWith(url, "postgres")) continue;
      std::unique_ptr<Database> db = Open(url);
      absl::Status backup = BackupDatabase(*db, "/tmp/never-written.bak");
      CHECK_STATUS_IS(backup, kUnimplemented);
      CHECK(absl::StrContains(backup.message(), "pg_dump"));
      absl::Status restore = RestoreDatabase(url, "/tmp/never-read.bak");
      CHECK_STATUS_IS(restore, kUnimplemented);
      CHECK(absl::StrContains(restore.message(), "pg_restore"));
      CHECK_FALSE(absl::StrContains(restore.message(), "password="));
    }
  }
}

}  // namespace
}  // namespace botcore
