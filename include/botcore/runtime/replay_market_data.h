// File: botcore/runtime/replay_market_data.h
//
// MarketData over recorded daily candles (e.g. the bundled GAZP history), for
// the bot's offline console mode and for tests: the series is shifted in time
// so that its last candle opens on the day `now` falls in, and the last price
// is that candle's close. Every recorded candle counts as finished
// (MarketData::GetCandles), the last included: it stands for today's session
// as if it had closed.
//
//   absl::StatusOr<std::vector<Candle>> bars =
//   ReadCandlesCsv("gazp_daily.csv");
//   absl::StatusOr<std::unique_ptr<MarketData>> market = NewReplayMarketData(
//       {.symbol = "GAZP", .candles = *bars, .now = clock.Now()});
//
// Thread safety: the result is immutable and thread-safe.

#ifndef BOTCORE_RUNTIME_REPLAY_MARKET_DATA_H_
#define BOTCORE_RUNTIME_REPLAY_MARKET_DATA_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/candle.h"
#include "botcore/ports/market_data.h"

namespace botcore {

struct ReplayMarketDataOptions {
  // The security the candles are of. Required.
  std::string symbol;
  // The board it answers for. Default: "TQBR".
  std::string board = "TQBR";
  // Daily candles, oldest first. Required: at least one.
  std::vector<Candle> candles;
  // The series is moved so that its last candle opens on the UTC day of
  // `now`. Default: the Unix epoch (then the caller's time must be set).
  absl::Time now;
  // Instrument facts GetSecurityInfo reports. Defaults: lot 10, 2 decimals,
  // step "0.01", currency "SUR" (MOEX GAZP).
  int64_t lot_size = 10;
  int decimals = 2;
  std::string price_step = "0.01";
};

// Errors: kInvalidArgument for an empty symbol or no candles, or a price
// step that does not parse at `decimals`.
// GetCandles serves kDay only (kInvalidArgument for other intervals) and
// kNotFound for another security or board.
[[nodiscard]] absl::StatusOr<std::unique_ptr<MarketData>> NewReplayMarketData(
    ReplayMarketDataOptions options);

}  // namespace botcore

#endif  // BOTCORE_RUNTIME_REPLAY_MARKET_DATA_H_
