"""Watching keys (ADR-8): :class:`KeyWatcher` over the ordered consumer, and key listing.

A watcher is an ordered consumer (ADR-17) on the bucket's stream filtered to the
watched keys, delivering the last entry per key (all entries with history, only new
ones for updates-only). It survives restarts and leader changes because the ordered
consumer recreates itself after the last delivered sequence. The end of the initial
values is signalled by yielding ``None`` once: after the entry that was the last one
matching the watch when it started, or right away when nothing matched or only updates
were asked for.

The last matching sequence is asked of the stream leader (``STREAM.MSG.GET`` with
``last_by_subj``), not read off the consumer: on a replicated bucket the watcher's
consumer may live on a follower that has not yet applied the latest writes, and its own
count of pending messages then says "nothing left" too early.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING, Self

import anyio

from jsm._constants import KV_WATCH_BUFFER
from jsm._errors_base import ClosedError, InvalidNameError, JsmError, JsmTimeoutError
from jsm._generated_errors import (
    ConsumerNotFoundError,
    NoMessageFoundError,
    StreamNotFoundError,
)
from jsm.kv._errors import raise_if_gone
from jsm.kv._read import operation_of
from jsm.models import DeliverPolicy, KeyValueEntry, KeyValueOp, StreamMsgGetRequest
from jsm.streams.messages import api_get
from jsm.subjects import check_kv_key

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator, Sequence
    from types import TracebackType

    from jsm._options import Duration
    from jsm.consumers.message import Msg
    from jsm.consumers.ordered import OrderedConsumer
    from jsm.manager import Manager

__all__ = ["KeyLister", "KeyWatcher", "check_filters"]

logger = logging.getLogger(__name__)


def check_filters(keys: str | Sequence[str]) -> list[str]:
    """Check watch/list key filters (``*`` and a final ``>`` allowed) and return them.

    Raises:
        InvalidNameError: a filter breaks ADR-8's key rules, or none was given.
    """
    filters = [keys] if isinstance(keys, str) else list(keys)
    if not filters:
        raise InvalidNameError("give at least one key filter ('>' watches every key)")
    return [check_kv_key(key, allow_wildcards=True) for key in filters]


class KeyWatcher:
    """Entries of the watched keys as they change; ``None`` once when the initial values are done.

    Made by :meth:`jsm.KeyValue.watch`; use ``async with`` and iterate. Leaving the
    block stops the watch and removes its consumer. A bucket that is missing, or deleted
    while watched, raises :class:`~jsm.errors.BucketNotFoundError` (from ``async with``
    or from the iteration).
    """

    def __init__(
        self,
        js: Manager,
        *,
        bucket: str,
        stream: str,
        prefix: str,
        filters: list[str],
        include_history: bool,
        ignore_deletes: bool,
        updates_only: bool,
        meta_only: bool,
        idle_heartbeat: Duration | None = None,
    ) -> None:
        if updates_only:
            policy = DeliverPolicy.NEW
        elif include_history:
            policy = DeliverPolicy.ALL
        else:
            policy = DeliverPolicy.LAST_PER_SUBJECT
        self._js = js
        self._bucket = bucket
        self._stream = stream
        self._prefix = prefix
        self._cut = len(prefix)
        self._ignore_deletes = ignore_deletes
        self._updates_only = updates_only
        self._subjects = [prefix + key for key in filters]
        self._last_seq = 0
        self._ordered: OrderedConsumer = js.ordered_consumer(
            stream,
            filter_subjects=self._subjects,
            deliver_policy=policy,
            headers_only=meta_only,
            max_messages=KV_WATCH_BUFFER,
            idle_heartbeat=idle_heartbeat,
        )
        self._initial_done = updates_only
        self._marker_sent = False
        self._entered = False

    @property
    def is_initial_done(self) -> bool:
        """Whether every initial value has been handed out (the ``None`` is due or given)."""
        return self._initial_done

    @property
    def recreated(self) -> int:
        """How many times the underlying consumer was replaced (restarts, leader changes)."""
        return self._ordered.recreated

    async def __aenter__(self) -> Self:
        if self._entered:
            raise ClosedError("this watcher was already entered; call watch() again")
        self._entered = True
        try:
            await self._ordered.__aenter__()
        except (StreamNotFoundError, ConsumerNotFoundError) as err:
            await raise_if_gone(self._js.api, self._bucket, err)
            raise
        if not self._updates_only:
            try:
                self._last_seq = await self._last_matching_seq()
            except (StreamNotFoundError, ConsumerNotFoundError) as err:
                await self._ordered.__aexit__(None, None, None)
                await raise_if_gone(self._js.api, self._bucket, err)
                raise
            except BaseException:
                await self._ordered.__aexit__(None, None, None)
                raise
            # ADR-8: the marker comes even when nothing matches.
            self._initial_done = self._last_seq == 0
        return self

    async def _last_matching_seq(self) -> int:
        """The stream sequence of the newest message the watch matches (0: none), as the
        stream leader sees it."""
        last = 0
        for subject in self._subjects:
            try:
                found = await api_get(
                    self._js.api,
                    self._stream,
                    StreamMsgGetRequest(last_by_subj=subject),
                    context=f"bucket {self._bucket!r}",
                )
            except NoMessageFoundError:
                continue
            last = max(last, found.seq)
        return last

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._ordered.__aexit__(exc_type, exc, tb)

    def __aiter__(self) -> Self:
        if not self._entered:
            raise ClosedError("use 'async with kv.watch(...) as updates:' before iterating")
        return self

    async def __anext__(self) -> KeyValueEntry | None:
        while True:
            msg = await self._next_msg()
            if msg is None:
                return None
            entry = self._entry(msg)
            if entry is not None:
                return entry

    async def _next_msg(self) -> Msg | None:
        """The watch's next message, or ``None`` once, when the initial values are done."""
        if self._initial_done and not self._marker_sent:
            self._marker_sent = True
            return None
        try:
            msg = await self._ordered.__anext__()
        except (StreamNotFoundError, ConsumerNotFoundError) as err:
            await raise_if_gone(self._js.api, self._bucket, err)
            raise
        if not self._initial_done:
            await self._note_progress(msg)
        return msg

    async def _note_progress(self, msg: Msg) -> None:
        meta = msg.metadata
        seq = meta.sequence.stream
        if seq < self._last_seq and meta.num_pending == 0:
            # Either the consumer's server has not caught up yet (more is coming), or the
            # last matching message was removed since the watch started: ask again.
            self._last_seq = await self._last_matching_seq()
        if seq >= self._last_seq:
            self._initial_done = True

    def _entry(self, msg: Msg) -> KeyValueEntry | None:
        meta = msg.metadata
        operation = operation_of(msg.headers)
        if self._ignore_deletes and operation.value != "PUT":
            return None
        return KeyValueEntry(
            bucket=self._bucket,
            key=msg.subject[self._cut :],
            value=msg.data,
            revision=meta.sequence.stream,
            created=meta.timestamp,
            delta=meta.num_pending,
            operation=operation,
        )

    async def initial_entries(self, deadline: float) -> list[KeyValueEntry]:
        """Enter, gather the entries before the ``None`` marker, and leave (for keys/history).

        Raises:
            JsmTimeoutError: the initial values did not all arrive before ``deadline``.
        """
        found: list[KeyValueEntry] = []
        with self._within(deadline):
            async with self:
                async for entry in self:
                    if entry is None:
                        break
                    found.append(entry)
        return found

    async def initial_keys(self, deadline: float) -> list[str]:
        """Enter, gather the keys of the initial values (nothing else of them), and leave.

        Each key once, in the order first seen: a key written again while the initial
        values arrive comes twice (its newer revision is counted as pending too), and so
        may one whose consumer had to be recreated on the way.

        Raises:
            JsmTimeoutError: the initial values did not all arrive before ``deadline``.
        """
        keys: dict[str, None] = {}
        with self._within(deadline):
            async with self:
                cut, skip_deletes = self._cut, self._ignore_deletes
                while (msg := await self._next_msg()) is not None:
                    if not skip_deletes or operation_of(msg.headers) is KeyValueOp.PUT:
                        keys[msg.subject[cut:]] = None
        return list(keys)

    @contextmanager
    def _within(self, deadline: float) -> Iterator[None]:
        try:
            with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                yield
        except TimeoutError as err:
            if isinstance(err, JsmError):
                raise
            raise JsmTimeoutError(
                f"bucket {self._bucket!r}: the initial values did not arrive in time"
            ) from err


class KeyLister:
    """The keys of a bucket: ``async for key in kv.keys()``, or ``await kv.keys()`` for a list.

    The keys are gathered with one meta-only watch when the iteration starts, so the
    iteration itself holds no subscription; only the keys are kept (no entry of them).
    """

    def __init__(self, watcher: KeyWatcher, deadline: Callable[[], float]) -> None:
        self._watcher = watcher
        self._deadline = deadline
        self._keys: list[str] | None = None
        self._index = 0

    async def _load(self) -> list[str]:
        if self._keys is None:
            self._keys = await self._watcher.initial_keys(self._deadline())
        return self._keys

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> str:
        keys = await self._load()
        if self._index >= len(keys):
            raise StopAsyncIteration
        self._index += 1
        return keys[self._index - 1]

    def __await__(self) -> Generator[object, None, list[str]]:
        return self._load().__await__()
