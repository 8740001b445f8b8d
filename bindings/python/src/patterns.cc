// Candlestick patterns with TA-Lib's names and calling convention:
// CDLENGULFING(open, high, low, close) -> numpy.ndarray of int32. botcore.ta
// re-exports them.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "botcore/signals/candlestick_patterns.h"
#include "status.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

using Prices = py::array_t<double, py::array::c_style | py::array::forcecast>;

absl::Span<const double> View(const Prices& a, const char* name) {
  if (a.ndim() != 1) {
    RaiseStatus(absl::InvalidArgumentError(std::string(name) +
                                           " must be a one-dimensional array"));
  }
  return absl::Span<const double>(a.data(), static_cast<size_t>(a.shape(0)));
}

// Runs `fn(bars, out)` over the four arrays with the GIL released.
template <typename Fn>
py::array_t<int32_t> Run(const Prices& open, const Prices& high,
                         const Prices& low, const Prices& close, Fn fn) {
  static_assert(sizeof(int) == sizeof(int32_t));
  const OhlcSpans bars{View(open, "open"), View(high, "high"), View(low, "low"),
                       View(close, "close")};
  py::array_t<int32_t> out(static_cast<py::ssize_t>(bars.open.size()));
  absl::Span<int> span(reinterpret_cast<int*>(out.mutable_data()),
                       bars.open.size());
  absl::Status status;
  {
    py::gil_scoped_release release;
    status = fn(bars, span);
  }
  RaiseIfError(status);
  return out;
}

using PatternFn = absl::Status (*)(const OhlcSpans&, absl::Span<int>,
                                   const CandleSettings&);

void DefPattern(py::module_& m, const char* name, PatternFn fn,
                const char* doc) {
  m.def(
      name,
      [fn](const Prices& open, const Prices& high, const Prices& low,
           const Prices& close) {
        return Run(open, high, low, close,
                   [fn](const OhlcSpans& b, absl::Span<int> o) {
                     return fn(b, o, CandleSettings{});
                   });
      },
      py::arg("open"), py::arg("high"), py::arg("low"), py::arg("close"), doc);
}

using StarFn = absl::Status (*)(const OhlcSpans&, absl::Span<int>, double,
                                const CandleSettings&);

void DefStar(py::module_& m, const char* name, StarFn fn, const char* doc) {
  m.def(
      name,
      [fn](const Prices& open, const Prices& high, const Prices& low,
           const Prices& close, double penetration) {
        return Run(open, high, low, close,
                   [fn, penetration](const OhlcSpans& b, absl::Span<int> o) {
                     return fn(b, o, penetration, CandleSettings{});
                   });
      },
      py::arg("open"), py::arg("high"), py::arg("low"), py::arg("close"),
      py::arg("penetration") = 0.3, doc);
}

}  // namespace

void BindPatterns(py::module_& m) {
  DefPattern(m, "CDLDOJI", &CdlDoji,
             "TA-Lib's CDLDOJI: 100 where |close - open| <= 0.1 * the average "
             "high-low range of the previous 10 candles, else 0.");
  DefPattern(m, "CDLHAMMER", &CdlHammer, "TA-Lib's CDLHAMMER: 100 or 0.");
  DefPattern(m, "CDLSHOOTINGSTAR", &CdlShootingStar,
             "TA-Lib's CDLSHOOTINGSTAR: -100 or 0.");
  DefPattern(m, "CDLHARAMI", &CdlHarami,
             "TA-Lib's CDLHARAMI: +-100, +-80 (one body edge equal) or 0.");
  DefPattern(m, "CDL3WHITESOLDIERS", &Cdl3WhiteSoldiers,
             "TA-Lib's CDL3WHITESOLDIERS: 100 or 0.");
  DefPattern(m, "CDL3BLACKCROWS", &Cdl3BlackCrows,
             "TA-Lib's CDL3BLACKCROWS: -100 or 0.");
  DefStar(m, "CDLMORNINGSTAR", &CdlMorningStar,
          "TA-Lib's CDLMORNINGSTAR with its penetration (default 0.3): 100 or "
          "0.");
  DefStar(m, "CDLEVENINGSTAR", &CdlEveningStar,
          "TA-Lib's CDLEVENINGSTAR with its penetration (default 0.3): -100 or "
          "0.");
  m.def(
      "CDLENGULFING",
      [](const Prices& open, const Prices& high, const Prices& low,
         const Prices& close) {
        return Run(open, high, low, close,
                   [](const OhlcSpans& b, absl::Span<int> o) {
                     return CdlEngulfing(b, o);
                   });
      },
      py::arg("open"), py::arg("high"), py::arg("low"), py::arg("close"),
      "TA-Lib 0.6's CDLENGULFING: +-100 strict, +-80 when one body edge is "
      "equal, else 0.");
}

}  // namespace botcore::python
