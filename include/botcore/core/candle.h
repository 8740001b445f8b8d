// File: botcore/core/candle.h
//
// Candle is one OHLCV bar; the indicator, signal and backtest code read
// candles, and market-data adapters produce them. Prices here are doubles:
// they feed indicator math. Money (fills, cash) converts to Amount at the
// instrument's price step.
//
// ParseCandlesCsv reads the OHLCV CSV format of ../shared/data and of
// botcore-backtest:
//
//   ts,open,high,low,close,volume
//   2014-06-09T00:00:00,144,146.2,143.03,144.4,40347300
//
//   absl::StatusOr<std::vector<Candle>> bars = ReadCandlesCsv("gazp_daily.csv");

#ifndef BOTCORE_CORE_CANDLE_H_
#define BOTCORE_CORE_CANDLE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace botcore {

struct Candle {
  absl::Time time;  // when the bar opened
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;

  friend bool operator==(const Candle&, const Candle&) = default;
};

struct CandleCsvOptions {
  // The zone of timestamps written without an offset ("2014-06-09T00:00:00").
  // Timestamps with "Z" or "+03:00" carry their own. Default: UTC.
  absl::TimeZone zone = absl::UTCTimeZone();
};

// Parses CSV text with a header naming the columns ts (or time, date), open,
// high, low, close and volume in any order; other columns are ignored.
// Timestamps are ISO-8601 date-times or dates ("2014-06-09"). Blank lines and
// a trailing newline are fine.
// Errors: kInvalidArgument naming `source`, the line and the column for a
// missing column, a malformed or non-finite number, a bad timestamp, high
// below low, a negative volume, or a time not after the previous row's.
[[nodiscard]] absl::StatusOr<std::vector<Candle>> ParseCandlesCsv(
    std::string_view text, std::string_view source = "csv",
    const CandleCsvOptions& options = {});

// Reads and parses the file at `path`.
// Errors: kNotFound if it does not exist, kUnavailable if it cannot be read,
// otherwise as ParseCandlesCsv.
[[nodiscard]] absl::StatusOr<std::vector<Candle>> ReadCandlesCsv(
    const std::string& path, const CandleCsvOptions& options = {});

// Formats `t` as ISO-8601 in UTC, e.g. "2014-06-09T00:00:00Z".
std::string FormatIsoTime(absl::Time t);

}  // namespace botcore

#endif  // BOTCORE_CORE_CANDLE_H_
