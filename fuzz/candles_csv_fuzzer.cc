// Feeds arbitrary bytes to the OHLCV CSV reader.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "botcore/core/candle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)botcore::ParseCandlesCsv(text, "fuzz");
  return 0;
}
