"""docs/errors.md draws the whole exception tree: every class jsm.errors defines by hand.

The per-code server errors (generated from the server's error table) are summarised by
their categories; every other class must be named in the tree, so a new one cannot be
left out of the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import jsm.errors
from jsm import _generated_errors

PAGE = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def test_the_error_tree_names_every_hand_written_class_of_jsm_errors() -> None:
    tree = PAGE.read_text().split("```")[1]
    assert tree.startswith("\nJsmError\n")
    named = set(re.findall(r"\b([A-Z][A-Za-z]+Error)\b", tree))
    written = {
        name
        for name in jsm.errors.__all__
        if isinstance(getattr(jsm.errors, name), type)
        and issubclass(getattr(jsm.errors, name), jsm.errors.JsmError)
        and name not in _generated_errors.__all__
    }
    assert sorted(written - named) == []
