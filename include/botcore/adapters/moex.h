// File: botcore/adapters/moex.h
//
// The MarketData port over the Moscow Exchange ISS API
// (https://iss.moex.com/iss/): finished candles for every ISS interval,
// paged until an empty page; lot size, price step and decimals; the last
// price. Columns are decoded by name; ISS times (Moscow time) are converted
// to UTC. The candle still forming during the session is left out, also when
// the answer comes from the cache: one whose "end" had not passed, by the
// answer's Date header (or the clock) less the data's delay (data_delay;
// public ISS data lags about 15 minutes).
//
// ISS asks for restraint: give the adapter an HttpClient built by
// NewMoexHttpClient, which allows one request a second and caches answers
// for 15 minutes (DESIGN.md defaults).
//
//   SystemClock clock;
//   absl::StatusOr<std::unique_ptr<HttpClient>> http =
//   NewMoexHttpClient(&clock); MoexOptions options; options.http = http->get();
//   options.clock = &clock;
//   absl::StatusOr<std::unique_ptr<MarketData>> moex =
//       NewMoexMarketData(options);
//   absl::StatusOr<LastPrice> last = (*moex)->GetLastPrice("GAZP", "TQBR");

#ifndef BOTCORE_ADAPTERS_MOEX_H_
#define BOTCORE_ADAPTERS_MOEX_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/core/clock.h"
#include "botcore/ports/http_client.h"
#include "botcore/ports/market_data.h"

namespace botcore {

struct MoexOptions {
  // Required, not owned: see NewMoexHttpClient.
  HttpClient* http = nullptr;
  // Required, not owned: tells which candles have ended (usually the clock
  // given to NewMoexHttpClient).
  Clock* clock = nullptr;
  // Default: "https://iss.moex.com/iss".
  std::string base_url = "https://iss.moex.com/iss";
  // The ISS engine and market of the boards asked for. Default: "stock",
  // "shares" (TQBR and the other share boards).
  std::string engine = "stock";
  std::string market = "shares";
  // Candle pages fetched at most for one GetCandles; beyond it the call
  // fails with kUnavailable rather than loop. Default: 1000.
  int max_pages = 1000;
  // How far the data lags ISS's answers: public ISS (without a
  // subscription) shows trades about 15 minutes late, so a candle counts as
  // finished only once it ended this long before the answer; 0 for
  // real-time (authenticated) access. Default: 15 minutes.
  absl::Duration data_delay = absl::Minutes(15);
};

// Checks the options. Thread-safe result.
// Errors: kInvalidArgument when http or clock is missing, base_url is not
// http(s) or data_delay is negative.
[[nodiscard]] absl::StatusOr<std::unique_ptr<MarketData>> NewMoexMarketData(
    const MoexOptions& options);

struct MoexHttpOptions {
  // Default: 1 (MOEX ISS's polite rate; DESIGN.md).
  double requests_per_second = 1;
  // Default: 15 min (DESIGN.md's market-data cache).
  absl::Duration cache_ttl = absl::Minutes(15);
  // Default: 10 s connect, 30 s total, as CurlHttpClientOptions.
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration total_timeout = absl::Seconds(30);
};

// libcurl with, from the outside in: a response cache, retries with
// backoff, and a per-host rate limit that every attempt waits for. `clock` must outlive the client.
// Errors: as NewCurlHttpClient.
[[nodiscard]] absl::StatusOr<std::unique_ptr<HttpClient>> NewMoexHttpClient(
    Clock* clock, const MoexHttpOptions& options = {});

}  // namespace botcore

#endif  // BOTCORE_ADAPTERS_MOEX_H_
