"""Object-store errors in bucket and object terms (ADR-20).

An object store is the stream ``OBJ_<bucket>`` underneath; its callers think of an
object store and its objects. A missing stream is :class:`ObjectStoreNotFoundError`,
other stream errors keep their class and speak of ``object store 'files'``, and a bucket
re-created with other settings lists them with :class:`ObjectStoreConfig` names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from jsm._bucket_errors import Setting, differences, retold, stream_gone, user_metadata
from jsm._errors_base import ApiError, JsmError, ObjectStoreNotFoundError
from jsm._generated_errors import StreamNotFoundError
from jsm.subjects import object_stream_name

if TYPE_CHECKING:
    from jsm._generated_errors import StreamNameExistError
    from jsm.api import ApiClient
    from jsm.models import StreamConfig

__all__ = [
    "OBJECT_SETTINGS",
    "raise_if_gone",
    "store_context",
    "store_exists",
    "store_not_found",
]

OBJECT_SETTINGS: Final[tuple[Setting, ...]] = (
    ("ttl", lambda c: c.max_age),
    ("max_bytes", lambda c: c.max_bytes),
    ("storage", lambda c: c.storage),
    ("replicas", lambda c: c.num_replicas),
    ("compression", lambda c: c.compression),
    ("description", lambda c: c.description),
    ("placement", lambda c: c.placement),
    ("metadata", user_metadata),
)
"""The bucket settings a re-creation compares, by their :class:`ObjectStoreConfig` names."""


def store_context(api: ApiClient, bucket: str) -> str:
    """The context of a bucket's errors: ``"object store 'files' in domain 'hub'"``."""
    return f"object store {bucket!r} {api.subjects.describe()}"


def store_not_found(bucket: str, err: ApiError | None = None) -> ObjectStoreNotFoundError:
    """The error for an object store whose stream is missing (``err``: the error seen)."""
    return ObjectStoreNotFoundError(
        404 if err is None else err.code,
        10059 if err is None else err.err_code,
        f"object store {bucket!r} not found",
        context="create it with js.objects.create(jsm.ObjectStoreConfig(bucket=...))",
    )


async def raise_if_gone(api: ApiClient, bucket: str, err: JsmError) -> None:
    """Raise :class:`ObjectStoreNotFoundError` if ``err`` came from ``bucket`` being deleted.

    "No stream" on a publish and "nobody answered" are confirmed with a stream info
    request. Returns otherwise; the caller re-raises ``err`` then.
    """
    if isinstance(err, StreamNotFoundError):
        raise store_not_found(bucket, err) from err
    gone = await stream_gone(api, object_stream_name(bucket))
    if gone is not None:
        raise store_not_found(bucket, gone) from err


def store_exists(
    bucket: str,
    err: StreamNameExistError,
    asked: StreamConfig,
    existing: StreamConfig | None,
) -> StreamNameExistError:
    """Retell "stream name already in use" for an object store, listing what differs.

    ``existing`` is ``None`` when the bucket's configuration could not be read.
    """
    changed = differences(asked, existing, OBJECT_SETTINGS) if existing is not None else []
    listed = f" (asked ≠ existing): {', '.join(changed)}" if changed else ""
    return retold(
        err,
        description=f"object store {bucket!r} exists with other settings{listed}",
        context=(
            "use js.objects.update(config) to change them, or "
            f"js.objects.get({bucket!r}) to use the bucket as it is"
        ),
    )
