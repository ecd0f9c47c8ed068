"""Key-Value types (ADR-8): the bucket configuration, its status, entries and operations.

:class:`KeyValueConfig` is what users write; :mod:`jsm.kv` turns it into the
``KV_<bucket>`` stream configuration. :class:`KeyValueStatus` reads a bucket's figures
out of its stream info, and :class:`KeyValueEntry` is one stored value (a ``__slots__``
class: one is made per get and per watched update).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import ConfigDict

from jsm.models._base import Int64, Model, NonNegativeNanos, WireEnum
from jsm.models.stream import Placement, RePublish, StorageType, StoreCompression, StreamSource

if TYPE_CHECKING:
    from jsm.models.stream_info import StreamInfo

__all__ = ["KeyValueConfig", "KeyValueEntry", "KeyValueOp", "KeyValueStatus"]


class KeyValueOp(WireEnum):
    """What an entry records: a value (``PUT``), a delete marker or a purge marker."""

    PUT = "PUT"
    DEL = "DEL"
    PURGE = "PURGE"


class KeyValueConfig(Model):
    """The configuration of a Key-Value bucket (ADR-8).

    ``KeyValueConfig(bucket="config", history=5, ttl=timedelta(hours=1))``. ``mirror``
    makes a read-only replica of another bucket (its name with or without ``KV_``);
    ``sources`` copy other buckets' keys into this one. ``limit_marker_ttl`` turns on
    per-key TTLs and leaves markers when limits remove a key (ADR-48, API level 1).
    """

    model_config = ConfigDict(use_attribute_docstrings=True)

    bucket: str
    """The bucket's name: letters, digits, ``_`` and ``-``."""
    description: str | None = None
    """What the bucket is for."""
    max_value_size: Int64 = -1
    """Largest value accepted, in bytes (-1: the server's max payload)."""
    history: Int64 = 1
    """Values kept per key (1 to 64)."""
    ttl: NonNegativeNanos = timedelta(0)
    """How long values are kept (0: forever)."""
    max_bytes: Int64 = -1
    """Most bytes the bucket may hold (-1: unlimited)."""
    storage: StorageType = StorageType.FILE
    """File or memory storage."""
    replicas: Int64 = 1
    """Copies kept in a cluster (1 to 5)."""
    placement: Placement | None = None
    """Which cluster or tagged servers hold the replicas."""
    republish: RePublish | None = None
    """Publish each stored value again on other subjects."""
    mirror: StreamSource | None = None
    """Make the bucket a read-only copy of another bucket."""
    sources: list[StreamSource] | None = None
    """Buckets whose keys are copied into this one."""
    compression: bool = False
    """Compress the bucket's file storage (S2)."""
    limit_marker_ttl: NonNegativeNanos | None = None
    """Keep markers for keys removed by limits this long; enables per-key TTLs."""
    metadata: dict[str, str] | None = None
    """Free-form labels."""


class KeyValueEntry:
    """One stored entry of a key: its value, revision, time and operation.

    Attributes:
        bucket: the bucket it was read from.
        key: the key.
        value: the value (empty for delete and purge markers, and for meta-only watches).
        revision: the entry's sequence in the bucket's stream.
        created: when it was stored (UTC, microseconds).
        delta: how many newer entries there were in the watch/history when it was read
            (0 for the latest).
        operation: ``PUT``, ``DEL`` or ``PURGE``.
    """

    __slots__ = ("bucket", "created", "delta", "key", "operation", "revision", "value")

    def __init__(
        self,
        *,
        bucket: str,
        key: str,
        value: bytes,
        revision: int,
        created: datetime,
        delta: int = 0,
        operation: KeyValueOp = KeyValueOp.PUT,
    ) -> None:
        self.bucket = bucket
        self.key = key
        self.value = value
        self.revision = revision
        self.created = created
        self.delta = delta
        self.operation = operation

    @property
    def is_deleted(self) -> bool:
        """Whether this entry is a delete or purge marker."""
        return self.operation is not KeyValueOp.PUT

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KeyValueEntry):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable value object

    def __repr__(self) -> str:
        return (
            f"KeyValueEntry(bucket={self.bucket!r}, key={self.key!r}, revision={self.revision}, "
            f"operation={self.operation.value}, value=<{len(self.value)} bytes>)"
        )


class KeyValueStatus:
    """A bucket's figures, read from its stream's info (``await kv.status()``)."""

    __slots__ = ("bucket", "stream_info")

    backing_store = "JetStream"
    """The kind of storage behind the bucket (always ``"JetStream"``)."""

    def __init__(self, bucket: str, stream_info: StreamInfo) -> None:
        self.bucket = bucket
        self.stream_info = stream_info

    @property
    def values(self) -> int:
        """Entries stored, history and markers included."""
        return self.stream_info.state.messages

    @property
    def bytes(self) -> int:
        """Bytes stored."""
        return self.stream_info.state.bytes

    @property
    def history(self) -> int:
        """Values kept per key."""
        return self.stream_info.config.max_msgs_per_subject

    @property
    def ttl(self) -> timedelta:
        """How long values are kept (0: forever)."""
        return self.stream_info.config.max_age

    @property
    def limit_marker_ttl(self) -> timedelta | None:
        """How long limit markers are kept (``None``: per-key TTLs are off)."""
        return self.stream_info.config.subject_delete_marker_ttl

    @property
    def is_compressed(self) -> bool:
        """Whether the bucket's storage is compressed."""
        return self.stream_info.config.compression == StoreCompression.S2

    @property
    def created(self) -> datetime:
        """When the bucket was created."""
        created = self.stream_info.created
        return created if created.tzinfo else created.replace(tzinfo=UTC)

    def __repr__(self) -> str:
        return f"KeyValueStatus(bucket={self.bucket!r}, values={self.values}, bytes={self.bytes})"
