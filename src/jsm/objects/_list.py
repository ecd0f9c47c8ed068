"""Listing an object store: the latest metadata of every object, read in batches.

A short-lived, unacknowledged consumer reads the last message of each metadata
subject. The list ends at the newest metadata entry as the stream leader saw it when
listing began: on a replicated bucket the consumer's own pending count can lag behind.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio

from jsm._bucket_errors import retold
from jsm._constants import CLEANUP_TIMEOUT, OBJECT_LIST_BATCH, OBJECT_LIST_INACTIVE_THRESHOLD
from jsm._errors_base import ApiError, JsmError, JsmTimeoutError
from jsm._generated_errors import ConsumerNotFoundError, StreamNotFoundError
from jsm.consumers.manager import ConsumerManager
from jsm.models import AckPolicy, ConsumerConfig, DeliverPolicy
from jsm.objects import _wire
from jsm.objects._errors import store_context, store_not_found
from jsm.objects.watch import last_meta_seq

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    from jsm._options import Duration, NotGiven
    from jsm.consumers.consumer import Consumer
    from jsm.models.objects import ObjectInfo
    from jsm.objects.store import ObjectStore

__all__ = ["list_objects"]

logger = logging.getLogger(__name__)


async def list_objects(
    store: ObjectStore, *, include_deleted: bool, timeout: Duration | NotGiven
) -> AsyncGenerator[ObjectInfo]:
    """Yield the info of every object in ``store``; closing early deletes the consumer.

    Raises:
        ObjectStoreNotFoundError: the bucket was deleted.
    """
    consumer = await _list_consumer(store, timeout=timeout)
    try:
        last = await last_meta_seq(store)
        seen = 0
        pending = consumer.cached_info.num_pending
        while seen < last:
            try:
                batch = await consumer.fetch(
                    max(1, min(pending, OBJECT_LIST_BATCH)), max_wait=store._js.timeout
                )
            except (StreamNotFoundError, ConsumerNotFoundError) as err:
                await store._raise_if_gone(err)
                raise
            if not batch:
                raise JsmTimeoutError(
                    f"listing object store {store.bucket!r}: entries up to sequence "
                    f"{last} did not arrive"
                )
            for msg in batch:
                seen, pending = msg.metadata.sequence.stream, msg.metadata.num_pending
                if seen < last and pending == 0:
                    last = await last_meta_seq(store)  # behind, or the last one removed
                info = _wire.info_from_json(
                    msg.data, mtime=msg.metadata.timestamp, subject=msg.subject
                )
                if include_deleted or not info.deleted:
                    yield info
                if seen >= last:
                    break
    finally:
        with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
            try:
                await consumer.delete(timeout=CLEANUP_TIMEOUT)
            except JsmError as err:
                logger.debug("list consumer on %s not deleted: %s", store.stream_name, err)


async def _list_consumer(store: ObjectStore, *, timeout: Duration | NotGiven) -> Consumer:
    config = ConsumerConfig(
        deliver_policy=DeliverPolicy.LAST_PER_SUBJECT,
        ack_policy=AckPolicy.NONE,
        filter_subject=f"$O.{store.bucket}.M.>",
        mem_storage=True,
        num_replicas=1,
        inactive_threshold=OBJECT_LIST_INACTIVE_THRESHOLD,
    )
    try:
        return await ConsumerManager(store._js, store.stream_name).add(config, timeout=timeout)
    except StreamNotFoundError as err:
        raise store_not_found(store.bucket, err) from err
    except ApiError as err:
        raise retold(err, context=store_context(store._js.api, store.bucket)) from err
