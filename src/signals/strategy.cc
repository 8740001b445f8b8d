#include "botcore/signals/strategy.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace botcore {

std::string_view SideName(Side side) {
  return side == Side::kBuy ? "BUY" : "SELL";
}

std::string SignalId(const Signal& signal) {
  if (!signal.id.empty()) return signal.id;
  return absl::StrCat(signal.symbol, "/", signal.timeframe, "/",
                      absl::ToUnixMicros(signal.time), "/",
                      signal.side == Side::kBuy ? "BUY" : "SELL");
}

}  // namespace botcore
