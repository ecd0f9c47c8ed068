"""``import jsm`` is cheap: public names load on first use and agree with the type stubs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import jsm


def _type_checking_imports() -> dict[str, str]:
    tree = ast.parse(Path(jsm.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    found: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module is not None
        for alias in node.names:
            assert alias.asname == alias.name, "re-export as 'X as X'"
            module = f"jsm.{alias.name}" if node.module == "jsm" else node.module
            found[alias.name] = module
    return found


def test_lazy_exports_match_the_imports_type_checkers_see() -> None:
    exports = jsm._EXPORTS  # the table __getattr__ resolves names through
    assert _type_checking_imports() == exports
    assert set(exports) == set(jsm.__all__)


def test_every_public_name_resolves_to_its_defining_module() -> None:
    for name, module in jsm._EXPORTS.items():
        value = getattr(jsm, name)
        if module != f"jsm.{name}":
            assert value is getattr(sys.modules[module], name)


def test_unknown_attribute_raises_attribute_error() -> None:
    try:
        jsm.NoSuchThing  # noqa: B018  # the look-up is the point
    except AttributeError as err:
        assert "NoSuchThing" in str(err)
    else:
        raise AssertionError("jsm.NoSuchThing resolved")


def test_import_jsm_loads_neither_nats_nor_pydantic() -> None:
    code = (
        "import sys, jsm\n"
        "heavy = sorted(m for m in ('nats', 'pydantic', 'anyio', 'jsm.models') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
