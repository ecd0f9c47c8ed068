"""Reading one object: its chunks, in order, through an ordered consumer, digest checked.

:class:`ObjectReader` is what ``store.get(name)`` returns. Entering it resolves links
and reads the metadata; iterating yields the chunks as they arrive (at most a bounded
number are requested or buffered at once); the last chunk is handed out only after the
whole object has hashed to its stored SHA-256 digest, otherwise
:class:`~jsm.errors.DigestMismatchError` is raised and :attr:`ObjectReader.verified`
stays false, flagging what was read as not the object. If the chunks stop coming
because the object was replaced or deleted meanwhile, :class:`~jsm.errors.ObjectNotFoundError`
is raised the same way (:class:`~jsm.errors.ObjectStoreNotFoundError` if the whole bucket went).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Self

import anyio

from jsm._constants import OBJECT_CHUNK_SIZE, OBJECT_READ_BUFFER_BYTES, ORDERED_MAX_MESSAGES
from jsm._errors_base import ClosedError, DigestMismatchError, ObjectNotFoundError
from jsm._generated_errors import (
    ConsumerNotFoundError,
    NoMessageFoundError,
    StreamNotFoundError,
)
from jsm.models import StreamMsgGetRequest
from jsm.models.objects import digest_value
from jsm.objects._errors import raise_if_gone
from jsm.objects._links import resolve
from jsm.streams._api import fetch_info
from jsm.streams.messages import api_get
from jsm.subjects import object_chunk_subject, object_stream_name

if TYPE_CHECKING:
    from types import TracebackType

    from jsm.consumers.message import Msg
    from jsm.consumers.ordered import OrderedConsumer
    from jsm.models.objects import ObjectInfo
    from jsm.objects.store import ObjectStore

__all__ = ["ObjectReader"]


class ObjectReader:
    """The chunks of one object: ``async with store.get(name) as reader: async for chunk in reader``.

    Attributes:
        info: the object's metadata (of the linked object, for a link), set on entering.
        received: bytes handed out so far.
        verified: true once every byte arrived and matched the digest.
    """

    def __init__(self, store: ObjectStore, name: str) -> None:
        self._store = store
        self._name = name
        self._consumer: OrderedConsumer | None = None
        self._hash = hashlib.sha256()
        self._entered = False
        self._done = False
        self.info: ObjectInfo | None = None
        self.received = 0
        self.verified = False

    async def __aenter__(self) -> Self:
        if self._entered:
            raise ClosedError("this object reader was already entered; call get() again")
        self._entered = True
        info = await resolve(self._store, self._name)
        self.info = info
        if info.size == 0 and info.chunks == 0:
            return self
        chunk = info.chunk_size or -(-info.size // max(info.chunks, 1)) or OBJECT_CHUNK_SIZE
        buffered = max(1, min(ORDERED_MAX_MESSAGES, OBJECT_READ_BUFFER_BYTES // max(chunk, 1)))
        consumer = self._store._js.ordered_consumer(
            object_stream_name(info.bucket),
            filter_subjects=[object_chunk_subject(info.bucket, info.nuid)],
            max_messages=buffered,
        )
        try:
            await consumer.__aenter__()
        except (StreamNotFoundError, ConsumerNotFoundError) as err:
            await raise_if_gone(self._store._js.api, info.bucket, err)
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
        self._done = True
        if consumer is not None:
            await consumer.__aexit__(exc_type, exc, tb)

    def __aiter__(self) -> Self:
        if not self._entered:
            raise ClosedError("use 'async with store.get(name) as reader:' before iterating")
        return self

    async def __anext__(self) -> bytes:
        if self._done:
            raise StopAsyncIteration
        info = self.info
        if info is None:  # pragma: no cover - set on entering
            raise ClosedError("the reader was not entered")
        consumer = self._consumer
        if consumer is None:  # an empty object
            self._done = True
            self._verify(info)
            raise StopAsyncIteration
        while True:
            try:
                with anyio.move_on_after(self._store._js.timeout.total_seconds()):
                    msg = await anext(consumer)
                    break
                await self._check_chunks_remain(info)
            except (StreamNotFoundError, ConsumerNotFoundError) as err:
                self._done = True
                await raise_if_gone(self._store._js.api, info.bucket, err)
                raise
        data = msg.data
        self._hash.update(data)
        self.received += len(data)
        if self.received >= info.size or (
            msg.metadata.num_pending == 0 and await self._was_last_chunk(info, msg)
        ):
            self._done = True
            self._verify(info)
        return data

    async def _was_last_chunk(self, info: ObjectInfo, msg: Msg) -> bool:
        """Whether ``msg`` is the object's last stored chunk, as the stream leader sees it.

        Nothing pending and bytes still missing means either a short object or a consumer
        on a replica that has not applied the last chunks yet, which then still arrive.
        """
        try:
            last = await api_get(
                self._store._js.api,
                object_stream_name(info.bucket),
                StreamMsgGetRequest(last_by_subj=object_chunk_subject(info.bucket, info.nuid)),
                context=f"object store {info.bucket!r}",
            )
        except NoMessageFoundError:
            return True
        return msg.metadata.sequence.stream >= last.seq

    async def _check_chunks_remain(self, info: ObjectInfo) -> None:
        """After a silence: fail if the object's chunks were purged under the reader."""
        stream = object_stream_name(info.bucket)
        subject = object_chunk_subject(info.bucket, info.nuid)
        state = (await fetch_info(self._store._js.api, stream, subjects_filter=subject)).state
        if not state.subjects:
            self._done = True
            raise ObjectNotFoundError(
                info.bucket,
                info.name,
                f"object {info.name!r} in bucket {info.bucket!r} was replaced or deleted "
                f"while being read ({self.received} bytes read); discard them and read it again",
            )

    def _verify(self, info: ObjectInfo) -> None:
        actual = self._hash.digest()
        if self.received != info.size or info.sha256 != actual:
            raise DigestMismatchError(
                info.bucket, info.name, info.digest or "", digest_value(actual), self.received
            )
        self.verified = True

    async def read_all(self) -> bytes:
        """Read the rest of the object into memory and return it.

        Raises:
            DigestMismatchError: the data does not match the stored digest.
        """
        return b"".join([chunk async for chunk in self])
