"""The :class:`Stream` handle: one stream's info, configuration changes, messages and cluster moves.

A handle is cheap and holds no resources: a name, the manager it talks through, and the
info it last saw (``cached_info``, never refreshed behind the caller's back). Creating,
listing and restoring streams belong to :class:`jsm.streams.StreamManager`; snapshots
to :mod:`jsm.streams.snapshot`.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, overload

from jsm._errors_base import InvalidOptionError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.consumers import ConsumerManager
from jsm.models import (
    StreamConfig,
    StreamLeaderStepdownRequest,
    StreamMsgGetRequest,
    StreamPeerRemoveRequest,
    StreamPurgeRequest,
    StreamPurgeResponse,
    SuccessResponse,
)
from jsm.streams import _api
from jsm.streams.messages import (
    StoredMessage,
    api_get,
    delete_message,
    direct_get,
    direct_get_batch,
)
from jsm.subjects import check_subject

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from jsm.manager import Manager
    from jsm.models import Placement, StreamInfo
    from jsm.streams.snapshot import Progress, SnapshotResult

__all__ = ["Stream"]

_SERVER_METADATA_PREFIX = "_nats."


class Stream:
    """A handle on one stream, from ``js.streams.get(name)`` or ``js.streams.add(config)``.

    ``info()`` always asks the server; ``cached_info`` is what the handle last saw.
    """

    __slots__ = ("_info", "_js")

    def __init__(self, js: Manager, info: StreamInfo) -> None:
        self._js = js
        self._info = info

    @property
    def name(self) -> str:
        """The stream's name."""
        return self._info.config.name

    @property
    def cached_info(self) -> StreamInfo:
        """The info this handle last received (no I/O; may be stale)."""
        return self._info

    @property
    def config(self) -> StreamConfig:
        """The configuration from :attr:`cached_info` (no I/O)."""
        return self._info.config

    @property
    def consumers(self) -> ConsumerManager:
        """The consumers of this stream: ``await stream.consumers.add(config)``, ``get``, …."""
        config = self.config
        # Filters are checked against the subjects only when they are what gets stored.
        plain = not (config.mirror or config.sources or config.subject_transform)
        return ConsumerManager(self._js, self.name, subjects=config.subjects if plain else None)

    def __repr__(self) -> str:
        return f"<jsm.Stream {self.name!r}>"

    async def info(
        self,
        *,
        deleted_details: bool = False,
        subjects_filter: str | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> StreamInfo:
        """Ask the server for the stream's current info (and refresh ``cached_info``).

        ``subjects_filter`` (``">"`` for all) fills ``state.subjects`` with per-subject
        counts, across as many pages as the server needs.

        Raises:
            StreamNotFoundError: the stream no longer exists.
            JsmTimeoutError: no reply in time.
        """
        self._info = await _api.fetch_info(
            self._js.api,
            self.name,
            deleted_details=deleted_details,
            subjects_filter=subjects_filter,
            timeout=timeout,
        )
        return self._info

    async def update(
        self, config: StreamConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> Stream:
        """Replace the stream's configuration with ``config`` (same name) and return ``self``.

        Raises:
            InvalidOptionError: ``config`` names another stream or is contradictory.
            StreamInvalidConfigError: the server refused the change (e.g. storage type).
        """
        if config.name != self.name:
            raise InvalidOptionError(
                f"config is for stream {config.name!r}, not {self.name!r}; "
                "use copy() to make a stream under a new name"
            )
        self._info = await _api.update(self._js, config, timeout=timeout)
        return self

    async def edit(self, *, timeout: Duration | NotGiven = NOT_GIVEN, **fields: object) -> Stream:
        """Change some fields of the current configuration: ``await s.edit(max_age=...)``.

        The current configuration is read from the server first, the changes are
        validated through :class:`StreamConfig`, and the result replaces it.

        Raises:
            InvalidOptionError: an unknown field, a value of the wrong type, or a
                contradictory result.
            StreamInvalidConfigError: the server refused the change.
        """
        _check_field_names(fields)
        if "name" in fields and fields["name"] != self.name:
            raise InvalidOptionError("edit() cannot rename a stream; use copy(new_name)")
        current = (await self.info(timeout=timeout)).config
        return await self.update(current.with_changes(**fields), timeout=timeout)

    async def seal(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> Stream:
        """Seal the stream: no more messages in or out, no deletes; cannot be undone.

        Raises:
            StreamInvalidConfigError: the server refused (e.g. a mirror).
        """
        return await self.edit(sealed=True, timeout=timeout)

    async def delete(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Delete the stream with all its messages and consumers.

        Raises:
            StreamNotFoundError: the stream no longer exists.
        """
        await _api.delete(self._js.api, self.name, timeout=timeout)

    async def copy(
        self, new_name: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN, **overrides: object
    ) -> Stream:
        """Create a new, empty stream with this one's configuration and ``overrides``.

        Subjects usually have to differ (two streams may not capture the same subject):
        ``await orders.copy("ORDERS_V2", subjects=["orders.v2.>"])``.

        Raises:
            InvalidOptionError: an unknown field or a contradictory configuration.
            StreamNameExistError: a different stream already has ``new_name``.
        """
        _check_field_names(overrides)
        current = (await self.info(timeout=timeout)).config
        metadata = {
            key: value
            for key, value in (current.metadata or {}).items()
            if not key.startswith(_SERVER_METADATA_PREFIX)
        }
        changes: dict[str, object] = {"name": new_name, "metadata": metadata or None}
        config = current.with_changes(**(changes | overrides))
        return await self._js.streams.add(config, timeout=timeout)

    @overload
    async def purge(
        self,
        *,
        subject: str | None = None,
        keep: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> int: ...
    @overload
    async def purge(
        self,
        *,
        subject: str | None = None,
        up_to_seq: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> int: ...
    async def purge(
        self,
        *,
        subject: str | None = None,
        keep: int | None = None,
        up_to_seq: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> int:
        """Remove messages and return how many went (ADR-10).

        With no options everything goes. ``subject`` (wildcards allowed) limits the purge
        to matching messages; ``keep=N`` keeps the newest N (per subject with
        ``subject``); ``up_to_seq=S`` removes those before sequence S.

        Raises:
            InvalidOptionError: ``keep`` and ``up_to_seq`` together, or out of range.
            StreamNotFoundError: the stream no longer exists.
        """
        if keep is not None and up_to_seq is not None:
            raise InvalidOptionError("purge takes keep or up_to_seq, not both")
        for option, value in (("keep", keep), ("up_to_seq", up_to_seq)):
            if value is not None:
                _check_seq(value, option)
        if subject is not None:
            check_subject(subject, what="purge subject")
        reply = await self._js.api.request(
            f"STREAM.PURGE.{self.name}",
            StreamPurgeRequest(filter=subject, keep=keep, seq=up_to_seq),
            StreamPurgeResponse,
            timeout=timeout,
            context=f"stream {self.name!r}",
        )
        return reply.purged

    async def get_message(
        self,
        seq: int | None = None,
        /,
        *,
        last_by_subject: str | None = None,
        next_by_subject: str | None = None,
        direct: bool | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> StoredMessage:
        """Read one stored message: by sequence, the last on a subject, or the next on one.

        ``get_message(42)``, ``get_message(last_by_subject="orders.eu.1")`` or
        ``get_message(10, next_by_subject="orders.>")`` (first match at or after 10).
        ``direct=None`` uses a direct get when the stream allows it (per ``cached_info``).

        Raises:
            InvalidOptionError: the options do not name exactly one message.
            NoMessageFoundError: no message matches.
            JetStreamUnavailableError: ``direct=True`` on a stream without ``allow_direct``.
        """
        request = _single_get_request(seq, last_by_subject, next_by_subject)
        use_direct = self.config.allow_direct if direct is None else direct
        if use_direct:
            return await direct_get(self._js.api, self.name, request, timeout=timeout)
        return await api_get(self._js.api, self.name, request, timeout=timeout)

    async def get_messages_batch(
        self,
        batch: int,
        /,
        *,
        start_seq: int | None = None,
        start_time: datetime | None = None,
        subject: str | None = None,
        max_bytes: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> list[StoredMessage]:
        """Read up to ``batch`` messages from ``start_seq`` (or ``start_time``) in one go.

        A direct get (ADR-31): the stream needs ``allow_direct``. ``subject`` filters
        (wildcards allowed); ``max_bytes`` caps the reply size.

        Raises:
            InvalidOptionError: a bad batch size, or both start options.
            JetStreamUnavailableError: the stream does not allow direct gets.
        """
        _check_seq(batch, "batch")
        if start_seq is not None and start_time is not None:
            raise InvalidOptionError("get_messages_batch takes start_seq or start_time, not both")
        if start_seq is not None:
            _check_seq(start_seq, "start_seq")  # the server calls seq 0 an empty request
        if subject is not None:
            check_subject(subject, what="subject filter")
        request = StreamMsgGetRequest(
            seq=start_seq if start_seq is not None or start_time is not None else 1,
            start_time=start_time,
            next_by_subj=subject,
            batch=batch,
            max_bytes=max_bytes,
        )
        return await direct_get_batch(self._js.api, self.name, request, timeout=timeout)

    async def get_last_messages_for(
        self,
        subjects: list[str],
        /,
        *,
        up_to_seq: int | None = None,
        up_to_time: datetime | None = None,
        batch: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> list[StoredMessage]:
        """Read the last message of each subject matching ``subjects`` (multi-last, ADR-31).

        ``up_to_seq``/``up_to_time`` read the stream as it was at that point. An empty
        list means nothing matched. The stream needs ``allow_direct``.

        Raises:
            InvalidOptionError: no subjects, or both ``up_to`` options.
            JetStreamUnavailableError: the stream does not allow direct gets.
        """
        if not isinstance(subjects, list | tuple) or not subjects:
            raise InvalidOptionError(
                f"subjects must be a non-empty list of subjects (got {subjects!r})"
            )
        for subject in subjects:
            check_subject(subject, what="subject filter")
        if up_to_seq is not None and up_to_time is not None:
            raise InvalidOptionError("take up_to_seq or up_to_time, not both")
        request = StreamMsgGetRequest(
            multi_last=list(subjects), up_to_seq=up_to_seq, up_to_time=up_to_time, batch=batch
        )
        return await direct_get_batch(self._js.api, self.name, request, timeout=timeout)

    async def delete_message(
        self, seq: int, /, *, erase: bool = True, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> None:
        """Delete one message; ``erase=True`` (the default) overwrites it on disk (GDPR).

        Raises:
            InvalidOptionError: ``seq`` is not a positive integer.
            SequenceNotFoundError: no message has that sequence: past the end of the
                stream, or already deleted or purged (with any storage).
            StreamMsgDeleteFailedError: the server could not delete it (e.g. deny_delete).
        """
        _check_seq(seq, "seq")
        await delete_message(self._js.api, self.name, seq, erase=erase, timeout=timeout)

    async def leader_stepdown(
        self, *, placement: Placement | None = None, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> None:
        """Ask the stream's Raft leader to step down (optionally towards ``placement``).

        Raises:
            StreamNotFoundError: the stream no longer exists.
            ApiError: the stream is not clustered or no peer can take over.
        """
        await self._js.api.request(
            f"STREAM.LEADER.STEPDOWN.{self.name}",
            StreamLeaderStepdownRequest(placement=placement),
            SuccessResponse,
            timeout=timeout,
            context=f"stream {self.name!r}",
        )

    async def remove_peer(self, peer: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Remove the replica on server ``peer``; the cluster places a new one elsewhere.

        Raises:
            ClusterPeerNotMemberError: ``peer`` holds no replica of this stream.
        """
        if not peer:
            raise InvalidOptionError("peer must be a server name")
        await self._js.api.request(
            f"STREAM.PEER.REMOVE.{self.name}",
            StreamPeerRemoveRequest(peer=peer),
            SuccessResponse,
            timeout=timeout,
            context=f"stream {self.name!r}",
        )

    async def snapshot(
        self,
        destination: str | Path | IO[bytes],
        /,
        *,
        progress: Progress | None = None,
        no_consumers: bool = False,
        chunk_size: int | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> SnapshotResult:
        """Back the stream up to a file path or a binary file object (streamed, bounded memory).

        See :func:`jsm.streams.snapshot.snapshot_stream`.

        Raises:
            StreamSnapshotError: the server could not take the snapshot.
            JsmTimeoutError: the server stopped sending chunks.
            JsmConnectionError: the connection was lost midway (a file it created is removed).
        """
        from jsm.streams.snapshot import snapshot_stream  # the snapshot module imports this one

        return await snapshot_stream(
            self._js,
            self.name,
            destination,
            progress=progress,
            no_consumers=no_consumers,
            chunk_size=chunk_size,
            timeout=timeout,
        )


def _check_field_names(fields: dict[str, object]) -> None:
    unknown = sorted(set(fields) - set(StreamConfig.model_fields))
    if unknown:
        raise InvalidOptionError(
            f"unknown stream configuration field(s): {', '.join(unknown)}; "
            "see jsm.StreamConfig for the fields"
        )


def _check_seq(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidOptionError(f"{name} must be a positive integer (got {value!r})")


def _single_get_request(
    seq: int | None, last_by_subject: str | None, next_by_subject: str | None
) -> StreamMsgGetRequest:
    if last_by_subject is not None:
        if seq is not None or next_by_subject is not None:
            raise InvalidOptionError(
                "last_by_subject cannot be combined with seq or next_by_subject"
            )
        check_subject(last_by_subject, what="last_by_subject")
        return StreamMsgGetRequest(last_by_subj=last_by_subject)
    if next_by_subject is not None:
        check_subject(next_by_subject, what="next_by_subject")
        if seq is not None:
            _check_seq(seq, "seq")
        return StreamMsgGetRequest(seq=seq or 1, next_by_subj=next_by_subject)
    if seq is None:
        raise InvalidOptionError("get_message needs a seq, last_by_subject or next_by_subject")
    _check_seq(seq, "seq")
    return StreamMsgGetRequest(seq=seq)
