// The private extension module behind the `botcore` package.

#include <pybind11/pybind11.h>

#include "status.h"

namespace botcore::python {
void BindAmount(pybind11::module_& m);
void BindTa(pybind11::module_& m);
void BindPatterns(pybind11::module_& m);
void BindSignalJournal(pybind11::module_& m);
void BindStrategy(pybind11::module_& m);
void BindTrading(pybind11::module_& m);
void BindPaperTrading(pybind11::module_& m);
void BindLedger(pybind11::module_& m);
void BindPorts(pybind11::module_& m);
void BindRuntime(pybind11::module_& m);
void BindBot(pybind11::module_& m);
}  // namespace botcore::python

PYBIND11_MODULE(_botcore, m) {
  m.doc() = "botcore's C++ core; import the `botcore` package instead.";
  m.attr("__version__") = BOTCORE_PYTHON_VERSION;
  botcore::python::BindErrors(m);
  botcore::python::BindAmount(m);
  botcore::python::BindTa(m);
  botcore::python::BindPatterns(m);
  botcore::python::BindSignalJournal(m);
  botcore::python::BindTrading(m);  // Strategy, which DefaultStrategy extends
  botcore::python::BindPorts(m);    // Advisor, which the desk takes
  botcore::python::BindPaperTrading(m);
  botcore::python::BindStrategy(m);
  botcore::python::BindLedger(m);
  botcore::python::BindRuntime(m);
  botcore::python::BindBot(m);  // takes the ports bound above
}
