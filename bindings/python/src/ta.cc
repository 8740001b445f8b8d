// botcore.ta: TA-Lib's Python API (function names, keyword names, defaults,
// NumPy float64 in and out) over botcore's indicators, plus streaming
// indicator classes. Inputs are not copied when they are C-contiguous
// float64 arrays; anything else is converted once.
//
// Other binding files add functions to the same submodule (the candlestick
// patterns): they look it up with m.attr("ta") after BindTa() ran, and
// botcore/ta.py re-exports every public name of the submodule.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "arrays.h"
#include "botcore/indicators/indicators.h"
#include "status.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Out = py::array_t<double>;

// TA-Lib's global settings (talib.set_unstable_period, set_compatibility);
// the GIL guards them. Only EMA and RSI use them.
struct GlobalSettings {
  int ema_unstable = 0;
  int rsi_unstable = 0;
  ta::Compatibility compatibility = ta::Compatibility::kDefault;
};
GlobalSettings settings;

ta::TaSettings EmaSettings() {
  return {settings.ema_unstable, settings.compatibility};
}
ta::TaSettings RsiSettings() {
  return {settings.rsi_unstable, settings.compatibility};
}

// A float64 1-D input: the NumPy array's own memory when it is C-contiguous
// native float64 (no copy), otherwise a converted copy it keeps alive.
class Input {
 public:
  Input(const char* indicator, const char* name, py::handle h) {
    const auto& api = py::detail::npy_api::get();
    if (api.PyArray_Check_(h.ptr())) {
      const auto* a = py::detail::array_proxy(h.ptr());
      const auto* d = py::detail::array_descriptor_proxy(a->descr);
      if (a->nd == 1 && d->type_num == api.NPY_DOUBLE_ && d->byteorder != '>' &&
          (a->flags & api.NPY_ARRAY_C_CONTIGUOUS_) != 0) {
        span_ = {reinterpret_cast<const double*>(a->data),
                 static_cast<size_t>(a->dimensions[0])};
        return;
      }
    }
    copy_ = Array::ensure(h);
    if (!copy_) {
      RaiseStatus(absl::InvalidArgumentError(absl::StrCat(
          indicator, ": ", name, " is not convertible to a float64 array")));
    }
    if (copy_.ndim() != 1) {
      RaiseStatus(absl::InvalidArgumentError(
          absl::StrCat(indicator, ": ", name, " must be 1-dimensional, got ",
                       copy_.ndim(), " dimensions")));
    }
    span_ = {copy_.data(), static_cast<size_t>(copy_.shape(0))};
  }
  operator absl::Span<const double>() const { return span_; }
  size_t size() const { return span_.size(); }

 private:
  absl::Span<const double> span_;
  Array copy_;
};

Input In(const char* indicator, const char* name, py::handle h) {
  return Input(indicator, name, h);
}

// A new 1-D float64 array of n values (uninitialized).
Out NewOutput(size_t n) {
  const auto& api = py::detail::npy_api::get();
  const Py_intptr_t dims[1] = {static_cast<Py_intptr_t>(n)};
  PyObject* a = api.PyArray_NewFromDescr_(
      api.PyArray_Type_, api.PyArray_DescrFromType_(api.NPY_DOUBLE_), 1, dims,
      nullptr, nullptr, 0, nullptr);
  if (a == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<Out>(a);
}

absl::Span<double> Span(Out& a) {
  return {reinterpret_cast<double*>(py::detail::array_proxy(a.ptr())->data),
          static_cast<size_t>(a.shape(0))};
}

// Releases the GIL around long computations only: for short arrays the
// release costs more than it gives.
class MaybeReleaseGil {
 public:
  explicit MaybeReleaseGil(size_t n) {
    if (n >= 100000) release_.emplace();
  }

 private:
  std::optional<py::gil_scoped_release> release_;
};

// VWAP's session keys as int64: an array of any integer dtype as it is, and a
// float array (e.g. np.floor(seconds / 86400)) when every value is a whole
// number within int64 (a fractional key truncated silently would merge
// sessions: np.linspace(0, 1, 60) was one session of 59 bars). Raises
// botcore.InvalidArgument naming the first value that is not an integer.
using Keys = py::array_t<int64_t, py::array::c_style | py::array::forcecast>;

Keys SessionKeys(py::handle session) {
  const py::array keys = py::array::ensure(session);
  if (!keys) {
    RaiseStatus(absl::InvalidArgumentError(
        "VWAP: session is not convertible to an array"));
  }
  if (keys.ndim() != 1) {
    RaiseStatus(
        absl::InvalidArgumentError("VWAP: session must be 1-dimensional"));
  }
  const char kind = keys.dtype().kind();
  if (kind == 'u' && keys.itemsize() == sizeof(uint64_t)) {
    // uint64 keys past int64 would wrap to other sessions.
    const auto values =
        py::array_t<uint64_t,
                    py::array::c_style | py::array::forcecast>::ensure(keys);
    for (py::ssize_t i = 0; i < values.shape(0); ++i) {
      if (values.data()[i] >
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        RaiseStatus(absl::InvalidArgumentError(
            absl::StrCat("VWAP: session[", i, "] = ", values.data()[i],
                         " is past the int64 range of session keys")));
      }
    }
  }
  if (kind == 'i' || kind == 'u') return Keys::ensure(keys);
  if (kind != 'f') {
    RaiseStatus(absl::InvalidArgumentError(absl::StrCat(
        "VWAP: session must hold integers (e.g. a day number), got dtype ",
        std::string(py::str(keys.dtype())))));
  }
  const auto values =
      py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(
          keys);
  // 2**63: the first double above the int64 range.
  constexpr double kInt64End = 9223372036854775808.0;
  for (py::ssize_t i = 0; i < values.shape(0); ++i) {
    const double key = values.data()[i];
    if (!(key == std::floor(key) && key >= -kInt64End && key < kInt64End)) {
      RaiseStatus(absl::InvalidArgumentError(absl::StrCat(
          "VWAP: session[", i, "] = ", key,
          " is not a whole number; session keys are integers (e.g. a day "
          "number)")));
    }
  }
  return Keys::ensure(values);
}

// ---------------------------------------------------------------- NaN

// Runs `engine(first)`, which computes the indicator over the inputs and
// `outputs` from bar `first` on (From) and returns its Status, as FirstBar
// says, and fills the outputs before it with NaN. Raises the engine's error
// (CountedFrom).
template <typename Engine>
void RunFromFirstBar(std::initializer_list<absl::Span<const double>> inputs,
                     int lookback, std::initializer_list<Out*> outputs,
                     Engine engine) {
  const std::optional<size_t> first = FirstBar(inputs, lookback);
  for (Out* out : outputs) {
    const absl::Span<double> values = Span(*out);
    std::fill_n(values.begin(),
                std::min(values.size(), first.value_or(values.size())),
                std::numeric_limits<double>::quiet_NaN());
  }
  if (first) RaiseIfError(CountedFrom(*first, engine(*first)));
}

absl::Span<const double> From(const Input& input, size_t first) {
  return absl::Span<const double>(input).subspan(first);
}
absl::Span<double> From(Out& output, size_t first) {
  return Span(output).subspan(first);
}

// ---------------------------------------------------------------- shapes

using CloseFn = absl::Status (*)(absl::Span<const double>, int,
                                 absl::Span<double>);
using HlcFn = absl::Status (*)(absl::Span<const double>,
                               absl::Span<const double>,
                               absl::Span<const double>, int,
                               absl::Span<double>);

using PeriodLookbackFn = int (*)(int);

template <CloseFn F, PeriodLookbackFn L>
Out ClosePeriod(const char* name, py::handle close, int timeperiod) {
  const Input c = In(name, "close", close);
  Out out = NewOutput(c.size());
  RunFromFirstBar({c}, L(timeperiod), {&out}, [&](size_t first) {
    MaybeReleaseGil gil(c.size());
    return F(From(c, first), timeperiod, From(out, first));
  });
  return out;
}

template <HlcFn F, PeriodLookbackFn L>
Out HlcPeriod(const char* name, py::handle high, py::handle low,
              py::handle close, int timeperiod) {
  const auto h = In(name, "high", high), l = In(name, "low", low),
             c = In(name, "close", close);
  Out out = NewOutput(c.size());
  RunFromFirstBar({h, l, c}, L(timeperiod), {&out}, [&](size_t first) {
    MaybeReleaseGil gil(c.size());
    return F(From(h, first), From(l, first), From(c, first), timeperiod,
             From(out, first));
  });
  return out;
}

#define BOTCORE_CLOSE_PERIOD(NAME, FN, DEFAULT, DOC)                \
  ta.def(                                                           \
      NAME,                                                         \
      [](py::handle close, int timeperiod) {                        \
        return ClosePeriod<&ta::FN, &ta::FN##Lookback>(NAME, close, \
                                                       timeperiod); \
      },                                                            \
      py::arg("close"), py::arg("timeperiod") = DEFAULT, DOC)
#define BOTCORE_HLC_PERIOD(NAME, FN, DEFAULT, DOC)                            \
  ta.def(                                                                     \
      NAME,                                                                   \
      [](py::handle high, py::handle low, py::handle close, int timeperiod) { \
        return HlcPeriod<&ta::FN, &ta::FN##Lookback>(NAME, high, low, close,  \
                                                     timeperiod);             \
      },                                                                      \
      py::arg("high"), py::arg("low"), py::arg("close"),                      \
      py::arg("timeperiod") = DEFAULT, DOC)

ta::MAType ToMaType(int matype) { return static_cast<ta::MAType>(matype); }

// ---------------------------------------------------------------- streaming

template <typename T>
T Created(absl::StatusOr<T> s) {
  return ValueOrRaise(std::move(s));
}

py::tuple Tuple(const ta::MacdValue& v) {
  return py::make_tuple(v.macd, v.signal, v.hist);
}
py::tuple Tuple(const ta::BbandsValue& v) {
  return py::make_tuple(v.upper, v.middle, v.lower);
}
py::tuple Tuple(const ta::StochValue& v) {
  return py::make_tuple(v.slowk, v.slowd);
}
py::tuple Tuple(const ta::StochRsiValue& v) {
  return py::make_tuple(v.fastk, v.fastd);
}
py::tuple Tuple(const ta::AroonValue& v) {
  return py::make_tuple(v.aroondown, v.aroonup);
}

constexpr const char* kStreamDoc =
    "A streaming indicator: update() takes the next bar and returns the "
    "value at it, bit-identical to the batch function's value at that bar "
    "(NaN in the lookback region). A bar with NaN or infinity (or high "
    "below low) is rejected: update() returns NaN and the state is "
    "unchanged. reset() forgets every bar. Not thread-safe.";

// The members every streaming class has.
template <typename C, typename Cls>
void StreamCommon(Cls& cls) {
  cls.def_property_readonly("bars", &C::bars, "Bars accepted so far.")
      .def("reset", &C::Reset, "Forgets every bar.");
}

template <typename C>
py::class_<C> CloseStream(py::module_& m, const char* name) {
  py::class_<C> cls(m, name, kStreamDoc);
  cls.def("update", &C::Update, py::arg("close"),
          "The indicator value after this bar (NaN while warming up).")
      .def_property_readonly("value", &C::value);
  StreamCommon<C>(cls);
  return cls;
}

template <typename C>
py::class_<C> HlcStream(py::module_& m, const char* name) {
  py::class_<C> cls(m, name, kStreamDoc);
  cls.def("update", py::overload_cast<double, double, double>(&C::Update),
          py::arg("high"), py::arg("low"), py::arg("close"),
          "The indicator value after this bar (NaN while warming up).")
      .def_property_readonly("value", &C::value);
  StreamCommon<C>(cls);
  return cls;
}

// +DI and -DI share one C++ class; Python gets one class each.
struct StreamingPlusDi : ta::StreamingDi {
  explicit StreamingPlusDi(ta::StreamingDi d) : ta::StreamingDi(std::move(d)) {}
};
struct StreamingMinusDi : ta::StreamingDi {
  explicit StreamingMinusDi(ta::StreamingDi d)
      : ta::StreamingDi(std::move(d)) {}
};

}  // namespace

void BindTa(py::module_& m) {
  py::module_ ta = m.def_submodule(
      "ta", "TA-Lib-compatible indicators; use them through botcore.ta.");

  // -------------------------------------------------------- settings
  ta.def(
      "set_unstable_period",
      [](const std::string& name, int period) {
        if (period < 0) {
          RaiseStatus(absl::InvalidArgumentError(absl::StrCat(
              "set_unstable_period: period must be >= 0, got ", period)));
        }
        if (name == "EMA" || name == "ALL") settings.ema_unstable = period;
        if (name == "RSI" || name == "ALL") settings.rsi_unstable = period;
        if (name != "EMA" && name != "RSI" && name != "ALL") {
          RaiseStatus(absl::InvalidArgumentError(absl::StrCat(
              "set_unstable_period: botcore supports EMA, RSI or ALL, got '",
              name, "'")));
        }
      },
      py::arg("name"), py::arg("period"),
      "TA-Lib's unstable period for EMA, RSI or ALL (both): that many more "
      "leading NaN outputs.");
  ta.def(
      "get_unstable_period",
      [](const std::string& name) {
        if (name == "EMA") return settings.ema_unstable;
        if (name == "RSI") return settings.rsi_unstable;
        RaiseStatus(absl::InvalidArgumentError(absl::StrCat(
            "get_unstable_period: botcore supports EMA or RSI, got '", name,
            "'")));
      },
      py::arg("name"), "The unstable period set for 'EMA' or 'RSI'.");
  ta.def(
      "set_compatibility",
      [](int value) {
        if (value != 0 && value != 1) {
          RaiseStatus(absl::InvalidArgumentError(absl::StrCat(
              "set_compatibility: 0 (default) or 1 (metastock), got ", value)));
        }
        settings.compatibility = static_cast<ta::Compatibility>(value);
      },
      py::arg("value"),
      "TA-Lib's compatibility: 0 default, 1 Metastock (EMA and RSI).");
  ta.def(
      "get_compatibility",
      [] { return static_cast<int>(settings.compatibility); },
      "The compatibility mode set_compatibility set (0: default, 1: "
      "Metastock).");

  // -------------------------------------------------------- overlap
  BOTCORE_CLOSE_PERIOD("SMA", Sma, 30, "Simple moving average.");
  ta.def(
      "EMA",
      [](py::handle close, int timeperiod) {
        const auto c = In("EMA", "close", close);
        Out out = NewOutput(c.size());
        RunFromFirstBar({c}, ta::EmaLookback(timeperiod, EmaSettings()), {&out},
                        [&](size_t first) {
                          return ta::Ema(From(c, first), timeperiod,
                                         From(out, first), EmaSettings());
                        });
        return out;
      },
      py::arg("close"), py::arg("timeperiod") = 30,
      "Exponential moving average, seeded with the SMA of the first values.");
  BOTCORE_CLOSE_PERIOD("WMA", Wma, 30, "Weighted moving average.");
  BOTCORE_CLOSE_PERIOD("DEMA", Dema, 30, "Double exponential moving average.");
  BOTCORE_CLOSE_PERIOD("TEMA", Tema, 30, "Triple exponential moving average.");
  BOTCORE_CLOSE_PERIOD("KAMA", Kama, 30, "Kaufman adaptive moving average.");
  ta.def(
      "MA",
      [](py::handle close, int timeperiod, int matype) {
        const auto c = In("MA", "close", close);
        Out out = NewOutput(c.size());
        RunFromFirstBar({c}, ta::MaLookback(timeperiod, ToMaType(matype)),
                        {&out}, [&](size_t first) {
                          return ta::Ma(From(c, first), timeperiod,
                                        ToMaType(matype), From(out, first));
                        });
        return out;
      },
      py::arg("close"), py::arg("timeperiod") = 30, py::arg("matype") = 0,
      "Moving average of type matype (0 SMA, 1 EMA).");
  ta.def(
      "BBANDS",
      [](py::handle close, int timeperiod, double nbdevup, double nbdevdn,
         int matype) {
        const auto c = In("BBANDS", "close", close);
        Out upper = NewOutput(c.size()), middle = NewOutput(c.size()),
            lower = NewOutput(c.size());
        RunFromFirstBar({c}, ta::BbandsLookback(timeperiod, ToMaType(matype)),
                        {&upper, &middle, &lower}, [&](size_t first) {
                          MaybeReleaseGil gil(c.size());
                          return ta::Bbands(
                              From(c, first), timeperiod, nbdevup, nbdevdn,
                              ToMaType(matype), From(upper, first),
                              From(middle, first), From(lower, first));
                        });
        return py::make_tuple(upper, middle, lower);
      },
      py::arg("close"), py::arg("timeperiod") = 5, py::arg("nbdevup") = 2.0,
      py::arg("nbdevdn") = 2.0, py::arg("matype") = 0,
      "Bollinger bands: (upperband, middleband, lowerband).");
  ta.def(
      "SAR",
      [](py::handle high, py::handle low, double acceleration, double maximum) {
        const auto h = In("SAR", "high", high), l = In("SAR", "low", low);
        Out out = NewOutput(h.size());
        RunFromFirstBar({h, l}, ta::SarLookback(acceleration, maximum), {&out},
                        [&](size_t first) {
                          return ta::Sar(From(h, first), From(l, first),
                                         acceleration, maximum,
                                         From(out, first));
                        });
        return out;
      },
      py::arg("high"), py::arg("low"), py::arg("acceleration") = 0.02,
      py::arg("maximum") = 0.2, "Parabolic SAR.");

  // -------------------------------------------------------- momentum
  ta.def(
      "RSI",
      [](py::handle close, int timeperiod) {
        const auto c = In("RSI", "close", close);
        Out out = NewOutput(c.size());
        RunFromFirstBar({c}, ta::RsiLookback(timeperiod, RsiSettings()), {&out},
                        [&](size_t first) {
                          MaybeReleaseGil gil(c.size());
                          return ta::Rsi(From(c, first), timeperiod,
                                         From(out, first), RsiSettings());
                        });
        return out;
      },
      py::arg("close"), py::arg("timeperiod") = 14,
      "Relative strength index (Wilder).");
  ta.def(
      "MACD",
      [](py::handle close, int fastperiod, int slowperiod, int signalperiod) {
        const auto c = In("MACD", "close", close);
        Out macd = NewOutput(c.size()), signal = NewOutput(c.size()),
            hist = NewOutput(c.size());
        RunFromFirstBar(
            {c}, ta::MacdLookback(fastperiod, slowperiod, signalperiod),
            {&macd, &signal, &hist}, [&](size_t first) {
              MaybeReleaseGil gil(c.size());
              return ta::Macd(From(c, first), fastperiod, slowperiod,
                              signalperiod, From(macd, first),
                              From(signal, first), From(hist, first));
            });
        return py::make_tuple(macd, signal, hist);
      },
      py::arg("close"), py::arg("fastperiod") = 12, py::arg("slowperiod") = 26,
      py::arg("signalperiod") = 9, "MACD: (macd, macdsignal, macdhist).");
  ta.def(
      "MACDFIX",
      [](py::handle close, int signalperiod) {
        const auto c = In("MACDFIX", "close", close);
        Out macd = NewOutput(c.size()), signal = NewOutput(c.size()),
            hist = NewOutput(c.size());
        RunFromFirstBar({c}, ta::MacdFixLookback(signalperiod),
                        {&macd, &signal, &hist}, [&](size_t first) {
                          return ta::MacdFix(
                              From(c, first), signalperiod, From(macd, first),
                              From(signal, first), From(hist, first));
                        });
        return py::make_tuple(macd, signal, hist);
      },
      py::arg("close"), py::arg("signalperiod") = 9,
      "MACD with fixed 12/26: (macd, macdsignal, macdhist).");
  ta.def(
      "STOCH",
      [](py::handle high, py::handle low, py::handle close, int fastk_period,
         int slowk_period, int slowk_matype, int slowd_period,
         int slowd_matype) {
        const auto h = In("STOCH", "high", high), l = In("STOCH", "low", low),
                   c = In("STOCH", "close", close);
        Out slowk = NewOutput(c.size()), slowd = NewOutput(c.size());
        RunFromFirstBar({h, l, c},
                        ta::StochLookback(fastk_period, slowk_period,
                                          ToMaType(slowk_matype), slowd_period,
                                          ToMaType(slowd_matype)),
                        {&slowk, &slowd}, [&](size_t first) {
                          MaybeReleaseGil gil(c.size());
                          return ta::Stoch(From(h, first), From(l, first),
                                           From(c, first), fastk_period,
                                           slowk_period, ToMaType(slowk_matype),
                                           slowd_period, ToMaType(slowd_matype),
                                           From(slowk, first),
                                           From(slowd, first));
                        });
        return py::make_tuple(slowk, slowd);
      },
      py::arg("high"), py::arg("low"), py::arg("close"),
      py::arg("fastk_period") = 5, py::arg("slowk_period") = 3,
      py::arg("slowk_matype") = 0, py::arg("slowd_period") = 3,
      py::arg("slowd_matype") = 0, "Stochastic: (slowk, slowd).");
  ta.def(
      "STOCHRSI",
      [](py::handle close, int timeperiod, int fastk_period, int fastd_period,
         int fastd_matype) {
        const auto c = In("STOCHRSI", "close", close);
        Out fastk = NewOutput(c.size()), fastd = NewOutput(c.size());
        RunFromFirstBar(
            {c},
            ta::StochRsiLookback(timeperiod, fastk_period, fastd_period,
                                 ToMaType(fastd_matype)),
            {&fastk, &fastd}, [&](size_t first) {
              return ta::StochRsi(From(c, first), timeperiod, fastk_period,
                                  fastd_period, ToMaType(fastd_matype),
                                  From(fastk, first), From(fastd, first));
            });
        return py::make_tuple(fastk, fastd);
      },
      py::arg("close"), py::arg("timeperiod") = 14, py::arg("fastk_period") = 5,
      py::arg("fastd_period") = 3, py::arg("fastd_matype") = 0,
      "Stochastic RSI: (fastk, fastd).");
  BOTCORE_HLC_PERIOD("CCI", Cci, 14, "Commodity channel index.");
  BOTCORE_HLC_PERIOD("WILLR", WillR, 14, "Williams' %R.");
  BOTCORE_CLOSE_PERIOD("ROC", Roc, 10, "Rate of change: (x/x[-p]-1)*100.");
  BOTCORE_CLOSE_PERIOD("MOM", Mom, 10, "Momentum: x - x[-p].");
  BOTCORE_CLOSE_PERIOD("TRIX", Trix, 30, "1-day ROC of a triple smoothed EMA.");
  ta.def(
      "ULTOSC",
      [](py::handle high, py::handle low, py::handle close, int timeperiod1,
         int timeperiod2, int timeperiod3) {
        const auto h = In("ULTOSC", "high", high), l = In("ULTOSC", "low", low),
                   c = In("ULTOSC", "close", close);
        Out out = NewOutput(c.size());
        RunFromFirstBar(
            {h, l, c},
            ta::UltOscLookback(timeperiod1, timeperiod2, timeperiod3), {&out},
            [&](size_t first) {
              return ta::UltOsc(From(h, first), From(l, first), From(c, first),
                                timeperiod1, timeperiod2, timeperiod3,
                                From(out, first));
            });
        return out;
      },
      py::arg("high"), py::arg("low"), py::arg("close"),
      py::arg("timeperiod1") = 7, py::arg("timeperiod2") = 14,
      py::arg("timeperiod3") = 28, "Ultimate oscillator.");
  BOTCORE_HLC_PERIOD("ADX", Adx, 14, "Average directional index.");
  BOTCORE_HLC_PERIOD("PLUS_DI", PlusDi, 14, "Plus directional indicator.");
  BOTCORE_HLC_PERIOD("MINUS_DI", MinusDi, 14, "Minus directional indicator.");
  ta.def(
      "AROON",
      [](py::handle high, py::handle low, int timeperiod) {
        const auto h = In("AROON", "high", high), l = In("AROON", "low", low);
        Out down = NewOutput(h.size()), up = NewOutput(h.size());
        RunFromFirstBar({h, l}, ta::AroonLookback(timeperiod), {&down, &up},
                        [&](size_t first) {
                          return ta::Aroon(From(h, first), From(l, first),
                                           timeperiod, From(down, first),
                                           From(up, first));
                        });
        return py::make_tuple(down, up);
      },
      py::arg("high"), py::arg("low"), py::arg("timeperiod") = 14,
      "Aroon: (aroondown, aroonup).");

  // -------------------------------------------------------- volatility
  BOTCORE_HLC_PERIOD("ATR", Atr, 14, "Average true range.");
  BOTCORE_HLC_PERIOD("NATR", Natr, 14, "Normalized average true range.");
  ta.def(
      "TRANGE",
      [](py::handle high, py::handle low, py::handle close) {
        const auto h = In("TRANGE", "high", high), l = In("TRANGE", "low", low),
                   c = In("TRANGE", "close", close);
        Out out = NewOutput(c.size());
        RunFromFirstBar(
            {h, l, c}, ta::TrueRangeLookback(), {&out}, [&](size_t first) {
              return ta::TrueRange(From(h, first), From(l, first),
                                   From(c, first), From(out, first));
            });
        return out;
      },
      py::arg("high"), py::arg("low"), py::arg("close"), "True range.");

  // -------------------------------------------------------- volume
  ta.def(
      "OBV",
      [](py::handle close, py::handle volume) {
        const auto c = In("OBV", "close", close),
                   v = In("OBV", "volume", volume);
        Out out = NewOutput(c.size());
        RunFromFirstBar({c, v}, ta::ObvLookback(), {&out}, [&](size_t first) {
          return ta::Obv(From(c, first), From(v, first), From(out, first));
        });
        return out;
      },
      py::arg("close"), py::arg("volume"), "On-balance volume.");
  ta.def(
      "MFI",
      [](py::handle high, py::handle low, py::handle close, py::handle volume,
         int timeperiod) {
        const auto h = In("MFI", "high", high), l = In("MFI", "low", low),
                   c = In("MFI", "close", close),
                   v = In("MFI", "volume", volume);
        Out out = NewOutput(c.size());
        RunFromFirstBar({h, l, c, v}, ta::MfiLookback(timeperiod), {&out},
                        [&](size_t first) {
                          return ta::Mfi(From(h, first), From(l, first),
                                         From(c, first), From(v, first),
                                         timeperiod, From(out, first));
                        });
        return out;
      },
      py::arg("high"), py::arg("low"), py::arg("close"), py::arg("volume"),
      py::arg("timeperiod") = 14, "Money flow index.");
  ta.def(
      "VWAP",
      [](py::handle high, py::handle low, py::handle close, py::handle volume,
         py::handle session_keys) {
        const auto h = In("VWAP", "high", high), l = In("VWAP", "low", low),
                   c = In("VWAP", "close", close),
                   v = In("VWAP", "volume", volume);
        const Keys session = SessionKeys(session_keys);
        const absl::Span<const int64_t> keys(
            session.data(), static_cast<size_t>(session.shape(0)));
        Out out = NewOutput(c.size());
        // VWAP has no lookback: bar 0 of a session has a value.
        RunFromFirstBar({h, l, c, v}, 0, {&out}, [&](size_t first) {
          return ta::Vwap(
              From(h, first), From(l, first), From(c, first), From(v, first),
              keys.subspan(std::min(first, keys.size())), From(out, first));
        });
        return out;
      },
      py::arg("high"), py::arg("low"), py::arg("close"), py::arg("volume"),
      py::arg("session"),
      "Session VWAP (not in TA-Lib): restarts whenever the session key "
      "changes, e.g. a day number. Keys are integers: an array of any "
      "integer dtype, or floats that are all whole numbers; a fractional "
      "key raises botcore.InvalidArgument naming it.");
  ta.def(
      "ROLLING_VWAP",
      [](py::handle high, py::handle low, py::handle close, py::handle volume,
         int timeperiod) {
        const auto h = In("ROLLING_VWAP", "high", high),
                   l = In("ROLLING_VWAP", "low", low),
                   c = In("ROLLING_VWAP", "close", close),
                   v = In("ROLLING_VWAP", "volume", volume);
        Out out = NewOutput(c.size());
        RunFromFirstBar({h, l, c, v}, ta::RollingVwapLookback(timeperiod),
                        {&out}, [&](size_t first) {
                          return ta::RollingVwap(From(h, first), From(l, first),
                                                 From(c, first), From(v, first),
                                                 timeperiod, From(out, first));
                        });
        return out;
      },
      py::arg("high"), py::arg("low"), py::arg("close"), py::arg("volume"),
      py::arg("timeperiod") = 20,
      "VWAP over the last timeperiod bars (not in TA-Lib).");

  // -------------------------------------------------------- streaming
  CloseStream<ta::StreamingSma>(ta, "StreamingSMA")
      .def(py::init([](int p) { return Created(ta::StreamingSma::Create(p)); }),
           py::arg("timeperiod") = 30);
  CloseStream<ta::StreamingEma>(ta, "StreamingEMA")
      .def(py::init([](int p) {
             return Created(ta::StreamingEma::Create(p, EmaSettings()));
           }),
           py::arg("timeperiod") = 30);
  CloseStream<ta::StreamingWma>(ta, "StreamingWMA")
      .def(py::init([](int p) { return Created(ta::StreamingWma::Create(p)); }),
           py::arg("timeperiod") = 30);
  CloseStream<ta::StreamingDema>(ta, "StreamingDEMA")
      .def(
          py::init([](int p) { return Created(ta::StreamingDema::Create(p)); }),
          py::arg("timeperiod") = 30);
  CloseStream<ta::StreamingTema>(ta, "StreamingTEMA")
      .def(
          py::init([](int p) { return Created(ta::StreamingTema::Create(p)); }),
          py::arg("timeperiod") = 30);
  CloseStream<ta::StreamingKama>(ta, "StreamingKAMA")
      .def(
          py::init([](int p) { return Created(ta::StreamingKama::Create(p)); }),
          py::arg("timeperiod") = 30);
  CloseStream<ta::StreamingRsi>(ta, "StreamingRSI")
      .def(py::init([](int p) {
             return Created(ta::StreamingRsi::Create(p, RsiSettings()));
           }),
           py::arg("timeperiod") = 14);
  CloseStream<ta::StreamingRoc>(ta, "StreamingROC")
      .def(py::init([](int p) { return Created(ta::StreamingRoc::Create(p)); }),
           py::arg("timeperiod") = 10);
  CloseStream<ta::StreamingMom>(ta, "StreamingMOM")
      .def(py::init([](int p) { return Created(ta::StreamingMom::Create(p)); }),
           py::arg("timeperiod") = 10);
  CloseStream<ta::StreamingTrix>(ta, "StreamingTRIX")
      .def(
          py::init([](int p) { return Created(ta::StreamingTrix::Create(p)); }),
          py::arg("timeperiod") = 30);
  HlcStream<ta::StreamingAtr>(ta, "StreamingATR")
      .def(py::init([](int p) { return Created(ta::StreamingAtr::Create(p)); }),
           py::arg("timeperiod") = 14);
  HlcStream<ta::StreamingNatr>(ta, "StreamingNATR")
      .def(
          py::init([](int p) { return Created(ta::StreamingNatr::Create(p)); }),
          py::arg("timeperiod") = 14);
  HlcStream<ta::StreamingTrueRange>(ta, "StreamingTRANGE").def(py::init<>());
  HlcStream<ta::StreamingAdx>(ta, "StreamingADX")
      .def(py::init([](int p) { return Created(ta::StreamingAdx::Create(p)); }),
           py::arg("timeperiod") = 14);
  HlcStream<StreamingPlusDi>(ta, "StreamingPLUS_DI")
      .def(py::init([](int p) {
             return StreamingPlusDi(
                 Created(ta::StreamingDi::Create(ta::StreamingDi::kPlus, p)));
           }),
           py::arg("timeperiod") = 14);
  HlcStream<StreamingMinusDi>(ta, "StreamingMINUS_DI")
      .def(py::init([](int p) {
             return StreamingMinusDi(
                 Created(ta::StreamingDi::Create(ta::StreamingDi::kMinus, p)));
           }),
           py::arg("timeperiod") = 14);
  HlcStream<ta::StreamingCci>(ta, "StreamingCCI")
      .def(py::init([](int p) { return Created(ta::StreamingCci::Create(p)); }),
           py::arg("timeperiod") = 14);
  HlcStream<ta::StreamingWillR>(ta, "StreamingWILLR")
      .def(py::init(
               [](int p) { return Created(ta::StreamingWillR::Create(p)); }),
           py::arg("timeperiod") = 14);
  HlcStream<ta::StreamingUltOsc>(ta, "StreamingULTOSC")
      .def(py::init([](int p1, int p2, int p3) {
             return Created(ta::StreamingUltOsc::Create(p1, p2, p3));
           }),
           py::arg("timeperiod1") = 7, py::arg("timeperiod2") = 14,
           py::arg("timeperiod3") = 28);

  {
    py::class_<ta::StreamingMacd> cls(ta, "StreamingMACD", kStreamDoc);
    cls.def(py::init([](int fast, int slow, int signal) {
              return Created(ta::StreamingMacd::Create(fast, slow, signal));
            }),
            py::arg("fastperiod") = 12, py::arg("slowperiod") = 26,
            py::arg("signalperiod") = 9)
        .def_static(
            "fix",
            [](int signal) {
              return Created(ta::StreamingMacd::CreateFix(signal));
            },
            py::arg("signalperiod") = 9, "MACDFIX.")
        .def(
            "update",
            [](ta::StreamingMacd& s, double close) {
              return Tuple(s.Update(close));
            },
            py::arg("close"), "(macd, macdsignal, macdhist) at this bar.")
        .def_property_readonly("value", [](const ta::StreamingMacd& s) {
          return Tuple(s.value());
        });
    StreamCommon<ta::StreamingMacd>(cls);
  }
  {
    py::class_<ta::StreamingBbands> cls(ta, "StreamingBBANDS", kStreamDoc);
    cls.def(py::init([](int p, double up, double dn, int matype) {
              return Created(
                  ta::StreamingBbands::Create(p, up, dn, ToMaType(matype)));
            }),
            py::arg("timeperiod") = 5, py::arg("nbdevup") = 2.0,
            py::arg("nbdevdn") = 2.0, py::arg("matype") = 0)
        .def(
            "update",
            [](ta::StreamingBbands& s, double close) {
              return Tuple(s.Update(close));
            },
            py::arg("close"), "(upperband, middleband, lowerband).")
        .def_property_readonly("value", [](const ta::StreamingBbands& s) {
          return Tuple(s.value());
        });
    StreamCommon<ta::StreamingBbands>(cls);
  }
  {
    py::class_<ta::StreamingStoch> cls(ta, "StreamingSTOCH", kStreamDoc);
    cls.def(py::init([](int k, int sk, int skt, int sd, int sdt) {
              return Created(ta::StreamingStoch::Create(k, sk, ToMaType(skt),
                                                        sd, ToMaType(sdt)));
            }),
            py::arg("fastk_period") = 5, py::arg("slowk_period") = 3,
            py::arg("slowk_matype") = 0, py::arg("slowd_period") = 3,
            py::arg("slowd_matype") = 0)
        .def(
            "update",
            [](ta::StreamingStoch& s, double h, double l, double c) {
              return Tuple(s.Update(h, l, c));
            },
            py::arg("high"), py::arg("low"), py::arg("close"),
            "(slowk, slowd).")
        .def_property_readonly("value", [](const ta::StreamingStoch& s) {
          return Tuple(s.value());
        });
    StreamCommon<ta::StreamingStoch>(cls);
  }
  {
    py::class_<ta::StreamingStochRsi> cls(ta, "StreamingSTOCHRSI", kStreamDoc);
    cls.def(py::init([](int p, int k, int d, int dt) {
              return Created(
                  ta::StreamingStochRsi::Create(p, k, d, ToMaType(dt)));
            }),
            py::arg("timeperiod") = 14, py::arg("fastk_period") = 5,
            py::arg("fastd_period") = 3, py::arg("fastd_matype") = 0)
        .def(
            "update",
            [](ta::StreamingStochRsi& s, double close) {
              return Tuple(s.Update(close));
            },
            py::arg("close"), "(fastk, fastd).")
        .def_property_readonly("value", [](const ta::StreamingStochRsi& s) {
          return Tuple(s.value());
        });
    StreamCommon<ta::StreamingStochRsi>(cls);
  }
  {
    py::class_<ta::StreamingSar> cls(ta, "StreamingSAR", kStreamDoc);
    cls.def(py::init([](double a, double mx) {
              return Created(ta::StreamingSar::Create(a, mx));
            }),
            py::arg("acceleration") = 0.02, py::arg("maximum") = 0.2)
        .def("update",
             py::overload_cast<double, double>(&ta::StreamingSar::Update),
             py::arg("high"), py::arg("low"),
             "The indicator value after this bar (NaN while warming up).")
        .def_property_readonly("value", &ta::StreamingSar::value);
    StreamCommon<ta::StreamingSar>(cls);
  }
  {
    py::class_<ta::StreamingAroon> cls(ta, "StreamingAROON", kStreamDoc);
    cls.def(py::init(
                [](int p) { return Created(ta::StreamingAroon::Create(p)); }),
            py::arg("timeperiod") = 14)
        .def(
            "update",
            [](ta::StreamingAroon& s, double h, double l) {
              return Tuple(s.Update(h, l));
            },
            py::arg("high"), py::arg("low"), "(aroondown, aroonup).")
        .def_property_readonly("value", [](const ta::StreamingAroon& s) {
          return Tuple(s.value());
        });
    StreamCommon<ta::StreamingAroon>(cls);
  }
  {
    py::class_<ta::StreamingObv> cls(ta, "StreamingOBV", kStreamDoc);
    cls.def(py::init<>())
        .def("update",
             py::overload_cast<double, double>(&ta::StreamingObv::Update),
             py::arg("close"), py::arg("volume"),
             "The indicator value after this bar (NaN while warming up).")
        .def_property_readonly("value", &ta::StreamingObv::value);
    StreamCommon<ta::StreamingObv>(cls);
  }
  {
    py::class_<ta::StreamingMfi> cls(ta, "StreamingMFI", kStreamDoc);
    cls.def(
           py::init([](int p) { return Created(ta::StreamingMfi::Create(p)); }),
           py::arg("timeperiod") = 14)
        .def("update",
             py::overload_cast<double, double, double, double>(
                 &ta::StreamingMfi::Update),
             py::arg("high"), py::arg("low"), py::arg("close"),
             py::arg("volume"),
             "The indicator value after this bar (NaN while warming up).")
        .def_property_readonly("value", &ta::StreamingMfi::value);
    StreamCommon<ta::StreamingMfi>(cls);
  }
  {
    py::class_<ta::StreamingVwap> cls(ta, "StreamingVWAP", kStreamDoc);
    cls.def(py::init<>())
        .def("update",
             py::overload_cast<double, double, double, double, int64_t>(
                 &ta::StreamingVwap::Update),
             py::arg("high"), py::arg("low"), py::arg("close"),
             py::arg("volume"), py::arg("session"),
             "The VWAP of the session so far; a new `session` number starts "
             "a new session.")
        .def_property_readonly("value", &ta::StreamingVwap::value);
    StreamCommon<ta::StreamingVwap>(cls);
  }
  {
    py::class_<ta::StreamingRollingVwap> cls(ta, "StreamingROLLING_VWAP",
                                             kStreamDoc);
    cls.def(py::init([](int p) {
              return Created(ta::StreamingRollingVwap::Create(p));
            }),
            py::arg("timeperiod") = 20)
        .def("update",
             py::overload_cast<double, double, double, double>(
                 &ta::StreamingRollingVwap::Update),
             py::arg("high"), py::arg("low"), py::arg("close"),
             py::arg("volume"),
             "The indicator value after this bar (NaN while warming up).")
        .def_property_readonly("value", &ta::StreamingRollingVwap::value);
    StreamCommon<ta::StreamingRollingVwap>(cls);
  }
}

}  // namespace botcore::python
