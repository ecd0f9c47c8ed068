"""The repository's code generators (``tools/gen_*.py``), loaded as modules by the tests.

The tests compare the generated files with a fresh rendering, and validate events
against the schemas the event generator reads.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
"""The repository's root."""
SCHEMAS = ROOT / "spec" / "schemas"
"""The JetStream JSON schemas the event models are generated from."""


def load_tool(name: str) -> ModuleType:
    """Load ``tools/<name>.py`` (not a package, so not importable by name)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
