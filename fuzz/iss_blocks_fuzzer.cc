// Feeds arbitrary bytes to the MOEX ISS decoder and reads every cell back.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/moex/iss_blocks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto tables = botcore::internal::ParseIssBlocks(body);
  if (!tables.ok()) return 0;
  for (const auto& [name, table] : *tables) {
    for (size_t row = 0; row < table.rows.size(); ++row) {
      for (const std::string& column : table.columns) {
        (void)botcore::internal::IssNumber(table, row, column);
        (void)botcore::internal::IssText(table, row, column);
      }
    }
  }
  return 0;
}
