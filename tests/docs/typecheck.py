"""Type-check every Python block of the docs with ``mypy --strict``, the project's settings.

Each page becomes one module: the names every page may use (``jsm``, ``js``, ``url``,
see :mod:`tests.docs.execute`) are declared, and the page's blocks, in order and
fragments included, form the body of one ``async def``, so top-level ``await`` is
allowed and a block sees what earlier blocks defined, as when the page runs. The
function declares those three names ``global``: a block that rebinds one (``async with
jsm.connect(url) as js``) does not make it local to the whole page. One mypy
run checks all pages; its messages are mapped back to ``docs/page.md:line``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

from tests.docs.blocks import ROOT, Page, relative

if TYPE_CHECKING:
    from pathlib import Path

_PRELUDE = """\
import jsm

js: jsm.Manager
url: str


async def _docs_page() -> None:
    global js, jsm, url
"""
_MESSAGE = re.compile(r"^(?P<file>[^:]+\.py):(?P<line>\d+): (?P<rest>.*)$")


def page_module(page: Page) -> tuple[str, list[str]]:
    """The module text for ``page`` and, per module line, where it came from (or "")."""
    lines = _PRELUDE.splitlines()
    origins = [""] * len(lines)
    for block in page.blocks:
        if block.kind == "include":
            continue  # the example script is type-checked where it lives, in examples/
        for offset, text in enumerate(block.code.splitlines(), start=1):
            lines.append(textwrap.indent(text, "    ") if text.strip() else "")
            origins.append(f"{relative(block.path)}:{block.line + offset}")
    lines.append("    pass")  # a page whose blocks are all includes still parses
    origins.append("")
    return "\n".join(lines) + "\n", origins


def type_errors(pages: list[Page], folder: Path) -> dict[str, list[str]]:
    """Run mypy over ``pages`` (modules written to ``folder``); errors per page name."""
    origins: dict[str, tuple[str, list[str]]] = {}
    files: list[str] = []
    for number, page in enumerate(pages):
        text, page_origins = page_module(page)
        module = folder / f"docs_page_{number}.py"
        module.write_text(text, encoding="utf-8")
        origins[module.name] = (page.name, page_origins)
        files.append(str(module))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-error-summary",
            "--show-error-codes",
            "--no-pretty",
            # Pages show several complete scripts, each with its own main().
            "--disable-error-code",
            "no-redef",
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    errors: dict[str, list[str]] = {page.name: [] for page in pages}
    for line in result.stdout.splitlines():
        match = _MESSAGE.match(line)
        if match is None:
            continue
        name = match["file"].rsplit("/", 1)[-1]
        if name not in origins:
            continue
        page_name, page_origins = origins[name]
        index = int(match["line"]) - 1
        where = page_origins[index] if index < len(page_origins) else ""
        if not match["rest"].startswith("note:"):
            errors[page_name].append(f"{where or page_name}: {match['rest']}")
    if result.returncode not in (0, 1) or (result.returncode == 1 and not any(errors.values())):
        raise RuntimeError(f"mypy could not check the docs:\n{result.stdout}\n{result.stderr}")
    return errors
