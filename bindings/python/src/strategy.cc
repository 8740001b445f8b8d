// botcore.DefaultStrategy and the chart patterns (swing points, head and
// shoulders, double tops and bottoms).

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>

#include "arrays.h"
#include "botcore/core/candle.h"
#include "botcore/signals/chart_patterns.h"
#include "botcore/signals/default_strategy.h"
#include "status.h"

namespace botcore::python {

namespace py = pybind11;

void BindStrategy(py::module_& m) {
  using O = DefaultStrategyOptions;
  py::class_<O>(m, "DefaultStrategyOptions",
                "Every threshold of DefaultStrategy; see "
                "botcore/signals/default_strategy.h for the rules.")
      .def(py::init<>())
      .def_readwrite("symbol", &O::symbol)
      .def_readwrite("timeframe", &O::timeframe)
      .def_readwrite("macd_fast", &O::macd_fast)
      .def_readwrite("macd_slow", &O::macd_slow)
      .def_readwrite("macd_signal", &O::macd_signal)
      .def_readwrite("rsi_period", &O::rsi_period)
      .def_readwrite("rsi_overbought", &O::rsi_overbought)
      .def_readwrite("rsi_oversold", &O::rsi_oversold)
      .def_readwrite("rsi_midline", &O::rsi_midline)
      .def_readwrite("bbands_period", &O::bbands_period)
      .def_readwrite("bbands_deviations", &O::bbands_deviations)
      .def_readwrite("band_proximity", &O::band_proximity)
      .def_readwrite("pattern_bars", &O::pattern_bars)
      .def_readwrite("atr_period", &O::atr_period)
      .def_readwrite("stop_atr_multiple", &O::stop_atr_multiple)
      .def_readwrite("reward_risk", &O::reward_risk)
      .def_readwrite("base_confidence", &O::base_confidence)
      .def_readwrite("rsi_weight", &O::rsi_weight)
      .def_readwrite("bands_weight", &O::bands_weight)
      .def_readwrite("pattern_weight", &O::pattern_weight)
      .def_readwrite("min_confidence", &O::min_confidence);

  // name(), on_bar() and reset() come from the Strategy base (trading.cc),
  // so a DefaultStrategy goes wherever a Strategy does (Backtester.run).
  py::class_<DefaultStrategy, Strategy>(
      m, "DefaultStrategy",
      "MACD cross + RSI gate, confirmed by RSI, Bollinger bands and "
      "candlestick patterns; ATR stops. Feed bars in time order.")
      .def(py::init([](const O& options) {
             return ValueOrRaise(DefaultStrategy::Create(options));
           }),
           py::arg("options"));

  py::class_<SwingPoint> swing(m, "SwingPoint", "A zig-zag turning point.");
  py::enum_<SwingPoint::Kind>(swing, "Kind")
      .value("HIGH", SwingPoint::Kind::kHigh)
      .value("LOW", SwingPoint::Kind::kLow);
  swing.def(py::init<>())
      .def_readonly("kind", &SwingPoint::kind)
      .def_readonly("index", &SwingPoint::index)
      .def_readonly("price", &SwingPoint::price)
      .def_readonly("confirmed_at", &SwingPoint::confirmed_at);

  m.def(
      "find_swing_points",
      [](const Prices& high, const Prices& low, double threshold_percent) {
        return ValueOrRaise(FindSwingPoints(
            View(high, "high"), View(low, "low"), threshold_percent));
      },
      py::arg("high"), py::arg("low"), py::arg("threshold_percent") = 5.0,
      "The confirmed zig-zag points reversing by threshold_percent.");

  py::enum_<ChartPatternKind>(m, "ChartPatternKind")
      .value("HEAD_AND_SHOULDERS", ChartPatternKind::kHeadAndShoulders)
      .value("INVERSE_HEAD_AND_SHOULDERS",
             ChartPatternKind::kInverseHeadAndShoulders)
      .value("DOUBLE_TOP", ChartPatternKind::kDoubleTop)
      .value("DOUBLE_BOTTOM", ChartPatternKind::kDoubleBottom);

  py::class_<Neckline>(
      m, "Neckline",
      "The line through a pattern's troughs (or peaks), by bar index.")
      .def(py::init<>())
      .def_readonly("from_index", &Neckline::from_index)
      .def_readonly("from_price", &Neckline::from_price)
      .def_readonly("to_index", &Neckline::to_index)
      .def_readonly("to_price", &Neckline::to_price)
      .def("at", &Neckline::At, py::arg("index"),
           "The neckline's price at bar `index`.");

  py::class_<ChartPattern>(m, "ChartPattern",
                           "A chart pattern found on the swing points, with "
                           "neckline, breakout and target.")
      .def(py::init<>())
      .def_readonly("kind", &ChartPattern::kind)
      .def_readonly("points", &ChartPattern::points)
      .def_readonly("neckline", &ChartPattern::neckline)
      .def_readonly("breakout_index", &ChartPattern::breakout_index)
      .def_readonly("height", &ChartPattern::height)
      .def_readonly("target", &ChartPattern::target)
      .def_property_readonly("bullish", &ChartPattern::bullish);

  using C = ChartPatternOptions;
  py::class_<C>(m, "ChartPatternOptions",
                "Tolerances of find_chart_patterns, in percent.")
      .def(py::init<>())
      .def_readwrite("swing_threshold_percent", &C::swing_threshold_percent)
      .def_readwrite("shoulder_tolerance_percent",
                     &C::shoulder_tolerance_percent)
      .def_readwrite("head_margin_percent", &C::head_margin_percent)
      .def_readwrite("neckline_tolerance_percent",
                     &C::neckline_tolerance_percent)
      .def_readwrite("peak_tolerance_percent", &C::peak_tolerance_percent)
      .def_readwrite("min_peak_separation_bars", &C::min_peak_separation_bars);

  m.def(
      "find_chart_patterns",
      [](const Prices& high, const Prices& low, const Prices& close,
         const C& options) {
        const OhlcSpans bars{
            {}, View(high, "high"), View(low, "low"), View(close, "close")};
        return ValueOrRaise(FindChartPatterns(bars, options));
      },
      py::arg("high"), py::arg("low"), py::arg("close"),
      py::arg("options") = C{},
      "Head and shoulders (and inverse), double tops and bottoms on the "
      "swing points, with neckline, breakout and target.");
}

}  // namespace botcore::python
