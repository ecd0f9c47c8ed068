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
from jsm._errors_base import ApiError, InvalidOptionError, JsmTimeoutError, NoStreamError
from jsm._options import NotGiven, to_timedelta
from jsm._transport import NoRespondersError
from jsm.api._retry import is_transient
from jsm.kv._errors import raise_if_gone
from jsm.publish import decode_pub_ack, publish_once, publish_timeout

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
        NoStreamAnsweredError: the bucket's stream did not answer in time (an election?).
        JsmTimeoutError: no acknowledgement in time; the outcome is unknown.
    """
    if isinstance(timeout, NotGiven):
        # The common case takes one lean request; "no responders" (an election, or
        # no bucket) and transient errors go to publish_once, which retries them.
        span = api.publish_timeout.total_seconds()
        try:
            msg = await api.transport.request_lean(subject, value, timeout=span, headers=headers)
        except NoRespondersError:
            pass
        except JsmTimeoutError as err:
            raise publish_timeout(subject, span, context=context, resendable=False) from err
        else:
            try:
                return decode_pub_ack(api, msg.data, subject=subject, context=context).seq
            except ApiError as err:
                if not is_transient(err):
                    raise
    try:
        # No msg_id: a write whose ack was lost is not sent again (a second revision).
        ack = await publish_once(
            api, subject, value, headers=headers, timeout=timeout, context=context, resendable=False
        )
    except NoStreamError as err:
        if bucket is not None:
            await raise_if_gone(api, bucket, err)
        raise
    return ack.seq
