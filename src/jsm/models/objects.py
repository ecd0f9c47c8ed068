"""Object-store types (ADR-20): the bucket configuration and status, and object metadata.

:class:`ObjectInfo` is the JSON every NATS client stores on ``$O.<bucket>.M.<name>``
(nats.go, nats.py, nats.js read and write the same shape); :class:`ObjectMeta` is what
a caller says about an object when putting it or changing its metadata;
:class:`ObjectStoreConfig` becomes the ``OBJ_<bucket>`` stream's configuration and
:class:`ObjectStoreStatus` reads it back.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta
from typing import Annotated, Any, Final

from pydantic import BeforeValidator, Field

from jsm.models._base import Int64, Model, NonNegativeNanos, ReplyModel, check_sendable
from jsm.models.stream import Placement, StorageType, StoreCompression
from jsm.models.stream_info import StreamInfo

__all__ = [
    "DIGEST_PREFIX",
    "ObjectInfo",
    "ObjectLink",
    "ObjectMeta",
    "ObjectMetaOptions",
    "ObjectStoreConfig",
    "ObjectStoreStatus",
    "digest_value",
]

DIGEST_PREFIX: Final = "SHA-256="
"""The digest algorithm tag of ADR-20 (``SHA-256=<base64url of the hash>``)."""

_GO_ZERO_TIME: Final = "0001-01-01T00:00:00Z"


def digest_value(sha256: bytes) -> str:
    """Return the ``digest`` field for a SHA-256 hash: ``SHA-256=<base64url, padded>``."""
    return DIGEST_PREFIX + base64.urlsafe_b64encode(sha256).decode()


def _header_lists(value: object) -> object:
    # nats.go writes http.Header (a list per key); some clients write a single string.
    if isinstance(value, dict):
        return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
    return value


Headers = Annotated[dict[str, list[str]], BeforeValidator(_header_lists)]


def _empty_as_none(value: object) -> object:
    return None if value == "" else value


class ObjectLink(Model):
    """A link to another object (``name`` set) or to a whole bucket (``name`` left out)."""

    bucket: str
    name: Annotated[str | None, BeforeValidator(_empty_as_none)] = None


class ObjectMetaOptions(Model):
    """Per-object options on the wire: a link, and the chunk size used to store it."""

    link: ObjectLink | None = None
    max_chunk_size: int | None = None


class ObjectMeta(Model):
    """What a caller says about an object: description, headers, metadata, chunk size.

    ``name`` is used only by :meth:`jsm.ObjectStore.update_meta`, where a new name
    renames the object; ``put`` takes the name as its own argument.
    """

    name: str | None = None
    description: str | None = None
    headers: Headers | None = None
    metadata: dict[str, str] | None = None
    chunk_size: int | None = Field(default=None, gt=0)


def _mtime_in(value: object) -> object:
    # Go writes its zero time (the store never keeps mtime, ADR-20); nats.py may write "".
    if value in ("", None, _GO_ZERO_TIME) or (
        isinstance(value, str) and value.startswith("0001-01-01")
    ):
        return None
    return value


class ObjectInfo(Model):
    """An object's metadata as stored in its bucket, plus where its chunks are.

    ``mtime`` is the time the server stored this metadata (ADR-20 never stores it in
    the JSON; jsm fills it in from the message). ``deleted`` objects keep their
    metadata with ``size`` 0 and no chunks. ``options.link`` makes this a link.
    """

    name: str
    description: str | None = None
    headers: Headers | None = None
    metadata: dict[str, str] | None = None
    options: ObjectMetaOptions | None = None
    bucket: str
    nuid: str
    size: int = 0
    mtime: Annotated[datetime | None, BeforeValidator(_mtime_in)] = None
    chunks: int = 0
    digest: Annotated[str | None, BeforeValidator(_empty_as_none)] = None
    deleted: bool = False

    @property
    def link(self) -> ObjectLink | None:
        """The link this object stands for, if it is one."""
        return self.options.link if self.options is not None else None

    @property
    def is_link(self) -> bool:
        """Whether this entry is a link (to an object or to a bucket)."""
        return self.link is not None

    @property
    def chunk_size(self) -> int | None:
        """The chunk size the object was stored with (``max_chunk_size``)."""
        return self.options.max_chunk_size if self.options is not None else None

    @property
    def sha256(self) -> bytes | None:
        """The SHA-256 hash from ``digest``, or ``None`` when there is none or it is unreadable."""
        if not self.digest or self.digest[: len(DIGEST_PREFIX)].upper() != DIGEST_PREFIX:
            return None
        text = self.digest[len(DIGEST_PREFIX) :]
        text += "=" * (-len(text) % 4)  # some clients leave the padding out
        try:
            value = base64.b64decode(text, altchars=b"-_", validate=True)
        except ValueError:
            return None
        return value if len(value) == hashlib.sha256().digest_size else None

    def to_wire(self) -> dict[str, Any]:
        """Return the stored JSON object: as nats.go writes it (``deleted`` only when true)."""
        data = super().to_wire()
        data["mtime"] = _GO_ZERO_TIME
        if not self.deleted:
            data.pop("deleted", None)
        return data

    def to_wire_json(self) -> bytes:
        """Return the stored JSON bytes (see :meth:`to_wire`).

        Raises:
            ConfigValidationError: text holding a lone surrogate (not UTF-8), which JSON
                would carry as an escape no reader accepts.
        """
        wire = self.to_wire()
        check_sendable(self, wire)
        return json.dumps(wire, separators=(",", ":")).encode()


class ObjectStoreConfig(Model):
    """The configuration of an object-store bucket (the ``OBJ_<bucket>`` stream).

    ``ttl`` is how long objects live (``max_age``), ``max_bytes`` caps the bucket
    (puts beyond it fail and leave nothing behind), ``compression`` turns on S2 on disk.
    """

    bucket: str
    description: str | None = None
    ttl: NonNegativeNanos | None = None
    max_bytes: Int64 | None = None
    storage: StorageType = StorageType.FILE
    replicas: Int64 = 1
    placement: Placement | None = None
    compression: bool = False
    metadata: dict[str, str] | None = None


class ObjectStoreStatus(ReplyModel):
    """What a bucket looks like now: its settings and its size, from its stream's info."""

    bucket: str
    description: str | None = None
    ttl: timedelta = timedelta(0)
    max_bytes: int = -1
    storage: StorageType = StorageType.FILE
    replicas: int = 1
    sealed: bool = False
    size: int = 0
    compressed: bool = False
    metadata: dict[str, str] | None = None
    backing_store: str = "JetStream"
    stream_info: StreamInfo

    @classmethod
    def from_stream_info(cls, bucket: str, info: StreamInfo) -> ObjectStoreStatus:
        """Build the status of ``bucket`` from its stream's info."""
        config = info.config
        return cls(
            bucket=bucket,
            description=config.description,
            ttl=config.max_age,
            max_bytes=config.max_bytes,
            storage=config.storage,
            replicas=config.num_replicas,
            sealed=config.sealed,
            size=info.state.bytes,
            compressed=config.compression != StoreCompression.NONE,
            metadata=config.metadata,
            stream_info=info,
        )
