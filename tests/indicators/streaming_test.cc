// Every streaming indicator, fed the real GAZP and SBER bars one at a time,
// gives bit for bit the batch value at every bar; a rejected (NaN) bar
// changes nothing; Reset() starts over.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "botcore/indicators/indicators.h"
#include "indicators/series.h"

namespace botcore::ta {
namespace {

using testing::Ohlcv;
using testing::SameBits;
using Columns = std::vector<std::vector<double>>;
using Fields = std::vector<double>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <typename T>
T Ok(absl::StatusOr<T> v) {
  REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  return *std::move(v);
}

Fields F(double v) { return {v}; }
Fields F(const MacdValue& v) { return {v.macd, v.signal, v.hist}; }
Fields F(const BbandsValue& v) { return {v.upper, v.middle, v.lower}; }
Fields F(const StochValue& v) { return {v.slowk, v.slowd}; }
Fields F(const StochRsiValue& v) { return {v.fastk, v.fastd}; }
Fields F(const AroonValue& v) { return {v.aroondown, v.aroonup}; }

// The session key of bar i: a week number, so sessions span several bars.
int64_t Session(const Ohlcv& s, size_t i) {
  return DaySession(s.bars[i].time, absl::UTCTimeZone()) / 7;
}

// Feeds one bar (with its session key) to a streaming object.
using Feed = std::function<Fields(const Candle&, int64_t)>;

struct Case {
  std::string name;
  std::function<Columns(const Ohlcv&)> batch;
  std::function<Feed()> stream;  // a fresh streaming object
};

// A Feed over a streaming object `obj`, calling `update(obj, bar, session)`.
template <typename Obj, typename U>
std::function<Feed()> Streamer(std::function<Obj()> make, U update) {
  return [make, update]() -> Feed {
    auto obj = std::make_shared<Obj>(make());
    return [obj, update](const Candle& bar, int64_t session) {
      return F(update(*obj, bar, session));
    };
  };
}

#define CLOSE_CASE(NAME, BATCH, CREATE)                                       \
  cases.push_back(                                                            \
      {NAME, [=](const Ohlcv& s) { return Columns{Ok(BATCH)}; },              \
       Streamer<decltype(Ok(CREATE))>([=] { return Ok(CREATE); },             \
                                      [](auto& o, const Candle& b, int64_t) { \
                                        return o.Update(b.close);             \
                                      })})
#define BAR_CASE(NAME, BATCH, CREATE)                            \
  cases.push_back(                                               \
      {NAME, [=](const Ohlcv& s) { return Columns{Ok(BATCH)}; }, \
       Streamer<decltype(Ok(CREATE))>(                           \
           [=] { return Ok(CREATE); },                           \
           [](auto& o, const Candle& b, int64_t) { return o.Update(b); })})

std::vector<Case> Cases() {
  std::vector<Case> cases;
  const TaSettings meta{.compatibility = Compatibility::kMetastock};
  const TaSettings unstable{.unstable_period = 100};
  CLOSE_CASE("SMA", Sma(s.close, 20), StreamingSma::Create(20));
  CLOSE_CASE("EMA", Ema(s.close, 20), StreamingEma::Create(20));
  CLOSE_CASE("EMA metastock", Ema(s.close, 20, meta),
             StreamingEma::Create(20, meta));
  CLOSE_CASE("WMA", Wma(s.close, 10), StreamingWma::Create(10));
  CLOSE_CASE("DEMA", Dema(s.close, 10), StreamingDema::Create(10));
  CLOSE_CASE("TEMA", Tema(s.close, 10), StreamingTema::Create(10));
  CLOSE_CASE("KAMA", Kama(s.close, 10), StreamingKama::Create(10));
  CLOSE_CASE("MA ema", Ma(s.close, 9, MAType::kEma),
             StreamingMa::Create(9, MAType::kEma));
  CLOSE_CASE("MA 1", Ma(s.close, 1, MAType::kSma),
             StreamingMa::Create(1, MAType::kSma));
  CLOSE_CASE("RSI", Rsi(s.close, 14), StreamingRsi::Create(14));
  CLOSE_CASE("RSI metastock", Rsi(s.close, 14, meta),
             StreamingRsi::Create(14, meta));
  CLOSE_CASE("RSI unstable", Rsi(s.close, 14, unstable),
             StreamingRsi::Create(14, unstable));
  CLOSE_CASE("ROC", Roc(s.close, 10), StreamingRoc::Create(10));
  CLOSE_CASE("MOM", Mom(s.close, 10), StreamingMom::Create(10));
  CLOSE_CASE("TRIX", Trix(s.close, 15), StreamingTrix::Create(15));
  BAR_CASE("CCI", Cci(s.high, s.low, s.close, 20), StreamingCci::Create(20));
  BAR_CASE("WILLR", WillR(s.high, s.low, s.close, 14),
           StreamingWillR::Create(14));
  BAR_CASE("ULTOSC", UltOsc(s.high, s.low, s.close, 14, 7, 28),
           StreamingUltOsc::Create(14, 7, 28));
  BAR_CASE("ATR", Atr(s.high, s.low, s.close, 14), StreamingAtr::Create(14));
  BAR_CASE("NATR", Natr(s.high, s.low, s.close, 14), StreamingNatr::Create(14));
  BAR_CASE("ADX", Adx(s.high, s.low, s.close, 14), StreamingAdx::Create(14));
  BAR_CASE("PLUS_DI", PlusDi(s.high, s.low, s.close, 14),
           StreamingDi::Create(StreamingDi::kPlus, 14));
  BAR_CASE("MINUS_DI", MinusDi(s.high, s.low, s.close, 14),
           StreamingDi::Create(StreamingDi::kMinus, 14));
  BAR_CASE("SAR", Sar(s.high, s.low, 0.02, 0.2), StreamingSar::Create());
  BAR_CASE("MFI", Mfi(s.high, s.low, s.close, s.volume, 14),
           StreamingMfi::Create(14));
  BAR_CASE("ROLLING_VWAP", RollingVwap(s.high, s.low, s.close, s.volume, 20),
           StreamingRollingVwap::Create(20));

  cases.push_back(
      {"TRANGE",
       [](const Ohlcv& s) {
         return Columns{Ok(TrueRange(s.high, s.low, s.close))};
       },
       Streamer<StreamingTrueRange>(
           [] { return StreamingTrueRange(); },
           [](auto& o, const Candle& b, int64_t) { return o.Update(b); })});
  cases.push_back(
      {"OBV",
       [](const Ohlcv& s) { return Columns{Ok(Obv(s.close, s.volume))}; },
       Streamer<StreamingObv>(
           [] { return StreamingObv(); },
           [](auto& o, const Candle& b, int64_t) { return o.Update(b); })});
  cases.push_back(
      {"VWAP",
       [](const Ohlcv& s) {
         std::vector<int64_t> sessions;
         for (size_t i = 0; i < s.bars.size(); ++i) {
           sessions.push_back(Session(s, i));
         }
         return Columns{Ok(Vwap(s.high, s.low, s.close, s.volume, sessions))};
       },
       Streamer<StreamingVwap>([] { return StreamingVwap(); },
                               [](auto& o, const Candle& b, int64_t session) {
                                 return o.Update(b, session);
                               })});
  for (int fast : {12, 30}) {
    cases.push_back(
        {"MACD " + std::to_string(fast),
         [fast](const Ohlcv& s) {
           MacdSeries m = Ok(Macd(s.close, fast, 26, 9));
           return Columns{m.macd, m.signal, m.hist};
         },
         Streamer<StreamingMacd>(
             [fast] { return Ok(StreamingMacd::Create(fast, 26, 9)); },
             [](auto& o, const Candle& b, int64_t) {
               return o.Update(b.close);
             })});
  }
  cases.push_back(
      {"MACDFIX",
       [](const Ohlcv& s) {
         MacdSeries m = Ok(MacdFix(s.close, 9));
         return Columns{m.macd, m.signal, m.hist};
       },
       Streamer<StreamingMacd>([] { return Ok(StreamingMacd::CreateFix(9)); },
                               [](auto& o, const Candle& b, int64_t) {
                                 return o.Update(b.close);
                               })});
  for (MAType t : {MAType::kSma, MAType::kEma}) {
    const std::string tn(MATypeName(t));
    // Period 2: the shortest window (the trailing value is the previous bar).
    for (int period : {2, 20}) {
      cases.push_back(
          {"BBANDS " + std::to_string(period) + " " + tn,
           [t, period](const Ohlcv& s) {
             BbandsSeries b = Ok(Bbands(s.close, period, 2, 1.5, t));
             return Columns{b.upper, b.middle, b.lower};
           },
           Streamer<StreamingBbands>(
               [t, period] {
                 return Ok(StreamingBbands::Create(period, 2, 1.5, t));
               },
               [](auto& o, const Candle& b, int64_t) {
                 return o.Update(b.close);
               })});
    }
    // fastK windows up to 16 bars are scanned whole, longer ones tracked.
    for (int fastk : {14, 30}) {
      cases.push_back(
          {"STOCH " + std::to_string(fastk) + " " + tn,
           [t, fastk](const Ohlcv& s) {
             StochSeries st =
                 Ok(Stoch(s.high, s.low, s.close, fastk, 3, t, 4, t));
             return Columns{st.slowk, st.slowd};
           },
           Streamer<StreamingStoch>(
               [t, fastk] {
                 return Ok(StreamingStoch::Create(fastk, 3, t, 4, t));
               },
               [](auto& o, const Candle& b, int64_t) { return o.Update(b); })});
    }
    cases.push_back(
        {"STOCHRSI " + tn,
         [t](const Ohlcv& s) {
           StochRsiSeries st = Ok(StochRsi(s.close, 14, 5, 3, t));
           return Columns{st.fastk, st.fastd};
         },
         Streamer<StreamingStochRsi>(
             [t] { return Ok(StreamingStochRsi::Create(14, 5, 3, t)); },
             [](auto& o, const Candle& b, int64_t) {
               return o.Update(b.close);
             })});
  }
  cases.push_back(
      {"AROON",
       [](const Ohlcv& s) {
         AroonSeries a = Ok(Aroon(s.high, s.low, 14));
         return Columns{a.aroondown, a.aroonup};
       },
       Streamer<StreamingAroon>(
           [] { return Ok(StreamingAroon::Create(14)); },
           [](auto& o, const Candle& b, int64_t) { return o.Update(b); })});
  return cases;
}

// Streams every bar of `s`; before bar `bad_at` (if >= 0) feeds a bar of
// NaNs, which must come back NaN in every field.
Columns StreamAll(const Case& c, const Ohlcv& s, size_t width, int64_t bad_at) {
  Feed feed = c.stream();
  Columns out(width);
  for (size_t i = 0; i < s.bars.size(); ++i) {
    if (static_cast<int64_t>(i) == bad_at) {
      Candle bad = s.bars[i];
      bad.open = bad.high = bad.low = bad.close = bad.volume = kNaN;
      for (double v : feed(bad, Session(s, i))) CHECK(std::isnan(v));
    }
    const Fields f = feed(s.bars[i], Session(s, i));
    REQUIRE(f.size() == width);
    for (size_t k = 0; k < width; ++k) out[k].push_back(f[k]);
  }
  return out;
}

void CheckSame(const Columns& batch, const Columns& streamed) {
  for (size_t k = 0; k < batch.size(); ++k) {
    int64_t mismatches = 0;
    for (size_t i = 0; i < batch[k].size(); ++i) {
      if (!SameBits(batch[k][i], streamed[k][i]) && mismatches++ < 3) {
        CHECK_MESSAGE(false, "field " << k << " bar " << i << ": batch "
                                      << batch[k][i] << " streaming "
                                      << streamed[k][i]);
      }
    }
    CHECK(mismatches == 0);
  }
}

TEST_SUITE("streaming_test") {
  TEST_CASE("streaming equals batch bit for bit on GAZP and SBER") {
    for (const std::string file : {"gazp_daily.csv", "sber_daily.csv"}) {
      const Ohlcv s = testing::LoadSeries(file);
      for (const Case& c : Cases()) {
        CAPTURE(file);
        CAPTURE(c.name);
        const Columns batch = c.batch(s);
        CheckSame(batch, StreamAll(c, s, batch.size(), -1));
      }
    }
  }

  TEST_CASE("streaming equals batch over many batch blocks") {
    const Ohlcv s = testing::LongSeries(3);  // about 37 000 bars
    for (const Case& c : Cases()) {
      CAPTURE(c.name);
      const Columns batch = c.batch(s);
      CheckSame(batch, StreamAll(c, s, batch.size(), -1));
    }
  }

  TEST_CASE("a NaN bar is rejected and leaves the state unchanged") {
    const Ohlcv s = testing::LoadSeries("gazp_daily.csv");
    for (const Case& c : Cases()) {
      CAPTURE(c.name);
      const Columns batch = c.batch(s);
      for (int64_t bad_at : {0, 1, 50, 1000}) {
        CAPTURE(bad_at);
        CheckSame(batch, StreamAll(c, s, batch.size(), bad_at));
      }
    }
  }

  TEST_CASE("STOCH and BBANDS streaming equal batch on adversarial bars") {
    // Few distinct values, so that extremes tie often, among them +0 and -0
    // (equal, with different bits: the newest must win as in the batch
    // scan), and magnitudes near overflow and underflow.
    const char* env = std::getenv("BOTCORE_SEED");
    const uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10)
                                         : std::random_device{}();
    MESSAGE("streaming_test: BOTCORE_SEED=" << seed);
    std::mt19937_64 rng(seed);
    const std::vector<std::vector<double>> palettes = {
        {-0.0, 0.0, 1.0, -1.0, 2.5},
        {-0.0, 0.0},
        {1e300, -1e300, 3e299, 0.0, -0.0},
        {1e-300, 2e-300, -1e-300, 5e-324, -0.0, 0.0},
        {100.0, 100.5, 101.0, 99.75, 100.25}};
    for (const std::vector<double>& palette : palettes) {
      std::uniform_int_distribution<size_t> pick(0, palette.size() - 1);
      const size_t n = 600;
      std::vector<double> high(n), low(n), close(n);
      for (size_t i = 0; i < n; ++i) {
        double a = palette[pick(rng)], b = palette[pick(rng)];
        if (a < b) std::swap(a, b);
        high[i] = a;
        low[i] = b;
        close[i] = palette[pick(rng)];
      }
      // Every scanned window length (each has its own unrolled scan), and
      // two tracked ones.
      for (int fastk :
           {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 30}) {
        for (int smooth : {1, 2, 3}) {
          for (MAType t : {MAType::kSma, MAType::kEma}) {
            CAPTURE(fastk);
            CAPTURE(smooth);
            const StochSeries want =
                Ok(Stoch(high, low, close, fastk, smooth, t, smooth + 1, t));
            auto stoch =
                Ok(StreamingStoch::Create(fastk, smooth, t, smooth + 1, t));
            int64_t mismatches = 0;
            for (size_t i = 0; i < n; ++i) {
              const StochValue v = stoch.Update(high[i], low[i], close[i]);
              mismatches += !SameBits(v.slowk, want.slowk[i]) ||
                            !SameBits(v.slowd, want.slowd[i]);
            }
            CHECK(mismatches == 0);
          }
        }
      }
      for (int period : {2, 3, 5, 20}) {
        for (MAType t : {MAType::kSma, MAType::kEma}) {
          CAPTURE(period);
          const BbandsSeries want = Ok(Bbands(close, period, 2, 1.5, t));
          auto bands = Ok(StreamingBbands::Create(period, 2, 1.5, t));
          int64_t mismatches = 0;
          for (size_t i = 0; i < n; ++i) {
            const BbandsValue v = bands.Update(close[i]);
            mismatches += !SameBits(v.upper, want.upper[i]) ||
                          !SameBits(v.middle, want.middle[i]) ||
                          !SameBits(v.lower, want.lower[i]);
          }
          CHECK(mismatches == 0);
        }
      }
    }
  }

  TEST_CASE("Reset starts over") {
    const Ohlcv s = testing::LoadSeries("sber_daily.csv");
    auto ema = Ok(StreamingEma::Create(20));
    auto stoch = Ok(StreamingStoch::Create());
    for (const Candle& b : s.bars) {
      ema.Update(b.close);
      stoch.Update(b);
    }
    CHECK(ema.bars() == static_cast<int64_t>(s.bars.size()));
    ema.Reset();
    stoch.Reset();
    CHECK(ema.bars() == 0);
    CHECK(std::isnan(ema.value()));
    const std::vector<double> want = Ok(Ema(s.close, 20));
    const StochSeries want_stoch = Ok(Stoch(s.high, s.low, s.close));
    for (size_t i = 0; i < s.bars.size(); ++i) {
      CHECK(SameBits(ema.Update(s.close[i]), want[i]));
      const StochValue v = stoch.Update(s.bars[i]);
      CHECK(SameBits(v.slowk, want_stoch.slowk[i]));
      CHECK(SameBits(v.slowd, want_stoch.slowd[i]));
    }
  }

  TEST_CASE("a bar with high below low is rejected") {
    auto atr = Ok(StreamingAtr::Create(3));
    CHECK(std::isnan(atr.Update(10, 11, 10.5)));
    CHECK(atr.bars() == 0);
    CHECK(
        std::isnan(atr.Update(std::numeric_limits<double>::infinity(), 1, 1)));
    CHECK(atr.bars() == 0);
  }
}

}  // namespace
}  // namespace botcore::ta
