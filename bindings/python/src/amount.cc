// botcore.Amount: the exact decimal, interoperating with int, str and
// decimal.Decimal, never silently with float.

#include "botcore/core/amount.h"

#include <pybind11/operators.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "status.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

std::string Repr(const py::handle& value) {
  return py::repr(value).cast<std::string>();
}

// True for Python's bool and NumPy's: numbers in Python, never amounts here.
bool IsBool(const py::handle& value) {
  if (PyBool_Check(value.ptr())) return true;
  const py::handle type = value.get_type();
  return py::str(type.attr("__module__")).cast<std::string>() == "numpy" &&
         py::str(type.attr("__name__")).cast<std::string>().starts_with("bool");
}

bool IsDecimal(const py::handle& value) {
  return py::isinstance(value, py::module_::import("decimal").attr("Decimal"));
}

// True for what an Amount computes with exactly: int (and other integers
// with __index__, e.g. numpy.int64) and decimal.Decimal, but not bool.
bool IsExactNumber(const py::handle& value) {
  return !IsBool(value) && (PyIndex_Check(value.ptr()) || IsDecimal(value));
}

// Text of a Python str, int (or an integer with __index__, e.g. numpy.int64)
// or decimal.Decimal (its value, without trailing fractional zeros);
// TypeError naming the value for a bool, a float or anything else.
std::string DecimalText(const py::handle& value) {
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (IsBool(value)) {
    throw py::type_error(
        absl::StrCat("Amount does not take a bool (", Repr(value), ")"));
  }
  if (py::isinstance<py::float_>(value)) {
    throw py::type_error(
        absl::StrCat("Amount does not take a float (", Repr(value),
                     " is not exact); pass a str, int or decimal.Decimal"));
  }
  if (PyIndex_Check(value.ptr())) {
    return Repr(py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr())));
  }
  if (IsDecimal(value)) {
    if (!value.attr("is_finite")().cast<bool>()) {
      throw py::value_error(
          absl::StrCat("Amount needs a finite Decimal, got ", Repr(value)));
    }
    std::string text =
        py::str(py::module_::import("builtins").attr("format")(value, "f"))
            .cast<std::string>();
    if (text.find('.') != std::string::npos) {
      text.erase(text.find_last_not_of('0') + 1);
      if (text.back() == '.') text.pop_back();
    }
    return text;
  }
  throw py::type_error(absl::StrCat(
      "Amount takes a str, int or decimal.Decimal, not ",
      py::str(value.get_type().attr("__name__")).cast<std::string>(), " (",
      Repr(value), ")"));
}

// The Amount `value` is at `scale`, as the constructor parses it.
Amount AmountAt(const py::handle& value, int scale) {
  return ValueOrRaise(Amount::Parse(DecimalText(value), scale));
}

// An operand of +, - and the comparisons as an Amount at `scale`: nullopt
// (NotImplemented) for types Amount does not compute with; TypeError for a
// bool or a float; the constructor's error for a Decimal with more decimals
// than `scale`.
std::optional<Amount> OperandAt(const py::handle& other, int scale) {
  if (IsBool(other) || py::isinstance<py::float_>(other) ||
      IsExactNumber(other)) {
    return AmountAt(other, scale);
  }
  return std::nullopt;
}

// The value of an Amount as a decimal.Decimal (exact: no context rounding).
py::object ToDecimal(const Amount& a) {
  return py::module_::import("decimal").attr("Decimal")(a.ToString());
}

// Compares `a` with an int or Decimal exactly (as Decimals, whatever the
// number of decimals); NotImplemented for other types, so == is False and
// ordering raises TypeError.
py::object CompareWith(const Amount& a, const py::object& other, int op) {
  if (!IsExactNumber(other)) {
    if (op != Py_EQ && op != Py_NE &&
        (IsBool(other) || py::isinstance<py::float_>(other))) {
      throw py::type_error(absl::StrCat(
          "Amount does not compare with a ",
          py::str(other.get_type().attr("__name__")).cast<std::string>(), " (",
          Repr(other), ")"));
    }
    return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  }
  py::object number = other;
  if (!IsDecimal(other)) {
    number = py::reinterpret_steal<py::object>(PyNumber_Index(other.ptr()));
  }
  PyObject* result = PyObject_RichCompare(ToDecimal(a).ptr(), number.ptr(), op);
  if (result == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(result);
}

// CompareWith for one operator, to bind as __eq__, __lt__, ...
template <int kOp>
py::object CompareAs(const Amount& a, const py::object& other) {
  return CompareWith(a, other, kOp);
}

// a.kOp(other), or other.kOp(a) when `kReflected` (__radd__, __rsub__),
// with `other` an int or Decimal taken at a's scale (OperandAt);
// NotImplemented for the types Amount does not compute with.
template <absl::StatusOr<Amount> (Amount::*kOp)(const Amount&) const,
          bool kReflected>
py::object WithNumber(const Amount& a, const py::object& other) {
  const std::optional<Amount> b = OperandAt(other, a.scale());
  if (!b) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  return py::cast(ValueOrRaise(kReflected ? ((*b).*kOp)(a) : (a.*kOp)(*b)));
}

// `a` * `factor`, exactly: the factor must be a whole number (an int, an
// integer with __index__, or a whole Decimal) within 64 bits.
py::object Multiply(const Amount& a, const py::object& factor) {
  if (IsBool(factor) || py::isinstance<py::float_>(factor)) {
    throw py::type_error(absl::StrCat(
        "Amount * ", Repr(factor), ": multiply by an int, not a ",
        py::str(factor.get_type().attr("__name__")).cast<std::string>(),
        "; use multiply_by_rate for a rate"));
  }
  if (!IsExactNumber(factor)) {
    return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  }
  py::object whole = factor;
  if (IsDecimal(factor)) {
    if (!factor.attr("is_finite")().cast<bool>() ||
        factor.attr("__ne__")(factor.attr("to_integral_value")())
            .cast<bool>()) {
      RaiseStatus(absl::InvalidArgumentError(
          absl::StrCat("Amount * ", Repr(factor),
                       ": the factor is not a whole number; use "
                       "multiply_by_rate for a rate")));
    }
    whole = py::module_::import("builtins").attr("int")(factor);
  } else {
    whole = py::reinterpret_steal<py::object>(PyNumber_Index(factor.ptr()));
  }
  int overflow = 0;
  const long long value = PyLong_AsLongLongAndOverflow(whole.ptr(), &overflow);
  if (overflow != 0) {
    RaiseStatus(absl::OutOfRangeError(
        absl::StrCat(a.ToString(), " * ", Repr(whole),
                     ": the factor is out of the 64-bit range")));
  }
  if (value == -1 && PyErr_Occurred()) throw py::error_already_set();
  return py::cast(ValueOrRaise(a.MultiplyBy(value)));
}

// A rate given as an Amount, or as a str, int or Decimal taken at exactly
// its own number of decimals (at most 18).
Amount RateFromPython(const py::object& rate) {
  if (py::isinstance<Amount>(rate)) return rate.cast<Amount>();
  const std::string text = DecimalText(rate);
  const size_t point = text.find('.');
  const size_t decimals =
      point == std::string::npos ? 0 : text.size() - point - 1;
  return ValueOrRaise(
      Amount::Parse(text, static_cast<int>(std::min<size_t>(decimals, 18))));
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

  py::class_<Amount>(
      m, "Amount",
      "An exact fixed-point decimal with 0..18 decimal places.\n\n"
      "Amount('227.35', scale=2); Amount(10, scale=2) is 10.00; "
      "Amount(Decimal('0.05'), scale=18). A float is refused.")
      .def(py::init([](const py::object& value, int scale) {
             return AmountAt(value, scale);
           }),
           py::arg("value"), py::arg("scale"),
           "Parses `value` (str, int or decimal.Decimal) at `scale` decimals. "
           "Raises botcore.InvalidArgument for malformed text or too many "
           "decimals, TypeError for a bool or a float.")
      .def_static(
          "from_units",
          [](const py::int_& units, int scale) {
            Amount whole = ValueOrRaise(Amount::Parse(py::repr(units).cast<std::string>(), 0));
            return ValueOrRaise(Amount::FromUnits(whole.units(), scale));
          },
          py::arg("units"), py::arg("scale"),
          "The amount units / 10**scale, e.g. from_units(150, 2) is 1.50.")
      .def_property_readonly(
          "units", [](const Amount& a) { return Int128ToPython(a.units()); },
          "The integer count of 10**-scale units.")
      .def_property_readonly("scale", &Amount::scale, "Decimal places, 0..18.")
      .def("to_decimal", &ToDecimal, "The same value as a decimal.Decimal.")
      .def("to_display_string", &Amount::ToDisplayString,
           "The value without trailing fractional zeros, e.g. '1.5'.")
      .def(
          "multiply_by_rate",
          [](const Amount& a, const py::object& rate, RoundingMode rounding) {
            return ValueOrRaise(
                a.MultiplyByRate(RateFromPython(rate), rounding));
          },
          py::arg("rate"), py::arg("rounding") = RoundingMode::kHalfEven,
          "self * rate at self's scale, rounded by `rounding`. `rate` is an "
          "Amount, or a str, int or decimal.Decimal taken exactly (at most 18 "
          "decimals), e.g. multiply_by_rate('0.0005').")
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
      .def(
          "__add__",
          [](const Amount& a, const Amount& b) {
            return ValueOrRaise(a.Add(b));
          },
          py::is_operator())
      .def("__add__", &WithNumber<&Amount::Add, false>, py::is_operator())
      .def("__radd__", &WithNumber<&Amount::Add, true>, py::is_operator())
      .def(
          "__sub__",
          [](const Amount& a, const Amount& b) {
            return ValueOrRaise(a.Subtract(b));
          },
          py::is_operator())
      .def("__sub__", &WithNumber<&Amount::Subtract, false>, py::is_operator())
      .def("__rsub__", &WithNumber<&Amount::Subtract, true>, py::is_operator())
      .def("__mul__", &Multiply, py::is_operator())
      .def("__rmul__", &Multiply, py::is_operator())
      .def("__neg__", [](const Amount& a) { return ValueOrRaise(a.Negate()); })
      .def("__pos__", [](const Amount& a) { return a; })
      .def("__abs__",
           [](const Amount& a) {
             return a.is_negative() ? ValueOrRaise(a.Negate()) : a;
           })
      .def("__bool__", [](const Amount& a) { return !a.is_zero(); })
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def(py::self <= py::self)
      .def(py::self > py::self)
      .def(py::self >= py::self)
      .def("__eq__", &CompareAs<Py_EQ>, py::is_operator())
      .def("__ne__", &CompareAs<Py_NE>, py::is_operator())
      .def("__lt__", &CompareAs<Py_LT>, py::is_operator())
      .def("__le__", &CompareAs<Py_LE>, py::is_operator())
      .def("__gt__", &CompareAs<Py_GT>, py::is_operator())
      .def("__ge__", &CompareAs<Py_GE>, py::is_operator())
      .def("__hash__",
           [](const Amount& a) {
             // Equal amounts at different scales hash alike, and as the equal
             // int or Decimal does, since they compare equal.
             return py::hash(ToDecimal(a));
           })
      .def(py::pickle(
          [](const Amount& a) {
            return py::make_tuple(a.ToString(), a.scale());
          },
          [](const py::tuple& state) {
            return ValueOrRaise(Amount::Parse(state[0].cast<std::string>(),
                                              state[1].cast<int>()));
          }))
      .def("__str__", &Amount::ToString)
      .def("__repr__", [](const Amount& a) {
        return absl::StrCat("Amount('", a.ToString(), "', scale=", a.scale(), ")");
      });
}

}  // namespace botcore::python
