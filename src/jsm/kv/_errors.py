"""Key-Value errors in bucket and key terms (ADR-8).

The stream API speaks of ``KV_<bucket>`` streams and sequences; a KV caller thinks of
buckets, keys and revisions. Each helper here turns a stream error into the error a
KV caller should see: a missing stream is :class:`BucketNotFoundError`, a wrong last
subject sequence names the key and both revisions, and a bucket re-created with other
settings lists them with KV names.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from jsm._bucket_errors import Setting, differences, retold, stream_gone, user_metadata
from jsm._errors_base import ApiError, BucketNotFoundError, JsmError
from jsm._generated_errors import (
    StreamNameExistError,
    StreamNotFoundError,
    StreamWrongLastSequenceError,
)
from jsm.subjects import kv_stream_name

if TYPE_CHECKING:
    from jsm.api import ApiClient
    from jsm.models import StreamConfig

__all__ = [
    "KV_SETTINGS",
    "bucket_exists",
    "bucket_not_found",
    "raise_if_gone",
    "revision_in",
    "stale_revision",
]

KV_SETTINGS: Final[tuple[Setting, ...]] = (
    ("history", lambda c: c.max_msgs_per_subject),
    ("ttl", lambda c: c.max_age),
    ("max_value_size", lambda c: c.max_msg_size),
    ("max_bytes", lambda c: c.max_bytes),
    ("storage", lambda c: c.storage),
    ("replicas", lambda c: c.num_replicas),
    ("compression", lambda c: c.compression),
    ("description", lambda c: c.description),
    ("limit_marker_ttl", lambda c: c.subject_delete_marker_ttl),
    ("placement", lambda c: c.placement),
    ("republish", lambda c: c.republish),
    ("mirror", lambda c: c.mirror),
    ("sources", lambda c: c.sources),
    ("metadata", user_metadata),
)
"""The bucket settings a re-creation compares, by their :class:`KeyValueConfig` names."""

# The server's text for a wrong Nats-Expected-Last-Subject-Sequence carries the
# subject's actual last sequence ("wrong last sequence: 7"), i.e. the key's revision.
_LAST_SEQUENCE: Final = re.compile(r"wrong last sequence: (\d+)")


def bucket_not_found(bucket: str, err: ApiError | None = None) -> BucketNotFoundError:
    """The error for a bucket whose stream is missing (``err``: the stream error seen)."""
    return BucketNotFoundError(
        404 if err is None else err.code,
        10059 if err is None else err.err_code,
        f"bucket {bucket!r} not found",
        context="create it with js.kv.create(jsm.KeyValueConfig(bucket=...))",
    )


async def raise_if_gone(api: ApiClient, bucket: str, err: JsmError) -> None:
    """Raise :class:`BucketNotFoundError` if ``err`` came from ``bucket`` being deleted.

    Returns when the bucket's stream is there (or cannot be looked up); the caller
    re-raises ``err`` then.
    """
    if isinstance(err, StreamNotFoundError):
        raise bucket_not_found(bucket, err) from err
    gone = await stream_gone(api, kv_stream_name(bucket))
    if gone is not None:
        raise bucket_not_found(bucket, gone) from err


def revision_in(err: ApiError) -> int | None:
    """The key's actual revision named by a wrong-last-sequence error, if it names one."""
    found = _LAST_SEQUENCE.search(err.description)
    return int(found.group(1)) if found else None


def stale_revision(
    bucket: str, key: str, expected: int, err: StreamWrongLastSequenceError
) -> StreamWrongLastSequenceError:
    """Retell a wrong-last-sequence reply to a write at ``expected``: key, bucket, revisions."""
    actual = revision_in(err)
    if actual is None:
        state = f"is no longer at revision {expected}"
    elif actual == 0:
        state = f"has no entry (expected revision {expected})"
    else:
        state = f"is at revision {actual}, not {expected}"
    return retold(
        err,
        description=f"key {key!r} in bucket {bucket!r} {state}",
        context="nothing was written; read the key again (kv.get) and retry with its revision",
    )


def bucket_exists(
    bucket: str,
    err: StreamNameExistError,
    asked: StreamConfig,
    existing: StreamConfig | None,
) -> StreamNameExistError:
    """Retell "stream name already in use" for a bucket, listing the settings that differ.

    ``existing`` is ``None`` when the bucket's configuration could not be read.
    """
    changed = differences(asked, existing, KV_SETTINGS) if existing is not None else []
    listed = f" (asked ≠ existing): {', '.join(changed)}" if changed else ""
    return retold(
        err,
        description=f"bucket {bucket!r} exists with other settings{listed}",
        context=(
            "use js.kv.update(config) to change them, or "
            f"js.kv.get({bucket!r}) to use the bucket as it is"
        ),
    )
