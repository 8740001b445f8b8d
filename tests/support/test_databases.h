// Fresh databases for storage tests: every storage test runs on SQLite and on
// a real PostgreSQL (STYLE.md).
//
//   for (const std::string& url : botcore::testing::FreshDatabaseUrls()) {
//     CAPTURE(url);
//     ASSIGN_OR_REQUIRE(auto db, botcore::OpenDatabase(url));
//     ...
//   }
//
// PostgreSQL comes from BOTCORE_TEST_POSTGRES_URL, which scripts/test.sh sets
// after starting a throw-away server. When it is unset the test fails, unless
// BOTCORE_TEST_NO_POSTGRES=1 says to run on SQLite alone (a message says so).

#ifndef BOTCORE_TESTS_SUPPORT_TEST_DATABASES_H_
#define BOTCORE_TESTS_SUPPORT_TEST_DATABASES_H_

#include <string>
#include <vector>

namespace botcore::testing {

// A new empty SQLite file in a per-process temporary directory, removed at
// exit.
std::string FreshSqliteUrl();

// A new empty PostgreSQL schema (the URL selects it through search_path).
// Fails the current test when no server is configured.
std::string FreshPostgresUrl();

// FreshSqliteUrl() and FreshPostgresUrl(), in that order (see above for
// BOTCORE_TEST_NO_POSTGRES).
std::vector<std::string> FreshDatabaseUrls();

// The folder ../shared beside the source tree (data, golden files, fixtures).
std::string SharedDir();

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_SUPPORT_TEST_DATABASES_H_
