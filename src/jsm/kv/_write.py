"""Key-Value writes: their headers, their local checks, and the publish (ADR-8, ADR-43, ADR-48).

Values must be bytes within the bucket's ``max_value_size``; revisions are stream
sequences sent as ``Nats-Expected-Last-Subject-Sequence``; per-key and purge-marker
TTLs are ``Nats-TTL`` values of at least one second, on buckets that allow them. A
write is an acknowledged publish whose "no stream" answer means a deleted bucket.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Final

from jsm._constants import KV_MIN_KEY_TTL
from jsm._errors_base import InvalidOptionError, NoStreamError
from jsm._options import NotGiven, to_timedelta
from jsm._transport import NoRespondersError
from jsm.kv._errors import raise_if_gone
from jsm.publish import decode_pub_ack, publish_once

if TYPE_CHECKING:
    from jsm._options import Duration
    from jsm.api import ApiClient
    from jsm.models import StreamConfig

__all__ = [
    "EXPECTED_LAST_SUBJECT_SEQ",
    "ROLLUP_HEADER",
    "TTL_HEADER",
    "check_value",
    "revision_header",
    "ttl_header",
    "write",
]

EXPECTED_LAST_SUBJECT_SEQ: Final = "Nats-Expected-Last-Subject-Sequence"
TTL_HEADER: Final = "Nats-TTL"
ROLLUP_HEADER: Final = "Nats-Rollup"


def check_value(value: bytes | bytearray | memoryview, config: StreamConfig, bucket: str) -> bytes:
    """Return ``value`` as bytes after checking its type and size.

    Raises:
        InvalidOptionError: not bytes-like, or larger than the bucket's max value size.
    """
    if not isinstance(value, bytes | bytearray | memoryview):
        raise InvalidOptionError(
            f"values are bytes (got {type(value).__name__}); encode text with .encode()"
        )
    limit = config.max_msg_size
    if limit is not None and limit > 0 and len(value) > limit:
        raise InvalidOptionError(
            f"value is {len(value)} bytes; bucket {bucket!r} takes at most {limit} "
            "(its max_value_size)"
        )
    return value if isinstance(value, bytes) else bytes(value)


def ttl_header(ttl: Duration, config: StreamConfig, bucket: str) -> str:
    """Return the ``Nats-TTL`` value for ``ttl`` (whole seconds, or milliseconds).

    Raises:
        InvalidOptionError: the bucket has no per-key TTLs, or ``ttl`` is under 1 s.
    """
    if not config.allow_msg_ttl:
        raise InvalidOptionError(
            f"bucket {bucket!r} has no per-key TTLs; create it with limit_marker_ttl"
        )
    span = to_timedelta(ttl, name="ttl", minimum=KV_MIN_KEY_TTL)
    millis = span // timedelta(milliseconds=1)
    return f"{millis // 1000}s" if millis % 1000 == 0 else f"{millis}ms"


def revision_header(revision: int) -> str:
    """Return an expected revision as a header value.

    Raises:
        InvalidOptionError: not a non-negative integer.
    """
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
        raise InvalidOptionError(f"revision must be a non-negative integer (got {revision!r})")
    return str(revision)


async def write(
    api: ApiClient,
    subject: str,
    value: bytes,
    headers: dict[str, str] | None,
    timeout: Duration | NotGiven,
    *,
    context: str,
    bucket: str | None,
) -> int:
    """Publish one write to ``subject`` and return its revision.

    ``bucket`` is where the write lands, if its stream can be looked up through ``api``
    (not a mirror's origin in another domain).

    Raises:
        BucketNotFoundError: ``bucket`` was deleted.
        ApiError: the stream refused the write (e.g. a stale expected revision).
        NoStreamError: nothing took the write, and ``bucket`` cannot tell why.
    """
    if isinstance(timeout, NotGiven):
        # The common case takes one lean request; "no responders" (an election, or
        # no bucket) is left to publish_once's bounded retries and its errors.
        try:
            msg = await api.transport.request_lean(
                subject, value, timeout=api.timeout.total_seconds(), headers=headers
            )
        except NoRespondersError:
            pass
        else:
            return decode_pub_ack(api, msg.data, subject=subject, context=context).seq
    try:
        ack = await publish_once(
            api, subject, value, headers=headers, timeout=timeout, context=context
        )
    except NoStreamError as err:
        if bucket is not None:
            await raise_if_gone(api, bucket, err)
        raise
    return ack.seq
