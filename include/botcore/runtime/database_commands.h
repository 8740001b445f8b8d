// File: botcore/runtime/database_commands.h
//
// The database maintenance commands of the bot executable:
//
//   botcore-bot migrate           bring every component's schema up to date
//   botcore-bot backup <file>     write a consistent copy of the SQLite
//                                 database, also while the bot runs
//   botcore-bot restore <file>    replace the SQLite database with a backup
//                                 (bot stopped), then migrate
//
// They act on DATABASE_URL (default kDefaultDatabaseUrl) from the
// environment and `.env`. A main() hands them over in one line:
//
//   int main(int argc, char** argv) {
//     if (argc > 1 && botcore::IsDatabaseCommand(argv[1])) {
//       return botcore::DatabaseCommandMain(argc, argv);
//     }
//     ...
//
// MigrateSchema is also the function to call from code that wants every
// table in place before any engine is created (e.g. a deployment step).
//
// Thread safety: the functions are thread-safe; the commands act on files
// and databases other processes may use, as each command describes.

#ifndef BOTCORE_RUNTIME_DATABASE_COMMANDS_H_
#define BOTCORE_RUNTIME_DATABASE_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "botcore/core/config.h"
#include "botcore/ports/database.h"

namespace botcore {

// Applies the migrations of every botcore component (ledger, deposits,
// withdrawals, referral, outbox, portfolio, signals, telegram, runtime) to
// `db`, the same ones each engine's Create applies. Running it again is a
// no-op; several processes may run it at once.
// Errors: kFailedPrecondition when the database's schema of a component is
// newer than this build; storage errors of the Database port.
[[nodiscard]] absl::Status MigrateSchema(Database& db);

// The components MigrateSchema migrates, in its order.
std::vector<std::string> SchemaComponents();

// Whether `word` is "migrate", "backup" or "restore".
bool IsDatabaseCommand(std::string_view word);

// Runs the command in args[0] with its arguments after it, on DATABASE_URL
// from `config`. Returns what to print on success, one line or more.
// Errors: kInvalidArgument for an unknown command or wrong arguments (the
// message shows the usage); the errors of OpenDatabase, MigrateSchema,
// BackupDatabase and RestoreDatabase (botcore/adapters/storage.h).
[[nodiscard]] absl::StatusOr<std::string> RunDatabaseCommand(
    absl::Span<const std::string> args, const Config& config);

// RunDatabaseCommand for argv[1..] with the configuration from the
// environment and `.env`: prints the result to stdout, or
// "<argv[0]> <command>: <error>" to stderr. Returns the process exit status:
// 0 on success, 1 on any error.
int DatabaseCommandMain(int argc, const char* const* argv);

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_DATABASE_COMMANDS_H_
