"""Sorting and filtering of report rows (pure): sort keys, subject overlap."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from jsm._errors_base import InvalidOptionError

if TYPE_CHECKING:
    from jsm.report._rows import StreamRow

__all__ = ["SORT_KEYS", "SortKey", "check_sort_key", "sort_value", "subjects_overlap"]

SortKey = Literal[
    "name",
    "account",
    "domain",
    "cluster",
    "storage",
    "consumers",
    "messages",
    "bytes",
    "lost",
    "deleted",
    "api_level",
    "replicas",
    "lagged",
    "offline",
]
"""The columns a stream report can be sorted by."""

SORT_KEYS: tuple[str, ...] = get_args(SortKey)


def check_sort_key(by: str) -> SortKey:
    """Return ``by`` if it is a sort key.

    Raises:
        InvalidOptionError: ``by`` names no column (the message lists them).
    """
    if by not in SORT_KEYS:
        raise InvalidOptionError(
            f"cannot sort a stream report by {by!r}; use one of: {', '.join(SORT_KEYS)}"
        )
    return by  # type: ignore[return-value]  # checked against the Literal's values just above


def sort_value(row: StreamRow, by: SortKey) -> tuple[bool, int | str]:
    """The sort key of ``row`` for column ``by``; unknown values (``None``) sort last."""
    value: int | str | None
    if by == "lost":
        value = row.lost_messages
    elif by == "replicas":
        value = row.num_replicas
    elif by == "lagged":
        value = len(row.lagged)
    elif by == "offline":
        value = len(row.offline)
    elif by == "storage":
        value = row.storage.value
    else:
        value = getattr(row, by)
    return (value is None, value if value is not None else 0)


def subjects_overlap(left: str, right: str) -> bool:
    """Whether some subject matches both ``left`` and ``right`` (wildcards allowed in each)."""
    a, b = left.split("."), right.split(".")
    for x, y in zip(a, b, strict=False):
        if x == ">" or y == ">":
            return True
        if x != y and x != "*" and y != "*":
            return False
    return len(a) == len(b)
