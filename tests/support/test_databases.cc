#include "support/test_databases.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "botcore/adapters/storage.h"
#include "support/status_testing.h"

namespace botcore::testing {
namespace {

// The per-process temporary directory, removed when the process exits.
class TempDir {
 public:
  TempDir() {
    std::random_device seed;
    path_ = std::filesystem::temp_directory_path() /
            absl::StrCat("botcore-test-", getpid(), "-", seed());
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

const TempDir& ProcessTempDir() {
  static const TempDir* dir = new TempDir();
  static const struct Cleanup {
    ~Cleanup() { delete dir; }
  } cleanup;
  return *dir;
}

std::atomic<int> counter{0};

}  // namespace

std::string FreshSqliteUrl() {
  // Four slashes: an absolute path.
  return absl::StrCat("sqlite:///",
                      (ProcessTempDir().path() /
                       absl::StrCat("db", counter.fetch_add(1), ".sqlite"))
                          .string());
}

std::string FreshPostgresUrl() {
  const char* base = std::getenv("BOTCORE_TEST_POSTGRES_URL");
  REQUIRE_MESSAGE(base != nullptr,
                  "BOTCORE_TEST_POSTGRES_URL is not set: run the tests through "
                  "scripts/test.sh, which starts PostgreSQL, or set "
                  "BOTCORE_TEST_NO_POSTGRES=1 to run on SQLite alone");
  std::random_device seed;
  const std::string schema =
      absl::StrCat("t_", getpid(), "_", counter.fetch_add(1), "_", seed() % 100000);
  {
    ASSIGN_OR_REQUIRE(std::unique_ptr<Database> admin, OpenDatabase(base));
    REQUIRE_OK(admin->Transact([&](SqlTransaction& tx) {
      return tx.Execute(absl::StrCat("CREATE SCHEMA ", schema)).status();
    }));
  }
  const std::string url(base);
  return absl::StrCat(url, url.find('?') == std::string::npos ? "?" : "&",
                      "options=-csearch_path%3D", schema);
}

std::vector<std::string> FreshDatabaseUrls() {
  std::vector<std::string> urls = {FreshSqliteUrl()};
  const char* no_postgres = std::getenv("BOTCORE_TEST_NO_POSTGRES");
  if (no_postgres != nullptr && std::string_view(no_postgres) == "1") {
    MESSAGE("BOTCORE_TEST_NO_POSTGRES=1: this test runs on SQLite only");
  } else {
    urls.push_back(FreshPostgresUrl());
  }
  return urls;
}

std::string SharedDir() { return BOTCORE_SHARED_DIR; }

}  // namespace botcore::testing
