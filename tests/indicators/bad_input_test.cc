// Bad input gives kInvalidArgument whose message names the indicator, the
// parameter and the value; nothing crashes and nothing is written.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "botcore/indicators/indicators.h"
#include "support/status_testing.h"

namespace botcore::ta {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Checks `s` is kInvalidArgument and its message contains every part.
void CheckInvalid(const absl::Status& s, std::vector<std::string> parts) {
  CHECK_STATUS_IS(s, kInvalidArgument);
  for (const std::string& part : parts) {
    CHECK_MESSAGE(std::string(s.message()).find(part) != std::string::npos,
                  "'" << s.message() << "' lacks '" << part << "'");
  }
}
template <typename T>
void CheckInvalid(const absl::StatusOr<T>& s, std::vector<std::string> parts) {
  CheckInvalid(s.status(), std::move(parts));
}

std::vector<double> Ramp(int n, double start = 100) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(start + (i % 7) - 0.5 * (i % 3));
  return v;
}

TEST_SUITE("bad_input_test") {
  TEST_CASE("periods out of range name the indicator, parameter and value") {
    const std::vector<double> x = Ramp(50);
    CheckInvalid(Sma(x, 1), {"SMA", "timeperiod", "2..100000", "got 1"});
    CheckInvalid(Sma(x, 0), {"SMA", "timeperiod", "got 0"});
    CheckInvalid(Ema(x, -3), {"EMA", "timeperiod", "got -3"});
    CheckInvalid(Rsi(x, 100001), {"RSI", "timeperiod", "got 100001"});
    CheckInvalid(Macd(x, 12, 1, 9), {"MACD", "slowperiod", "got 1"});
    CheckInvalid(Macd(x, 12, 26, 0), {"MACD", "signalperiod", "got 0"});
    CheckInvalid(Stoch(x, x, x, 0), {"STOCH", "fastk_period", "got 0"});
    CheckInvalid(UltOsc(x, x, x, 7, 0, 28), {"ULTOSC", "timeperiod2", "got 0"});
    CheckInvalid(Atr(x, x, x, 0), {"ATR", "timeperiod", "got 0"});
    CheckInvalid(StreamingKama::Create(1), {"KAMA", "timeperiod", "got 1"});
    CheckInvalid(StreamingAdx::Create(1), {"ADX", "timeperiod", "got 1"});
    CHECK(SmaLookback(1) == -1);
    CHECK(SmaLookback(30) == 29);
    CHECK(AdxLookback(14) == 27);
    CHECK(MacdLookback(12, 26, 9) == 33);
    CHECK(StochLookback(5, 3, MAType::kSma, 3, MAType::kSma) == 8);
  }

  TEST_CASE("a period longer than the input") {
    const std::vector<double> x = Ramp(10);
    CheckInvalid(Sma(x, 11), {"SMA", "timeperiod 11", "longer", "10 bars"});
    CheckInvalid(Macd(x, 12, 26, 9), {"MACD", "fastperiod 12", "10 bars"});
    CheckInvalid(Adx(x, x, x, 20), {"ADX", "timeperiod 20"});
  }

  TEST_CASE("an input too short for the lookback gives only NaN") {
    const std::vector<double> x = Ramp(14);
    absl::StatusOr<std::vector<double>> rsi = Rsi(x, 14);
    REQUIRE_OK(rsi);
    for (double v : *rsi) CHECK(std::isnan(v));
  }

  TEST_CASE("empty and mismatched inputs") {
    const std::vector<double> x = Ramp(30), y = Ramp(29), none;
    CheckInvalid(Sma(none, 5), {"SMA", "close is empty"});
    CheckInvalid(Obv(none, none), {"OBV", "close is empty"});
    CheckInvalid(Atr(x, y, x, 5), {"ATR", "low has 29 values", "high has 30"});
    CheckInvalid(Mfi(x, x, x, y, 5), {"MFI", "volume has 29"});
    std::vector<int64_t> sessions(29, 0);
    CheckInvalid(Vwap(x, x, x, x, sessions), {"VWAP", "session has 29"});
    std::vector<double> out(29);
    CheckInvalid(Sma(x, 5, absl::MakeSpan(out)), {"SMA", "output out has 29"});
    std::vector<double> upper(30), middle(30), lower(31);
    CheckInvalid(Bbands(x, 5, 2, 2, MAType::kSma, absl::MakeSpan(upper),
                        absl::MakeSpan(middle), absl::MakeSpan(lower)),
                 {"BBANDS", "lowerband has 31"});
  }

  TEST_CASE("NaN and infinity in the input") {
    std::vector<double> x = Ramp(30);
    x[7] = kNaN;
    CheckInvalid(Sma(x, 5), {"SMA", "close[7] is nan"});
    std::vector<double> h = Ramp(30, 200), l = Ramp(30, 100), c = Ramp(30, 150);
    l[12] = -kInf;
    CheckInvalid(Stoch(h, l, c), {"STOCH", "low[12] is -inf"});
    std::vector<double> v(30, 1000);
    v[3] = kInf;
    CheckInvalid(Obv(c, v), {"OBV", "volume[3] is inf"});
  }

  // The loops of these indicators screen their input themselves and skip
  // the separate check when the screen is clean: each non-finite kind, in
  // the lookback, in a later block and as the last value, must still fail.
  TEST_CASE("non-finite values wherever the screening loops see them") {
    for (const double bad : {kNaN, kInf, -kInf}) {
      for (const int at : {0, 3, 2047, 2048, 5000, 9999}) {
        std::vector<double> x = Ramp(10000);
        x[at] = bad;
        const std::string where = "close[" + std::to_string(at) + "]";
        CAPTURE(where);
        CAPTURE(bad);
        CheckInvalid(Sma(x, 20), {"SMA", where});
        CheckInvalid(Ema(x, 20), {"EMA", where});
        CheckInvalid(Wma(x, 20), {"WMA", where});
        CheckInvalid(Dema(x, 20), {"DEMA", where});
        CheckInvalid(Tema(x, 20), {"TEMA", where});
        CheckInvalid(Kama(x, 20), {"KAMA", where});
        CheckInvalid(Ma(x, 20, MAType::kEma), {"MA", where});
        CheckInvalid(Rsi(x, 14), {"RSI", where});
        CheckInvalid(Macd(x, 12, 26, 9), {"MACD", where});
        CheckInvalid(MacdFix(x, 9), {"MACDFIX", where});
      }
    }
  }

  TEST_CASE("a high below its low, a negative volume") {
    std::vector<double> h = Ramp(30, 200), l = Ramp(30, 100), c = Ramp(30, 150);
    h[4] = 50;
    CheckInvalid(Atr(h, l, c, 14), {"ATR", "high[4] = 50", "below low[4]"});
    CheckInvalid(Sar(h, l), {"SAR", "high[4] = 50"});
    h[4] = 200;
    std::vector<double> v(30, 10);
    v[9] = -1;
    CheckInvalid(Mfi(h, l, c, v, 14), {"MFI", "volume[9] = -1", "negative"});
  }

  TEST_CASE("a bad parameter writes nothing; a bad value sets outputs to NaN") {
    std::vector<double> x = Ramp(10000);
    std::vector<double> out(10000, 42.0);
    CHECK_STATUS_IS(Ema(x, 1, absl::MakeSpan(out)), kInvalidArgument);
    for (double v : out) REQUIRE(v == 42.0);
    x[9000] = kNaN;  // in a later block than the first
    CHECK_STATUS_IS(Ema(x, 5, absl::MakeSpan(out)), kInvalidArgument);
    for (double v : out) REQUIRE(std::isnan(v));
  }

  TEST_CASE("unsupported moving average types and bad settings") {
    const std::vector<double> x = Ramp(40);
    CheckInvalid(Bbands(x, 5, 2, 2, MAType::kDema),
                 {"BBANDS", "matype 3 (DEMA)", "not supported"});
    CheckInvalid(Stoch(x, x, x, 5, 3, MAType::kSma, 3, MAType::kT3),
                 {"STOCH", "slowd_matype 8 (T3)"});
    CheckInvalid(StreamingStochRsi::Create(14, 5, 3, MAType::kKama),
                 {"STOCHRSI", "fastd_matype 6 (KAMA)"});
    CheckInvalid(Ma(x, 5, static_cast<MAType>(42)),
                 {"MA", "matype 42", "not supported"});
    CheckInvalid(Bbands(x, 5, kNaN, 2), {"BBANDS", "nbdevup", "nan"});
    CheckInvalid(Sar(x, x, -0.1, 0.2), {"SAR", "acceleration", "-0.1"});
    CheckInvalid(Rsi(x, 14, TaSettings{.unstable_period = -1}),
                 {"RSI", "unstable_period", "-1"});
    CheckInvalid(
        Ema(x, 14, TaSettings{.compatibility = static_cast<Compatibility>(7)}),
        {"EMA", "compatibility", "got 7"});
  }
}

}  // namespace
}  // namespace botcore::ta
