#include "botcore/signals/strategy.h"

namespace botcore {

std::string_view SideName(Side side) {
  return side == Side::kBuy ? "BUY" : "SELL";
}

}  // namespace botcore
