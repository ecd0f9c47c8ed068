"""``stream.consumers``: create, find, list, pause and delete the consumers of one stream.

:class:`ConsumerManager` is cheap (the :class:`jsm.Manager` and a stream name); it hands
out :class:`jsm.Consumer` handles, which pull, push and acknowledge. Creation uses the
server's create actions (``create`` / ``update`` / either) and the extended
``CONSUMER.CREATE.<stream>.<name>.<filter>`` subject when there is one filter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from jsm._errors_base import InvalidOptionError
from jsm._generated_errors import ConsumerNotFoundError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.api import Page, Pager
from jsm.consumers._api import (
    API_LEVEL_PAUSE,
    API_LEVEL_PRIORITY,
    context_of,
    delete_consumer,
    fetch_info,
    unpin,
)
from jsm.consumers._checks import (
    check_consumer_config,
    check_filters_in_stream,
    create_subject,
)
from jsm.consumers.consumer import Consumer
from jsm.models import (
    ConsumerConfig,
    ConsumerCreateRequest,
    ConsumerCreateResponse,
    ConsumerInfo,
    ConsumerListResponse,
    ConsumerNamesResponse,
    ConsumerPauseRequest,
    ConsumerPauseResponse,
    SuccessResponse,
)
from jsm.subjects import check_name

if TYPE_CHECKING:
    from jsm.manager import Manager

__all__ = ["ConsumerManager"]


class ConsumerManager:
    """Manage the consumers of one stream; reached as ``stream.consumers``.

    ::

        worker = await orders.consumers.add(jsm.ConsumerConfig(durable_name="worker"))
        async for info in orders.consumers.list(): ...
    """

    __slots__ = ("_js", "_stream", "_subjects")

    def __init__(self, js: Manager, stream: str, *, subjects: list[str] | None = None) -> None:
        check_name(stream, kind="stream", strict=js.strict)
        self._js = js
        self._stream = stream
        self._subjects = subjects

    @property
    def stream_name(self) -> str:
        """The stream these consumers belong to."""
        return self._stream

    def __repr__(self) -> str:
        return f"<jsm.ConsumerManager of stream {self._stream!r}>"

    async def add(
        self, config: ConsumerConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> Consumer:
        """Create a consumer and return its handle (durable when named, else ephemeral).

        Adding a consumer that exists with the same configuration succeeds; with a
        different one it fails (use :meth:`update`). Checked locally first.

        Raises:
            InvalidOptionError: contradictory options (checked before sending).
            ConsumerAlreadyExistsError: it exists with another configuration.
            StreamNotFoundError: the stream does not exist.
            ApiError: any other refusal (e.g. a filter outside the stream's subjects).
        """
        return await self._create(config, "create", timeout)

    async def update(
        self, config: ConsumerConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> Consumer:
        """Change an existing consumer's configuration and return its handle.

        Raises:
            InvalidOptionError: an ephemeral config (no name) or contradictory options.
            ConsumerDoesNotExistError: there is no such consumer to update.
            ApiError: the server refused the change (some fields cannot change).
        """
        if config.consumer_name is None:
            raise InvalidOptionError("update() needs the consumer's name (or durable_name)")
        return await self._create(config, "update", timeout)

    async def add_or_update(
        self, config: ConsumerConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> Consumer:
        """Create the consumer, or update it if it exists; return its handle.

        Raises:
            InvalidOptionError: contradictory options.
            ApiError: the server refused.
        """
        return await self._create(config, None, timeout)

    async def _create(
        self, config: ConsumerConfig, action: str | None, timeout: Duration | NotGiven
    ) -> Consumer:
        check_consumer_config(config, strict=self._js.strict)
        check_filters_in_stream(config, self._stream, self._subjects)
        headers: dict[str, str] | None = None
        if config.priority_groups:
            headers = self._js.api.require_api_level("priority groups", API_LEVEL_PRIORITY)
        elif config.pause_until is not None:
            headers = self._js.api.require_api_level("consumer pause", API_LEVEL_PAUSE)
        api = self._js.api
        room = api.transport.max_subject_length - len(api.subjects.prefix) - 1
        info = await api.request(
            create_subject(self._stream, config, max_length=room),
            ConsumerCreateRequest(stream_name=self._stream, config=config, action=action),
            ConsumerCreateResponse,
            timeout=timeout,
            headers=headers,
            context=self._context(config.consumer_name),
        )
        return Consumer(self._js, info)

    async def get(self, name: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> Consumer:
        """Return a handle on an existing consumer.

        Raises:
            ConsumerNotFoundError: the stream has no consumer of that name.
            StreamNotFoundError: the stream does not exist.
        """
        try:
            info = await self.info(name, timeout=timeout)
        except ConsumerNotFoundError as err:
            hint = (
                f"{err.context}; create it first, e.g. stream.consumers.add("
                f"jsm.ConsumerConfig(durable_name={name!r}))"
            )
            raise ConsumerNotFoundError(
                err.code, err.err_code, err.description, context=hint, extra=err.extra
            ) from None
        return Consumer(self._js, info)

    async def info(self, name: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> ConsumerInfo:
        """Ask the server for a consumer's configuration and progress.

        Raises:
            ConsumerNotFoundError: the stream has no consumer of that name.
            StreamNotFoundError: the stream does not exist.
        """
        return await fetch_info(self._js, self._stream, name, timeout=timeout)

    def list(self) -> Pager[ConsumerInfo]:
        """Every consumer's info, page by page: ``async for info in stream.consumers.list()``.

        Raises:
            StreamNotFoundError: the stream does not exist (raised while iterating).
        """

        async def fetch(offset: int) -> Page[ConsumerInfo]:
            reply = await self._js.api.request(
                f"CONSUMER.LIST.{self._stream}",
                {"offset": offset},
                ConsumerListResponse,
                retry=True,
                context=self._context(None),
            )
            return Page(reply.consumers or [], offset=reply.offset, total=reply.total)

        return Pager(fetch)

    def names(self) -> Pager[str]:
        """Every consumer's name, page by page.

        Raises:
            StreamNotFoundError: the stream does not exist (raised while iterating).
        """

        async def fetch(offset: int) -> Page[str]:
            reply = await self._js.api.request(
                f"CONSUMER.NAMES.{self._stream}",
                {"offset": offset},
                ConsumerNamesResponse,
                retry=True,
                context=self._context(None),
            )
            return Page(reply.consumers or [], offset=reply.offset, total=reply.total)

        return Pager(fetch)

    async def delete(self, name: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Delete a consumer (its pending acknowledgements are forgotten).

        Raises:
            ConsumerNotFoundError: the stream has no consumer of that name.
        """
        await delete_consumer(self._js, self._stream, name, timeout=timeout)

    async def pause(
        self, name: str, /, until: datetime, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> ConsumerPauseResponse:
        """Deliver nothing from consumer ``name`` until ``until`` (an aware datetime).

        Raises:
            InvalidOptionError: ``until`` is naive (no time zone).
            ConsumerNotFoundError: the stream has no consumer of that name.
            UnsupportedApiLevelError: the server predates consumer pause (2.11).
        """
        if not isinstance(until, datetime) or until.tzinfo is None:
            raise InvalidOptionError(
                f"until must be a timezone-aware datetime, e.g. datetime.now(UTC) + "
                f"timedelta(minutes=5) (got {until!r})"
            )
        return await self._pause(name, until.astimezone(UTC), timeout)

    async def resume(
        self, name: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> ConsumerPauseResponse:
        """Resume a paused consumer at once.

        Raises:
            ConsumerNotFoundError: the stream has no consumer of that name.
        """
        return await self._pause(name, None, timeout)

    async def _pause(
        self, name: str, until: datetime | None, timeout: Duration | NotGiven
    ) -> ConsumerPauseResponse:
        check_name(name, kind="consumer", strict=self._js.strict)
        return await self._js.api.request(
            f"CONSUMER.PAUSE.{self._stream}.{name}",
            ConsumerPauseRequest(pause_until=until),
            ConsumerPauseResponse,
            timeout=timeout,
            headers=self._js.api.require_api_level("consumer pause", API_LEVEL_PAUSE),
            context=self._context(name),
        )

    async def unpin(
        self, name: str, /, group: str, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> None:
        """Release the client pinned to priority ``group``; the next pull gets pinned.

        Raises:
            ConsumerNotFoundError: the stream has no consumer of that name.
            ApiError: the consumer has no such group, or is not pinned_client.
        """
        await unpin(self._js, self._stream, name, group, timeout=timeout)

    async def leader_stepdown(
        self, name: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> None:
        """Ask the consumer's Raft leader to step down (clustered consumers only).

        Raises:
            ConsumerNotFoundError: the stream has no consumer of that name.
            ApiError: the consumer is not clustered or no peer can take over.
        """
        check_name(name, kind="consumer", strict=self._js.strict)
        await self._js.api.request(
            f"CONSUMER.LEADER.STEPDOWN.{self._stream}.{name}",
            None,
            SuccessResponse,
            timeout=timeout,
            context=self._context(name),
        )

    def _context(self, name: str | None) -> str:
        return context_of(self._stream, name)
