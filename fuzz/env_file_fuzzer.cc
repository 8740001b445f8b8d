// Feeds arbitrary bytes to the .env parser and reads every key back.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "botcore/core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<botcore::Config> config = botcore::Config::ParseEnvFile(text);
  if (!config.ok()) return 0;
  for (std::string_view key : {"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "A"}) {
    (void)config->DisplayValue(key);
    (void)config->GetInt(key, 0);
    (void)config->GetDuration(key, absl::ZeroDuration());
    (void)config->GetAmount(key, 2, botcore::Amount());
    (void)config->GetList(key);
  }
  return 0;
}
