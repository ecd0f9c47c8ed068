"""The base of every jsm model: unknown fields kept, durations as timedelta, open enums.

Wire JSON uses integer nanoseconds for durations and RFC 3339 strings for timestamps;
Python code sees :class:`~datetime.timedelta` and aware :class:`~datetime.datetime`.
What is left out of the wire JSON is decided in one place, :meth:`Model.to_wire`:
fields that are ``None`` ("not sent; the server decides").
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, ValidationInfo

__all__ = ["Model", "Nanos", "ReplyModel", "WireEnum", "ns_to_timedelta", "timedelta_to_ns"]

_NS_PER_US = 1_000
_NS_PER_S = 1_000_000_000


def timedelta_to_ns(value: timedelta) -> int:
    """Convert a duration to integer nanoseconds, exactly (no floats)."""
    return (value.days * 86_400 + value.seconds) * _NS_PER_S + value.microseconds * _NS_PER_US


def ns_to_timedelta(value: int) -> timedelta:
    """Convert integer nanoseconds to a duration.

    ``timedelta`` holds microseconds, so a sub-microsecond remainder is dropped
    (1,500 ns becomes 1 µs); durations the server hands out are whole milliseconds.
    """
    return timedelta(microseconds=value // _NS_PER_US)


def _duration_in(value: object, info: ValidationInfo) -> object:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and info.mode == "json":
        return ns_to_timedelta(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            f"durations are datetime.timedelta values, e.g. timedelta(seconds={value}); "
            "integer nanoseconds are accepted only in wire JSON (from_json / model_validate_json)"
        )
    return value


def _duration_out(value: timedelta) -> int:
    return timedelta_to_ns(value)


Nanos = Annotated[
    timedelta,
    BeforeValidator(_duration_in),
    PlainSerializer(_duration_out, return_type=int, when_used="json"),
]
"""A duration: ``timedelta`` in Python, integer nanoseconds in wire JSON."""


class WireEnum(enum.StrEnum):
    """A string enum that keeps values it does not know.

    A newer server may send a value this version has no member for; it becomes a
    pseudo-member holding the raw string, so reading never fails and writing it back
    sends the same value.
    """

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member


class Model(BaseModel):
    """Base of all jsm models: wire field names, unknown fields kept on a round trip."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        validate_assignment=False,
        ser_json_inf_nan="constants",
    )

    def to_wire(self) -> dict[str, Any]:
        """Return the wire JSON object as a dict (``None`` fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_wire_json(self) -> bytes:
        """Return the compact wire JSON bytes (``None`` fields left out)."""
        return self.model_dump_json(by_alias=True, exclude_none=True).encode()

    @classmethod
    def from_wire(cls, data: bytes | str) -> Self:
        """Parse wire JSON (nanosecond durations, RFC 3339 timestamps)."""
        return cls.model_validate_json(data)


class ReplyModel(Model):
    """Base of models the server sends (API replies, infos): immutable once parsed."""

    model_config = ConfigDict(frozen=True)
