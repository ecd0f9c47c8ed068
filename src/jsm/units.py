"""Durations and sizes written as text, the way the nats CLI reads them.

``parse_duration("1h30m")`` and ``parse_size("10GB")`` accept what natscli users already
type: Go durations (``ns``, ``us``/``µs``, ``ms``, ``s``, ``m``, ``h``) plus ``d`` (24 h),
``w`` (7 d), ``M`` (30 d) and ``y`` (365 d); sizes as a number of bytes or a number with a
1024-based unit (``K``/``KB``/``KiB`` … ``T``/``TB``/``TiB``), with any negative meaning
"unlimited" (``-1``). Both are pure functions; arithmetic is exact (no floats).
"""

from __future__ import annotations

import re
from datetime import timedelta
from fractions import Fraction

from jsm._errors_base import InvalidOptionError

__all__ = ["MAX_DURATION", "parse_duration", "parse_size"]

_NS = 1
_US = 1_000 * _NS
_MS = 1_000 * _US
_S = 1_000 * _MS
_MIN = 60 * _S
_H = 60 * _MIN
_DAY = 24 * _H

_DURATION_UNITS: dict[str, int] = {
    "ns": _NS,
    "us": _US,
    "µs": _US,  # U+00B5 MICRO SIGN
    "μs": _US,  # U+03BC GREEK SMALL LETTER MU (Go accepts both)
    "ms": _MS,
    "s": _S,
    "m": _MIN,
    "h": _H,
    "d": _DAY,
    "D": _DAY,
    "w": 7 * _DAY,
    "W": 7 * _DAY,
    "M": 30 * _DAY,
    "y": 365 * _DAY,
    "Y": 365 * _DAY,
}

_INT64_MAX = 2**63 - 1

MAX_DURATION = timedelta(microseconds=_INT64_MAX // _US)
"""The longest duration the server can hold: int64 nanoseconds, about 292 years."""

_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|[smhdDwWMyY])")
_DURATION_HINT = (
    "write a number and a unit (ns, us, ms, s, m, h, d, w, M = 30 days, y = 365 days), "
    "e.g. '90s', '1h30m', '2m', '1y'"
)


def parse_duration(text: str) -> timedelta:
    """Parse a natscli duration such as ``"90s"``, ``"1h30m"``, ``"2m"``, ``"1d"`` or ``"1y"``.

    ``"0"`` is zero; a leading ``-`` or ``+`` applies to the whole value. Parts may repeat
    and carry fractions (``"1.5h"``, ``"1y2M"``). Sub-microsecond remainders are dropped,
    as :class:`~datetime.timedelta` holds microseconds.

    Raises:
        InvalidOptionError: the text is not a duration, or its magnitude exceeds
            :data:`MAX_DURATION` (the server's int64 nanoseconds).
    """
    if not isinstance(text, str):
        raise InvalidOptionError(f"a duration string is expected (got {text!r})")
    body = text.strip()
    sign = 1
    if body[:1] in ("-", "+"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if body == "0":
        return timedelta(0)
    if not body:
        raise InvalidOptionError(f"invalid duration {text!r}: {_DURATION_HINT}")
    total = Fraction(0)
    position = 0
    while position < len(body):
        match = _PART.match(body, position)
        if match is None:
            raise InvalidOptionError(f"invalid duration {text!r}: {_DURATION_HINT}")
        number, unit = match.groups()
        total += Fraction(number) * _DURATION_UNITS[unit]
        position = match.end()
    nanos = int(total)  # whole nanoseconds, as the server keeps them
    if nanos > _INT64_MAX:
        raise InvalidOptionError(
            f"duration {text!r} is longer than the server can hold (at most about 292 years)"
        )
    return sign * timedelta(microseconds=nanos // _US)


_SIZE_UNITS: dict[str, int] = {
    "B": 0,
    "K": 10,
    "KB": 10,
    "KIB": 10,
    "M": 20,
    "MB": 20,
    "MIB": 20,
    "G": 30,
    "GB": 30,
    "GIB": 30,
    "T": 40,
    "TB": 40,
    "TIB": 40,
}
_SIZE = re.compile(r"([0-9]+)([A-Za-z]*)")
_SIZE_HINT = "write a number of bytes or a number with a unit (B, K/KB/KiB, M/MB/MiB, G, T), e.g. '10GB', '1KiB', or -1 for unlimited"


def parse_size(text: str) -> int:
    """Parse a natscli size such as ``"1024"``, ``"10GB"``, ``"1KiB"`` or ``"-1"`` into bytes.

    Units are 1024-based and case-insensitive (``K`` = ``KB`` = ``KiB`` = 1024). Any
    negative value means "unlimited" and is returned as ``-1``.

    Raises:
        InvalidOptionError: the text is not a size, or exceeds int64.
    """
    if not isinstance(text, str):
        raise InvalidOptionError(f"a size string is expected (got {text!r})")
    body = text.strip()
    negative = body.startswith("-")
    match = _SIZE.fullmatch(body[1:] if negative else body)
    unit = match.group(2).upper() if match else ""
    shift = _SIZE_UNITS.get(unit or "B")
    if match is None or shift is None:
        raise InvalidOptionError(f"invalid size {text!r}: {_SIZE_HINT}")
    if negative:
        return -1
    value = int(match.group(1)) << shift
    if value > _INT64_MAX:
        raise InvalidOptionError(f"size {text!r} is larger than the server can hold (int64)")
    return value
