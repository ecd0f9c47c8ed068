"""The public namespace: every public name is exported, documented and importable."""

from __future__ import annotations

import importlib
import inspect

import pytest

import jsm

PUBLIC_MODULES = [
    "jsm",
    "jsm.errors",
    "jsm.admin",
    "jsm.events",
    "jsm.models",
    "jsm.report",
    "jsm.testing",
    "jsm.subjects",
    "jsm.units",
    "jsm.tracing",
    "jsm.metrics",
]


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_all_lists_only_existing_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_all_is_complete(module_name: str) -> None:
    module = importlib.import_module(module_name)
    # Packages and jsm.errors re-export; plain modules own only what they define.
    reexports = module_name == "jsm.errors" or str(module.__file__).endswith("__init__.py")
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and (value.__module__.startswith("jsm") if reexports else value.__module__ == module_name)
    }
    assert public <= set(module.__all__), f"missing from __all__: {public - set(module.__all__)}"


@pytest.mark.parametrize("name", jsm.__all__)
def test_public_names_have_docstrings(name: str) -> None:
    value = getattr(jsm, name)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert inspect.getdoc(value), f"jsm.{name} has no docstring"
