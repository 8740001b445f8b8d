"""The .pyi stubs and the compiled module describe the same names."""

import ast
import inspect
import pathlib

import botcore
from botcore import _botcore

STUB = pathlib.Path(botcore.__file__).with_name("_botcore.pyi")


def _defined_names(body):
    """Names that functions, classes and assignments define in an AST body."""
    names = set()
    for node in body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _stub_names():
    tree = ast.parse(STUB.read_text())
    members = {node.name: _defined_names(node.body)
               for node in tree.body if isinstance(node, ast.ClassDef)}
    return _defined_names(tree.body), members


def _public(names):
    return {n for n in names if not n.startswith("_") or n == "__version__"}


def _module_members(cls):
    own = set(vars(cls))
    if hasattr(cls, "__members__"):  # a pybind11 enum: its values
        return set(cls.__members__)
    dunders = {"__init__", "__add__", "__sub__", "__mul__", "__rmul__", "__neg__",
               "__bool__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__",
               "__iter__", "__next__", "__len__", "__getitem__", "__enter__",
               "__exit__", "__call__"}
    return {n for n in own if not n.startswith("_") or n in dunders}


def test_every_module_name_has_a_stub_and_vice_versa():
    stub_top, _ = _stub_names()
    stub_top = _public(stub_top)  # without the stubs' own helpers (_T)
    module_top = _public(dir(_botcore))
    assert module_top - stub_top == set(), "names without a stub"
    assert stub_top - module_top == set(), "stubs without a name"


def test_every_class_member_has_a_stub_and_vice_versa():
    _, stub_members = _stub_names()
    for name, stubbed in stub_members.items():
        cls = getattr(_botcore, name)
        if not inspect.isclass(cls):
            continue
        if issubclass(cls, BaseException):
            assert isinstance(cls.code, str), name
            continue
        actual = _module_members(cls)
        if hasattr(cls, "__members__"):
            stubbed = {n for n in stubbed if not n.startswith("_")}
        else:
            stubbed = {n for n in stubbed
                       if not n.startswith("_") or n in actual or n == "__init__"}
        assert actual - stubbed == set(), f"{name}: members without a stub"
        assert stubbed - actual == set(), f"{name}: stubs without a member"


def test_package_reexports_the_module():
    assert set(botcore.__all__) == _public(dir(_botcore))
