"""Turning stored messages into :class:`KeyValueEntry` values, and the lean latest-value get.

The latest value of a key is read with one direct get on
``$JS.API.DIRECT.GET.KV_<bucket>.$KV.<bucket>.<key>`` (mapped for the domain or API
prefix) and the raw reply is parsed here without building intermediate objects: this is
the hot path of every KV read. Buckets without ``allow_direct`` read through the stream
leader (``STREAM.MSG.GET``), which gives read-after-write consistency (ADR-8).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

from jsm._errors_base import KeyDeletedError, KeyNotFoundError, UnexpectedReplyError
from jsm._transport import STATUS_HEADER
from jsm.api import raise_for_error
from jsm.models import KeyValueEntry, KeyValueOp

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jsm._transport import NatsMsg
    from jsm.streams.messages import StoredMessage

__all__ = ["OPERATION_HEADER", "entry_from_direct", "entry_from_stored", "operation_of"]

OPERATION_HEADER: Final = "KV-Operation"
MARKER_REASON_HEADER: Final = "Nats-Marker-Reason"
_OPERATIONS: Final = {"DEL": KeyValueOp.DEL, "PURGE": KeyValueOp.PURGE}
# Markers the server leaves when limits remove a key (ADR-48).
_MARKER_REASONS: Final = {
    "MaxAge": KeyValueOp.PURGE,
    "Purge": KeyValueOp.PURGE,
    "Remove": KeyValueOp.DEL,
}


def operation_of(headers: Mapping[str, str] | None) -> KeyValueOp:
    """Return the operation a message records: its ``KV-Operation`` header, a limit
    marker's ``Nats-Marker-Reason`` (ADR-48), or ``PUT`` when it has neither."""
    if not headers:
        return KeyValueOp.PUT
    value = headers.get(OPERATION_HEADER)
    if value is not None:
        return _OPERATIONS.get(value) or KeyValueOp(value)
    reason = headers.get(MARKER_REASON_HEADER)
    if reason is not None:
        return _MARKER_REASONS.get(reason, KeyValueOp.PURGE)
    return KeyValueOp.PUT


def _created(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def entry_from_direct(bucket: str, key: str, msg: NatsMsg, *, with_markers: bool) -> KeyValueEntry:
    """Parse a direct-get reply for ``key``.

    Raises:
        KeyNotFoundError: the reply is ``404`` (no such key).
        KeyDeletedError: the latest entry is a marker (unless ``with_markers``).
        UnexpectedReplyError: the reply is neither a message nor a known status.
    """
    headers = msg.headers
    if not headers:
        raise_for_error(msg.data, context=f"bucket {bucket!r}")
        raise UnexpectedReplyError(f"direct get of key {key!r} in bucket {bucket!r}: no headers")
    status = headers.get(STATUS_HEADER)
    if status is not None and not msg.data:
        if status == "404":
            raise KeyNotFoundError(bucket, key)
        description = headers.get("Description", "")
        raise UnexpectedReplyError(
            f"direct get of key {key!r} in bucket {bucket!r} failed: {status} {description}"
        )
    try:
        revision = int(headers["Nats-Sequence"])
        created = _created(headers["Nats-Time-Stamp"])
    except (KeyError, ValueError) as err:
        raise UnexpectedReplyError(
            f"direct get of key {key!r} in bucket {bucket!r} lacks its Nats-* headers"
        ) from err
    operation = operation_of(headers)
    if operation is not KeyValueOp.PUT and not with_markers:
        raise KeyDeletedError(bucket, key, revision, operation.value)
    return KeyValueEntry(
        bucket=bucket,
        key=key,
        value=msg.data,
        revision=revision,
        created=created,
        operation=operation,
    )


def entry_from_stored(
    bucket: str, key: str, stored: StoredMessage, *, with_markers: bool
) -> KeyValueEntry:
    """Make an entry of a message read by sequence or through the stream leader.

    Raises:
        KeyDeletedError: it is a marker (unless ``with_markers``).
    """
    operation = operation_of(stored.headers)
    if operation is not KeyValueOp.PUT and not with_markers:
        raise KeyDeletedError(bucket, key, stored.seq, operation.value)
    return KeyValueEntry(
        bucket=bucket,
        key=key,
        value=stored.data,
        revision=stored.seq,
        created=stored.time,
        operation=operation,
    )
