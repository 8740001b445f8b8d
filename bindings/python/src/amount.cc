// botcore.Amount: the exact decimal, interoperating with int, str and
// decimal.Decimal, never silently with float.

#include <pybind11/operators.h>
#include <pybind11/pybind11.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "botcore/core/amount.h"
#include "status.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

// Text of a Python int, str or decimal.Decimal; TypeError for anything else.
std::string DecimalText(const py::handle& value) {
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::bool_>(value)) {
    throw py::type_error("Amount does not take a bool");
  }
  if (py::isinstance<py::int_>(value)) return py::repr(value).cast<std::string>();
  py::object decimal = py::module_::import("decimal").attr("Decimal");
  if (py::isinstance(value, decimal)) {
    if (!value.attr("is_finite")().cast<bool>()) {
      throw py::value_error(
          absl::StrCat("Amount needs a finite Decimal, got ",
                       py::repr(value).cast<std::string>()));
    }
    return py::str(py::module_::import("builtins").attr("format")(value, "f"))
        .cast<std::string>();
  }
  if (py::isinstance<py::float_>(value)) {
    throw py::type_error(
        "Amount does not take a float (it is not exact); pass a str, int or "
        "decimal.Decimal");
  }
  throw py::type_error(absl::StrCat("Amount takes a str, int or decimal.Decimal, not ",
                                    py::str(value.get_type().attr("__name__"))
                                        .cast<std::string>()));
}

py::int_ Int128ToPython(absl::int128 v) {
  const std::string text = Amount::FromUnits(v, 0)->ToString();
  return py::reinterpret_steal<py::int_>(
      PyLong_FromString(text.c_str(), nullptr, 10));
}

}  // namespace

void BindAmount(py::module_& m) {
  py::enum_<RoundingMode>(m, "RoundingMode",
                          "How to drop digits that do not fit the target scale.")
      .value("HALF_EVEN", RoundingMode::kHalfEven)
      .value("HALF_AWAY_FROM_ZERO", RoundingMode::kHalfAwayFromZero)
      .value("TOWARD_ZERO", RoundingMode::kTowardZero)
      .value("AWAY_FROM_ZERO", RoundingMode::kAwayFromZero)
      .value("FLOOR", RoundingMode::kFloor)
      .value("CEILING", RoundingMode::kCeiling);

  py::class_<Amount>(m, "Amount",
                     "An exact fixed-point decimal with 0..18 decimal places.\n\n"
                     "Amount('227.35', scale=2); Amount(10, scale=2) is 10.00; "
                     "Amount(Decimal('0.05'), scale=18). A float is refused.")
      .def(py::init([](const py::object& value, int scale) {
             return ValueOrRaise(Amount::Parse(DecimalText(value), scale));
           }),
           py::arg("value"), py::arg("scale"),
           "Parses `value` (str, int or decimal.Decimal) at `scale` decimals. "
           "Raises botcore.InvalidArgument for malformed text or too many "
           "decimals.")
      .def_static(
          "from_units",
          [](const py::int_& units, int scale) {
            Amount whole = ValueOrRaise(Amount::Parse(py::repr(units).cast<std::string>(), 0));
            return ValueOrRaise(Amount::FromUnits(whole.units(), scale));
          },
          py::arg("units"), py::arg("scale"),
          "The amount units / 10**scale, e.g. from_units(150, 2) is 1.50.")
      .def_property_readonly("units",
                             [](const Amount& a) { return Int128ToPython(a.units()); },
                             "The integer count of 10**-scale units.")
      .def_property_readonly("scale", &Amount::scale, "Decimal places, 0..18.")
      .def("to_decimal",
           [](const Amount& a) {
             return py::module_::import("decimal").attr("Decimal")(a.ToString());
           },
           "The same value as a decimal.Decimal.")
      .def("to_display_string", &Amount::ToDisplayString,
           "The value without trailing fractional zeros, e.g. '1.5'.")
      .def(
          "multiply_by_rate",
          [](const Amount& a, const Amount& rate, RoundingMode rounding) {
            return ValueOrRaise(a.MultiplyByRate(rate, rounding));
          },
          py::arg("rate"), py::arg("rounding") = RoundingMode::kHalfEven,
          "self * rate at self's scale, rounded by `rounding`.")
      .def(
          "divide_by",
          [](const Amount& a, int64_t divisor, RoundingMode rounding) {
            return ValueOrRaise(a.DivideBy(divisor, rounding));
          },
          py::arg("divisor"), py::arg("rounding") = RoundingMode::kHalfEven,
          "self / divisor at self's scale, rounded by `rounding`.")
      .def(
          "rescale",
          [](const Amount& a, int scale, RoundingMode rounding) {
            return ValueOrRaise(a.Rescale(scale, rounding));
          },
          py::arg("scale"), py::arg("rounding") = RoundingMode::kHalfEven,
          "The same value at another scale, rounded when digits are dropped.")
      .def("__add__", [](const Amount& a, const Amount& b) { return ValueOrRaise(a.Add(b)); },
           py::is_operator())
      .def("__sub__",
           [](const Amount& a, const Amount& b) { return ValueOrRaise(a.Subtract(b)); },
           py::is_operator())
      .def("__mul__",
           [](const Amount& a, int64_t factor) { return ValueOrRaise(a.MultiplyBy(factor)); },
           py::is_operator())
      .def("__rmul__",
           [](const Amount& a, int64_t factor) { return ValueOrRaise(a.MultiplyBy(factor)); },
           py::is_operator())
      .def("__neg__", [](const Amount& a) { return ValueOrRaise(a.Negate()); })
      .def("__bool__", [](const Amount& a) { return !a.is_zero(); })
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def(py::self <= py::self)
      .def(py::self > py::self)
      .def(py::self >= py::self)
      .def("__hash__",
           [](const Amount& a) {
             // Equal amounts at different scales hash alike, as Decimals do.
             return py::hash(py::module_::import("decimal").attr("Decimal")(a.ToString()));
           })
      .def("__str__", &Amount::ToString)
      .def("__repr__", [](const Amount& a) {
        return absl::StrCat("Amount('", a.ToString(), "', scale=", a.scale(), ")");
      });
}

}  // namespace botcore::python
