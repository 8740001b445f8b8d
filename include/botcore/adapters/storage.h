// File: botcore/adapters/storage.h
//
// Opens a Database (botcore/ports/database.h) from a URL, over SOCI:
//
//   sqlite::memory:                       a private in-memory database
//   sqlite:///data/botcore.db             a file, relative to the working
//                                         directory (three slashes)
//   sqlite:////var/lib/botcore/bot.db     an absolute path (four slashes)
//   postgresql://user:pass@host:5432/db   PostgreSQL (also postgres://); any
//                                         libpq URI parameters may follow '?'
//
// (The sqlite forms follow SQLAlchemy's.) A SQLite file and its directory are
// created if missing. Every SQLite connection runs with journal_mode=WAL,
// foreign_keys=ON, a busy timeout and the configured `synchronous` level.
// On PostgreSQL every transaction is SERIALIZABLE, so the two backends give
// engines the same guarantees; conflicts are retried by Database::Transact.
//
//   absl::StatusOr<std::unique_ptr<Database>> db =
//       OpenDatabase("sqlite:///data/botcore.db");
//
// A SQLite database is backed up while the bot runs and restored while it is
// stopped:
//
//   absl::Status s = BackupDatabase(**db, "/var/backups/botcore.db");
//   ...
//   s = RestoreDatabase("sqlite:///data/botcore.db",
//   "/var/backups/botcore.db");

#ifndef BOTCORE_ADAPTERS_STORAGE_H_
#define BOTCORE_ADAPTERS_STORAGE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/ports/database.h"

namespace botcore {

struct DatabaseOptions {
  // The most connections open at once; Transact calls beyond it wait for a
  // free one. An in-memory SQLite database always has exactly one.
  // Default: 4.
  int max_connections = 4;

  // How long a SQLite connection waits for another writer's lock before the
  // statement fails with a retryable conflict. Default: 5 s.
  absl::Duration sqlite_busy_timeout = absl::Seconds(5);

  // SQLite's `PRAGMA synchronous`: "FULL" (default) syncs the WAL on every
  // commit, so a committed transaction survives power loss; "NORMAL" syncs
  // only at checkpoints: still safe against a crash of the process, but the
  // last commits may roll back after a power loss. "OFF" is refused: money
  // must not depend on luck.
  std::string sqlite_synchronous = "FULL";
};

// The URL of the embedded default database.
inline constexpr std::string_view kDefaultDatabaseUrl =
    "sqlite:///data/botcore.db";

// Opens (creating if needed) the database at `url` and records the
// "botcore" component's schema (the schema_migrations table itself).
// Errors: kInvalidArgument for a malformed URL or option (the URL in the
// message has its password masked); kUnavailable when the server cannot be
// reached or the file cannot be opened; kFailedPrecondition when the
// database's schema is newer than this build.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(
    std::string_view url, const DatabaseOptions& options = {});

// Writes a consistent copy of the SQLite database `db` to `file` with
// SQLite's online backup API: the copy is one snapshot, taken while other
// connections and processes go on writing (WAL mode lets them). It is
// written to "<file>.partial" and renamed over `file` when complete, so
// `file` is never half-written. Any thread may call it; it holds one of the
// database's connections while copying.
// Errors: kUnimplemented for PostgreSQL (use pg_dump, see
// docs/deployment.md); kInvalidArgument when `db` was not opened by
// OpenDatabase, `file` is empty or names the database itself; kNotFound when
// the directory of `file` does not exist; kUnavailable when `file` cannot be
// written or the source stays locked.
[[nodiscard]] absl::Status BackupDatabase(Database& db, std::string_view file);

// Replaces the contents of the SQLite database at `url` with the backup in
// `file` (made by BackupDatabase), creating the database if missing. Stop
// every process using the database first. The backup's schema is restored as
// it was; bring it up to date with MigrateSchema
// (botcore/runtime/database_commands.h), which the bot also runs at start.
// Errors: kUnimplemented for PostgreSQL (use pg_restore); kInvalidArgument
// for a malformed URL, an in-memory database, or a `file` that is not a
// SQLite database or holds no botcore schema; kNotFound when `file` does not
// exist; kUnavailable when the database cannot be opened or stays locked.
[[nodiscard]] absl::Status RestoreDatabase(std::string_view url,
                                           std::string_view file);

}  // namespace botcore

#endif  // BOTCORE_ADAPTERS_STORAGE_H_
