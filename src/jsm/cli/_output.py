"""Printing for people (rich tables, colour only on a terminal) and for scripts (``-j``).

Everything a command prints goes through here so that ``NO_COLOR``, non-terminal output
and ``--json`` behave the same in every command. rich is imported on first use only, so
``jsm --help`` does not pay for it.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from rich.console import Console


def console() -> Console:
    """Return a console on the current stdout (colour only on a terminal, never with NO_COLOR)."""
    from rich.console import Console

    out = sys.stdout
    return Console(
        file=out,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")),
        force_terminal=None,
        width=None if out.isatty() else 200,
    )


def error_console() -> Console:
    """Return a console on stderr with the same rules as :func:`console`."""
    from rich.console import Console

    return Console(
        file=sys.stderr, highlight=False, no_color=bool(os.environ.get("NO_COLOR")), width=200
    )


def is_tty() -> bool:
    """Whether stdout is a terminal (progress bars and prompts only then)."""
    return sys.stdout.isatty()


def colour() -> bool:
    """Whether text the command colours itself may hold ANSI colours (a terminal, no NO_COLOR)."""
    return is_tty() and not os.environ.get("NO_COLOR")


def print_json(data: object) -> None:
    """Print ``data`` as indented JSON (models as their wire JSON)."""
    print(json.dumps(to_jsonable(data), indent=2))


_ENVELOPE = ("type", "total", "offset", "limit")


def names(found: Iterable[str], *, json_: bool) -> None:
    """Print names as one JSON list (``-j``) or one a line."""
    if json_:
        print_json(list(found))
        return
    for name in found:
        line(name)


def to_jsonable(data: object) -> object:
    """Turn models, lists and dicts of them into plain JSON values.

    An info kept from an API reply loses the reply's envelope (``type``, paging
    fields), so ``-j`` prints the info itself as natscli does.
    """
    to_wire = getattr(data, "to_wire", None)
    if callable(to_wire):
        wire = to_wire()
        if isinstance(wire, dict) and str(wire.get("type", "")).startswith("io.nats.jetstream.api"):
            wire = {k: v for k, v in wire.items() if k not in _ENVELOPE}
        return wire
    if isinstance(data, dict):
        return {str(k): to_jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [to_jsonable(v) for v in data]
    return data


def line(text: str = "") -> None:
    """Print one plain line (no markup interpretation)."""
    print(text)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Print a table (rich box drawing on a terminal, plain ASCII otherwise)."""
    from rich import box
    from rich.table import Table

    out = console()
    grid = Table(
        title=title,
        box=box.ROUNDED if out.is_terminal else box.ASCII,
        title_justify="left",
    )
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*(cell(value) for value in row))
    out.print(grid)


def cell(value: object) -> str:
    """Format one value for a table or a key/value listing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, timedelta):
        return duration(value)
    if isinstance(value, datetime):
        # Go's zero time (year 1) stands for "never" in the server's JSON.
        return "never" if value.year <= 1 else value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={cell(v)}" for k, v in value.items())
    return str(getattr(value, "value", value))


def duration(value: timedelta) -> str:
    """Format a duration the way natscli does (``1y0d0h0m0s`` → ``1y``, ``2m0s`` → ``2m``)."""
    total = int(value.total_seconds())
    if total <= 0 and value.microseconds == 0:
        return "0s" if total == 0 else f"-{duration(-value)}"
    parts = []
    for unit, size in (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    if not parts:
        return f"{value.total_seconds() * 1000:g}ms"
    return "".join(parts)


def size(value: int | None) -> str:
    """Format a byte count (``-1`` = unlimited) with 1024-based units."""
    if value is None or value < 0:
        return "unlimited"
    amount = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if amount < 1024 or unit == "TiB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{value} B"


def limit(value: int | None) -> str:
    """Format a count limit (``-1`` or ``None`` = unlimited)."""
    return "unlimited" if value is None or value < 0 else f"{value:,}"


def fields(title: str, items: Iterable[tuple[str, Any]]) -> None:
    """Print a titled block of ``label: value`` lines, skipping empty values."""
    rows = [(label, cell(value)) for label, value in items if value not in (None, "", [], {})]
    print(title)
    print()
    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        print(f"  {label.rjust(width)}: {value}")
    print()
