// Candlestick patterns with TA-Lib's names and calling convention, in the
// `ta` submodule next to the indicators (botcore.ta re-exports everything in
// it): CDLENGULFING(open, high, low, close) -> numpy.ndarray of int32.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "arrays.h"
#include "botcore/signals/candlestick_patterns.h"
#include "status.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

// Runs `fn(bars, out)` over the four arrays with the GIL released, from the
// first bar where no price is NaN (FirstBar; the pattern engine already gives
// 0 for a series shorter than its lookback), with 0 before it as TA-Lib's
// Python wrapper gives.
template <typename Fn>
py::array_t<int32_t> Run(const Prices& open, const Prices& high,
                         const Prices& low, const Prices& close, Fn fn) {
  static_assert(sizeof(int) == sizeof(int32_t));
  const OhlcSpans bars{View(open, "open"), View(high, "high"), View(low, "low"),
                       View(close, "close")};
  const size_t n = bars.open.size();
  py::array_t<int32_t> out(static_cast<py::ssize_t>(n));
  absl::Span<int> span(reinterpret_cast<int*>(out.mutable_data()), n);
  const std::optional<size_t> start =
      FirstBar({bars.open, bars.high, bars.low, bars.close}, 0);
  const size_t first = start.value_or(n);
  std::fill_n(span.begin(), first, 0);
  if (!start) return out;
  const OhlcSpans from{bars.open.subspan(first), bars.high.subspan(first),
                       bars.low.subspan(first), bars.close.subspan(first)};
  absl::Status status;
  {
    py::gil_scoped_release release;
    status = fn(from, span.subspan(first));
  }
  RaiseIfError(CountedFrom(first, status));
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

void BindPatterns(py::module_& parent) {
  py::module_ m = parent.def_submodule("ta");
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
