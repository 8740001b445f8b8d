#include "botcore/runtime/database_commands.h"

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "botcore/adapters/storage.h"
#include "internal/schema.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

constexpr char kUsage[] =
    "usage: botcore-bot migrate | backup <file> | restore <file>";

// Every component's schema, in an order where each comes after any it
// refers to. The lists themselves live next to each engine.
std::vector<internal::ComponentSchema> Schemas() {
  return {internal::LedgerSchema(),      internal::DepositsSchema(),
          internal::WithdrawalsSchema(), internal::ReferralSchema(),
          internal::OutboxSchema(),      internal::PortfolioSchema(),
          internal::SignalsSchema(),     internal::TelegramSchema(),
          internal::RuntimeSchema(),     internal::BotSchema()};
}

absl::StatusOr<std::unique_ptr<Database>> Open(const Config& config) {
  return OpenDatabase(config.GetString("DATABASE_URL", kDefaultDatabaseUrl));
}

absl::StatusOr<std::string> Migrate(const Config& config) {
  BOTCORE_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Open(config));
  BOTCORE_RETURN_IF_ERROR(MigrateSchema(*db));
  BOTCORE_ASSIGN_OR_RETURN(auto versions, db->SchemaVersions());
  return absl::StrCat(db->url(), " migrated: ",
                      absl::StrJoin(versions, ", ", absl::PairFormatter(" v")));
}

}  // namespace

absl::Status MigrateSchema(Database& db) {
  for (const internal::ComponentSchema& schema : Schemas()) {
    BOTCORE_RETURN_IF_ERROR(internal::ApplySchema(db, schema));
  }
  return absl::OkStatus();
}

std::vector<std::string> SchemaComponents() {
  std::vector<std::string> names;
  for (const internal::ComponentSchema& schema : Schemas()) {
    names.emplace_back(schema.component);
  }
  return names;
}

bool IsDatabaseCommand(std::string_view word) {
  return word == "migrate" || word == "backup" || word == "restore";
}

absl::StatusOr<std::string> RunDatabaseCommand(
    absl::Span<const std::string> args, const Config& config) {
  if (args.empty() || !IsDatabaseCommand(args[0])) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown command \"", args.empty() ? "" : args[0], "\"; ", kUsage));
  }
  const std::string& command = args[0];
  const size_t want = command == "migrate" ? 1 : 2;
  if (args.size() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat(command, " takes ", want - 1, " argument",
                     want == 2 ? "" : "s", "; ", kUsage));
  }
  if (command == "migrate") return Migrate(config);
  const std::string& file = args[1];
  if (command == "backup") {
    BOTCORE_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Open(config));
    BOTCORE_RETURN_IF_ERROR(BackupDatabase(*db, file));
    return absl::StrCat(db->url(), " backed up to ", file);
  }
  const std::string url = config.GetString("DATABASE_URL", kDefaultDatabaseUrl);
  BOTCORE_RETURN_IF_ERROR(RestoreDatabase(url, file));
  BOTCORE_ASSIGN_OR_RETURN(std::string migrated, Migrate(config));
  return absl::StrCat(file, " restored\n", migrated);
}

int DatabaseCommandMain(int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::string program = argc > 0 ? argv[0] : "botcore-bot";
  absl::StatusOr<Config> config = Config::Load(".env");
  absl::StatusOr<std::string> result =
      config.ok() ? RunDatabaseCommand(args, *config) : config.status();
  if (!result.ok()) {
    std::fprintf(stderr, "%s %s: %s\n", program.c_str(),
                 args.empty() ? "" : args[0].c_str(),
                 result.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", result->c_str());
  return 0;
}

}  // namespace botcore
