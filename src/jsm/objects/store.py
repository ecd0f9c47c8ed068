"""One object-store bucket: put and get objects, their metadata, links, list and watch.

:class:`ObjectStore` is a handle on the ``OBJ_<bucket>`` stream (ADR-20). A put streams
its source in chunks to ``$O.<bucket>.C.<nuid>`` through a bounded window of
acknowledged publishes while hashing it, then stores the metadata on
``$O.<bucket>.M.<base64url(name)>`` (rolled up), then purges the previous version's
chunks. A put that fails leaves the previous version as it was and purges what it sent.
Reading is :class:`jsm.objects.ObjectReader`; watching is :class:`jsm.objects.ObjectWatcher`;
links are followed and stored by ``_links``, listing is ``_list``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread

from jsm._bucket_errors import retold
from jsm._constants import (
    OBJECT_CHUNK_SIZE,
    OBJECT_ORPHAN_AGE,
)
from jsm._errors_base import (
    ApiError,
    InvalidOptionError,
    JetStreamUnavailableError,
    JsmError,
    ObjectExistsError,
    ObjectNotFoundError,
)
from jsm._generated_errors import StreamNotFoundError
from jsm._options import NOT_GIVEN, Duration, NotGiven, to_timedelta
from jsm.models.objects import (
    ObjectInfo,
    ObjectLink,
    ObjectMeta,
    ObjectStoreStatus,
)
from jsm.objects import _wire
from jsm.objects._errors import raise_if_gone, store_context, store_not_found
from jsm.objects._links import object_link, put_link
from jsm.objects._list import list_objects
from jsm.objects._orphans import purge_orphans
from jsm.objects._put import put_chunks
from jsm.objects._source import chunks_of
from jsm.objects.reader import ObjectReader
from jsm.objects.watch import ObjectWatcher
from jsm.streams._api import fetch_info
from jsm.subjects import object_meta_subject, object_stream_name
from jsm.tracing._stores import traced_class

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    from jsm.manager import Manager
    from jsm.models import StreamInfo
    from jsm.objects._source import ObjectSource

__all__ = ["ObjectStore"]

logger = logging.getLogger(__name__)

_FILE_WRITE_SIZE = 1024 * 1024


class ObjectStore:
    """An object-store bucket: ``await store.put("a.bin", data)``, ``async with store.get("a.bin")``.

    Made by ``js.objects.create(...)`` or ``js.objects.get(bucket)``.
    """

    def __init__(self, js: Manager, bucket: str, info: StreamInfo) -> None:
        self._js = js
        self._bucket = bucket
        self._stream = object_stream_name(bucket)
        self._info = info
        if js.api.transport.tracing is not None:  # spans around its operations (jsm.tracing)
            self.__class__ = traced_class(type(self))

    @property
    def bucket(self) -> str:
        """The bucket's name."""
        return self._bucket

    @property
    def stream_name(self) -> str:
        """The stream behind the bucket (``OBJ_<bucket>``)."""
        return self._stream

    @property
    def cached_info(self) -> StreamInfo:
        """The stream info this handle was made with (not refreshed)."""
        return self._info

    @property
    def max_name_length(self) -> int:
        """The longest object name (in UTF-8 bytes) this bucket takes on this connection.

        A name is stored base64url-encoded (4 bytes for every 3) in the metadata subject
        ``$O.<bucket>.M.<name>``, read through ``$JS.API.DIRECT.GET.OBJ_<bucket>.<that
        subject>``, which must fit the server's ``max_control_line`` (4096 bytes by
        default) with the reply inbox: about 2,990 bytes for a short bucket name.
        """
        meta = f"$O.{self._bucket}.M."
        longest = meta
        if self._info.config.allow_direct:
            longest = self._js.api.subjects.api(f"DIRECT.GET.{self._stream}.") + meta
        encoded = self._js.api.transport.max_subject_length - len(longest.encode())
        return encoded // 4 * 3

    def _check_name(self, name: object) -> str:
        return _wire.check_object_name(name, max_bytes=self.max_name_length, bucket=self._bucket)

    def __repr__(self) -> str:
        return f"<jsm.ObjectStore {self._bucket!r}>"

    # ------------------------------------------------------------------ bucket

    async def status(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> ObjectStoreStatus:
        """Return the bucket's settings and size, fresh from the server.

        Raises:
            ObjectStoreNotFoundError: the bucket was deleted.
        """
        self._info = await self._stream_info(timeout=timeout)
        return ObjectStoreStatus.from_stream_info(self._bucket, self._info)

    async def seal(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> ObjectStoreStatus:
        """Seal the bucket: no more puts, deletes or metadata changes; cannot be undone.

        Raises:
            ObjectStoreNotFoundError: the bucket was deleted.
        """
        return await self._js.objects.seal(self._bucket, timeout=timeout)

    # ------------------------------------------------------------------ put

    async def put(
        self,
        name: str,
        source: ObjectSource,
        /,
        *,
        meta: ObjectMeta | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> ObjectInfo:
        """Store ``source`` as object ``name``, replacing any previous version.

        ``source`` is bytes, a binary file object, or an (async) iterator of bytes; it
        is read a few chunks at a time, so memory stays bounded whatever its size.
        ``meta`` adds a description, headers, metadata and a chunk size (128 KiB by
        default). ``timeout`` bounds each acknowledgement, not the whole put (the
        manager's ``publish_timeout`` unless given). If the put
        fails, the chunks it sent are purged and the previous version stays.

        Raises:
            InvalidNameError: an empty name.
            InvalidOptionError: a source put cannot read, a chunk size over the
                server's max payload, or metadata too large to store.
            ObjectStoreNotFoundError: the bucket was deleted.
            StreamStoreFailedError: the bucket is full (``max_bytes``), among other refusals.
            JsmTimeoutError: a chunk was not acknowledged in time.
            JsmConnectionError: the connection was lost midway.
        """
        self._check_name(name)
        meta = meta or ObjectMeta()
        if meta.name is not None and meta.name != name:
            raise InvalidOptionError(
                f"put got name {name!r} and meta.name {meta.name!r}; use update_meta to rename"
            )
        chunk_size = meta.chunk_size or OBJECT_CHUNK_SIZE
        max_payload = self._js.api.transport.max_payload
        if chunk_size > max_payload:
            raise InvalidOptionError(
                f"chunk_size {chunk_size} is over the server's max payload ({max_payload} bytes)"
            )
        _wire.check_meta_size(name, self._bucket, meta, chunk_size, max_payload)
        sha = hashlib.sha256()
        chunks = chunks_of(source, chunk_size, sha)
        try:
            previous = await self._read_meta(name, timeout=timeout)
            info = await put_chunks(self, name, meta, chunk_size, chunks, sha, timeout=timeout)
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]  # an async generator
        if previous is not None and not previous.deleted and previous.nuid != info.nuid:
            try:
                await _wire.purge_chunks(self._js.api, self._bucket, previous.nuid, timeout=timeout)
            except JsmError as err:
                logger.warning(
                    "object %r in bucket %r: the previous version's chunks were not purged: %s",
                    name,
                    self._bucket,
                    err,
                )
        return info

    # ------------------------------------------------------------------ get

    def get(self, name: str, /) -> ObjectReader:
        """Read object ``name``: ``async with store.get(name) as reader: async for chunk in reader``.

        Links to objects are followed. The digest is checked when the last chunk arrives.

        Raises:
            InvalidNameError: an empty name (raised here).
            ObjectNotFoundError: no such object, or it was deleted (raised on entering).
            ObjectLinkError: ``name`` is a link to a bucket (raised on entering).
            DigestMismatchError: the data does not match the digest (raised by the iteration).
        """
        self._check_name(name)
        return ObjectReader(self, name)

    async def get_bytes(self, name: str, /) -> bytes:
        """Return the whole object ``name`` as bytes (for objects that fit in memory).

        Raises:
            ObjectNotFoundError: no such object, or it was deleted.
            DigestMismatchError: the data does not match the digest.
        """
        async with self.get(name) as reader:
            return await reader.read_all()

    async def get_to_file(self, name: str, path: str | os.PathLike[str], /) -> ObjectInfo:
        """Write object ``name`` to the file at ``path`` and return its info.

        The data goes to ``<path>.part`` first and is renamed once its digest checks
        out; on any failure the partial file is removed and ``path`` is left alone.

        Raises:
            ObjectNotFoundError: no such object, or it was deleted.
            DigestMismatchError: the data does not match the digest.
        """
        target = anyio.Path(path)
        partial = anyio.Path(f"{os.fspath(path)}.part")
        try:
            async with self.get(name) as reader, await anyio.open_file(partial, "wb") as file:
                # One worker-thread hop per ~1 MiB rather than per chunk.
                pending: list[bytes] = []
                pending_size = 0
                async for chunk in reader:
                    pending.append(chunk)
                    pending_size += len(chunk)
                    if pending_size >= _FILE_WRITE_SIZE:
                        await anyio.to_thread.run_sync(file.wrapped.writelines, pending)
                        pending, pending_size = [], 0
                if pending:
                    await anyio.to_thread.run_sync(file.wrapped.writelines, pending)
            await partial.replace(target)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await partial.unlink(missing_ok=True)
            raise
        if reader.info is None:  # pragma: no cover - set on entering
            raise ObjectNotFoundError(self._bucket, name)
        return reader.info

    async def info(
        self,
        name: str,
        /,
        *,
        include_deleted: bool = False,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> ObjectInfo:
        """Return the metadata of ``name`` (links are not followed).

        Raises:
            ObjectNotFoundError: no such object (or it was deleted, unless ``include_deleted``).
        """
        self._check_name(name)
        info = await self._read_meta(name, timeout=timeout)
        if info is None or (info.deleted and not include_deleted):
            raise ObjectNotFoundError(self._bucket, name)
        return info

    # ------------------------------------------------------------------ metadata

    async def update_meta(
        self, name: str, meta: ObjectMeta, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> ObjectInfo:
        """Replace the description, headers and metadata of ``name``; rename it if ``meta.name`` differs.

        The data and the chunk size stay. Renaming onto a live object is refused.

        Raises:
            ObjectNotFoundError: no such object, or it was deleted.
            ObjectExistsError: ``meta.name`` is another live object.
            InvalidOptionError: ``meta.chunk_size`` given (it cannot change).
        """
        if meta.chunk_size is not None:
            raise InvalidOptionError("update_meta cannot change chunk_size; put the object again")
        new_name = self._check_name(meta.name) if meta.name is not None else name
        current = await self.info(name, timeout=timeout)
        if new_name != name:
            existing = await self._read_meta(new_name, timeout=timeout)
            if existing is not None and not existing.deleted:
                raise ObjectExistsError(self._bucket, new_name)
        changes: dict[str, object] = {
            "name": new_name,
            "description": meta.description,
            "headers": meta.headers,
            "metadata": meta.metadata,
            "mtime": None,
        }
        info = ObjectInfo.model_validate(current.model_dump() | changes)
        await self._publish_meta(info, timeout=timeout)
        if new_name != name:
            await _wire.purge_subject(
                self._js.api, self._bucket, object_meta_subject(self._bucket, name), timeout=timeout
            )
        return ObjectInfo.model_validate(info.model_dump() | {"mtime": datetime.now(UTC)})

    async def delete(self, name: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Delete object ``name``: its chunks are purged and its metadata marked deleted.

        Deleting an object that is already deleted does nothing.

        Raises:
            ObjectNotFoundError: no object was ever stored under ``name``.
        """
        info = await self.info(name, include_deleted=True, timeout=timeout)
        if not info.deleted:
            changes = {"deleted": True, "size": 0, "chunks": 0, "digest": None, "mtime": None}
            marker = ObjectInfo.model_validate(info.model_dump() | changes)
            await self._publish_meta(marker, timeout=timeout)
        await _wire.purge_chunks(self._js.api, self._bucket, info.nuid, timeout=timeout)

    # ------------------------------------------------------------------ links

    async def add_link(
        self,
        name: str,
        target: ObjectInfo | str,
        /,
        *,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> ObjectInfo:
        """Store ``name`` as a link to an object (its info, or a name in this bucket).

        The target is looked up afresh: it must exist, not be deleted and not be a link.
        ``name`` may replace a link or a deleted object, not a live object.

        Raises:
            ObjectNotFoundError: the target does not exist (or was deleted).
            ObjectLinkError: the target is itself a link.
            ObjectExistsError: ``name`` is a live object.
        """
        self._check_name(name)
        link = await object_link(self, target, timeout=timeout)
        return await put_link(self, name, link, timeout=timeout)

    async def add_bucket_link(
        self,
        name: str,
        bucket: ObjectStore | str,
        /,
        *,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> ObjectInfo:
        """Store ``name`` as a link to a whole bucket (which must exist).

        Raises:
            ObjectStoreNotFoundError: the bucket does not exist.
            ObjectExistsError: ``name`` is a live object.
        """
        self._check_name(name)
        bucket_name = bucket.bucket if isinstance(bucket, ObjectStore) else bucket
        await self._js.objects.get(bucket_name, timeout=timeout)
        return await put_link(self, name, ObjectLink(bucket=bucket_name), timeout=timeout)

    # ------------------------------------------------------------------ list & watch

    def watch(
        self,
        *,
        include_history: bool = False,
        ignore_deletes: bool = False,
        updates_only: bool = False,
    ) -> ObjectWatcher:
        """Watch the bucket's metadata: ``async with store.watch() as updates: async for info in updates``.

        Yields the current info of every object (every version with
        ``include_history``), then ``None`` once when those initial values are done,
        then each change as it happens. ``updates_only`` skips the initial values;
        ``ignore_deletes`` skips deleted objects.

        Raises:
            InvalidOptionError: ``include_history`` with ``updates_only``.
        """
        if include_history and updates_only:
            raise InvalidOptionError("watch takes include_history or updates_only, not both")
        return ObjectWatcher(
            self,
            include_history=include_history,
            ignore_deletes=ignore_deletes,
            updates_only=updates_only,
        )

    async def list(
        self, *, include_deleted: bool = False, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> AsyncGenerator[ObjectInfo]:
        """Yield the info of every object in the bucket (deleted ones with ``include_deleted``).

        Reads the latest metadata of each object through a short-lived consumer, in
        batches; leaving the loop early deletes that consumer.

        Raises:
            ObjectStoreNotFoundError: the bucket was deleted.
        """
        async with contextlib.aclosing(
            list_objects(self, include_deleted=include_deleted, timeout=timeout)
        ) as infos:
            async for info in infos:
                yield info

    async def purge_orphans(self, *, older_than: Duration = OBJECT_ORPHAN_AGE) -> int:
        """Purge chunks no object refers to, untouched for ``older_than``; return how many.

        A put whose connection closed midway cannot purge what it sent; this finds such
        chunks. Chunks of a put still in progress look the same, so recent ones are kept:
        pick ``older_than`` longer than any put may pause.

        Raises:
            InvalidOptionError: ``older_than`` is not a positive duration.
            ObjectStoreNotFoundError: the bucket was deleted.
        """
        age = to_timedelta(older_than, name="older_than")
        try:
            return await purge_orphans(self, older_than=age)
        except (StreamNotFoundError, JetStreamUnavailableError) as err:
            await self._raise_if_gone(err)
            raise

    # ------------------------------------------------------------------ helpers

    async def _read_meta(
        self, name: str, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> ObjectInfo | None:
        direct = self._info.config.allow_direct
        return await _wire.read_meta(
            self._js.api, self._bucket, name, direct=direct, timeout=timeout
        )

    async def _publish_meta(self, info: ObjectInfo, *, timeout: Duration | NotGiven) -> None:
        await _wire.publish_meta(self._js.api, info, timeout=timeout)

    async def _stream_info(self, *, timeout: Duration | NotGiven) -> StreamInfo:
        try:
            return await fetch_info(self._js.api, self._stream, timeout=timeout)
        except StreamNotFoundError as err:
            raise store_not_found(self._bucket, err) from err
        except ApiError as err:
            raise retold(err, context=store_context(self._js.api, self._bucket)) from err

    async def _raise_if_gone(self, err: JsmError) -> None:
        await raise_if_gone(self._js.api, self._bucket, err)
