"""The protocol limits of one outgoing message, checked before nats-py writes it (pure).

The server closes the whole connection on a protocol line longer than its
``max_control_line`` (4096 bytes unless configured; it is not in INFO) and on a message
whose headers and payload together exceed ``max_payload`` (from INFO). A closed
connection takes every consumer, watch and publisher sharing it down, so the transport
measures each line exactly as nats-py will write it and refuses the message instead.
Header names and values are checked here too: nats-py would turn CR/LF in a value into
spaces without a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from jsm._errors_base import InvalidNameError, InvalidOptionError

__all__ = [
    "DEFAULT_MAX_CONTROL_LINE",
    "INBOX_TOKEN_LENGTH",
    "MIN_MAX_CONTROL_LINE",
    "check_control_line",
    "check_encodable",
    "check_max_control_line",
    "check_total_size",
    "header_block_size",
    "pub_line_length",
    "sub_line_length",
    "subject_budget",
]

DEFAULT_MAX_CONTROL_LINE: Final = 4096
"""nats-server's default ``max_control_line`` (bytes after ``PUB ``/``HPUB ``/``SUB ``)."""

MIN_MAX_CONTROL_LINE: Final = 256
"""The smallest ``max_control_line`` jsm accepts: an API request line needs ~100 bytes."""

INBOX_TOKEN_LENGTH: Final = 22
"""Length of a nuid, the last token of a request's reply inbox."""

_SID_DIGITS: Final = 20
"""A subscription id is a uint64: at most 20 digits on the SUB line."""

_HEADER_LINE: Final = len(b"NATS/1.0\r\n") + len(b"\r\n")
"""The version line and the blank line that close every header block."""

_HEADER_NAME: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""RFC 7230 token characters: what the server and every client accept as a header name."""

_KNOWN_NAMES: Final = frozenset(
    {
        "Nats-Msg-Id",
        "Nats-Expected-Stream",
        "Nats-Expected-Last-Sequence",
        "Nats-Expected-Last-Subject-Sequence",
        "Nats-Expected-Last-Subject-Sequence-Subject",
        "Nats-Expected-Last-Msg-Id",
        "Nats-Rollup",
        "Nats-TTL",
        "Nats-Incr",
        "Nats-Batch-Id",
        "Nats-Batch-Sequence",
        "Nats-Batch-Commit",
        "Nats-Required-Api-Level",
        "KV-Operation",
        "Nats-Service-Error",
        "Nats-Service-Error-Code",
    }
)
"""Header names jsm itself sends, valid by construction (skips the pattern on hot paths)."""


def _size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode())


def header_block_size(headers: Mapping[str, str]) -> int:
    """Return the size of the header block nats-py writes for ``headers``, after checking them.

    Raises:
        InvalidOptionError: not a mapping, a name that is not a token (spaces, ``:``,
            control or non-ASCII characters) or empty, a value with CR or LF, or a name or
            value that is not a str.
    """
    if not isinstance(headers, Mapping):
        raise InvalidOptionError(
            f"headers must be a mapping of header names to values, such as a dict "
            f"(got {type(headers).__name__})"
        )
    size = _HEADER_LINE
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidOptionError(
                f"headers must map str to str (got {name!r}: {type(value).__name__})"
            )
        if name not in _KNOWN_NAMES and not _HEADER_NAME.fullmatch(name):
            raise InvalidOptionError(
                f"invalid header name {name!r}: use letters, digits and !#$%&'*+-.^_`|~ "
                "only (no spaces, ':' or control characters)"
            )
        if "\r" in value or "\n" in value:
            raise InvalidOptionError(
                f"the value of header {name!r} contains CR or LF, which would end the header "
                "line; remove the line breaks (or encode the value)"
            )
        # nats-py writes "<name>: <value stripped>\r\n".
        try:
            size += len(name) + 4 + _size(value.strip())
        except UnicodeEncodeError:
            raise InvalidOptionError(
                f"the value of header {name!r} is not valid text (a lone surrogate); "
                "pass a str that encodes to UTF-8"
            ) from None
    return size


def check_encodable(text: str, *, what: str) -> None:
    """Refuse text nats-py cannot encode as UTF-8 (a lone surrogate such as ``"\\ud800"``).

    Raises:
        InvalidNameError: ``text`` holds a lone surrogate.
    """
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError as err:
            raise InvalidNameError(
                f"invalid {what} {text[:60]!r}: it holds a lone surrogate "
                f"({text[err.start]!r}), which is not text that can be sent (UTF-8); "
                "decode bytes with errors='replace' or remove it"
            ) from None


def pub_line_length(subject: str, reply: str, header_size: int, total: int) -> int:
    """Return the length of the argument of nats-py's ``PUB``/``HPUB`` line.

    nats-py writes ``PUB <subject> <reply> <size>`` and ``HPUB <subject> <reply> <header
    size> <total size>``, with an empty reply leaving two spaces; the server measures what
    follows the verb, without the CR LF.
    """
    length = _size(subject) + 1 + _size(reply) + 1 + len(str(total))
    if header_size:
        length += len(str(header_size)) + 1
    return length


def sub_line_length(subject: str, queue: str) -> int:
    """Return the longest argument of nats-py's ``SUB <subject> <queue> <sid>`` line."""
    return _size(subject) + 1 + _size(queue) + 1 + _SID_DIGITS


def subject_budget(max_control_line: int, reply_length: int, max_payload: int) -> int:
    """Return the longest subject whose publish with a ``reply_length`` reply always fits.

    Whatever the payload and headers (within ``max_payload``), the line is at most
    ``subject reply header-size total-size`` with both sizes as long as ``max_payload``.
    """
    digits = len(str(max_payload))
    return max_control_line - reply_length - 2 * digits - 3


def check_control_line(length: int, max_control_line: int, *, what: str, subject: str) -> None:
    """Refuse a protocol line the server would close the connection for.

    Raises:
        InvalidNameError: the line is longer than ``max_control_line``.
    """
    if length > max_control_line:
        shown = subject if len(subject) <= 60 else subject[:60] + "…"
        raise InvalidNameError(
            f"{what} {shown!r} ({_size(subject)} bytes) is too long: its protocol line would "
            f"be {length} bytes and the server accepts at most {max_control_line} "
            "(max_control_line), closing the connection otherwise; use a shorter subject, "
            "or raise max_control_line on the server and pass it to jsm.connect(max_control_line=...)"
        )


def check_total_size(
    header_size: int, payload_size: int, max_payload: int, *, subject: str
) -> None:
    """Refuse a message larger than the server's ``max_payload`` (headers count too).

    Raises:
        InvalidOptionError: headers and payload together exceed ``max_payload``.
    """
    if header_size + payload_size > max_payload:
        shown = subject if len(subject) <= 60 else subject[:60] + "…"
        raise InvalidOptionError(
            f"the message to {shown!r} is {header_size + payload_size} bytes "
            f"({payload_size} of payload, {header_size} of headers) and exceeds the "
            f"server's max_payload of {max_payload} bytes; make the payload or headers "
            "smaller (or store large data in an object store)"
        )


def check_max_control_line(value: object) -> int:
    """Check a ``max_control_line`` setting and return it.

    Raises:
        InvalidOptionError: not an integer of at least ``MIN_MAX_CONTROL_LINE``.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_MAX_CONTROL_LINE:
        raise InvalidOptionError(
            f"max_control_line must be an integer of at least {MIN_MAX_CONTROL_LINE} bytes "
            f"(got {value!r}); pass the server's max_control_line setting "
            f"(nats-server's default is {DEFAULT_MAX_CONTROL_LINE})"
        )
    return value
