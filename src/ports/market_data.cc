#include "botcore/ports/market_data.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace botcore {

absl::StatusOr<CandleInterval> CandleIntervalFromCode(int code) {
  switch (code) {
    case 1:
    case 10:
    case 60:
    case 24:
    case 7:
    case 31:
    case 4:
      return static_cast<CandleInterval>(code);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("candle interval code ", code,
                       " is not one of 1, 10, 60, 24, 7, 31, 4"));
  }
}

std::string_view CandleIntervalName(CandleInterval interval) {
  switch (interval) {
    case CandleInterval::kMinute:
      return "1m";
    case CandleInterval::kTenMinutes:
      return "10m";
    case CandleInterval::kHour:
      return "1h";
    case CandleInterval::kDay:
      return "1d";
    case CandleInterval::kWeek:
      return "1w";
    case CandleInterval::kMonth:
      return "1M";
    case CandleInterval::kQuarter:
      return "1Q";
  }
  return "?";
}

}  // namespace botcore
