"""The site's structure: every page is reachable, the API reference lists every public name."""

from __future__ import annotations

import importlib
import re

import jsm
from tests.docs.blocks import DOCS, ROOT

_DIRECTIVE = re.compile(r"^::: (?P<path>[\w.]+)$", flags=re.MULTILINE)


def _nav_pages() -> set[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = text[text.index("\nnav:\n") :]
    return set(re.findall(r"[\w./-]+\.md", nav))


def _reference_paths() -> list[str]:
    pages = sorted((DOCS / "reference").glob("*.md"))
    return [m["path"] for page in pages for m in _DIRECTIVE.finditer(page.read_text())]


def test_every_page_is_in_the_navigation() -> None:
    pages = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    nav = _nav_pages()
    assert not pages - nav, f"pages the navigation does not reach: {sorted(pages - nav)}"
    assert not nav - pages, f"navigation entries without a page: {sorted(nav - pages)}"


def test_api_reference_lists_every_public_name() -> None:
    documented = set(_reference_paths())
    missing = [name for name in jsm.__all__ if f"jsm.{name}" not in documented]
    assert not missing, f"add '::: jsm.NAME' to a page of docs/reference/ for: {missing}"


def test_api_reference_names_each_object_once_and_they_exist() -> None:
    paths = _reference_paths()
    assert len(paths) == len(set(paths)), "an object is documented twice"
    for path in paths:
        module, _, name = path.rpartition(".")
        try:
            owner = importlib.import_module(path)
        except ModuleNotFoundError:
            owner = getattr(importlib.import_module(module), name)
        assert owner is not None, path
