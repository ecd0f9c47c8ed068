"""Python code blocks of the Markdown pages (docs/ and README.md), as the docs tests see them.

A fenced ```` ```python ```` (or ```` ```py ````) block is one of three kinds:

* **run** (the default): executed, in page order, against a real server;
* **fragment**: marked by the line ``<!-- docs: fragment -->`` just before its fence; only
  type-checked, for code that cannot run on its own (a handler body, a sketch with ``...``);
* **include**: a block that only includes a script from ``examples/`` with the snippets
  syntax (``--8<-- "examples/kv.py"``); the examples tests run those scripts.

Every block, whatever its kind, is type-checked. A page picks its server with
``<!-- docs: server=cluster -->`` (a 3-node cluster); the default is a single server.
This module only reads Markdown: no I/O beyond the file, no server.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_MARKER = re.compile(r"^\s*<!--\s*docs:\s*(?P<words>[^>]*?)\s*-->\s*$")
_INCLUDE = re.compile(r'^--8<--\s+"(?P<path>[^"]+)"$')
_PYTHON = ("python", "py")
SERVERS = ("single", "cluster")


class MarkdownError(ValueError):
    """A page's blocks or markers cannot be read as the docs tests expect."""


@dataclass(frozen=True)
class Block:
    """One fenced Python block: where it is, what it holds, and how it is tested."""

    path: Path
    line: int  # 1-based line of the opening fence; the code starts on the next line
    code: str  # dedented to the fence's indentation
    kind: str  # "run", "fragment" or "include"

    @property
    def where(self) -> str:
        """``docs/page.md:12``, as error messages show it."""
        return f"{relative(self.path)}:{self.line}"

    @property
    def included(self) -> Path | None:
        """The example script an include block shows, if this is one."""
        if self.kind != "include":
            return None
        match = _INCLUDE.match(self.code.strip())
        assert match is not None  # kind "include" is only given to matching blocks
        return ROOT / match["path"]


@dataclass(frozen=True)
class Page:
    """A Markdown file with the Python blocks in it and the server they run against."""

    path: Path
    blocks: tuple[Block, ...]
    server: str = "single"

    @property
    def name(self) -> str:
        """The page's path from the repository root (used as the test id)."""
        return relative(self.path)


def relative(path: Path) -> str:
    """``path`` from the repository root, or as given when it lies elsewhere."""
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def read_page(path: Path) -> Page:
    """Read the Python blocks and the page's markers from one Markdown file.

    Raises:
        MarkdownError: an unclosed fence, an unknown marker, or a marker in the wrong place.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    server = "single"
    pending: str | None = None  # a "fragment" marker waiting for its fence
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = _MARKER.match(line)
        if marker:
            words = marker["words"].split()
            if words == ["fragment"]:
                pending = "fragment"
            elif len(words) == 1 and words[0].startswith("server="):
                server = words[0].removeprefix("server=")
                if server not in SERVERS:
                    raise MarkdownError(f"{relative(path)}:{index + 1}: unknown server {server!r}")
            else:
                raise MarkdownError(
                    f"{relative(path)}:{index + 1}: unknown docs marker {marker['words']!r}; "
                    "use '<!-- docs: fragment -->' or '<!-- docs: server=cluster -->'"
                )
            index += 1
            continue
        fence = _FENCE_OPEN.match(line)
        if not fence:
            if line.strip() and pending:
                raise MarkdownError(
                    f"{relative(path)}:{index}: '<!-- docs: fragment -->' must stand "
                    "on the line just before a ```python fence"
                )
            index += 1
            continue
        end = _closing_line(lines, index, fence["indent"], fence["fence"], path)
        language = fence["info"].split()[0] if fence["info"].split() else ""
        if language in _PYTHON:
            body = "\n".join(
                _strip_indent(text, fence["indent"]) for text in lines[index + 1 : end]
            )
            code = textwrap.dedent(body) + "\n"
            blocks.append(Block(path, index + 1, code, _kind(code, pending)))
        elif pending:
            raise MarkdownError(
                f"{relative(path)}:{index + 1}: a fragment marker before a {language or 'plain'} "
                "block; it only applies to ```python blocks"
            )
        pending = None
        index = end + 1
    return Page(path, tuple(blocks), server)


def _closing_line(lines: list[str], start: int, indent: str, fence: str, path: Path) -> int:
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            return index
    raise MarkdownError(f"{relative(path)}:{start + 1}: the code block is never closed")


def _strip_indent(text: str, indent: str) -> str:
    return text[len(indent) :] if text.startswith(indent) else text.lstrip()


def _kind(code: str, marker: str | None) -> str:
    if marker == "fragment":
        return "fragment"
    if _INCLUDE.match(code.strip()):
        return "include"
    return "run"


def all_pages() -> list[Page]:
    """Every Markdown page of the site, plus README.md, that holds a Python block."""
    paths = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    return [page for page in map(read_page, paths) if page.blocks]
