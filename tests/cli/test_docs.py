"""docs/cli.md lists every command the ``jsm`` app has, with its natscli equivalent."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from jsm.cli import build_app
from jsm.cli._root import COMMANDS, GROUPS, load_group

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _paths(command: object, prefix: list[str]) -> list[list[str]]:
    children = getattr(command, "commands", None)
    if children is None:
        return [prefix]
    return [path for name, child in children.items() for path in _paths(child, [*prefix, name])]


def _all_commands() -> list[list[str]]:
    root = typer.main.get_command(build_app())  # type: ignore[arg-type]  # a typer.Typer
    found = [[name] for name in [*getattr(root, "commands", {}), *COMMANDS]]
    for group in GROUPS:
        found += _paths(load_group(group), [group])
    return found


def _first_cells() -> list[str]:
    rows = [
        line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| `jsm ")
    ]
    return [row.split("|")[1] for row in rows]


def test_every_command_has_a_row_in_the_table() -> None:
    cells = _first_cells()
    missing = []
    for path in _all_commands():
        *parents, name = path
        prefix = "`jsm " + " ".join(parents)
        rows = [cell for cell in cells if cell.strip().startswith(prefix.strip())]
        if not any(name in re.split(r"[^\w-]+", cell) for cell in rows):
            missing.append(" ".join(path))
    assert not missing, f"docs/cli.md has no row for: {missing}"


def test_every_row_names_its_natscli_equivalent() -> None:
    rows = [
        line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| `jsm ")
    ]
    assert rows and all(len(row.split("|")) >= 5 for row in rows)
