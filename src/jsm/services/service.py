"""A NATS micro service (ADR-32): endpoints and groups, discovery responders, lifecycle.

Requests are handled concurrently, each in its own task, with at most ``max_in_flight``
at once per service; further requests wait in the endpoint subscription's bounded
buffer (the subscription's delivery stops while every slot is busy). ``stop()`` first
withdraws interest (buffered requests are still handled), then lets in-flight requests
finish within ``stop_timeout`` and cancels what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import anyio
import pydantic_core
from pydantic import BaseModel

from jsm._constants import (
    CLEANUP_TIMEOUT,
    SERVICE_MAX_IN_FLIGHT,
    SERVICE_PENDING_LIMIT,
    SERVICE_QUEUE_GROUP,
    SERVICE_STOP_TIMEOUT,
)
from jsm._errors_base import ClosedError, InvalidOptionError
from jsm._interest import discard, drain
from jsm._options import NOT_GIVEN, Duration, NotGiven, to_timedelta
from jsm._transport import NatsClient, Transport, unsubscribe
from jsm.models.services import EndpointStats, ServiceInfo, ServicePing, ServiceStats
from jsm.services._checks import (
    check_metadata,
    check_queue_group,
    check_service_name,
    check_version,
)
from jsm.services.group import ServiceGroup, _Endpoints
from jsm.subjects import service_subject
from jsm.tracing._setup import tracing_for

if TYPE_CHECKING:
    from jsm._transport import NatsMsg, Subscription
    from jsm.services.endpoint import Endpoint

__all__ = ["Service", "ServiceGroup", "StatsHandler"]

logger = logging.getLogger(__name__)

StatsHandler = Callable[[EndpointStats], Any]
"""Returns the ``data`` an endpoint's ``$SRV.STATS`` entry carries (JSON-serialisable)."""

_VERBS = ("PING", "INFO", "STATS")


class Service(_Endpoints):
    """A service: named, versioned, with endpoints; discoverable through ``$SRV.>``.

    Build it with ``js.services.add("calc", "1.0.0")`` or, without JetStream,
    ``jsm.services.Service(nc, "calc", version="1.0.0")``; add endpoints; then
    ``async with svc.run(): ...`` (or ``await svc.start()`` / ``await svc.stop()``).

    Args:
        nc: a connected nats-py client.
        name: the service kind: letters, digits, ``_`` and ``-``.
        version: a semantic version (``1.0.0``).
        description: shown by ``$SRV.INFO``.
        metadata: string pairs shown by every discovery reply.
        queue_group: the queue group endpoints share unless they set one (``q``).
        max_in_flight: requests handled at once (the rest wait, bounded).
        stop_timeout: how long ``stop()`` lets in-flight requests finish.
        stats_handler: returns each endpoint's ``data`` in ``$SRV.STATS``.

    Raises:
        InvalidNameError: a bad name or queue group.
        InvalidOptionError: a bad version, metadata or limit.
    """

    def __init__(
        self,
        nc: NatsClient | Transport,
        name: str,
        /,
        *,
        version: str,
        description: str | None = None,
        metadata: Mapping[str, str] | None = None,
        queue_group: str = SERVICE_QUEUE_GROUP,
        max_in_flight: int = SERVICE_MAX_IN_FLIGHT,
        stop_timeout: Duration = SERVICE_STOP_TIMEOUT,
        stats_handler: StatsHandler | None = None,
    ) -> None:
        if isinstance(nc, Transport):
            self._transport = nc
        elif isinstance(nc, NatsClient):
            self._transport = Transport(nc, tracing=tracing_for(nc, None))
        else:
            raise InvalidOptionError(
                f"Service needs a nats-py connection (got {type(nc).__name__})"
            )
        self._name = check_service_name(name)
        self._version = check_version(version)
        self._description = description or ""
        self._metadata = check_metadata(metadata, what="service")
        self._queue_group = check_queue_group(queue_group)
        if (
            isinstance(max_in_flight, bool)
            or not isinstance(max_in_flight, int)
            or max_in_flight < 1
        ):
            raise InvalidOptionError(
                f"max_in_flight must be a positive integer (got {max_in_flight!r})"
            )
        self._stop_timeout = to_timedelta(stop_timeout, name="stop_timeout")
        self._stats_handler = stats_handler
        self._service = self
        self._prefix = ""
        self._id = secrets.token_hex(11).upper()
        self._endpoints: dict[str, Endpoint] = {}
        self._started = datetime.now(UTC)
        self._running = False
        self._halting = False
        self._slots = asyncio.Semaphore(max_in_flight)
        self._tasks: set[asyncio.Task[object]] = set()
        self._endpoint_subs: list[Subscription] = []
        self._control_subs: list[Subscription] = []

    # ------------------------------------------------------------ description

    @property
    def name(self) -> str:
        """The service kind, shared by all its instances."""
        return self._name

    @property
    def id(self) -> str:
        """This instance's unique id."""
        return self._id

    @property
    def version(self) -> str:
        """The service's semantic version."""
        return self._version

    @property
    def description(self) -> str:
        """What ``$SRV.INFO`` says the service does."""
        return self._description

    @property
    def metadata(self) -> dict[str, str]:
        """A copy of the service's metadata."""
        return dict(self._metadata)

    @property
    def queue_group(self) -> str:
        """The queue group endpoints share unless they set one."""
        return self._queue_group

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        """The endpoints, in the order they were added."""
        return tuple(self._endpoints.values())

    @property
    def is_running(self) -> bool:
        """Whether the service is started and not stopped."""
        return self._running

    @property
    def in_flight(self) -> int:
        """Requests being handled right now."""
        return len(self._tasks)

    def ping(self) -> ServicePing:
        """This instance's ``$SRV.PING`` reply."""
        return ServicePing(
            name=self._name, id=self._id, version=self._version, metadata=dict(self._metadata)
        )

    def info(self) -> ServiceInfo:
        """This instance's ``$SRV.INFO`` reply."""
        return ServiceInfo(
            name=self._name,
            id=self._id,
            version=self._version,
            metadata=dict(self._metadata),
            description=self._description,
            endpoints=[endpoint.info() for endpoint in self._endpoints.values()],
        )

    def stats(self) -> ServiceStats:
        """This instance's ``$SRV.STATS`` reply (the stats handler adds ``data``)."""
        entries = []
        handler = self._stats_handler
        for endpoint in self._endpoints.values():
            entry = endpoint.stats()
            if handler is not None:
                entry = endpoint.stats(self._stats_data(handler, entry))
            entries.append(entry)
        return ServiceStats(
            name=self._name,
            id=self._id,
            version=self._version,
            metadata=dict(self._metadata),
            started=self._started,
            endpoints=entries,
        )

    def _stats_data(self, handler: StatsHandler, entry: EndpointStats) -> object:
        try:
            data = _json_data(handler(entry))
            pydantic_core.to_json(data)  # what cannot be sent would silence $SRV.STATS
        except Exception:  # a faulty stats handler must not silence $SRV.STATS
            logger.warning("service %s: stats handler failed", self._name, exc_info=True)
            return None
        return data

    def reset(self) -> None:
        """Zero every endpoint's counters; ``started`` becomes now."""
        for endpoint in self._endpoints.values():
            endpoint.reset()
        self._started = datetime.now(UTC)

    def _register(self, endpoint: Endpoint) -> None:
        if self._running:
            raise InvalidOptionError(
                f"service {self._name!r} is running; add endpoints before starting it"
            )
        if endpoint.name in self._endpoints:
            raise InvalidOptionError(
                f"service {self._name!r} already has an endpoint named {endpoint.name!r}"
            )
        for other in self._endpoints.values():
            if other.subject == endpoint.subject:
                raise InvalidOptionError(
                    f"endpoints {other.name!r} and {endpoint.name!r} of service {self._name!r} "
                    f"would both listen on {endpoint.subject!r}; give one another subject"
                )
        self._endpoints[endpoint.name] = endpoint

    # -------------------------------------------------------------- lifecycle

    @contextlib.asynccontextmanager
    async def run(self) -> AsyncIterator[Service]:
        """``async with svc.run():`` — serve inside the block, stop gracefully when it ends."""
        await self.start()
        try:
            yield self
        finally:
            with anyio.CancelScope(shield=True):
                await self.stop()

    async def start(self) -> None:
        """Subscribe the endpoints and the ``$SRV`` responders; return once the server knows.

        Raises:
            InvalidOptionError: the service is running already, or was stopped.
            ClosedError: the connection is closed.
        """
        if self._running or self._halting:
            raise InvalidOptionError(
                f"service {self._name!r} was started already; create a new Service to serve again"
            )
        self._running = True
        self._started = datetime.now(UTC)
        try:
            for endpoint in self._endpoints.values():
                self._endpoint_subs.append(
                    await self._transport.subscribe(
                        endpoint.subject,
                        queue=endpoint.queue_group,
                        callback=self._dispatcher(endpoint),
                        pending_msgs_limit=SERVICE_PENDING_LIMIT,
                    )
                )
            for verb in _VERBS:
                respond = self._responder(verb)
                for subject in (
                    service_subject(verb),
                    service_subject(verb, self._name),
                    service_subject(verb, self._name, self._id),
                ):
                    self._control_subs.append(
                        await self._transport.subscribe(subject, callback=respond)
                    )
            await self._transport.flush(CLEANUP_TIMEOUT)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self._close_subscriptions()
            self._running = False
            raise

    async def stop(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Stop serving: no new requests; in-flight ones finish within ``timeout``.

        Requests still running when ``timeout`` (default ``stop_timeout``) passes are
        cancelled. Calling it again, or on a service never started, does nothing.
        """
        if not self._running:
            return
        self._running = False
        self._halting = True
        grace = to_timedelta(
            self._stop_timeout if isinstance(timeout, NotGiven) else timeout, name="timeout"
        ).total_seconds()
        try:
            with anyio.move_on_after(grace):
                for sub in self._endpoint_subs:
                    await drain(sub)
                while self._tasks:
                    await asyncio.wait(set(self._tasks))
        finally:  # also when stop() itself is cancelled: nothing is left behind
            with anyio.CancelScope(shield=True):
                await self._close_subscriptions()
                await self._cancel_in_flight()

    async def _cancel_in_flight(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            _, stubborn = await asyncio.wait(set(self._tasks), timeout=CLEANUP_TIMEOUT)
            if stubborn:
                logger.warning(
                    "service %s: %d handlers ignored cancellation", self._name, len(stubborn)
                )

    async def _close_subscriptions(self) -> None:
        endpoint_subs, self._endpoint_subs = self._endpoint_subs, []
        control_subs, self._control_subs = self._control_subs, []
        for sub in endpoint_subs:
            await discard(sub)
        for sub in control_subs:
            await unsubscribe(sub)

    # --------------------------------------------------------------- requests

    def _dispatcher(self, endpoint: Endpoint) -> Callable[[NatsMsg], Any]:
        transport = self._transport
        slots = self._slots
        tasks = self._tasks
        loop = asyncio.get_running_loop()
        tracing = transport.tracing
        service = (self._name, self._id, self._version)
        about = (endpoint.name, endpoint.subject, endpoint.queue_group)

        def finished(task: asyncio.Task[object]) -> None:
            tasks.discard(task)
            slots.release()

        async def dispatch(msg: NatsMsg) -> None:
            await slots.acquire()
            if tracing is None:
                task = _start(loop, endpoint.handle(transport, msg))
            else:  # a server span per request (jsm.tracing)
                served = tracing.serve(service, about, msg, lambda: endpoint.handle(transport, msg))
                task = _start(loop, served)
            tasks.add(task)
            task.add_done_callback(finished)

        return dispatch

    def _responder(self, verb: str) -> Callable[[NatsMsg], Any]:
        build: Callable[[], BaseModel] = {
            "PING": self.ping,
            "INFO": self.info,
            "STATS": self.stats,
        }[verb]

        async def respond(msg: NatsMsg) -> None:
            if not msg.reply:
                return
            try:
                payload = build().model_dump_json(by_alias=True).encode()
                await self._transport.publish(msg.reply, payload)
            except ClosedError:
                logger.debug("%s reply of service %s not sent: closed", verb, self._name)
            except Exception:
                logger.warning("service %s: %s reply failed", self._name, verb, exc_info=True)

        return respond

    def __repr__(self) -> str:
        state = "running" if self._running else "stopped"
        return (
            f"<Service {self._name!r} {self._version} id={self._id} "
            f"{len(self._endpoints)} endpoints {state}>"
        )


def _json_data(data: object) -> object:
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json", by_alias=True)
    return data


def _start(
    loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, object]
) -> asyncio.Task[object]:
    """Start handling a request as its own task.

    Where asyncio can (3.12+), the task starts eagerly: a handler that answers without
    waiting (most do) finishes inside the call, without a trip through the event loop.
    """
    if sys.version_info >= (3, 12):
        return asyncio.Task(coro, loop=loop, eager_start=True)
    return loop.create_task(coro)
