#include "botcore/indicators/common.h"

namespace botcore::ta {

std::string_view MATypeName(MAType type) {
  switch (type) {
    case MAType::kSma:
      return "SMA";
    case MAType::kEma:
      return "EMA";
    case MAType::kWma:
      return "WMA";
    case MAType::kDema:
      return "DEMA";
    case MAType::kTema:
      return "TEMA";
    case MAType::kTrima:
      return "TRIMA";
    case MAType::kKama:
      return "KAMA";
    case MAType::kMama:
      return "MAMA";
    case MAType::kT3:
      return "T3";
  }
  return "unknown MAType";
}

}  // namespace botcore::ta
