"""Small shared option types: the ``NOT_GIVEN`` sentinel and call-site durations.

Call arguments that are waits or timeouts accept ``timedelta`` or a number of seconds
(:data:`Duration`); they are converted once, here, and checked with a message that
says which rule was broken. Text is not a call-site duration: ``jsm.parse_duration``
reads natscli's ``"1h30m"`` into a ``timedelta`` (model fields take such text directly).
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Final, Literal, TypeAlias

from jsm._errors_base import InvalidOptionError
from jsm.units import MAX_DURATION

__all__ = ["NOT_GIVEN", "Duration", "NotGiven", "duration_seconds", "show_duration", "to_timedelta"]


class NotGiven(enum.Enum):
    """The type of :data:`NOT_GIVEN`: an argument the caller left out."""

    NOT_GIVEN = enum.auto()

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


NOT_GIVEN: Final = NotGiven.NOT_GIVEN
"""Marks "use the default" so that ``None`` can mean "no limit" where that makes sense."""

Duration: TypeAlias = timedelta | float
"""A wait or timeout: a ``timedelta``, or a number of seconds."""


def to_timedelta(value: Duration, *, name: str, minimum: timedelta | None = None) -> timedelta:
    """Convert a call-site duration to ``timedelta``, rejecting zero, negatives and NaN.

    Raises:
        InvalidOptionError: the value is not a positive duration, is below ``minimum``, or
            is longer than the server can hold (about 292 years).
    """
    if isinstance(value, str):
        raise InvalidOptionError(
            f"{name} must be a timedelta or a number of seconds (got {value!r}); "
            f"for text use jsm.parse_duration({value!r})"
        )
    if isinstance(value, bool) or not isinstance(value, timedelta | int | float):
        raise InvalidOptionError(
            f"{name} must be a timedelta or a number of seconds (got {value!r})"
        )
    result = value if isinstance(value, timedelta) else _seconds_to_timedelta(value, name)
    if result > MAX_DURATION:
        raise InvalidOptionError(
            f"{name} is longer than the server can hold (int64 nanoseconds: at most about "
            f"292 years; got {show_duration(result)})"
        )
    if result <= timedelta(0):
        raise InvalidOptionError(f"{name} must be positive (got {show_duration(result)})")
    if minimum is not None and result < minimum:
        raise InvalidOptionError(
            f"{name} must be at least {show_duration(minimum)} (got {show_duration(result)})"
        )
    return result


def duration_seconds(value: Duration, *, name: str, minimum: timedelta | None = None) -> float:
    """Like :func:`to_timedelta`, but return float seconds (for transport calls)."""
    return to_timedelta(value, name=name, minimum=minimum).total_seconds()


def _seconds_to_timedelta(value: float, name: str) -> timedelta:
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        raise InvalidOptionError(f"{name} must be a finite number of seconds (got {value!r})")
    if value < -MAX_DURATION.total_seconds():  # beyond what timedelta itself can hold
        raise InvalidOptionError(f"{name} must be positive (got {value:g}s)")
    if value > MAX_DURATION.total_seconds():
        raise InvalidOptionError(
            f"{name} is longer than the server can hold (int64 nanoseconds: at most about "
            f"292 years; got {value:g}s)"
        )
    return timedelta(seconds=value)


def show_duration(value: timedelta) -> str:
    """Write a duration briefly for messages: ``200ms``, ``90s``, ``400 days``."""
    seconds = value.total_seconds()
    if abs(seconds) < 1:
        return f"{seconds * 1000:g}ms"
    if abs(seconds) < 2 * 86_400:
        return f"{seconds:g}s"
    return f"{seconds / 86_400:g} days"
