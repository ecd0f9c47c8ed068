"""Watching a bucket's metadata: every object's info, a marker, then each change.

:class:`ObjectWatcher` reads ``$O.<bucket>.M.>`` through an ordered consumer (ADR-17),
so it survives server restarts and leader changes, and keeps a bounded number of
entries requested or buffered. The initial values end with the entry that was the last
one when the watch started, as the stream leader reports it (see :mod:`jsm.kv.watch`
for why the consumer's own pending count is not enough on a replicated bucket).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from jsm._constants import ORDERED_MAX_MESSAGES
from jsm._errors_base import ClosedError
from jsm._generated_errors import (
    ConsumerNotFoundError,
    NoMessageFoundError,
    StreamNotFoundError,
)
from jsm.models import DeliverPolicy, StreamMsgGetRequest
from jsm.objects._errors import raise_if_gone
from jsm.objects._wire import info_from_json
from jsm.streams.messages import api_get
from jsm.subjects import object_stream_name

if TYPE_CHECKING:
    from types import TracebackType

    from jsm.consumers.message import Msg
    from jsm.consumers.ordered import OrderedConsumer
    from jsm.models.objects import ObjectInfo
    from jsm.objects.store import ObjectStore

__all__ = ["ObjectWatcher", "last_meta_seq"]


class ObjectWatcher:
    """Object infos as they change: ``async with store.watch() as updates: async for info in updates``.

    ``None`` is yielded once, when the initial values are done (not with ``updates_only``).
    A bucket that is missing, or deleted while watched, raises
    :class:`~jsm.errors.ObjectStoreNotFoundError` (from ``async with`` or the iteration).
    """

    def __init__(
        self,
        store: ObjectStore,
        *,
        include_history: bool,
        ignore_deletes: bool,
        updates_only: bool,
    ) -> None:
        self._store = store
        self._include_history = include_history
        self._ignore_deletes = ignore_deletes
        self._updates_only = updates_only
        self._consumer: OrderedConsumer | None = None
        self._entered = False
        self._marker_due = False
        self._initial_done = updates_only
        self._last_seq = 0

    async def __aenter__(self) -> Self:
        if self._entered:
            raise ClosedError("this watcher was already entered; call watch() again")
        self._entered = True
        store = self._store
        subject = f"$O.{store.bucket}.M.>"
        if not self._updates_only:
            self._last_seq = await last_meta_seq(store)
            if self._last_seq == 0:
                self._marker_due = True
                self._initial_done = True
        if self._updates_only:
            policy = DeliverPolicy.NEW
        elif self._include_history:
            policy = DeliverPolicy.ALL
        else:
            policy = DeliverPolicy.LAST_PER_SUBJECT
        consumer = store._js.ordered_consumer(
            object_stream_name(store.bucket),
            filter_subjects=[subject],
            deliver_policy=policy,
            max_messages=ORDERED_MAX_MESSAGES,
        )
        try:
            await consumer.__aenter__()
        except (StreamNotFoundError, ConsumerNotFoundError) as err:
            await raise_if_gone(store._js.api, store.bucket, err)
            raise
        self._consumer = consumer
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await consumer.__aexit__(exc_type, exc, tb)

    def __aiter__(self) -> Self:
        if not self._entered:
            raise ClosedError("use 'async with store.watch() as updates:' before iterating")
        return self

    async def __anext__(self) -> ObjectInfo | None:
        if self._marker_due:
            self._marker_due = False
            return None
        consumer = self._consumer
        if consumer is None:
            raise StopAsyncIteration
        while True:
            try:
                msg = await anext(consumer)
            except (StreamNotFoundError, ConsumerNotFoundError) as err:
                await raise_if_gone(self._store._js.api, self._store.bucket, err)
                raise
            if not self._initial_done:
                await self._note_progress(msg)
            info = info_from_json(msg.data, mtime=msg.metadata.timestamp, subject=msg.subject)
            if self._ignore_deletes and info.deleted:
                if self._marker_due:
                    self._marker_due = False
                    return None
                continue
            return info

    async def _note_progress(self, msg: Msg) -> None:
        seq = msg.metadata.sequence.stream
        if seq < self._last_seq and msg.metadata.num_pending == 0:
            # The consumer's server is behind, or the last entry was removed: ask again.
            self._last_seq = await last_meta_seq(self._store)
        if seq >= self._last_seq:
            self._initial_done = True
            self._marker_due = True


async def last_meta_seq(store: ObjectStore) -> int:
    """The stream sequence of the bucket's newest metadata entry (0: none), as the stream
    leader sees it.

    Raises:
        ObjectStoreNotFoundError: the bucket does not exist.
    """
    try:
        found = await api_get(
            store._js.api,
            store.stream_name,
            StreamMsgGetRequest(last_by_subj=f"$O.{store.bucket}.M.>"),
            context=f"object store {store.bucket!r}",
        )
    except NoMessageFoundError:
        return 0
    except StreamNotFoundError as err:
        await raise_if_gone(store._js.api, store.bucket, err)
        raise
    return found.seq
