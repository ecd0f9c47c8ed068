"""``js.services``: build services, discover them (PING/INFO/STATS) and call their endpoints.

Services are core NATS: their subjects are the same in every JetStream domain and are
not API-prefixed. Across accounts they are reached through the account's imports.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import anyio
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from jsm._constants import (
    SERVICE_DISCOVERY_QUIET,
    SERVICE_DISCOVERY_TIMEOUT,
    SERVICE_MAX_IN_FLIGHT,
    SERVICE_QUEUE_GROUP,
    SERVICE_STOP_TIMEOUT,
)
from jsm._errors_base import (
    ConfigValidationError,
    InvalidOptionError,
    NoServiceRespondersError,
    ServiceRequestError,
    UnexpectedReplyError,
)
from jsm._options import NOT_GIVEN, Duration, NotGiven, duration_seconds, to_timedelta
from jsm._transport import NatsClient, NoRespondersError, Transport, next_msg, unsubscribe
from jsm.models._base import parse_reply
from jsm.models.services import ServiceInfo, ServicePing, ServiceStats
from jsm.services._checks import check_service_name
from jsm.services._handlers import encode_reply
from jsm.services.request import (
    ERROR_CODE_HEADER,
    ERROR_HEADER,
    check_headers,
    check_payload,
)
from jsm.services.service import Service, StatsHandler
from jsm.subjects import check_subject, service_subject
from jsm.tracing._setup import tracing_for

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping

    from jsm._transport import NatsMsg

__all__ = ["Discovery", "ServiceManager", "raise_for_error"]

logger = logging.getLogger(__name__)

R = TypeVar("R", bound=BaseModel)
T = TypeVar("T", ServicePing, ServiceInfo, ServiceStats)


class Discovery(Generic[T]):
    """The replies of one discovery request, one per responding service instance.

    ``async for info in js.services.info("calc")`` or ``infos = await js.services.info()``.
    Replies are gathered first (until ``timeout``, or a quiet period after the last
    reply, or the one reply an id asks for), so leaving the loop early leaks nothing.
    """

    def __init__(self, gather: Callable[[], Awaitable[list[T]]]) -> None:
        self._gather: Callable[[], Awaitable[list[T]]] = gather
        self._replies: list[T] | None = None

    async def _all(self) -> list[T]:
        if self._replies is None:
            self._replies = await self._gather()
        return self._replies

    def __await__(self) -> Generator[Any, None, list[T]]:
        return self._all().__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        return _Replies(self._all)


class _Replies(Generic[T]):
    """Iterates over gathered replies (no resources held: nothing to close)."""

    def __init__(self, gather: Callable[[], Awaitable[list[T]]]) -> None:
        self._gather: Callable[[], Awaitable[list[T]]] = gather
        self._items: list[T] | None = None
        self._index = 0

    def __aiter__(self) -> _Replies[T]:
        return self

    async def __anext__(self) -> T:
        if self._items is None:
            self._items = await self._gather()
        if self._index >= len(self._items):
            raise StopAsyncIteration
        self._index += 1
        return self._items[self._index - 1]


class ServiceManager:
    """Services over one connection: ``js.services`` (or ``ServiceManager(nc)`` without JetStream)."""

    def __init__(
        self, nc: NatsClient | Transport, *, timeout: Duration = timedelta(seconds=5)
    ) -> None:
        self._transport = (
            nc if isinstance(nc, Transport) else Transport(nc, tracing=tracing_for(nc, None))
        )
        self._timeout = to_timedelta(timeout, name="timeout")

    def add(
        self,
        name: str,
        version: str,
        /,
        *,
        description: str | None = None,
        metadata: Mapping[str, str] | None = None,
        queue_group: str = SERVICE_QUEUE_GROUP,
        max_in_flight: int = SERVICE_MAX_IN_FLIGHT,
        stop_timeout: Duration = SERVICE_STOP_TIMEOUT,
        stats_handler: StatsHandler | None = None,
    ) -> Service:
        """Define a service (not started yet): add endpoints, then ``async with svc.run()``.

        Raises:
            InvalidNameError: a bad name or queue group.
            InvalidOptionError: a bad version (not semver), metadata or limit.
        """
        return Service(
            self._transport,
            name,
            version=version,
            description=description,
            metadata=metadata,
            queue_group=queue_group,
            max_in_flight=max_in_flight,
            stop_timeout=stop_timeout,
            stats_handler=stats_handler,
        )

    # -------------------------------------------------------------- discovery

    def ping(
        self,
        name: str | None = None,
        id: str | None = None,
        *,
        timeout: Duration = SERVICE_DISCOVERY_TIMEOUT,
        quiet: Duration = SERVICE_DISCOVERY_QUIET,
    ) -> Discovery[ServicePing]:
        """Ping services (all, one kind, or one instance): ``async for p in js.services.ping()``.

        Raises:
            InvalidNameError: a bad name.
            InvalidOptionError: an id without a name, or bad durations.
        """
        return self._discover("PING", ServicePing, name, id, timeout=timeout, quiet=quiet)

    def info(
        self,
        name: str | None = None,
        id: str | None = None,
        *,
        timeout: Duration = SERVICE_DISCOVERY_TIMEOUT,
        quiet: Duration = SERVICE_DISCOVERY_QUIET,
    ) -> Discovery[ServiceInfo]:
        """Describe services and their endpoints (``$SRV.INFO``); see :meth:`ping`."""
        return self._discover("INFO", ServiceInfo, name, id, timeout=timeout, quiet=quiet)

    def stats(
        self,
        name: str | None = None,
        id: str | None = None,
        *,
        timeout: Duration = SERVICE_DISCOVERY_TIMEOUT,
        quiet: Duration = SERVICE_DISCOVERY_QUIET,
    ) -> Discovery[ServiceStats]:
        """Per-endpoint statistics of services (``$SRV.STATS``); see :meth:`ping`."""
        return self._discover("STATS", ServiceStats, name, id, timeout=timeout, quiet=quiet)

    def _discover(
        self,
        verb: str,
        model: type[T],
        name: str | None,
        instance: str | None,
        *,
        timeout: Duration,
        quiet: Duration,
    ) -> Discovery[T]:
        if name is not None:
            check_service_name(name)
        if instance is not None:
            check_subject(instance, allow_wildcards=False, what="service id")
        subject = service_subject(verb, name, instance)
        total = duration_seconds(timeout, name="timeout")
        gap = duration_seconds(quiet, name="quiet")
        expected = 1 if instance is not None else None

        async def gather() -> list[T]:
            replies = [
                _parse(model, msg, subject)
                for msg in await self._collect(subject, total, gap, expected)
            ]
            return [reply for reply in replies if reply is not None]

        return Discovery(gather)

    async def _collect(
        self, subject: str, total: float, gap: float, expected: int | None
    ) -> list[NatsMsg]:
        inbox = self._transport.new_inbox()
        sub = await self._transport.subscribe(inbox, pending_msgs_limit=4096)
        replies: list[NatsMsg] = []
        try:
            await self._transport.publish(subject, b"", reply=inbox)
            with anyio.move_on_after(total):
                while expected is None or len(replies) < expected:
                    wait = total if not replies else gap
                    try:
                        msg = await next_msg(sub, timeout=wait)
                    except TimeoutError:
                        break
                    if msg.headers and msg.headers.get("Status") == "503":
                        break  # no responders at all
                    replies.append(msg)
        finally:
            with anyio.CancelScope(shield=True):
                await unsubscribe(sub)
        return replies

    # ----------------------------------------------------------------- calls

    @overload
    async def request(
        self,
        subject: str,
        payload: bytes | str | BaseModel | None = None,
        /,
        *,
        response: type[R],
        timeout: Duration | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
    ) -> R: ...

    @overload
    async def request(
        self,
        subject: str,
        payload: bytes | str | BaseModel | None = None,
        /,
        *,
        response: None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
    ) -> bytes: ...

    async def request(
        self,
        subject: str,
        payload: bytes | str | BaseModel | None = None,
        /,
        *,
        response: type[R] | None = None,
        timeout: Duration | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
    ) -> R | bytes:
        """Call a service endpoint and return its reply, parsed into ``response`` if given.

        A model payload is sent as JSON. ``await js.services.request("calc.add",
        AddRequest(a=1, b=2), response=AddResponse)``.

        Raises:
            ServiceRequestError: the service answered with an error (``code``, ``description``).
            NoServiceRespondersError: no service listens on ``subject``.
            JsmTimeoutError: no reply in time.
            UnexpectedReplyError: the reply does not parse as ``response``.
            InvalidNameError: ``subject`` is not a publishable subject.
            InvalidOptionError: a payload, ``response`` or ``headers`` of the wrong type, or
                a payload over the server's max_payload.
        """
        check_subject(subject, allow_wildcards=False, what="service subject")
        check_headers(headers)
        if response is not None and not (
            isinstance(response, type) and issubclass(response, BaseModel)
        ):
            raise InvalidOptionError(
                f"response must be a pydantic model class (got {response!r}); "
                "leave it out to get the reply's bytes"
            )
        seconds = duration_seconds(
            self._timeout if isinstance(timeout, NotGiven) else timeout, name="timeout"
        )
        try:
            data = encode_reply(payload)
        except (TypeError, UnicodeEncodeError, PydanticSerializationError) as err:
            raise InvalidOptionError(
                "payload must be bytes, str, a pydantic model (that serialises to JSON) or "
                f"None (got {type(payload).__name__}: {err})"
            ) from err
        check_payload(data, self._transport.max_payload, what="request")
        tracing = self._transport.tracing
        if tracing is None:
            msg = await self._call(subject, data, seconds, headers)
        else:  # a client span whose context the request carries (jsm.tracing)
            msg = await tracing.request(
                subject, data, headers, lambda traced: self._call(subject, data, seconds, traced)
            )
        if response is None:
            return bytes(msg.data)
        try:
            return response.model_validate_json(msg.data)
        except (ValidationError, ConfigValidationError) as err:
            raise UnexpectedReplyError(
                f"the reply from {subject!r} is not a valid {response.__name__}: {err}"
            ) from err

    async def _call(
        self, subject: str, data: bytes, seconds: float, headers: Mapping[str, str] | None
    ) -> NatsMsg:
        try:
            msg = await self._transport.request(subject, data, timeout=seconds, headers=headers)
        except NoRespondersError as err:
            raise NoServiceRespondersError(
                f"no service listens on {subject!r}: start the service, check the subject, "
                "and across accounts check the import"
            ) from err
        raise_for_error(msg, subject)
        return msg

    def __repr__(self) -> str:
        return "<ServiceManager>"


def raise_for_error(msg: NatsMsg, subject: str) -> None:
    """Raise :class:`ServiceRequestError` if ``msg`` carries service error headers.

    A code that is not a number (from a misbehaving service) counts as 500.
    """
    headers = msg.headers
    if not headers:
        return
    code = headers.get(ERROR_CODE_HEADER)
    description = headers.get(ERROR_HEADER)
    if code is None and description is None:
        return
    try:
        number = int(code or 500)
    except ValueError:
        number = 500
    raise ServiceRequestError(number, description or f"error {code}", subject=subject)


def _parse(model: type[T], msg: NatsMsg, subject: str) -> T | None:
    """Parse one discovery reply; one misbehaving instance does not hide the others."""
    try:
        return parse_reply(model, msg.data)
    except ValidationError as err:
        logger.warning(
            "ignoring a reply to %s that is not a valid %s: %s", subject, model.__name__, err
        )
        return None
