"""Render a report as plain-text tables, like ``nats stream report`` prints (pure, no I/O)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm.report._rows import ReplicaState

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import timedelta

    from jsm.report._rows import ReplicaRow, ReplicationRow, StreamRow

__all__ = ["render_text"]

_STREAM_HEADERS = (
    "Stream",
    "Storage",
    "Placement",
    "Consumers",
    "Messages",
    "Bytes",
    "Lost",
    "Deleted",
    "API Level",
    "Replicas",
)
_REPLICATION_HEADERS = (
    "Stream",
    "Kind",
    "API Prefix",
    "Source Stream",
    "Filters and Transforms",
    "Active",
    "Lag",
    "Error",
)


def _age(value: timedelta | None) -> str:
    if value is None:
        return "never"
    seconds = value.total_seconds()
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.1f}s"


def _replica(replica: ReplicaRow) -> str:
    if replica.state == ReplicaState.LEADER:
        return f"{replica.name}*"
    if replica.state == ReplicaState.OFFLINE:
        return f"{replica.name}! (offline)"
    if replica.state == ReplicaState.LAGGED:
        return f"{replica.name}~ (lag {replica.lag})"
    return replica.name


def _placement(row: StreamRow) -> str:
    placement = row.placement
    if placement is None:
        return ""
    parts = [f"cluster: {placement.cluster}"] if placement.cluster else []
    if placement.tags:
        parts.append(f"tags: {', '.join(placement.tags)}")
    return " ".join(parts)


def _stream_cells(row: StreamRow) -> list[str]:
    name = row.name if row.account is None else f"{row.account} > {row.name}"
    lost = f"{row.lost_messages} ({row.lost_bytes} B)" if row.lost_messages else "0"
    level = "" if row.required_api_level is None else str(row.required_api_level)
    if row.api_level is not None:
        level = f"{level or 0} (server {row.api_level})"
    return [
        name,
        row.storage.value,
        _placement(row),
        str(row.consumers),
        str(row.messages),
        str(row.bytes),
        lost,
        str(row.deleted),
        level,
        ", ".join(_replica(r) for r in row.replicas),
    ]


def _replication_cells(row: ReplicationRow) -> list[str]:
    return [
        row.stream if row.account is None else f"{row.account} > {row.stream}",
        row.kind.value,
        row.api_prefix or "",
        row.upstream,
        ", ".join(row.filters),
        _age(row.active),
        str(row.lag),
        row.error_text or "",
    ]


def _table(title: str, headers: Sequence[str], rows: Iterable[list[str]]) -> list[str]:
    cells = [list(headers), *rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]
    lines = [title]
    for index, line in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def render_text(
    streams: Sequence[StreamRow], replication: Sequence[ReplicationRow], missing: Sequence[str]
) -> str:
    """The stream table, then the replication table (if any), then missing streams (if any)."""
    lines = _table("Stream Report", _STREAM_HEADERS, (_stream_cells(r) for r in streams))
    if replication:
        lines += [
            "",
            *_table(
                "Replication Report", _REPLICATION_HEADERS, map(_replication_cells, replication)
            ),
        ]
    if missing:
        lines += ["", f"Missing streams (no leader answered): {', '.join(missing)}"]
    return "\n".join(lines) + "\n"
