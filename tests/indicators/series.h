// Test support: the real OHLCV series of ../shared/data as column arrays, and
// bit-level comparison of indicator outputs.

#ifndef BOTCORE_TESTS_INDICATORS_SERIES_H_
#define BOTCORE_TESTS_INDICATORS_SERIES_H_

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "botcore/core/candle.h"
#include "support/status_testing.h"
#include "support/test_databases.h"

namespace botcore::testing {

struct Ohlcv {
  std::string name;
  std::vector<Candle> bars;
  std::vector<double> open, high, low, close, volume;
};

inline Ohlcv LoadSeries(const std::string& file) {
  Ohlcv s;
  s.name = file;
  absl::StatusOr<std::vector<Candle>> bars =
      ReadCandlesCsv(SharedDir() + "/data/" + file);
  REQUIRE_MESSAGE(bars.ok(), bars.status().ToString());
  s.bars = *bars;
  for (const Candle& c : s.bars) {
    s.open.push_back(c.open);
    s.high.push_back(c.high);
    s.low.push_back(c.low);
    s.close.push_back(c.close);
    s.volume.push_back(c.volume);
  }
  return s;
}

// Equal bit for bit, or both NaN.
inline bool SameBits(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace botcore::testing

#endif  // BOTCORE_TESTS_INDICATORS_SERIES_H_
