// Pickling (and so copy.deepcopy and multiprocessing) for the plain value
// types the bindings expose field by field: the state is a dict of the
// read-write fields, and unpickling sets them on a default-constructed T.

#ifndef BOTCORE_BINDINGS_PYTHON_PICKLING_H_
#define BOTCORE_BINDINGS_PYTHON_PICKLING_H_

#include <pybind11/pybind11.h>

namespace botcore::python {

// Adds pickling to `cls`, whose state is its read-write fields (the
// properties defined on the class with a setter), found when pickling, so
// fields bound after this call count too. REQUIRES: T is
// default-constructible and every field is a read-write property.
template <typename T, typename... Options>
void PickleByFields(pybind11::class_<T, Options...>& cls) {
  namespace py = pybind11;
  cls.def(py::pickle(
      [](const py::object& self) {
        py::dict state;
        const py::object property =
            py::module_::import("builtins").attr("property");
        const py::dict fields =
            py::dict(py::type::handle_of(self).attr("__dict__"));
        for (const auto& [name, value] : fields) {
          if (py::isinstance(value, property) &&
              !value.attr("fset").is_none()) {
            state[name] = self.attr(name);
          }
        }
        return state;
      },
      [](const py::dict& state) {
        T value{};
        const py::object view =
            py::cast(&value, py::return_value_policy::reference);
        for (const auto& [name, field] : state) py::setattr(view, name, field);
        return value;
      }));
}

}  // namespace botcore::python

#endif  // BOTCORE_BINDINGS_PYTHON_PICKLING_H_
