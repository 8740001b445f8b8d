"""Every public class, function and method of botcore has a docstring
beyond the signature pybind11 generates."""

import inspect

import botcore
import botcore.ta


def _text(obj, name):
    """The docstring of `obj` without pybind11's signature lines."""
    doc = inspect.getdoc(obj) or ""
    lines = [line for line in doc.splitlines()
             if not line.startswith(f"{name}(") and line.strip()
             and line.strip() != "Overloaded function."
             and not line.strip()[:3] in {f"{n}. " for n in range(1, 10)}]
    return "\n".join(lines).strip()


def _members(cls):
    # __init__ is documented by the class docstring.
    for name, member in vars(cls).items():
        if name.startswith("_") and name not in ("__enter__", "__exit__"):
            continue
        if hasattr(cls, "__members__") and name in cls.__members__:
            continue  # enum values
        if isinstance(member, property) or name == "name" and hasattr(cls, "__members__"):
            continue
        if callable(member) or isinstance(member, (staticmethod, classmethod)):
            yield name, member


def _undocumented(module):
    missing = []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.ismodule(obj) or name == "__version__":
            continue
        if inspect.isclass(obj):
            if issubclass(obj, BaseException):
                if not (obj.__doc__ or "").strip() and obj is botcore.Error:
                    missing.append(name)
                continue
            if not (obj.__doc__ or "").strip():
                missing.append(name)
            for member_name, member in _members(obj):
                if not _text(member, member_name):
                    missing.append(f"{name}.{member_name}")
        elif callable(obj) and not _text(obj, name):
            missing.append(name)
    return missing


def test_every_class_and_function_has_a_docstring():
    assert _undocumented(botcore) == []


def test_every_ta_function_has_a_docstring():
    assert _undocumented(botcore.ta) == []
