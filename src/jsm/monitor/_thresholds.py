"""Thresholds: checking them, reading them from ``io.nats.monitor.*`` metadata, judging values."""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import TYPE_CHECKING

from jsm import units
from jsm._errors_base import InvalidOptionError
from jsm._options import Duration, to_timedelta

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jsm.monitor._result import CheckResult

__all__ = [
    "Direction",
    "MetadataError",
    "check_count",
    "check_duration",
    "direction_of",
    "judge",
    "parse_duration",
    "read_metadata",
]


class MetadataError(ValueError):
    """A ``io.nats.monitor.*`` metadata value that could not be read."""


class Direction(enum.Enum):
    """Whether a higher or a lower value is worse."""

    HIGHER_IS_WORSE = "higher"
    LOWER_IS_WORSE = "lower"


def parse_duration(text: str) -> timedelta:
    """Read a positive duration: natscli's text (``"90s"``, ``"1h30m"``, ``"2d"``, ``"1y"``;
    see :func:`jsm.parse_duration`) or a bare number of seconds (``"90"``).

    Raises:
        ValueError: the text is not such a duration, is not positive, or is longer than
            the server can hold.
    """
    raw = text.strip()
    try:
        seconds = float(raw)
    except ValueError:
        value = units.parse_duration(raw)
    else:
        if not 0 < seconds <= units.MAX_DURATION.total_seconds():  # NaN fails too
            raise ValueError(f"{text!r} is not a positive duration of at most about 292 years")
        value = timedelta(seconds=seconds)
    if value <= timedelta(0):
        raise ValueError(f"{text!r} is not a positive duration")
    return value


def check_count(value: int | None, *, name: str) -> int | None:
    """Check a count threshold: ``None`` or a non-negative integer.

    Raises:
        InvalidOptionError: anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidOptionError(f"{name} must be a non-negative integer or None (got {value!r})")
    return value


def check_percent(value: float | None, *, name: str) -> float | None:
    """Check a percentage threshold: ``None`` or a number from 0 to 100.

    Raises:
        InvalidOptionError: anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise InvalidOptionError(f"{name} must be a percentage from 0 to 100 (got {value!r})")
    return float(value)


def check_duration(value: Duration | None, *, name: str) -> timedelta | None:
    """Check a duration threshold: ``None``, a positive ``timedelta`` or seconds.

    Raises:
        InvalidOptionError: anything else.
    """
    return None if value is None else to_timedelta(value, name=name)


def read_metadata(
    metadata: Mapping[str, str] | None, keys: Mapping[str, tuple[str, type]]
) -> dict[str, int | timedelta]:
    """Thresholds found in metadata: ``keys`` maps a metadata key to (option, int|timedelta).

    Raises:
        MetadataError: a value is not a valid count or duration.
    """
    found: dict[str, int | timedelta] = {}
    for key, (option, kind) in keys.items():
        text = (metadata or {}).get(key)
        if text is None:
            continue
        try:
            if kind is timedelta:
                found[option] = parse_duration(text)
            else:
                number = int(text.strip())
                if number < 0:
                    raise ValueError("negative")
                found[option] = number
        except ValueError as err:
            what = "duration" if kind is timedelta else "non-negative integer"
            raise MetadataError(f"metadata {key}={text!r} is not a valid {what}: {err}") from err
    return found


def direction_of(warn: float | None, crit: float | None, *, default: Direction) -> Direction:
    """The direction two thresholds imply: warn above crit means lower is worse.

    With only one threshold the ``default`` applies.
    """
    if warn is not None and crit is not None and warn != crit:
        return Direction.HIGHER_IS_WORSE if warn < crit else Direction.LOWER_IS_WORSE
    return default


def _breaches(value: float, limit: float, direction: Direction) -> bool:
    return value >= limit if direction is Direction.HIGHER_IS_WORSE else value <= limit


def judge(
    result: CheckResult,
    value: float,
    *,
    warn: float | None,
    crit: float | None,
    direction: Direction,
    message: str,
) -> None:
    """Record ``message`` as critical, warning or ok by comparing ``value`` to the thresholds.

    Higher is worse: ``value >= threshold`` breaches; lower is worse: ``value <= threshold``.
    """
    if crit is not None and _breaches(value, crit, direction):
        result.critical(message)
    elif warn is not None and _breaches(value, warn, direction):
        result.warning(message)
    else:
        result.ok(message)
