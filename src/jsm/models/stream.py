"""Stream configuration: :class:`StreamConfig` and the types nested in it, with its enums.

Fields are declared in the order nats-server writes them, so a configuration read from
the server and written back with :meth:`StreamConfig.to_json` is the same JSON, byte
for byte (Go's ``<``/``>``/``&`` escapes included). Fields the server leaves out when
empty (``omitempty`` in Go) are ``Optional`` with ``None`` meaning "not sent; the server
decides"; fields it always writes carry the server's defaults. Stream state and info
replies live in :mod:`jsm.models.stream_info`; checks that span several fields (a mirror
with subjects, …) live in :mod:`jsm.streams`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Self

import pydantic
from pydantic import ConfigDict, Field, PlainSerializer, WrapValidator

from jsm._errors_base import InvalidOptionError
from jsm.models._base import Int64, Model, NonNegativeNanos, UInt64, WireEnum

__all__ = [
    "DiscardPolicy",
    "ExternalStream",
    "PersistMode",
    "Placement",
    "RePublish",
    "RetentionPolicy",
    "StorageType",
    "StoreCompression",
    "StreamConfig",
    "StreamConsumerLimits",
    "StreamConsumerSource",
    "StreamSource",
    "SubjectTransform",
    "WireDatetime",
    "WireTime",
    "go_json_escape",
]


# ----------------------------------------------------------------------- wire helpers


class WireDatetime(datetime):
    """A ``datetime`` that remembers the nanoseconds (digits 7 to 9) the wire carried.

    It compares, hashes and calculates as a plain ``datetime``; only writing it back to
    JSON uses the extra digits, so a timestamp read from the server is written unchanged.
    """

    nanosecond: int = 0
    """Nanoseconds beyond ``microsecond`` (0–999)."""


_FRACTION = re.compile(r"T\d\d:\d\d:\d\d[.,](\d{7,9})")


def _keep_nanoseconds(value: object, handler: pydantic.ValidatorFunctionWrapHandler) -> object:
    parsed = handler(value)
    if not isinstance(value, str) or not isinstance(parsed, datetime):
        return parsed
    match = _FRACTION.search(value)
    if match is None:
        return parsed
    extra = int(match.group(1)[6:].ljust(3, "0"))
    if not extra:
        return parsed
    precise = WireDatetime.combine(parsed.date(), parsed.timetz())
    precise.nanosecond = extra
    return precise


def _go_time(value: datetime) -> str:
    """Format a timestamp as Go's ``time.RFC3339Nano`` does (trailing zeros trimmed)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    nanos = value.microsecond * 1000 + getattr(value, "nanosecond", 0)
    if nanos:
        text += f".{nanos:09d}".rstrip("0")
    offset = value.utcoffset() or timedelta(0)
    if not offset:
        return text + "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


WireTime = Annotated[
    datetime,
    WrapValidator(_keep_nanoseconds),
    PlainSerializer(_go_time, return_type=str, when_used="json"),
]
"""A timestamp, written as Go writes RFC 3339 (``Z`` for UTC, no trailing zeros).

Nanosecond digits read from JSON are kept (see :class:`WireDatetime`), so a timestamp
the server sent is written back byte for byte.
"""

_GO_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_GO_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def go_json_escape(text: str) -> str:
    """Escape JSON text the way Go's ``encoding/json`` does (``<`` → ``\\u003c``, …).

    These characters can only occur inside JSON strings, so replacing them in the
    whole document is safe.
    """
    return _GO_ESCAPE_RE.sub(lambda match: _GO_ESCAPES[match.group()], text)


# ---------------------------------------------------------------------------- enums


class RetentionPolicy(WireEnum):
    """When the stream may remove messages besides its limits."""

    LIMITS = "limits"
    INTEREST = "interest"
    WORK_QUEUE = "workqueue"


class StorageType(WireEnum):
    """Where the stream keeps its messages."""

    FILE = "file"
    MEMORY = "memory"


class DiscardPolicy(WireEnum):
    """What happens when a limit is reached: drop the oldest messages or refuse new ones."""

    OLD = "old"
    NEW = "new"


class StoreCompression(WireEnum):
    """How a file stream compresses its blocks on disk."""

    NONE = "none"
    S2 = "s2"


class PersistMode(WireEnum):
    """How writes reach the disk: ``default`` (synced per the server) or ``async`` (batched)."""

    DEFAULT = "default"
    ASYNC = "async"


# -------------------------------------------------------------------- nested types


class SubjectTransform(Model):
    """Rewrite subjects matching ``src`` into ``dest`` (mapping functions allowed)."""

    src: str
    dest: str


class Placement(Model):
    """Where replicas may live: a cluster name and/or server tags."""

    cluster: str | None = None
    tags: list[str] | None = None
    preferred: str | None = None


class ExternalStream(Model):
    """A source or mirror in another JetStream domain or account.

    ``api`` is the API prefix there (``$JS.<domain>.API`` for a domain); ``deliver`` an
    optional delivery prefix imported from another account.
    """

    api: str
    deliver: str = ""


class StreamConsumerSource(Model):
    """A durable consumer the server uses to source (instead of an ephemeral one)."""

    name: str
    deliver_subject: str


class StreamSource(Model):
    """One stream to mirror or source from, with an optional start point and filter."""

    name: str
    opt_start_seq: UInt64 | None = None
    opt_start_time: WireTime | None = None
    filter_subject: str | None = None
    subject_transforms: list[SubjectTransform] | None = None
    external: ExternalStream | None = None
    consumer: StreamConsumerSource | None = None


class RePublish(Model):
    """Publish each stored message again on ``dest`` (optionally headers only)."""

    src: str | None = None
    dest: str
    headers_only: bool | None = None


class StreamConsumerLimits(Model):
    """Upper bounds (and defaults) for consumers of the stream."""

    inactive_threshold: NonNegativeNanos | None = None
    max_ack_pending: Int64 | None = None


# ---------------------------------------------------------------------- the config


class StreamConfig(Model):
    """The configuration of a stream: all 38 fields the server knows.

    ``StreamConfig(name="ORDERS", subjects=["orders.>"], max_age=timedelta(days=7))``.
    Durations are ``timedelta``; integer nanoseconds are accepted only from JSON
    (:meth:`from_json`). The model checks types; rules that span fields (a mirror may not
    have subjects, replicas at most 5, …) are checked before anything is sent.
    """

    model_config = ConfigDict(use_attribute_docstrings=True)

    name: str
    """The stream's name (no whitespace, ``.``, ``*``, ``>``, ``/`` or ``\\``)."""
    description: str | None = None
    """What the stream is for (up to 4096 characters)."""
    subjects: list[str] | None = None
    """Subjects it captures (wildcards allowed); none for mirrors."""
    retention: RetentionPolicy = RetentionPolicy.LIMITS
    """When messages may go besides the limits: limits, interest or work queue."""
    max_consumers: Int64 = -1
    """Most consumers the stream may have (-1: unlimited)."""
    max_msgs: Int64 = -1
    """Most messages kept (-1: unlimited)."""
    max_bytes: Int64 = -1
    """Most bytes kept (-1: unlimited)."""
    max_age: NonNegativeNanos = timedelta(0)
    """Oldest message kept (0: forever; else at least 100 ms)."""
    max_msgs_per_subject: Int64 = -1
    """Most messages kept per subject (-1: unlimited)."""
    max_msg_size: Int64 | None = None
    """Largest message accepted, in bytes (-1: the server's max payload)."""
    discard: DiscardPolicy = DiscardPolicy.OLD
    """At a limit: drop the oldest messages, or refuse new ones."""
    storage: StorageType = StorageType.FILE
    """File or memory storage (cannot change later)."""
    num_replicas: Int64 = 1
    """Copies kept in a cluster (1 to 5)."""
    no_ack: bool | None = None
    """Do not acknowledge publishes."""
    duplicate_window: NonNegativeNanos | None = None
    """How long ``Nats-Msg-Id`` values are remembered for dedupe (server default 2 min)."""
    placement: Placement | None = None
    """Which cluster or tagged servers hold the replicas."""
    mirror: StreamSource | None = None
    """Make this stream a read-only copy of another."""
    sources: list[StreamSource] | None = None
    """Streams whose messages are copied into this one."""
    compression: StoreCompression = StoreCompression.NONE
    """On-disk compression of file storage."""
    first_seq: UInt64 | None = None
    """The sequence of the first message (not for mirrors)."""
    subject_transform: SubjectTransform | None = None
    """Rewrite subjects of incoming messages before storing."""
    republish: RePublish | None = None
    """Publish each stored message again on other subjects."""
    allow_direct: bool = False
    """Answer direct gets from any replica (needed for batch and multi-last gets)."""
    mirror_direct: bool = False
    """Let a mirror answer direct gets for its origin."""
    discard_new_per_subject: bool | None = None
    """Apply discard-new per subject (needs discard new and max_msgs_per_subject)."""
    sealed: bool = False
    """No more writes, deletes or purges; cannot be undone."""
    deny_delete: bool = False
    """Refuse message deletes through the API; cannot be undone."""
    deny_purge: bool = False
    """Refuse purges through the API; cannot be undone."""
    allow_rollup_hdrs: bool = False
    """Accept the ``Nats-Rollup`` header (replace a subject's or the stream's messages)."""
    consumer_limits: StreamConsumerLimits = Field(default_factory=StreamConsumerLimits)
    """Defaults and caps for this stream's consumers."""
    allow_msg_ttl: bool = False
    """Accept per-message TTLs (``Nats-TTL``); cannot be turned off later."""
    subject_delete_marker_ttl: NonNegativeNanos | None = None
    """Leave a delete marker, kept this long, when limits remove a subject's last message."""
    allow_msg_counter: bool | None = None
    """Make this a counter stream (``Nats-Incr``); fixed at creation."""
    allow_atomic: bool | None = None
    """Accept atomic batch publishes."""
    allow_msg_schedules: bool | None = None
    """Accept scheduled messages."""
    persist_mode: PersistMode | None = None
    """How writes reach the disk; fixed at creation."""
    allow_batched: bool | None = None
    """Accept fast (non-atomic) batch publishes."""
    metadata: dict[str, str] | None = None
    """Free-form labels (the server adds ``_nats.*`` keys of its own)."""

    @classmethod
    def from_json(cls, data: bytes | str, *, allow_unknown: bool = False) -> Self:
        """Read a ``stream.json`` file's contents (durations in nanoseconds).

        The server's schema is closed, so a field it does not know is reported (a typo
        would otherwise be sent and refused, or silently ignored by an older tool);
        pass ``allow_unknown=True`` to keep such fields instead.

        Raises:
            ConfigValidationError: the text is not JSON, or a value has the wrong type.
            InvalidOptionError: a field is unknown.
        """
        config = cls.model_validate_json(data)
        if not allow_unknown:
            unknown = _unknown_fields(config)
            if unknown:
                raise InvalidOptionError(
                    f"unknown field(s) in stream configuration: {', '.join(unknown)}; "
                    "check the spelling against the StreamConfig fields"
                )
        return config

    def to_json(self, *, indent: int | None = None) -> str:
        """Write the configuration as ``stream.json`` text (nanosecond durations).

        The compact form is what the server itself writes, byte for byte.
        """
        text = self.model_dump_json(by_alias=True, exclude_none=True)
        if indent is not None:
            text = json.dumps(json.loads(text), indent=indent, ensure_ascii=False)
        return go_json_escape(text)

    def with_changes(self, **changes: object) -> Self:
        """Return a validated copy with ``changes`` applied (the original is unchanged).

        Raises:
            ConfigValidationError: a changed value has the wrong type.
        """
        return type(self).model_validate(self.model_dump(exclude_none=True) | changes)


def _unknown_fields(model: Model, path: str = "") -> list[str]:
    found = [f"{path}{key!r}" for key in (model.model_extra or {})]
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, Model):
                where = f"{name}[{index}]" if isinstance(value, list) else name
                found += _unknown_fields(item, f"{path}{where}.")
    return found
