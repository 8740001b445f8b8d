#include "botcore/ports/advisor.h"

#include "absl/strings/str_cat.h"
#include "internal/strings.h"

namespace botcore {

std::string_view TradeActionName(TradeAction action) {
  switch (action) {
    case TradeAction::kBuy:
      return "BUY";
    case TradeAction::kSell:
      return "SELL";
    case TradeAction::kHold:
      return "HOLD";
  }
  return "HOLD";
}

absl::StatusOr<TradeAction> ParseTradeAction(std::string_view name) {
  for (TradeAction a :
       {TradeAction::kBuy, TradeAction::kSell, TradeAction::kHold}) {
    if (TradeActionName(a) == name) return a;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown trade action \"",
                                                 internal::ToAbsl(name),
                                                 "\" (BUY, SELL, HOLD)"));
}

}  // namespace botcore
