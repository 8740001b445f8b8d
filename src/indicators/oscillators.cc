#include "botcore/indicators/oscillators.h"

#include <algorithm>

#include "indicators/batch.h"
#include "indicators/validation.h"
#include "internal/status_macros.h"

namespace botcore::ta {

using internal::AllFinite;
using internal::ArrayExtreme;
using internal::ArrayHistory;
using internal::Collect;
using internal::ComputedHistory;
using internal::FillNaN;
using internal::kMaxPeriod;
using internal::kNaN;
using internal::kScannedWindow;
using internal::LookbackIf;
using internal::Validation;

namespace {

bool ValidPeriod(int p, int min) { return p >= min && p <= kMaxPeriod; }
bool ValidMaType(MAType t) { return t == MAType::kSma || t == MAType::kEma; }
int MaLookbackOf(int period) { return period - 1; }

// MA(in[start..]) into out[start..]; out[0..start) is left alone.
void RunMa(int period, MAType type, absl::Span<const double> in,
           absl::Span<double> out, int64_t start) {
  internal::MaCore(period, type)
      .Run(in.data() + start, out.data() + start,
           static_cast<int64_t>(in.size()) - start);
}

// fastK of `close` over the highest `high` and lowest `low` of `period`
// bars, bar by bar into `fastk`. Only the extremes' values matter here (not
// where they are), and every way of taking them gives the same value.
class FastK {
 public:
  FastK(const double* high, const double* low, const double* close, int period,
        double* fastk)
      : highest_(high, period),
        lowest_(low, period),
        high_(high),
        low_(low),
        close_(close),
        period_(period),
        fastk_(fastk) {}
  void Run(int64_t begin, int64_t end) {
    int64_t i = begin;
    for (; i < end && i < period_ - 1; ++i) fastk_[i] = kNaN;
    if (period_ <= kScannedWindow) {
      // TA-Lib's tracking (ArrayExtreme) rescans a window when its extreme
      // leaves it, a mispredicted branch about every fifth bar on prices;
      // a short window costs less scanned whole, two bars at a time.
      for (; i + 1 < end; i += 2) {
        internal::Pair highest, lowest;
        Scan(i, highest, lowest);
        Emit(i, highest, lowest);
      }
      if (i < end) {
        double highest, lowest;
        Scan(i, highest, lowest);
        fastk_[i] = internal::StochasticK(close_[i], highest, lowest);
      }
      return;
    }
    auto highest = highest_;  // local copies stay in registers
    auto lowest = lowest_;
    for (; i + 1 < end; i += 2) {  // two bars: their divisions paired
      highest.Update(i);
      lowest.Update(i);
      const double h0 = highest.value(), l0 = lowest.value();
      highest.Update(i + 1);
      lowest.Update(i + 1);
      Emit(i, internal::Pair{h0, highest.value()},
           internal::Pair{l0, lowest.value()});
    }
    for (; i < end; ++i) {
      highest.Update(i);
      lowest.Update(i);
      fastk_[i] =
          internal::StochasticK(close_[i], highest.value(), lowest.value());
    }
    highest_ = highest;
    lowest_ = lowest;
  }

 private:
  // T is double (bar i) or Pair (bars i and i+1, one instruction each).
  template <typename T>
  void Scan(int64_t i, T& highest, T& lowest) const {
    internal::ScanExtremes(high_ + i - period_ + 1, low_ + i - period_ + 1,
                           period_, highest, lowest);
  }
  // fastK of bars i and i+1 (their divisions paired).
  void Emit(int64_t i, internal::Pair highest, internal::Pair lowest) {
    const internal::Pair k = internal::StochasticK(
        internal::LoadLanes<internal::Pair>(close_ + i), highest, lowest);
    fastk_[i] = k[0];
    fastk_[i + 1] = k[1];
  }
  ArrayExtreme<true> highest_;
  ArrayExtreme<false> lowest_;
  const double* high_;
  const double* low_;
  const double* close_;
  int period_;
  double* fastk_;
};

}  // namespace

// ---------------------------------------------------------------- RSI

int RsiLookback(int timeperiod, const TaSettings& settings) {
  return LookbackIf(
      ValidPeriod(timeperiod, 2) && settings.unstable_period >= 0,
      timeperiod + settings.unstable_period -
          (settings.compatibility == Compatibility::kMetastock ? 1 : 0));
}

absl::Status Rsi(absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out, const TaSettings& settings) {
  const Validation v = Validation("RSI")
                           .Period("timeperiod", timeperiod, 2)
                           .Settings(settings)
                           .Input("close", close)
                           .Output("out", out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  internal::RsiCore core(timeperiod, settings);
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        internal::ValueScreen screen;
        core.Run(close.data() + begin, out.data() + begin, end - begin, screen);
        return screen.clean();
      });
}

absl::StatusOr<std::vector<double>> Rsi(absl::Span<const double> close,
                                        int timeperiod,
                                        const TaSettings& settings) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Rsi(close, timeperiod, out, settings);
  });
}

// ---------------------------------------------------------------- MACD

namespace {

internal::MacdCore MakeMacdCore(int fast, int slow, int signal) {
  if (slow < fast) std::swap(fast, slow);
  return internal::MacdCore(fast, internal::EmaK(fast), slow,
                            internal::EmaK(slow), signal);
}
internal::MacdCore MakeMacdFixCore(int signal) {
  return internal::MacdCore(12, 0.15, 26, 0.075, signal);
}

absl::Status RunMacd(const Validation& v, internal::MacdCore core,
                     absl::Span<const double> close, absl::Span<double> macd,
                     absl::Span<double> signal, absl::Span<double> hist) {
  BOTCORE_RETURN_IF_ERROR(v.status());
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {macd, signal, hist},
      [&](int64_t begin, int64_t end) {
        internal::ValueScreen screen;
        core.Run(close.data() + begin, macd.data() + begin,
                 signal.data() + begin, hist.data() + begin, end - begin,
                 screen);
        return screen.clean();
      });
}

}  // namespace

int MacdLookback(int fastperiod, int slowperiod, int signalperiod) {
  return LookbackIf(ValidPeriod(fastperiod, 2) && ValidPeriod(slowperiod, 2) &&
                        ValidPeriod(signalperiod, 1),
                    std::max(fastperiod, slowperiod) - 1 + signalperiod - 1);
}

absl::Status Macd(absl::Span<const double> close, int fastperiod,
                  int slowperiod, int signalperiod, absl::Span<double> macd,
                  absl::Span<double> signal, absl::Span<double> hist) {
  const Validation v = Validation("MACD")
                           .Period("fastperiod", fastperiod, 2)
                           .Period("slowperiod", slowperiod, 2)
                           .Period("signalperiod", signalperiod, 1)
                           .Input("close", close)
                           .Output("macd", macd)
                           .Output("macdsignal", signal)
                           .Output("macdhist", hist);
  return RunMacd(v, MakeMacdCore(fastperiod, slowperiod, signalperiod), close,
                 macd, signal, hist);
}

absl::StatusOr<MacdSeries> Macd(absl::Span<const double> close, int fastperiod,
                                int slowperiod, int signalperiod) {
  return Collect<MacdSeries>(close.size(), [&](auto m, auto s, auto h) {
    return Macd(close, fastperiod, slowperiod, signalperiod, m, s, h);
  });
}

int MacdFixLookback(int signalperiod) {
  return LookbackIf(ValidPeriod(signalperiod, 1), 25 + signalperiod - 1);
}

absl::Status MacdFix(absl::Span<const double> close, int signalperiod,
                     absl::Span<double> macd, absl::Span<double> signal,
                     absl::Span<double> hist) {
  const Validation v = Validation("MACDFIX")
                           .Period("signalperiod", signalperiod, 1)
                           .Input("close", close)
                           .Output("macd", macd)
                           .Output("macdsignal", signal)
                           .Output("macdhist", hist);
  return RunMacd(v, MakeMacdFixCore(signalperiod), close, macd, signal, hist);
}

absl::StatusOr<MacdSeries> MacdFix(absl::Span<const double> close,
                                   int signalperiod) {
  return Collect<MacdSeries>(close.size(), [&](auto m, auto s, auto h) {
    return MacdFix(close, signalperiod, m, s, h);
  });
}

// ---------------------------------------------------------------- STOCH

int StochLookback(int fastk_period, int slowk_period, MAType slowk_matype,
                  int slowd_period, MAType slowd_matype) {
  return LookbackIf(ValidPeriod(fastk_period, 1) &&
                        ValidPeriod(slowk_period, 1) &&
                        ValidPeriod(slowd_period, 1) &&
                        ValidMaType(slowk_matype) && ValidMaType(slowd_matype),
                    fastk_period - 1 + MaLookbackOf(slowk_period) +
                        MaLookbackOf(slowd_period));
}

absl::Status Stoch(absl::Span<const double> high, absl::Span<const double> low,
                   absl::Span<const double> close, int fastk_period,
                   int slowk_period, MAType slowk_matype, int slowd_period,
                   MAType slowd_matype, absl::Span<double> slowk,
                   absl::Span<double> slowd) {
  const Validation v = Validation("STOCH")
                           .Period("fastk_period", fastk_period, 1)
                           .Period("slowk_period", slowk_period, 1)
                           .MaType("slowk_matype", slowk_matype)
                           .Period("slowd_period", slowd_period, 1)
                           .MaType("slowd_matype", slowd_matype)
                           .Input("high", high)
                           .Input("low", low)
                           .Input("close", close)
                           .HighLow(high, low)
                           .Output("slowk", slowk)
                           .Output("slowd", slowd);
  BOTCORE_RETURN_IF_ERROR(v.status());
  const int64_t n = static_cast<int64_t>(close.size());
  const int64_t k_start = fastk_period - 1;
  const int64_t d_start = k_start + MaLookbackOf(slowk_period);
  const int64_t lookback = d_start + MaLookbackOf(slowd_period);
  // Block by block, while in cache: fastK goes to `slowd` as scratch, slowK
  // over it to `slowk`, then slowD over that to `slowd`, slowk_period-1 bars
  // behind, so that it overwrites only fastK values slowK no longer reads.
  FastK fastk(high.data(), low.data(), close.data(), fastk_period,
              slowd.data());
  internal::MaCore slowk_ma(slowk_period, slowk_matype);
  internal::MaCore slowd_ma(slowd_period, slowd_matype);
  int64_t d_next = d_start;  // the next bar of slowD
  BOTCORE_RETURN_IF_ERROR(internal::RunChecked(
      v, n, {slowk, slowd}, [&](int64_t begin, int64_t end) {
        fastk.Run(begin, end);
        const int64_t k_begin = std::max(begin, k_start);
        if (k_begin < end) {
          slowk_ma.Run(slowd.data() + k_begin, slowk.data() + k_begin,
                       end - k_begin);
        }
        const int64_t d_end = end == n ? n : end - (slowk_period - 1);
        if (d_next < d_end) {
          slowd_ma.Run(slowk.data() + d_next, slowd.data() + d_next,
                       d_end - d_next);
          d_next = d_end;
        }
      }));
  FillNaN(slowk, lookback);
  FillNaN(slowd, lookback);
  return absl::OkStatus();
}

absl::StatusOr<StochSeries> Stoch(absl::Span<const double> high,
                                  absl::Span<const double> low,
                                  absl::Span<const double> close,
                                  int fastk_period, int slowk_period,
                                  MAType slowk_matype, int slowd_period,
                                  MAType slowd_matype) {
  return Collect<StochSeries>(close.size(), [&](auto k, auto d) {
    return Stoch(high, low, close, fastk_period, slowk_period, slowk_matype,
                 slowd_period, slowd_matype, k, d);
  });
}

// ---------------------------------------------------------------- STOCHRSI

int StochRsiLookback(int timeperiod, int fastk_period, int fastd_period,
                     MAType fastd_matype) {
  return LookbackIf(
      ValidPeriod(timeperiod, 2) && ValidPeriod(fastk_period, 1) &&
          ValidPeriod(fastd_period, 1) && ValidMaType(fastd_matype),
      timeperiod + fastk_period - 1 + MaLookbackOf(fastd_period));
}

absl::Status StochRsi(absl::Span<const double> close, int timeperiod,
                      int fastk_period, int fastd_period, MAType fastd_matype,
                      absl::Span<double> fastk, absl::Span<double> fastd) {
  const Validation v = Validation("STOCHRSI")
                           .Period("timeperiod", timeperiod, 2)
                           .Period("fastk_period", fastk_period, 1)
                           .Period("fastd_period", fastd_period, 1)
                           .MaType("fastd_matype", fastd_matype)
                           .Input("close", close)
                           .Output("fastk", fastk)
                           .Output("fastd", fastd);
  BOTCORE_RETURN_IF_ERROR(v.status());
  const int64_t n = static_cast<int64_t>(close.size());
  const int64_t k_start = timeperiod + fastk_period - 1;
  const int64_t lookback = k_start + MaLookbackOf(fastd_period);
  // RSI goes to `fastd` as scratch, fastK to `fastk`, then fastD over it.
  internal::RsiCore rsi(timeperiod);
  BOTCORE_RETURN_IF_ERROR(internal::RunChecked(
      v, n, {fastk, fastd}, [&](int64_t begin, int64_t end) {
        auto local_rsi = rsi;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i) {
          fastd.data()[i] = local_rsi.Update(close.data()[i]);
        }
        rsi = local_rsi;
      }));
  if (timeperiod < n) {
    const double* r = fastd.data() + timeperiod;
    FastK(r, r, r, fastk_period, fastk.data() + timeperiod)
        .Run(0, n - timeperiod);
  }
  if (k_start < n) RunMa(fastd_period, fastd_matype, fastk, fastd, k_start);
  FillNaN(fastk, lookback);
  FillNaN(fastd, lookback);
  return absl::OkStatus();
}

absl::StatusOr<StochRsiSeries> StochRsi(absl::Span<const double> close,
                                        int timeperiod, int fastk_period,
                                        int fastd_period, MAType fastd_matype) {
  return Collect<StochRsiSeries>(close.size(), [&](auto k, auto d) {
    return StochRsi(close, timeperiod, fastk_period, fastd_period, fastd_matype,
                    k, d);
  });
}

// ---------------------------------------------------------------- CCI

int CciLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), timeperiod - 1);
}

absl::Status Cci(absl::Span<const double> high, absl::Span<const double> low,
                 absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out) {
  const Validation v = Validation("CCI")
                           .Period("timeperiod", timeperiod, 2)
                           .Input("high", high)
                           .Input("low", low)
                           .Input("close", close)
                           .HighLow(high, low)
                           .Output("out", out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  internal::CciCore core(timeperiod);
  const auto typical = [&](int64_t j) {
    return internal::TypicalPrice(high.data()[j], low.data()[j],
                                  close.data()[j]);
  };
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i) {
          out.data()[i] = local_core.Update(ComputedHistory<decltype(typical)>{
              typical, static_cast<int64_t>(i)});
        }
        core = local_core;
      });
}

absl::StatusOr<std::vector<double>> Cci(absl::Span<const double> high,
                                        absl::Span<const double> low,
                                        absl::Span<const double> close,
                                        int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Cci(high, low, close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- WILLR

int WillRLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 2), timeperiod - 1);
}

absl::Status WillR(absl::Span<const double> high, absl::Span<const double> low,
                   absl::Span<const double> close, int timeperiod,
                   absl::Span<double> out) {
  const Validation v = Validation("WILLR")
                           .Period("timeperiod", timeperiod, 2)
                           .Input("high", high)
                           .Input("low", low)
                           .Input("close", close)
                           .HighLow(high, low)
                           .Output("out", out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  ArrayExtreme<true> highest(high.data(), timeperiod);
  ArrayExtreme<false> lowest(low.data(), timeperiod);
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_highest = highest;  // a local copy stays in registers
        auto local_lowest = lowest;
        for (int64_t i = begin; i < end; ++i) {
          local_highest.Update(i);
          local_lowest.Update(i);
          out.data()[i] =
              static_cast<int64_t>(i) < timeperiod - 1
                  ? kNaN
                  : internal::WilliamsR(close.data()[i], local_highest.value(),
                                        local_lowest.value());
        }
        highest = local_highest;
        lowest = local_lowest;
      });
}

absl::StatusOr<std::vector<double>> WillR(absl::Span<const double> high,
                                          absl::Span<const double> low,
                                          absl::Span<const double> close,
                                          int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return WillR(high, low, close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- ROC, MOM

namespace {
double Momentum(double x, double past) { return x - past; }

template <double (*kFormula)(double, double)>
absl::Status RunLagged(const char* name, absl::Span<const double> close,
                       int timeperiod, absl::Span<double> out) {
  const Validation v = Validation(name)
                           .Period("timeperiod", timeperiod, 1)
                           .Input("close", close)
                           .Output("out", out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  FillNaN(out, timeperiod);
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        for (int64_t i = std::max<int64_t>(begin, timeperiod); i < end; ++i) {
          out.data()[i] =
              kFormula(close.data()[i], close.data()[i - timeperiod]);
        }
      });
}
}  // namespace

int RocLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 1), timeperiod);
}
absl::Status Roc(absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out) {
  return RunLagged<internal::RateOfChange>("ROC", close, timeperiod, out);
}
absl::StatusOr<std::vector<double>> Roc(absl::Span<const double> close,
                                        int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Roc(close, timeperiod, out);
  });
}

int MomLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 1), timeperiod);
}
absl::Status Mom(absl::Span<const double> close, int timeperiod,
                 absl::Span<double> out) {
  return RunLagged<Momentum>("MOM", close, timeperiod, out);
}
absl::StatusOr<std::vector<double>> Mom(absl::Span<const double> close,
                                        int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Mom(close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- TRIX

int TrixLookback(int timeperiod) {
  return LookbackIf(ValidPeriod(timeperiod, 1), 3 * (timeperiod - 1) + 1);
}

absl::Status Trix(absl::Span<const double> close, int timeperiod,
                  absl::Span<double> out) {
  const Validation v = Validation("TRIX")
                           .Period("timeperiod", timeperiod, 1)
                           .Input("close", close)
                           .Output("out", out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  internal::TrixCore core(timeperiod);
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i)
          out.data()[i] = local_core.Update(close.data()[i]);
        core = local_core;
      });
}

absl::StatusOr<std::vector<double>> Trix(absl::Span<const double> close,
                                         int timeperiod) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return Trix(close, timeperiod, out);
  });
}

// ---------------------------------------------------------------- ULTOSC

namespace {
internal::UltOscCore MakeUltOscCore(int p1, int p2, int p3) {
  int p[3] = {p1, p2, p3};
  std::sort(p, p + 3);
  return internal::UltOscCore(p[0], p[1], p[2]);
}
}  // namespace

int UltOscLookback(int timeperiod1, int timeperiod2, int timeperiod3) {
  return LookbackIf(ValidPeriod(timeperiod1, 1) &&
                        ValidPeriod(timeperiod2, 1) &&
                        ValidPeriod(timeperiod3, 1),
                    std::max({timeperiod1, timeperiod2, timeperiod3}));
}

absl::Status UltOsc(absl::Span<const double> high, absl::Span<const double> low,
                    absl::Span<const double> close, int timeperiod1,
                    int timeperiod2, int timeperiod3, absl::Span<double> out) {
  const Validation v = Validation("ULTOSC")
                           .Period("timeperiod1", timeperiod1, 1)
                           .Period("timeperiod2", timeperiod2, 1)
                           .Period("timeperiod3", timeperiod3, 1)
                           .Input("high", high)
                           .Input("low", low)
                           .Input("close", close)
                           .HighLow(high, low)
                           .Output("out", out);
  BOTCORE_RETURN_IF_ERROR(v.status());
  internal::UltOscCore core =
      MakeUltOscCore(timeperiod1, timeperiod2, timeperiod3);
  const auto terms = [&](int64_t j) {
    return internal::UltOscTermsOf(high.data()[j], low.data()[j],
                                   close.data()[j], close.data()[j - 1]);
  };
  return internal::RunChecked(
      v, static_cast<int64_t>(close.size()), {out},
      [&](int64_t begin, int64_t end) {
        auto local_core = core;  // a local copy stays in registers
        for (int64_t i = begin; i < end; ++i) {
          out.data()[i] = local_core.Update(
              ComputedHistory<decltype(terms)>{terms, static_cast<int64_t>(i)});
        }
        core = local_core;
      });
}

absl::StatusOr<std::vector<double>> UltOsc(absl::Span<const double> high,
                                           absl::Span<const double> low,
                                           absl::Span<const double> close,
                                           int timeperiod1, int timeperiod2,
                                           int timeperiod3) {
  return Collect(close.size(), [&](absl::Span<double> out) {
    return UltOsc(high, low, close, timeperiod1, timeperiod2, timeperiod3, out);
  });
}

// ---------------------------------------------------------------- streaming

absl::StatusOr<StreamingRsi> StreamingRsi::Create(int timeperiod,
                                                  const TaSettings& settings) {
  BOTCORE_RETURN_IF_ERROR(Validation("RSI")
                              .Period("timeperiod", timeperiod, 2)
                              .Settings(settings)
                              .status());
  return StreamingRsi(internal::RsiCore(timeperiod, settings));
}
double StreamingRsi::Update(double close) {
  if (!AllFinite(close)) return NaNValue();
  return Accept(core_.Update(close));
}
void StreamingRsi::Reset() {
  core_.Reset();
  ClearState();
}

absl::StatusOr<StreamingMacd> StreamingMacd::Create(int fastperiod,
                                                    int slowperiod,
                                                    int signalperiod) {
  BOTCORE_RETURN_IF_ERROR(Validation("MACD")
                              .Period("fastperiod", fastperiod, 2)
                              .Period("slowperiod", slowperiod, 2)
                              .Period("signalperiod", signalperiod, 1)
                              .status());
  return StreamingMacd(MakeMacdCore(fastperiod, slowperiod, signalperiod));
}
absl::StatusOr<StreamingMacd> StreamingMacd::CreateFix(int signalperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("MACDFIX").Period("signalperiod", signalperiod, 1).status());
  return StreamingMacd(MakeMacdFixCore(signalperiod));
}
void StreamingMacd::Reset() {
  core_.Reset();
  ClearState();
}

absl::StatusOr<StreamingStoch> StreamingStoch::Create(int fastk_period,
                                                      int slowk_period,
                                                      MAType slowk_matype,
                                                      int slowd_period,
                                                      MAType slowd_matype) {
  BOTCORE_RETURN_IF_ERROR(Validation("STOCH")
                              .Period("fastk_period", fastk_period, 1)
                              .Period("slowk_period", slowk_period, 1)
                              .MaType("slowk_matype", slowk_matype)
                              .Period("slowd_period", slowd_period, 1)
                              .MaType("slowd_matype", slowd_matype)
                              .status());
  return StreamingStoch(fastk_period, slowk_period, slowk_matype, slowd_period,
                        slowd_matype);
}
StreamingStoch::StreamingStoch(int fastk_period, int slowk_period,
                               MAType slowk_matype, int slowd_period,
                               MAType slowd_matype)
    : scanned_(fastk_period <= kScannedWindow),
      window_(scanned_ ? fastk_period : 1),
      highest_(scanned_ ? 1 : fastk_period, RollingExtreme::kMax),
      lowest_(scanned_ ? 1 : fastk_period, RollingExtreme::kMin),
      fastk_(slowk_period),
      slowk_(slowd_period),
      slowk_ma_(slowk_period, slowk_matype),
      slowd_ma_(slowd_period, slowd_matype),
      fastk_period_(fastk_period) {}
void StreamingStoch::Reset() {
  window_.Clear();
  highest_.Clear();
  lowest_.Clear();
  fastk_.Clear();
  slowk_.Clear();
  slowk_ma_.Reset();
  slowd_ma_.Reset();
  ClearState();
}

absl::StatusOr<StreamingStochRsi> StreamingStochRsi::Create(
    int timeperiod, int fastk_period, int fastd_period, MAType fastd_matype) {
  BOTCORE_RETURN_IF_ERROR(Validation("STOCHRSI")
                              .Period("timeperiod", timeperiod, 2)
                              .Period("fastk_period", fastk_period, 1)
                              .Period("fastd_period", fastd_period, 1)
                              .MaType("fastd_matype", fastd_matype)
                              .status());
  return StreamingStochRsi(timeperiod, fastk_period, fastd_period,
                           fastd_matype);
}
StreamingStochRsi::StreamingStochRsi(int timeperiod, int fastk_period,
                                     int fastd_period, MAType fastd_matype)
    : rsi_(timeperiod),
      highest_(fastk_period, RollingExtreme::kMax),
      lowest_(fastk_period, RollingExtreme::kMin),
      fastk_(fastd_period),
      fastd_ma_(fastd_period, fastd_matype),
      fastk_period_(fastk_period) {}
StochRsiValue StreamingStochRsi::Update(double close) {
  if (!AllFinite(close)) return NaNValue();
  const double r = rsi_.Update(close);
  if (std::isnan(r)) return Accept(NaNValue());
  highest_.Push(r);
  lowest_.Push(r);
  if (rsi_bars_++ < fastk_period_ - 1) return Accept(NaNValue());
  const double fastk =
      internal::StochasticK(r, highest_.value(), lowest_.value());
  fastk_.Push(fastk);
  const double d =
      fastd_ma_.Update(internal::PushedHistory<RingBuffer>{fastk, fastk_});
  if (std::isnan(d)) return Accept(NaNValue());
  return Accept({fastk, d});
}
void StreamingStochRsi::Reset() {
  rsi_.Reset();
  highest_.Clear();
  lowest_.Clear();
  fastk_.Clear();
  fastd_ma_.Reset();
  rsi_bars_ = 0;
  ClearState();
}

absl::StatusOr<StreamingCci> StreamingCci::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("CCI").Period("timeperiod", timeperiod, 2).status());
  return StreamingCci(timeperiod);
}
StreamingCci::StreamingCci(int timeperiod)
    : core_(timeperiod), typical_(timeperiod) {}
double StreamingCci::Update(double high, double low, double close) {
  if (!AllFinite(high, low, close) || high < low) return NaNValue();
  typical_.Push(internal::TypicalPrice(high, low, close));
  return Accept(core_.Update(typical_));
}
void StreamingCci::Reset() {
  core_.Reset();
  typical_.Clear();
  ClearState();
}

absl::StatusOr<StreamingWillR> StreamingWillR::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("WILLR").Period("timeperiod", timeperiod, 2).status());
  return StreamingWillR(timeperiod);
}
StreamingWillR::StreamingWillR(int timeperiod)
    : timeperiod_(timeperiod),
      highest_(timeperiod, RollingExtreme::kMax),
      lowest_(timeperiod, RollingExtreme::kMin) {}
double StreamingWillR::Update(double high, double low, double close) {
  if (!AllFinite(high, low, close) || high < low) return NaNValue();
  const int64_t i = bars();
  highest_.Push(high);
  lowest_.Push(low);
  return Accept(
      i < timeperiod_ - 1
          ? kNaN
          : internal::WilliamsR(close, highest_.value(), lowest_.value()));
}
void StreamingWillR::Reset() {
  highest_.Clear();
  lowest_.Clear();
  ClearState();
}

absl::StatusOr<StreamingRoc> StreamingRoc::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("ROC").Period("timeperiod", timeperiod, 1).status());
  return StreamingRoc(timeperiod);
}
StreamingRoc::StreamingRoc(int timeperiod) : past_(timeperiod + 1) {}
double StreamingRoc::Update(double close) {
  if (!AllFinite(close)) return NaNValue();
  past_.Push(close);
  return Accept(
      past_.size() < past_.capacity()
          ? kNaN
          : internal::RateOfChange(close, past_.Ago(past_.capacity() - 1)));
}
void StreamingRoc::Reset() {
  past_.Clear();
  ClearState();
}

absl::StatusOr<StreamingMom> StreamingMom::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("MOM").Period("timeperiod", timeperiod, 1).status());
  return StreamingMom(timeperiod);
}
StreamingMom::StreamingMom(int timeperiod) : past_(timeperiod + 1) {}
double StreamingMom::Update(double close) {
  if (!AllFinite(close)) return NaNValue();
  past_.Push(close);
  return Accept(past_.size() < past_.capacity()
                    ? kNaN
                    : Momentum(close, past_.Ago(past_.capacity() - 1)));
}
void StreamingMom::Reset() {
  past_.Clear();
  ClearState();
}

absl::StatusOr<StreamingTrix> StreamingTrix::Create(int timeperiod) {
  BOTCORE_RETURN_IF_ERROR(
      Validation("TRIX").Period("timeperiod", timeperiod, 1).status());
  return StreamingTrix(internal::TrixCore(timeperiod));
}
double StreamingTrix::Update(double close) {
  if (!AllFinite(close)) return NaNValue();
  return Accept(core_.Update(close));
}
void StreamingTrix::Reset() {
  core_.Reset();
  ClearState();
}

absl::StatusOr<StreamingUltOsc> StreamingUltOsc::Create(int timeperiod1,
                                                        int timeperiod2,
                                                        int timeperiod3) {
  BOTCORE_RETURN_IF_ERROR(Validation("ULTOSC")
                              .Period("timeperiod1", timeperiod1, 1)
                              .Period("timeperiod2", timeperiod2, 1)
                              .Period("timeperiod3", timeperiod3, 1)
                              .status());
  return StreamingUltOsc(timeperiod1, timeperiod2, timeperiod3);
}
StreamingUltOsc::StreamingUltOsc(int p1, int p2, int p3)
    : core_(MakeUltOscCore(p1, p2, p3)),
      pressure_(std::max({p1, p2, p3})),
      range_(std::max({p1, p2, p3})) {}
double StreamingUltOsc::Update(double high, double low, double close) {
  if (!AllFinite(high, low, close) || high < low) return NaNValue();
  const internal::UltOscTerms t =
      internal::UltOscTermsOf(high, low, close, prev_close_);
  prev_close_ = close;
  pressure_.Push(t.pressure);
  range_.Push(t.range);
  struct Terms {
    const RingBuffer& p;
    const RingBuffer& r;
    internal::UltOscTerms Ago(int k) const { return {p.Ago(k), r.Ago(k)}; }
  };
  return Accept(core_.Update(Terms{pressure_, range_}));
}
void StreamingUltOsc::Reset() {
  core_.Reset();
  pressure_.Clear();
  range_.Clear();
  prev_close_ = 0;
  ClearState();
}

}  // namespace botcore::ta
