"""The :class:`KeyValue` handle: reads and writes of one bucket's keys (ADR-8, ADR-48).

Writes are acknowledged publishes (:func:`jsm.publish.publish_once`) to
``$KV.<bucket>.<key>``; with a domain or API prefix that subject is sent through the
prefix (``$JS.<domain>.API.$KV.<bucket>.<key>``), and a mirror's writes go to its
origin bucket (through the mirror's ``external`` API prefix when the origin is in
another domain). Deletes and purges are markers (``KV-Operation: DEL|PURGE``). Reads
are direct gets when the bucket allows them. Watching, key listing and history live in
:mod:`jsm.kv.watch`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import anyio

from jsm._constants import KV_PURGE_DELETES_OLDER_THAN
from jsm._errors_base import (
    InvalidOptionError,
    JetStreamUnavailableError,
    KeyExistsError,
    KeyNotFoundError,
)
from jsm._generated_errors import (
    NoMessageFoundError,
    StreamNotFoundError,
    StreamWrongLastSequenceError,
)
from jsm._options import NOT_GIVEN, Duration, NotGiven, to_timedelta
from jsm._transport import NoRespondersError
from jsm.kv._config import bucket_of_stream
from jsm.kv._errors import bucket_not_found, raise_if_gone, revision_in, stale_revision
from jsm.kv._read import OPERATION_HEADER, entry_from_direct, entry_from_stored
from jsm.kv._write import (
    EXPECTED_LAST_SUBJECT_SEQ,
    ROLLUP_HEADER,
    TTL_HEADER,
    check_value,
    revision_header,
    ttl_header,
    write,
)
from jsm.kv.watch import KeyLister, KeyWatcher, check_filters
from jsm.models import (
    KeyValueEntry,
    KeyValueStatus,
    StreamMsgGetRequest,
    StreamPurgeRequest,
    StreamPurgeResponse,
)
from jsm.streams import _api as streams_api
from jsm.streams.messages import api_get, direct_get
from jsm.subjects import check_kv_key
from jsm.tracing._stores import traced_class

if TYPE_CHECKING:
    from collections.abc import Awaitable, Sequence

    from jsm.manager import Manager
    from jsm.models import StreamInfo

__all__ = ["KeyValue"]


class KeyValue:
    """One Key-Value bucket: ``get``, ``put``, ``create``, ``update``, ``delete``, ``purge``,
    ``keys``, ``history``, ``watch``.

    Made by ``await js.kv.create(config)`` or ``await js.kv.get("name")``; cheap, and
    holds no resources. Values are ``bytes``; revisions are stream sequences.
    """

    def __init__(self, js: Manager, info: StreamInfo) -> None:
        config = info.config
        self._js = js
        self._info = info
        self._stream = config.name
        self._bucket = bucket_of_stream(config.name)
        read_bucket = self._bucket
        put_prefix = self._through_api(f"$KV.{self._bucket}.")
        # The bucket writes land in, if its stream can be looked up through this manager.
        self._write_bucket: str | None = self._bucket
        if config.mirror is not None:
            # A mirror holds its origin's subjects; writes go to the origin (ADR-8).
            read_bucket = bucket_of_stream(config.mirror.name)
            self._write_bucket = read_bucket
            external = config.mirror.external
            if external is not None and external.api:
                put_prefix = f"{external.api.rstrip('.')}.$KV.{read_bucket}."
                self._write_bucket = None
            else:
                put_prefix = self._through_api(f"$KV.{read_bucket}.")
        self._read_prefix = f"$KV.{read_bucket}."
        self._put_prefix = put_prefix
        self._direct = config.allow_direct
        self._direct_rest = f"DIRECT.GET.{self._stream}.{self._read_prefix}"
        self._direct_prefix = js.api.subjects.api(self._direct_rest)
        self._context = f"bucket {self._bucket!r}"
        prefixes = [self._put_prefix, self._direct_prefix] if self._direct else [self._put_prefix]
        self._longest_prefix = max(len(prefix.encode()) for prefix in prefixes)
        if js.api.transport.tracing is not None:  # spans around its operations (jsm.tracing)
            self.__class__ = traced_class(type(self))

    def _through_api(self, subject: str) -> str:
        subjects = self._js.api.subjects
        if subjects.domain is None and subjects.api_prefix is None:
            return subject
        return f"{subjects.prefix}.{subject}"

    # ----------------------------------------------------------------- properties

    @property
    def bucket(self) -> str:
        """The bucket's name."""
        return self._bucket

    @property
    def stream_name(self) -> str:
        """The stream behind the bucket (``KV_<bucket>``)."""
        return self._stream

    @property
    def cached_info(self) -> StreamInfo:
        """The stream info this handle was made with (no I/O)."""
        return self._info

    @property
    def put_prefix(self) -> str:
        """The subject prefix writes go to (shows where a mirror's writes end up)."""
        return self._put_prefix

    @property
    def read_prefix(self) -> str:
        """The subject prefix of the keys in the bucket's stream (``$KV.<bucket>.``)."""
        return self._read_prefix

    @property
    def max_key_length(self) -> int:
        """The longest key this bucket takes on this connection (~4,000 characters).

        Every subject a key is part of (``$KV.<bucket>.<key>``, and the direct-get subject
        ``$JS.API.DIRECT.GET.KV_<bucket>.$KV.<bucket>.<key>``) must fit the server's
        ``max_control_line`` (4096 bytes by default) together with the reply inbox.
        """
        return self._js.api.transport.max_subject_length - self._longest_prefix

    def _check_key(self, key: str) -> str:
        return check_kv_key(key, max_length=self.max_key_length, bucket=self._bucket)

    def __repr__(self) -> str:
        return f"<jsm.KeyValue {self._bucket!r} of {self._js!r}>"

    async def status(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> KeyValueStatus:
        """Return the bucket's current figures (values, bytes, history, TTL, stream info).

        Raises:
            BucketNotFoundError: the bucket was deleted.
        """
        try:
            self._info = await streams_api.fetch_info(self._js.api, self._stream, timeout=timeout)
        except StreamNotFoundError as err:
            raise bucket_not_found(self._bucket, err) from err
        return KeyValueStatus(self._bucket, self._info)

    # ---------------------------------------------------------------------- reads

    async def get(
        self,
        key: str,
        /,
        *,
        revision: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> KeyValueEntry:
        """Return the latest entry of ``key``, or the one at ``revision``.

        Raises:
            InvalidNameError: the key breaks ADR-8's rules.
            KeyNotFoundError: no value (``KeyDeletedError`` when the latest entry is a
                delete or purge marker).
            BucketNotFoundError: the bucket was deleted.
        """
        self._check_key(key)
        if revision is not None:
            return await self._at_revision(key, revision, timeout=timeout)
        return await self._latest(key, with_markers=False, timeout=timeout)

    async def _latest(
        self, key: str, *, with_markers: bool, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> KeyValueEntry:
        """Return the latest entry of a checked key, markers included if ``with_markers``.

        Raises:
            KeyNotFoundError: nothing stored (or a marker, without ``with_markers``).
        """
        if not self._direct:
            return await self._leader_get(key, with_markers=with_markers, timeout=timeout)
        api = self._js.api
        seconds = (
            api.timeout.total_seconds()
            if isinstance(timeout, NotGiven)
            else to_timedelta(timeout, name="timeout").total_seconds()
        )
        try:
            msg = await api.transport.request_lean(self._direct_prefix + key, timeout=seconds)
        except NoRespondersError:  # an election, or no bucket: the retrying path decides
            try:
                msg = await api.request_msg(
                    self._direct_rest + key, timeout=timeout, retry=True, context=self._context
                )
            except JetStreamUnavailableError as err:
                await raise_if_gone(api, self._bucket, err)
                raise
        return entry_from_direct(self._bucket, key, msg, with_markers=with_markers)

    async def _leader_get(
        self, key: str, *, with_markers: bool, timeout: Duration | NotGiven
    ) -> KeyValueEntry:
        request = StreamMsgGetRequest(last_by_subj=self._read_prefix + key)
        try:
            stored = await api_get(
                self._js.api, self._stream, request, timeout=timeout, context=self._context
            )
        except NoMessageFoundError:
            raise KeyNotFoundError(self._bucket, key) from None
        except StreamNotFoundError as err:
            raise bucket_not_found(self._bucket, err) from err
        return entry_from_stored(self._bucket, key, stored, with_markers=with_markers)

    async def _at_revision(
        self, key: str, revision: int, *, timeout: Duration | NotGiven
    ) -> KeyValueEntry:
        if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
            raise InvalidOptionError(f"revision must be a positive integer (got {revision!r})")
        request = StreamMsgGetRequest(seq=revision)
        api, context = self._js.api, self._context
        try:
            if self._direct:
                stored = await direct_get(
                    api, self._stream, request, timeout=timeout, context=context
                )
            else:
                stored = await api_get(api, self._stream, request, timeout=timeout, context=context)
        except NoMessageFoundError:
            raise KeyNotFoundError(self._bucket, key) from None
        except (StreamNotFoundError, JetStreamUnavailableError) as err:
            await raise_if_gone(api, self._bucket, err)
            raise
        if stored.subject != self._read_prefix + key:
            raise KeyNotFoundError(
                self._bucket,
                key,
                f"revision {revision} of bucket {self._bucket!r} is not key {key!r}",
            )
        return entry_from_stored(self._bucket, key, stored, with_markers=False)

    # --------------------------------------------------------------------- writes

    async def put(
        self,
        key: str,
        value: bytes | bytearray | memoryview,
        /,
        *,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> int:
        """Store ``value`` under ``key`` and return its revision.

        Raises:
            InvalidNameError: the key breaks ADR-8's rules.
            InvalidOptionError: the value is not bytes or is larger than the bucket allows.
            BucketNotFoundError: the bucket (a mirror's origin, for a mirror) was deleted.
        """
        self._check_key(key)
        return await self._publish(
            key, check_value(value, self._info.config, self._bucket), None, timeout
        )

    async def create(
        self,
        key: str,
        value: bytes | bytearray | memoryview,
        /,
        *,
        ttl: Duration | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> int:
        """Store ``value`` only if ``key`` has no value (never set, deleted or purged).

        ``ttl`` makes this key expire on its own (ADR-48; the bucket needs
        ``limit_marker_ttl``). Returns the new revision.

        Raises:
            KeyExistsError: the key has a value (its ``revision`` says which).
            InvalidOptionError: a bad value or TTL, or a TTL on a bucket without per-key TTLs.
            BucketNotFoundError: the bucket was deleted.
        """
        self._check_key(key)
        data = check_value(value, self._info.config, self._bucket)
        headers = {EXPECTED_LAST_SUBJECT_SEQ: "0"}
        if ttl is not None:
            headers[TTL_HEADER] = ttl_header(ttl, self._info.config, self._bucket)
        try:
            return await self._publish(key, data, headers, timeout)
        except StreamWrongLastSequenceError as err:
            # The key has an entry: a marker may be replaced at its revision (ADR-8).
            try:
                latest = await self._latest(key, with_markers=True, timeout=timeout)
            except KeyNotFoundError:
                raise KeyExistsError(self._bucket, key, revision_in(err) or 0) from err
            if not latest.is_deleted:
                raise KeyExistsError(self._bucket, key, latest.revision) from err
            headers[EXPECTED_LAST_SUBJECT_SEQ] = str(latest.revision)
            try:
                return await self._publish(key, data, headers, timeout)
            except StreamWrongLastSequenceError as again:
                raise KeyExistsError(self._bucket, key, revision_in(again) or 0) from again

    async def update(
        self,
        key: str,
        value: bytes | bytearray | memoryview,
        revision: int,
        /,
        *,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> int:
        """Store ``value`` only if the key's latest revision is ``revision``; return the new one.

        Raises:
            StreamWrongLastSequenceError: the key changed since ``revision`` (nothing stored);
                the message names the key and its actual revision.
            InvalidOptionError: a bad value or revision.
            BucketNotFoundError: the bucket was deleted.
        """
        self._check_key(key)
        headers = {EXPECTED_LAST_SUBJECT_SEQ: revision_header(revision)}
        data = check_value(value, self._info.config, self._bucket)
        return await self._publish_at(key, data, headers, revision, timeout)

    async def delete(
        self,
        key: str,
        /,
        *,
        revision: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete ``key``, keeping its history (a ``DEL`` marker); only at ``revision`` if given.

        Raises:
            StreamWrongLastSequenceError: the key changed since ``revision``.
            BucketNotFoundError: the bucket was deleted.
        """
        self._check_key(key)
        headers = {OPERATION_HEADER: "DEL"}
        if revision is not None:
            headers[EXPECTED_LAST_SUBJECT_SEQ] = revision_header(revision)
        await self._publish_at(key, b"", headers, revision, timeout)

    async def purge(
        self,
        key: str,
        /,
        *,
        revision: int | None = None,
        ttl: Duration | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete ``key`` and its history, leaving one ``PURGE`` marker.

        ``ttl`` makes the marker itself expire (ADR-48; the bucket needs ``limit_marker_ttl``).

        Raises:
            StreamWrongLastSequenceError: the key changed since ``revision``.
            InvalidOptionError: a TTL on a bucket without per-key TTLs.
            BucketNotFoundError: the bucket was deleted.
        """
        self._check_key(key)
        headers = {OPERATION_HEADER: "PURGE", ROLLUP_HEADER: "sub"}
        if revision is not None:
            headers[EXPECTED_LAST_SUBJECT_SEQ] = revision_header(revision)
        if ttl is not None:
            headers[TTL_HEADER] = ttl_header(ttl, self._info.config, self._bucket)
        await self._publish_at(key, b"", headers, revision, timeout)

    async def _publish_at(
        self,
        key: str,
        value: bytes,
        headers: dict[str, str],
        revision: int | None,
        timeout: Duration | NotGiven,
    ) -> int:
        """Publish a write expected at ``revision``; a stale one names key and revisions."""
        try:
            return await self._publish(key, value, headers, timeout)
        except StreamWrongLastSequenceError as err:
            if revision is None:
                raise
            raise stale_revision(self._bucket, key, revision, err) from err

    def _publish(
        self, key: str, value: bytes, headers: dict[str, str] | None, timeout: Duration | NotGiven
    ) -> Awaitable[int]:
        # No coroutine of its own: a put is one await deep, as it is the hot path.
        return write(
            self._js.api,
            self._put_prefix + key,
            value,
            headers,
            timeout,
            context=self._context,
            bucket=self._write_bucket,
        )

    # ------------------------------------------------------------ many keys at once

    def watch(
        self,
        keys: str | Sequence[str] = ">",
        /,
        *,
        include_history: bool = False,
        ignore_deletes: bool = False,
        updates_only: bool = False,
        meta_only: bool = False,
        idle_heartbeat: Duration | None = None,
    ) -> KeyWatcher:
        """Watch keys (wildcards allowed) for changes, as ``async with`` / ``async for``.

        The iteration yields each key's latest entry (all history with
        ``include_history``), then **``None`` once when the initial values are done**,
        then every change as it happens. ``updates_only`` skips the initial values (the
        ``None`` comes first); ``meta_only`` leaves values empty; ``ignore_deletes``
        skips delete and purge markers. Survives server restarts and leader changes
        (noticed within two ``idle_heartbeat`` intervals, 5 s by default)::

            async with kv.watch("app.>") as updates:
                async for entry in updates:
                    if entry is None: ...  # caught up

        Raises:
            InvalidNameError: a key filter breaks ADR-8's rules.
            InvalidOptionError: ``include_history`` with ``updates_only``.
        """
        if include_history and updates_only:
            raise InvalidOptionError("include_history and updates_only cannot be combined")
        return KeyWatcher(
            self._js,
            bucket=self._bucket,
            stream=self._stream,
            prefix=self._read_prefix,
            filters=check_filters(keys),
            include_history=include_history,
            ignore_deletes=ignore_deletes,
            updates_only=updates_only,
            meta_only=meta_only,
            idle_heartbeat=idle_heartbeat,
        )

    def keys(
        self, filters: str | Sequence[str] = ">", /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> KeyLister:
        """Iterate the keys that have a value (``async for``), optionally only those
        matching ``filters``; ``await kv.keys()`` gives them as a list.

        Raises:
            InvalidNameError: a filter breaks ADR-8's rules.
        """
        watcher = self.watch(filters, ignore_deletes=True, meta_only=True)
        return KeyLister(watcher, lambda: self._js.api.deadline(timeout))

    async def history(
        self, key: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> list[KeyValueEntry]:
        """Return every entry the bucket keeps for ``key``, oldest first (markers included).

        Raises:
            KeyNotFoundError: the key has no entries.
        """
        self._check_key(key)
        watcher = self.watch(key, include_history=True)
        entries = await watcher.initial_entries(self._js.api.deadline(timeout))
        if not entries:
            raise KeyNotFoundError(self._bucket, key)
        return entries

    async def purge_deletes(
        self,
        *,
        older_than: Duration | None = KV_PURGE_DELETES_OLDER_THAN,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> int:
        """Remove the history of deleted keys; return how many markers went too.

        Markers older than ``older_than`` are removed with everything before them;
        younger ones stay (only the history before them goes). ``older_than=None``
        removes every marker.

        Raises:
            InvalidOptionError: ``older_than`` is not a positive duration.
        """
        threshold = None if older_than is None else to_timedelta(older_than, name="older_than")
        deadline = self._js.api.deadline(timeout)
        entries = await self.watch().initial_entries(deadline)
        markers = [entry for entry in entries if entry.is_deleted]
        limit = None if threshold is None else datetime.now(UTC) - threshold
        removed = 0
        for marker in markers:
            remove = limit is None or marker.created < limit
            try:
                await self._js.api.request(
                    f"STREAM.PURGE.{self._stream}",
                    StreamPurgeRequest(
                        filter=self._read_prefix + marker.key, keep=None if remove else 1
                    ),
                    StreamPurgeResponse,
                    timeout=max(0.5, deadline - anyio.current_time()),
                    context=self._context,
                )
            except StreamNotFoundError as err:
                raise bucket_not_found(self._bucket, err) from err
            removed += remove
        return removed
