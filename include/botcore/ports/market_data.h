// File: botcore/ports/market_data.h
//
// The MarketData port: candles, instrument facts and the last price of a
// security on an exchange board. Implementation: MoexMarketData
// (botcore/adapters/moex.h) over the Moscow Exchange ISS API; users may
// implement it for another exchange.
//
//   CandleQuery query;
//   query.security = "GAZP";
//   query.board = "TQBR";
//   query.interval = CandleInterval::kHour;
//   query.from = absl::FromCivil(absl::CivilDay(2024, 2, 1),
//   absl::UTCTimeZone()); query.till = absl::FromCivil(absl::CivilDay(2024, 2,
//   16), absl::UTCTimeZone()); absl::StatusOr<std::vector<Candle>> candles =
//   market.GetCandles(query); absl::StatusOr<SecurityInfo> gazp =
//   market.GetSecurityInfo("GAZP", "TQBR");
//   // gazp->lot_size == 10, gazp->price_step == Amount "0.01"
//
// Error codes, by what the caller should do:
//   kInvalidArgument   the query is malformed (empty security, from > till).
//   kNotFound          the exchange knows no such security on that board, or
//                      has no price for it.
//   kUnavailable, kDeadlineExceeded   the exchange or network failed, or
//                      answered something unreadable: retry later.
//   kResourceExhausted a rate limit would make the call wait too long.

#ifndef BOTCORE_PORTS_MARKET_DATA_H_
#define BOTCORE_PORTS_MARKET_DATA_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/amount.h"
#include "botcore/core/candle.h"

namespace botcore {

// Candle lengths; the values are MOEX ISS's interval codes.
enum class CandleInterval {
  kMinute = 1,
  kTenMinutes = 10,
  kHour = 60,
  kDay = 24,
  kWeek = 7,
  kMonth = 31,
  kQuarter = 4,
};

// Returns the interval with ISS code `code` (1, 10, 60, 24, 7, 31, 4).
// Errors: kInvalidArgument naming the code for any other value.
[[nodiscard]] absl::StatusOr<CandleInterval> CandleIntervalFromCode(int code);

// "1m", "10m", "1h", "1d", "1w", "1M", "1Q".
std::string_view CandleIntervalName(CandleInterval interval);

struct CandleQuery {
  std::string security;  // e.g. "GAZP"
  std::string board;     // e.g. "TQBR"
  // Default: kDay.
  CandleInterval interval = CandleInterval::kDay;
  // Candles that open in [from, till] are returned, oldest first.
  absl::Time from;
  absl::Time till;
};

struct SecurityInfo {
  std::string security;
  std::string board;
  std::string short_name;  // e.g. "ГАЗПРОМ ао"
  std::string isin;        // may be empty
  std::string currency;    // the exchange's code, e.g. "SUR" for roubles
  int64_t lot_size = 0;    // shares per lot
  int decimals = 0;        // decimals of prices
  Amount price_step;       // the minimum price change, at `decimals` scale
};

struct LastPrice {
  std::string security;
  std::string board;
  Amount price;     // at the security's price decimals
  absl::Time time;  // when the exchange published it
};

// Implementations are thread-safe.
class MarketData {
 public:
  virtual ~MarketData() = default;

  // Returns every finished candle of query.interval opening in [from,
  // till], oldest first; empty when there are none. The candle still
  // forming is left out (its close and volume would change), so indicators
  // and signals see final values only. Errors: see above.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Candle>> GetCandles(
      const CandleQuery& query) = 0;

  // Returns lot size, price step and decimals. Errors: see above.
  [[nodiscard]] virtual absl::StatusOr<SecurityInfo> GetSecurityInfo(
      std::string_view security, std::string_view board) = 0;

  // Returns the last trade price (or the exchange's current price when no
  // trade happened yet). Errors: see above.
  [[nodiscard]] virtual absl::StatusOr<LastPrice> GetLastPrice(
      std::string_view security, std::string_view board) = 0;
};

}  // namespace botcore

#endif  // BOTCORE_PORTS_MARKET_DATA_H_
