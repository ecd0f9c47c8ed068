"""What a publish may ask of the stream, turned into headers: expectations, TTL, rollup.

Everything here is pure and checked before anything reaches the wire: an
:class:`Expect` with a negative sequence, a TTL under a second, a wildcard subject, a
header name with a space or a line break in a header value (or ``msg_id``) raise
:class:`~jsm.InvalidOptionError` / :class:`~jsm.errors.InvalidNameError` with the rule
they broke. The header names are the server's (ADR-22, ADR-43, ADR-49, ADR-50).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from jsm._constants import PUBLISH_MIN_TTL
from jsm._errors_base import InvalidNameError, InvalidOptionError
from jsm._limits import header_block_size
from jsm._options import Duration, to_timedelta
from jsm.subjects import check_subject

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "BATCH_COMMIT",
    "BATCH_ID",
    "BATCH_SEQUENCE",
    "EXPECTED_LAST_MSG_ID",
    "EXPECTED_LAST_SEQUENCE",
    "EXPECTED_LAST_SUBJECT_SEQUENCE",
    "EXPECTED_LAST_SUBJECT_SEQUENCE_SUBJECT",
    "EXPECTED_STREAM",
    "INCREMENT",
    "MSG_ID",
    "ROLLUP",
    "TTL",
    "Expect",
    "Rollup",
    "build_headers",
    "check_payload",
    "check_publish_subject",
    "ttl_header",
]

MSG_ID = "Nats-Msg-Id"
EXPECTED_STREAM = "Nats-Expected-Stream"
EXPECTED_LAST_SEQUENCE = "Nats-Expected-Last-Sequence"
EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence"
EXPECTED_LAST_SUBJECT_SEQUENCE_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject"
EXPECTED_LAST_MSG_ID = "Nats-Expected-Last-Msg-Id"
ROLLUP = "Nats-Rollup"
TTL = "Nats-TTL"
INCREMENT = "Nats-Incr"
BATCH_ID = "Nats-Batch-Id"
BATCH_SEQUENCE = "Nats-Batch-Sequence"
BATCH_COMMIT = "Nats-Batch-Commit"


class Rollup(enum.StrEnum):
    """What a rollup message replaces (``Nats-Rollup``; the stream needs ``allow_rollup_hdrs``)."""

    SUBJECT = "sub"
    """Keep only this message on its subject."""
    ALL = "all"
    """Keep only this message in the whole stream."""


@dataclass(frozen=True, slots=True)
class Expect:
    """Conditions the stream checks before storing a message (optimistic concurrency).

    Each field left ``None`` is not checked. A failed check stores nothing and raises
    the server's error (``StreamWrongLastSequenceError``, ``StreamNotMatchError``,
    ``StreamWrongLastMsgIDError``).

    Args:
        stream: the stream that must capture the subject.
        last_sequence: the stream's last sequence must be this (0: the stream is empty).
        last_subject_sequence: the last sequence on the subject (or on ``last_subject``)
            must be this (0: nothing stored on it yet).
        last_subject: check ``last_subject_sequence`` against this subject (may hold
            wildcards) instead of the published one.
        last_msg_id: the ``Nats-Msg-Id`` of the stream's last message must be this.

    Raises:
        InvalidOptionError: a negative or non-integer sequence, an empty id or stream name.
    """

    stream: str | None = None
    last_sequence: int | None = None
    last_subject_sequence: int | None = None
    last_subject: str | None = None
    last_msg_id: str | None = None

    def __post_init__(self) -> None:
        for name in ("last_sequence", "last_subject_sequence"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise InvalidOptionError(
                    f"Expect.{name} must be a non-negative integer (got {value!r}); "
                    "0 means nothing is stored yet"
                )
        for name in ("stream", "last_msg_id"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InvalidOptionError(
                    f"Expect.{name} must be a non-empty string (got {value!r})"
                )
            _check_line(value, f"Expect.{name}")
        if self.last_subject is not None:
            if self.last_subject_sequence is None:
                raise InvalidOptionError(
                    "Expect.last_subject needs last_subject_sequence (the sequence to check)"
                )
            check_subject(self.last_subject, what="Expect.last_subject")

    def headers(self) -> dict[str, str]:
        """Return the ``Nats-Expected-*`` headers for these conditions."""
        out: dict[str, str] = {}
        if self.stream is not None:
            out[EXPECTED_STREAM] = self.stream
        if self.last_sequence is not None:
            out[EXPECTED_LAST_SEQUENCE] = str(self.last_sequence)
        if self.last_subject_sequence is not None:
            out[EXPECTED_LAST_SUBJECT_SEQUENCE] = str(self.last_subject_sequence)
        if self.last_subject is not None:
            out[EXPECTED_LAST_SUBJECT_SEQUENCE_SUBJECT] = self.last_subject
        if self.last_msg_id is not None:
            out[EXPECTED_LAST_MSG_ID] = self.last_msg_id
        return out


_PLAIN_SUBJECT = re.compile(r"[A-Za-z0-9_\-$]+(?:\.[A-Za-z0-9_\-$]+)*\Z")
"""Subjects made only of these characters are valid publish subjects: a quick accept (a
regular expression match) before the full check, which runs for everything else."""


def check_publish_subject(subject: str, max_length: int | None = None) -> str:
    """Check a subject to publish to: concrete (no wildcards), no whitespace, no empty token.

    ``max_length`` is the longest subject (in bytes) the connection can send
    (``Transport.max_subject_length``, from the server's ``max_control_line``).

    Raises:
        InvalidNameError: the subject breaks a rule or is too long.
    """
    if not (isinstance(subject, str) and _PLAIN_SUBJECT.match(subject)):
        check_subject(subject, allow_wildcards=False, what="publish subject")
    if max_length is not None and len(subject) > max_length:
        size = len(subject.encode())
        if size > max_length:
            raise InvalidNameError(
                f"publish subject {subject[:40]!r}… is {size} bytes; subjects can be at most "
                f"{max_length} on this connection: the protocol line (subject, reply inbox "
                "and sizes) must fit the server's max_control_line; use a shorter subject, or "
                "raise max_control_line on the server and pass it to "
                "jsm.connect(max_control_line=...)"
            )
    return subject


def check_payload(data: bytes | bytearray | memoryview, max_payload: int, *, subject: str) -> bytes:
    """Check the payload is bytes and fits the connection's ``max_payload``.

    Raises:
        InvalidOptionError: not bytes, or too large for the server.
    """
    if type(data) is not bytes:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidOptionError(
                f"payload must be bytes (got {type(data).__name__}); encode text with .encode()"
            )
        data = bytes(data)
    if len(data) > max_payload:
        raise InvalidOptionError(
            f"payload of {len(data)} bytes for {subject!r} exceeds the server's max_payload of "
            f"{max_payload} bytes; split it (or store it in an object store)"
        )
    return data


def _check_line(value: str | None, what: str) -> None:
    # nats-py would turn CR/LF into spaces: the server would dedupe on another id.
    if value is not None and ("\r" in value or "\n" in value):
        raise InvalidOptionError(
            f"{what} {value!r} contains CR or LF, which cannot travel in a header; "
            "remove the line breaks"
        )


def ttl_header(ttl: Duration | Literal["never"]) -> str:
    """Return the ``Nats-TTL`` value for ``ttl`` (at least one second, or ``"never"``).

    Raises:
        InvalidOptionError: shorter than a second, not a duration, or another string.
    """
    if isinstance(ttl, str):
        if ttl == "never":
            return "never"
        raise InvalidOptionError(
            f"ttl must be a duration of at least 1s or 'never' (got {ttl!r}); "
            f"for text use jsm.parse_duration({ttl!r})"
        )
    span = to_timedelta(ttl, name="ttl", minimum=PUBLISH_MIN_TTL)
    millis = span // timedelta(milliseconds=1)
    return f"{millis // 1000}s" if millis % 1000 == 0 else f"{millis}ms"


def _rollup_value(rollup: Rollup | str) -> str:
    try:
        return Rollup(rollup).value
    except ValueError:
        raise InvalidOptionError(
            f"rollup must be 'sub' or 'all' (jsm.Rollup.SUBJECT / ALL), got {rollup!r}"
        ) from None


def build_headers(
    headers: Mapping[str, str] | None,
    *,
    msg_id: str | None = None,
    expect: Expect | None = None,
    ttl: Duration | Literal["never"] | None = None,
    rollup: Rollup | str | None = None,
) -> dict[str, str] | None:
    """Merge the caller's headers with the ones the options stand for (options win).

    Raises:
        InvalidOptionError: a bad option (see :func:`ttl_header`, :class:`Expect`, ...).
    """
    out: dict[str, str] | None = None
    if headers is not None:
        header_block_size(headers)  # a str-to-str mapping; names are tokens, values no CR/LF
        out = dict(headers) if headers else None
    if msg_id is not None:
        if not isinstance(msg_id, str) or not msg_id.strip():
            raise InvalidOptionError(f"msg_id must be a non-empty string (got {msg_id!r})")
        _check_line(msg_id, "msg_id")
        out = out if out is not None else {}
        out[MSG_ID] = msg_id
    if expect is not None:
        if not isinstance(expect, Expect):
            raise InvalidOptionError(
                f"expect must be a jsm.Expect(...) (got {type(expect).__name__})"
            )
        out = (out if out is not None else {}) | expect.headers()
    if ttl is not None:
        out = out if out is not None else {}
        out[TTL] = ttl_header(ttl)
    if rollup is not None:
        out = out if out is not None else {}
        out[ROLLUP] = _rollup_value(rollup)
    return out
