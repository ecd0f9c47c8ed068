"""The tables ``python -m bench`` prints at the end: every workload across the peers, and scale.

Each bench module writes its JSON document to ``bench/results``; the documents written
during this run are read back here. Their ``rows`` make the three-peer table (jsm,
nats-py, nats.js, the bare nats-py floor, and jsm's ratio to each); ``scale``'s rows make
the scale table. Both are written together to ``bench/results/summary.json``.
"""

from __future__ import annotations

import json
import platform
from typing import TYPE_CHECKING

from bench._common import RESULTS_DIR

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

PEERS = ("jsm", "nats-py", "nats.js", "floor")
SUMMARY = RESULTS_DIR / "summary.json"


def documents_since(start: float) -> list[dict[str, object]]:
    """The result documents written at or after ``start`` (a ``time.time()``)."""
    paths: list[Path] = sorted(RESULTS_DIR.glob("*.json")) if RESULTS_DIR.exists() else []
    found = []
    for path in paths:
        if path != SUMMARY and path.stat().st_mtime >= start:
            found.append(json.loads(path.read_text()))
    return found


def _rate(value: object) -> str:
    return f"{value:,.0f}" if isinstance(value, int | float) else "—"


def _ratio(row: dict[str, object], peer: str) -> str:
    ours, theirs = row.get("jsm"), row.get(peer)
    if isinstance(ours, int | float) and isinstance(theirs, int | float) and theirs:
        return f"{ours / theirs:.2f}x"
    return "—"


def peer_table(documents: list[dict[str, object]]) -> list[dict[str, object]]:
    """Print the three-peer table of every document's ``rows``; return the rows."""
    rows: list[dict[str, object]] = []
    for document in documents:
        rows += document.get("rows", [])  # type: ignore[arg-type]  # a list of row dicts
    if not rows:
        return rows
    header = ("workload", "unit", *PEERS, "jsm/nats-py", "jsm/nats.js", "jsm/floor")
    lines = [
        (
            str(row["workload"]),
            str(row["unit"]),
            *(_rate(row.get(peer)) for peer in PEERS),
            *(_ratio(row, peer) for peer in ("nats-py", "nats.js", "floor")),
        )
        for row in rows
    ]
    _print_table(
        "One run, three peers (floor: bare nats-py doing the same shape, parsing nothing)",
        header,
        lines,
    )
    return rows


def scale_table(documents: list[dict[str, object]]) -> list[dict[str, object]]:
    """Print the scale table from the documents' ``scale`` rows; return them."""
    rows: list[dict[str, object]] = []
    for document in documents:
        rows += document.get("scale", [])  # type: ignore[arg-type]  # a list of row dicts
    if not rows:
        return rows
    header = ("workload", "size", "seconds", "per item", "peak RSS growth", "growth vs small")
    lines = [
        (
            str(row["workload"]),
            f"{row['size']:,}",
            f"{row['seconds']:.2f}",
            str(row["per_item"]),
            f"{row['rss_growth_mib']:.1f} MiB",
            str(row.get("growth", "")),
        )
        for row in rows
    ]
    _print_table("Scale (time and peak RSS as the work grows)", header, lines)
    return rows


def _print_table(title: str, header: tuple[str, ...], lines: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    print(f"\n{title}")
    for cells in (header, *lines):
        first, *rest = cells
        print(
            f"  {first:<{widths[0]}}  "
            + "  ".join(f"{cell:>{width}}" for cell, width in zip(rest, widths[1:], strict=True))
        )


def summarize(start: float) -> None:
    """Print both tables for the documents written since ``start``; write the summary JSON."""
    documents = documents_since(start)
    peers = peer_table(documents)
    scale = scale_table(documents)
    summary = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "peers": peers,
        "scale": scale,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=2))
    print(f"\n  summary written to {SUMMARY}")
