"""``js.streams``: create, find, list, delete and restore streams.

:class:`StreamManager` is cheap (a reference to the :class:`jsm.Manager`); it hands out
:class:`jsm.Stream` handles for everything done to one stream.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from jsm._errors_base import NoStreamError
from jsm._generated_errors import StreamNotFoundError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.api import Page, Pager
from jsm.models import StreamConfig, StreamListResponse, StreamNamesResponse
from jsm.streams import _api
from jsm.streams.stream import Stream
from jsm.subjects import check_subject

if TYPE_CHECKING:
    from pathlib import Path

    from jsm.manager import Manager
    from jsm.models import StreamInfo
    from jsm.streams.snapshot import Progress

__all__ = ["StreamManager"]


class StreamManager:
    """Manage the streams of the account (in the manager's domain or API prefix).

    Reached as ``js.streams``::

        orders = await js.streams.add(jsm.StreamConfig(name="ORDERS", subjects=["orders.>"]))
        async for info in js.streams.list(subject="orders.>"): ...
    """

    __slots__ = ("_js",)

    def __init__(self, js: Manager) -> None:
        self._js = js

    def __repr__(self) -> str:
        return f"<jsm.StreamManager of {self._js!r}>"

    async def add(
        self, config: StreamConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> Stream:
        """Create a stream and return its handle.

        Adding a stream that already exists with the same configuration succeeds and
        returns it; with a different configuration it fails. Everything that can be
        checked locally is checked first, so a bad config creates nothing.

        Raises:
            InvalidNameError: the stream name breaks the naming rules.
            InvalidOptionError: contradictory settings (a mirror with subjects, more than
                5 replicas, …).
            StreamNameExistError: a stream of that name exists with another configuration.
            StreamSubjectOverlapError: another stream already captures one of the subjects.
        """
        return Stream(self._js, await _api.create(self._js, config, timeout=timeout))

    async def update(
        self, config: StreamConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> Stream:
        """Replace an existing stream's configuration and return its handle.

        Raises:
            InvalidOptionError: contradictory settings.
            StreamNotFoundError: there is no such stream.
            StreamInvalidConfigError: the server refused the change (e.g. storage type).
        """
        return Stream(self._js, await _api.update(self._js, config, timeout=timeout))

    async def add_or_update(
        self, config: StreamConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> Stream:
        """Make the stream match ``config``: update it if it exists, create it if not.

        For declarative setups (a config kept in a file and applied on every deploy).

        Raises:
            InvalidOptionError: contradictory settings.
            StreamInvalidConfigError: the existing stream cannot take the change.
        """
        try:
            return await self.update(config, timeout=timeout)
        except StreamNotFoundError:
            return await self.add(config, timeout=timeout)

    async def name_by_subject(
        self, subject: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> str:
        """Return the name of the stream that captures ``subject`` (a literal subject).

        Raises:
            InvalidNameError: ``subject`` is not a valid publish subject.
            NoStreamError: no stream captures it.
        """
        check_subject(subject, allow_wildcards=False, what="subject")
        names = await self.names(subject=subject, timeout=timeout).collect()
        if not names:
            raise NoStreamError(f"no stream captures subject {subject!r}")
        return names[0]

    async def get(self, name: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> Stream:
        """Return a handle on an existing stream (its info fetched once).

        Raises:
            InvalidNameError: the name breaks the naming rules.
            StreamNotFoundError: there is no such stream.
        """
        return Stream(self._js, await self.info(name, timeout=timeout))

    async def info(
        self,
        name: str,
        /,
        *,
        deleted_details: bool = False,
        subjects_filter: str | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
    ) -> StreamInfo:
        """Return a stream's current info.

        Raises:
            StreamNotFoundError: there is no such stream.
        """
        return await _api.fetch_info(
            self._js.api,
            name,
            deleted_details=deleted_details,
            subjects_filter=subjects_filter,
            timeout=timeout,
        )

    async def delete(self, name: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Delete a stream with all its messages and consumers.

        Raises:
            StreamNotFoundError: there is no such stream.
        """
        await _api.delete(self._js.api, name, timeout=timeout)

    def list(
        self, *, subject: str | None = None, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> Pager[StreamInfo]:
        """Iterate the info of every stream (``async for``), optionally only those with a
        subject overlapping ``subject``; pages are fetched as the iteration goes.
        Afterwards the pager's ``missing`` names the streams whose leader did not answer.

        Raises:
            InvalidNameError: ``subject`` is not a valid subject.
        """
        body = _list_body(subject)

        async def fetch(offset: int) -> Page[StreamInfo]:
            reply = await self._js.api.request(
                "STREAM.LIST",
                body | {"offset": offset},
                StreamListResponse,
                timeout=timeout,
                retry=True,
                context="stream list",
            )
            return Page(
                reply.streams or [], offset=offset, total=reply.total, missing=reply.missing or []
            )

        return Pager(fetch)

    def names(
        self, *, subject: str | None = None, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> Pager[str]:
        """Iterate the name of every stream (``async for``), optionally filtered by subject.

        Raises:
            InvalidNameError: ``subject`` is not a valid subject.
        """
        body = _list_body(subject)

        async def fetch(offset: int) -> Page[str]:
            reply = await self._js.api.request(
                "STREAM.NAMES",
                body | {"offset": offset},
                StreamNamesResponse,
                timeout=timeout,
                retry=True,
                context="stream names",
            )
            return Page(reply.streams or [], offset=offset, total=reply.total)

        return Pager(fetch)

    async def restore(
        self,
        source: str | Path | IO[bytes],
        /,
        *,
        name: str | None = None,
        config: StreamConfig | None = None,
        progress: Progress | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
        **overrides: object,
    ) -> Stream:
        """Restore a snapshot file (or binary file object) as a new stream.

        The stream gets the configuration the snapshot was taken with, or ``config``,
        changed by ``name`` and ``overrides``. A stream of that name must not exist: this
        is checked before any data is sent.

        Raises:
            StreamNameExistError: a stream of the target name already exists.
            InvalidOptionError: the file is not a jsm snapshot or the overrides are bad.
            StreamRestoreError: the server could not restore it.
            JsmConnectionError: the connection was lost midway (no stream is made, unless
                it was lost after the last chunk: then check whether the stream exists).
        """
        from jsm.streams.snapshot import restore_stream  # the snapshot module imports this one

        info = await restore_stream(
            self._js,
            source,
            name=name,
            config=config,
            overrides=overrides,
            progress=progress,
            timeout=timeout,
        )
        return Stream(self._js, info)


def _list_body(subject: str | None) -> dict[str, object]:
    if subject is None:
        return {}
    check_subject(subject, what="subject filter")
    return {"subject": subject}
