// Feeds arbitrary bytes to everything that reads Bot API replies and
// updates: getUpdates bodies, webhook bodies, error replies.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/telegram/telegram_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)botcore::internal::ParseTelegramUpdates(body);
  (void)botcore::internal::ParseTelegramUpdate(body);
  botcore::internal::TelegramReply reply =
      botcore::internal::ReadTelegramReply("getUpdates", 200, body);
  (void)reply;
  return 0;
}
