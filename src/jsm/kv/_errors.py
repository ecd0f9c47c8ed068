"""Key-Value errors in bucket and key terms (ADR-8).

The stream API speaks of ``KV_<bucket>`` streams and sequences; a KV caller thinks of
buckets, keys and revisions. Each helper here turns a stream error into the error a
KV caller should see: a missing stream is :class:`BucketNotFoundError`, a wrong last
subject sequence names the key and both revisions, and a bucket re-created with other
settings lists them with KV names (the shared wording is :class:`jsm._bucket_errors.Wording`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from jsm._bucket_errors import Setting, Wording, retold, user_metadata
from jsm._errors_base import BucketNotFoundError
from jsm.subjects import kv_stream_name

if TYPE_CHECKING:
    from jsm._errors_base import ApiError
    from jsm._generated_errors import StreamWrongLastSequenceError

__all__ = [
    "KV_SETTINGS",
    "bucket_context",
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


_KV: Final = Wording(
    noun="bucket",
    not_found_class=BucketNotFoundError,
    manager="js.kv",
    config="KeyValueConfig",
    stream_name=kv_stream_name,
    settings=KV_SETTINGS,
)

bucket_context = _KV.context
bucket_not_found = _KV.not_found
raise_if_gone = _KV.raise_if_gone
bucket_exists = _KV.exists


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
