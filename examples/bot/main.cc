// botcore-bot: reads the configuration, opens the database, and reports what
// it found. The bot runtime wires in here once it lands (issue #7).

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_join.h"
#include "botcore/adapters/storage.h"
#include "botcore/core/config.h"
#include "botcore/runtime/database_commands.h"
#include "botcore/version.h"

namespace {

absl::Status Run() {
  absl::StatusOr<botcore::Config> config = botcore::Config::Load(".env");
  if (!config.ok()) return config.status();
  const std::string url =
      config->GetString("DATABASE_URL", botcore::kDefaultDatabaseUrl);
  absl::StatusOr<std::unique_ptr<botcore::Database>> db = botcore::OpenDatabase(url);
  if (!db.ok()) return db.status();
  absl::StatusOr<std::map<std::string, int>> versions = (*db)->SchemaVersions();
  if (!versions.ok()) return versions.status();

  std::printf("botcore %s\n", botcore::kVersion);
  std::printf("database: %s\n", (*db)->url().c_str());
  std::printf("schema: %s\n",
              absl::StrJoin(*versions, ", ", absl::PairFormatter(" v")).c_str());
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && botcore::IsDatabaseCommand(argv[1])) {
    return botcore::DatabaseCommandMain(argc, argv);
  }
  if (absl::Status s = Run(); !s.ok()) {
    std::fprintf(stderr, "botcore-bot: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
