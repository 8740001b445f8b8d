#include "botcore/runtime/database_commands.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "botcore/adapters/storage.h"
#include "botcore/ledger/ledger.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore {
namespace {

std::string PathOf(const std::string& url) {
  return url.substr(std::string("sqlite:///").size());
}

std::map<std::string, int> Versions(const std::string& url) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url);
  REQUIRE_OK(db.status());
  absl::StatusOr<std::map<std::string, int>> versions = (*db)->SchemaVersions();
  REQUIRE_OK(versions.status());
  return *versions;
}

Config WithDatabase(const std::string& url) {
  return Config::FromMap({{"DATABASE_URL", url}});
}

TEST_SUITE("database_commands") {
  TEST_CASE("MigrateSchema applies every component, once, on both backends") {
    for (const std::string& url : testing::FreshDatabaseUrls()) {
      CAPTURE(url);
      ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
      REQUIRE_OK(MigrateSchema(*db));
      REQUIRE_OK(MigrateSchema(*db));
      ASSIGN_OR_REQUIRE(auto versions, db->SchemaVersions());
      std::vector<std::string> components = SchemaComponents();
      CHECK(components.size() == 10);
      for (const std::string& component : components) {
        CAPTURE(component);
        CHECK(versions.count(component) == 1);
        CHECK(versions[component] >= 1);
      }
      CHECK(versions.count("botcore") == 1);
      CHECK(versions.size() == components.size() + 1);
    }
  }

  TEST_CASE("an engine created after migrate finds its schema current") {
    const std::string url = testing::FreshSqliteUrl();
    ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
    REQUIRE_OK(MigrateSchema(*db));
    ASSIGN_OR_REQUIRE(auto before, db->SchemaVersions());
    LedgerOptions options;
    options.database = db.get();
    options.assets = {{"USDT", 18}};
    ASSIGN_OR_REQUIRE(auto ledger, Ledger::Create(options));
    ASSIGN_OR_REQUIRE(auto after, db->SchemaVersions());
    CHECK(before == after);
  }

  TEST_CASE("migrate command: reports the versions") {
    const std::string url = testing::FreshSqliteUrl();
    ASSIGN_OR_REQUIRE(std::string out,
                      RunDatabaseCommand({"migrate"}, WithDatabase(url)));
    CHECK(absl::StrContains(out, " migrated: "));
    CHECK(absl::StrContains(out, "ledger v"));
    CHECK(absl::StrContains(out, "telegram v"));
    CHECK(Versions(url).size() == SchemaComponents().size() + 1);
  }

  TEST_CASE("backup then restore then migrate, through the commands") {
    const std::string url = testing::FreshSqliteUrl();
    const std::string file = PathOf(url) + ".bak";
    {
      // A database from an older build: only the ledger's schema, one row.
      ASSIGN_OR_REQUIRE(std::unique_ptr<Database> db, OpenDatabase(url));
      LedgerOptions options;
      options.database = db.get();
      options.assets = {{"USDT", 18}};
      ASSIGN_OR_REQUIRE(auto ledger, Ledger::Create(options));
    }
    ASSIGN_OR_REQUIRE(std::string backed_up,
                      RunDatabaseCommand({"backup", file}, WithDatabase(url)));
    CHECK(absl::StrContains(backed_up, "backed up to " + file));

    const std::string target = testing::FreshSqliteUrl();
    ASSIGN_OR_REQUIRE(
        std::string restored,
        RunDatabaseCommand({"restore", file}, WithDatabase(target)));
    CHECK(absl::StrContains(restored, file + " restored"));
    // Restore migrated the old schema to this build's.
    std::map<std::string, int> versions = Versions(target);
    CHECK(versions.size() == SchemaComponents().size() + 1);
    CHECK(versions.at("ledger") == Versions(url).at("ledger"));
    // The source still has only what the old build created.
    CHECK(Versions(url).count("deposits") == 0);
  }

  TEST_CASE("usage errors") {
    const Config config = WithDatabase(testing::FreshSqliteUrl());
    CHECK(IsDatabaseCommand("migrate"));
    CHECK(IsDatabaseCommand("backup"));
    CHECK(IsDatabaseCommand("restore"));
    CHECK_FALSE(IsDatabaseCommand("run"));
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{},
                                               {"run"},
                                               {"backup"},
                                               {"restore"},
                                               {"migrate", "extra"},
                                               {"backup", "a", "b"}}) {
      absl::StatusOr<std::string> r = RunDatabaseCommand(args, config);
      CHECK_STATUS_IS(r.status(), kInvalidArgument);
      CHECK(absl::StrContains(r.status().message(), "usage: botcore-bot"));
    }
  }

  TEST_CASE("errors from the storage layer come through") {
    absl::StatusOr<std::string> bad_url =
        RunDatabaseCommand({"migrate"}, WithDatabase("mysql://u:pw@h/db"));
    CHECK_STATUS_IS(bad_url.status(), kInvalidArgument);
    CHECK_FALSE(absl::StrContains(bad_url.status().message(), "pw"));
    absl::StatusOr<std::string> no_backup =
        RunDatabaseCommand({"restore", "/nonexistent/botcore.bak"},
                           WithDatabase(testing::FreshSqliteUrl()));
    CHECK_STATUS_IS(no_backup.status(), kNotFound);
  }

  TEST_CASE("DatabaseCommandMain: exit status") {
    const char* ok[] = {"botcore-bot", "backup"};
    CHECK(DatabaseCommandMain(2, ok) == 1);
  }
}

}  // namespace
}  // namespace botcore
