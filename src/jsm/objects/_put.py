"""The put pipeline: chunks out through the ack window while hashing, then the metadata.

On any failure (an error reply, a lost connection, the source raising, cancellation)
the chunks already sent are purged, shielded, before the error propagates, so the
previous version of the object stays the only one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import anyio

from jsm._constants import CLEANUP_TIMEOUT, OBJECT_MAX_PENDING_BYTES, OBJECT_MAX_PENDING_CHUNKS
from jsm._errors_base import NoStreamError
from jsm._generated_errors import StreamNotFoundError
from jsm.models.objects import ObjectInfo, ObjectMetaOptions, digest_value
from jsm.objects import _wire
from jsm.objects._errors import raise_if_gone
from jsm.objects._window import AckWindow
from jsm.subjects import object_chunk_subject

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from hashlib import _Hash as Hash

    from jsm._options import Duration, NotGiven
    from jsm.models.objects import ObjectMeta
    from jsm.objects.store import ObjectStore

__all__ = ["put_chunks"]

logger = logging.getLogger(__name__)


async def put_chunks(
    store: ObjectStore,
    name: str,
    meta: ObjectMeta,
    chunk_size: int,
    chunks: AsyncIterator[bytes],
    sha: Hash,
    *,
    timeout: Duration | NotGiven,
) -> ObjectInfo:
    """Send ``chunks`` as a new version of ``name``, then its metadata; return its info.

    ``sha`` is the hash the chunks update as they are produced (see ``_source``).

    Raises:
        ObjectStoreNotFoundError: the bucket is missing.
        ApiError | JsmTimeoutError | JsmConnectionError: the put failed (its chunks were
            purged).
    """
    api = store._js.api
    nuid = _wire.new_nuid()
    subject = object_chunk_subject(store.bucket, nuid)
    ack_timeout = api.publish_seconds(timeout)
    context = f"object {name!r} in object store {store.bucket!r}"
    size = count = 0
    window = AckWindow(
        api,
        max_chunks=OBJECT_MAX_PENDING_CHUNKS,
        max_bytes=max(OBJECT_MAX_PENDING_BYTES, chunk_size),
        ack_timeout=ack_timeout,
        context=context,
    )
    try:
        async with window:
            try:
                async for chunk in chunks:
                    size += len(chunk)
                    count += 1
                    await window.publish(subject, chunk)
                await window.drain()
            except BaseException:
                await window.settle(anyio.current_time() + CLEANUP_TIMEOUT)
                raise
        info = ObjectInfo(
            name=name,
            description=meta.description,
            headers=meta.headers,
            metadata=meta.metadata,
            options=ObjectMetaOptions(max_chunk_size=chunk_size),
            bucket=store.bucket,
            nuid=nuid,
            size=size,
            chunks=count,
            digest=digest_value(sha.digest()),
        )
        await _wire.publish_meta(api, info, timeout=timeout)
    except BaseException as err:
        if count and not api.transport.is_closed:
            await _wire.remove_orphan_chunks(
                api, store.bucket, nuid, within=max(CLEANUP_TIMEOUT, ack_timeout)
            )
        elif count:
            logger.warning(
                "%s: the connection closed midway; %d chunks on %s could not be purged",
                context,
                count,
                subject,
            )
        if isinstance(err, StreamNotFoundError | NoStreamError):
            await raise_if_gone(api, store.bucket, err)
        raise
    return ObjectInfo.model_validate(info.model_dump() | {"mtime": datetime.now(UTC)})
