"""Every public function and class of lindhydro has a numpydoc docstring.

"Public" means: a name in the ``__all__`` of a public module (no leading underscore in any part of
its dotted name), including the ``lindhydro`` package itself; the name is checked once, at the
module where it is defined.  A docstring passes when :func:`numpydoc.validate.validate` reports
none of :data:`REQUIRED` — a summary line, a parseable numpydoc layout, a Parameters section
that documents exactly the signature's parameters (each with a description; the fields of a
dataclass may be documented under Attributes instead, as results do), and a Returns section
wherever the code returns a value (an entry may be a bare type).  Public methods and properties
of those classes must at least have a summary line.

The API reference (``docs/``) is generated from the same ``__all__`` lists, so what passes here is
what a reader of the documentation sees.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import warnings

import numpydoc.docscrape
import numpydoc.validate
import pytest

import lindhydro

#: numpydoc checks every public function and class must pass.
REQUIRED = {
    "GL06": "unknown section (the docstring is not numpydoc)",
    "GL08": "no docstring",
    "SS01": "no summary line",
    "PR01": "parameters not documented",
    "PR02": "documented parameters that do not exist",
    "PR07": "parameter without description",
    "RT01": "returns a value but has no Returns section",
}

#: Checks for public methods and properties of public classes.
REQUIRED_MEMBERS = ("GL08", "SS01")

#: Core modules that must declare their public API (checked only once the module exists).
CORE_MODULES = (
    "lindhydro.quantum.model",
    "lindhydro.quantum.spectrum",
    "lindhydro.quantum.gibbs",
    "lindhydro.quantum.hydro",
    "lindhydro.quantum.fixed_points",
    "lindhydro.quantum.reduce",
)


def _public_modules() -> list[str]:
    names = ["lindhydro"]
    for info in pkgutil.walk_packages(lindhydro.__path__, prefix="lindhydro."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        names.append(info.name)
    return names


def _public_objects() -> dict[str, object]:
    """``{"home.module.qualname": object}`` for every function/class in a public ``__all__``."""
    found: dict[str, object] = {}
    for modname in _public_modules():
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if obj is None or not (inspect.isclass(obj) or callable(obj)):
                continue  # constants (e.g. MAX_QOBJ_SITES) are documented in the module docstring
            home = getattr(obj, "__module__", None) or modname
            qual = getattr(obj, "__qualname__", name)
            found.setdefault(f"{home}.{qual}", obj)
    return dict(sorted(found.items()))


PUBLIC = _public_objects()


def _documented_names(section) -> set[str]:
    names: set[str] = set()
    for item in section:
        for part in item.name.split(","):
            names.add(part.strip().lstrip("*"))
    return names


def _dataclass_field_errors(obj, doc) -> list[str]:
    """PR01 for a dataclass: every field in Parameters *or* Attributes (results list them there)."""
    params = [f.name for f in dataclasses.fields(obj) if f.init]
    documented = _documented_names(doc["Parameters"]) | _documented_names(doc["Attributes"])
    missing = [p for p in params if p not in documented]
    return [f"PR01 fields not documented (Parameters or Attributes): {missing}"] if missing else []


def _errors(path: str, codes) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = numpydoc.validate.validate(path)
        except Exception as exc:  # a docstring numpydoc cannot even parse
            return [f"unparseable docstring: {exc}"]
    errors = [f"{code} {msg}" for code, msg in result["errors"] if code in codes]
    obj = PUBLIC.get(path)
    if obj is not None and dataclasses.is_dataclass(obj) and "PR01" in codes:
        errors = [e for e in errors if not e.startswith("PR01")]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            doc = numpydoc.docscrape.NumpyDocString(inspect.getdoc(obj) or "")
        errors += _dataclass_field_errors(obj, doc)
    return errors


def test_public_api_is_found():
    # the test would pass vacuously if the walk found nothing
    assert "lindhydro.quantum.model.ChainParameters" in PUBLIC
    assert "lindhydro.quantum.model.paper_model" in PUBLIC


@pytest.mark.parametrize("path", list(PUBLIC))
def test_numpydoc_docstring(path):
    errors = _errors(path, REQUIRED)
    assert not errors, f"{path}: " + "; ".join(errors)


def _public_members() -> list[str]:
    members = []
    for path, obj in PUBLIC.items():
        if not inspect.isclass(obj):
            continue
        for name, attr in vars(obj).items():
            if name.startswith("_"):
                continue
            if isinstance(attr, property | staticmethod | classmethod) or inspect.isfunction(attr):
                members.append(f"{path}.{name}")
    return members


@pytest.mark.parametrize("path", _public_members())
def test_member_has_summary(path):
    errors = _errors(path, REQUIRED_MEMBERS)
    assert not errors, f"{path}: " + "; ".join(errors)


@pytest.mark.parametrize("modname", _public_modules())
def test_module_docstring(modname):
    module = importlib.import_module(modname)
    doc = inspect.getdoc(module) or ""
    assert doc.strip(), f"{modname} has no module docstring (it heads its API page)"


@pytest.mark.parametrize("modname", CORE_MODULES)
def test_core_module_declares_all(modname):
    try:
        module = importlib.import_module(modname)
    except ModuleNotFoundError:
        pytest.skip(f"{modname} does not exist (yet)")
    assert isinstance(getattr(module, "__all__", None), list | tuple), f"{modname} has no __all__"
    assert module.__all__, f"{modname}.__all__ is empty"


def test_validator_catches_a_bad_docstring():
    # the check itself must be able to fail: a function with an undocumented parameter and an
    # undocumented return value
    def bad(x):
        """Do something."""
        return x

    import types

    mod = types.ModuleType("lindhydro_docs_probe")
    mod.bad = bad
    bad.__module__ = mod.__name__
    import sys

    sys.modules[mod.__name__] = mod
    try:
        codes = {e.split()[0] for e in _errors(f"{mod.__name__}.bad", REQUIRED)}
    finally:
        del sys.modules[mod.__name__]
    assert {"PR01", "RT01"} <= codes
