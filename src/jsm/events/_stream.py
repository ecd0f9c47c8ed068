"""Subscribing to advisories and metrics: a bounded, typed async iterator of events.

JetStream publishes advisories on ``$JS.EVENT.ADVISORY.>`` and metrics on
``$JS.EVENT.METRIC.>`` in the account that owns the streams. These subjects are not
mapped for JetStream domains or API prefixes: a client sees the advisories of its own
account (over a leaf node connection, those of the account on both sides); an account
that imports another's JetStream API sees its events only if it also imports
``$JS.EVENT.>`` as a stream (under the same subjects, so ``advisories()`` works as is).
Server events (``$SYS.ACCOUNT.<acc>.CONNECT`` ...) exist only in the system account.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, Self

from pydantic import ValidationError

from jsm._constants import EVENTS_MAX_PENDING, EVENTS_WAIT_SLICE
from jsm._errors_base import (
    ClosedError,
    ConfigValidationError,
    InvalidOptionError,
    JsmTimeoutError,
    SystemAccountRequiredError,
)
from jsm._transport import NoRespondersError, Subscription, next_msg, unsubscribe
from jsm.events._base import Event, GenericEvent
from jsm.events._generated import EVENT_TYPES

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

    from jsm._transport import Transport

__all__ = [
    "ADVISORY_SUBJECT",
    "ALL_EVENTS_SUBJECT",
    "METRIC_SUBJECT",
    "SERVER_EVENT_SUBJECT",
    "EventManager",
    "EventStream",
    "SystemAccountRequiredError",
    "parse_event",
]

ADVISORY_SUBJECT = "$JS.EVENT.ADVISORY.>"
"""Where JetStream publishes its advisories (per account, never domain-mapped)."""
METRIC_SUBJECT = "$JS.EVENT.METRIC.>"
"""Where JetStream publishes its metrics (sampled consumer acks)."""
ALL_EVENTS_SUBJECT = "$JS.EVENT.>"
"""Advisories and metrics together."""
SERVER_EVENT_SUBJECT = "$SYS.ACCOUNT.>"
"""Server advisories about clients and accounts (``CONNECT``, ``DISCONNECT``, ``SERVER.CONNS``;
system account only)."""


def parse_event(data: bytes | str, *, subject: str = "") -> Event:
    """Parse one event's JSON into its typed model, or a :class:`GenericEvent`.

    Never raises: an unknown ``type``, a payload that does not fit its model, or one that
    is not JSON at all yields a ``GenericEvent`` whose ``problem`` says why.
    """
    try:
        body: Any = json.loads(data)
    except ValueError as err:
        return _generic({}, f"not JSON: {err}", subject)
    if not isinstance(body, dict):
        return _generic({}, f"not a JSON object: {type(body).__name__}", subject)
    kind = body.get("type")
    model = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        return _generic(body, f"unknown event type {kind!r}", subject)
    try:
        event = model.model_validate(body)
    except (ValidationError, ConfigValidationError) as err:
        return _generic(body, f"does not fit {model.__name__}: {err}", subject)
    event._subject = subject
    return event


def _generic(body: dict[str, Any], problem: str, subject: str) -> GenericEvent:
    fields = {k: v for k, v in body.items() if k not in {"type", "id", "timestamp", "problem"}}
    event = GenericEvent.model_construct(
        type=str(body.get("type") or ""),
        id=str(body.get("id") or ""),
        timestamp=str(body.get("timestamp") or ""),
        problem=problem,
        **fields,
    )
    event._subject = subject
    return event


def _kind_names(kinds: Iterable[str | type[Event]] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    if isinstance(kinds, str):
        kinds = [kinds]
    names: set[str] = set()
    for kind in kinds:
        if isinstance(kind, type) and issubclass(kind, Event):
            found = [t for t, m in EVENT_TYPES.items() if m is kind]
            if not found:
                raise InvalidOptionError(
                    f"{kind.__name__} is not an event type with a 'type' field"
                )
            names.update(found)
        elif isinstance(kind, str) and kind:
            names.add(kind)
        else:
            raise InvalidOptionError(
                f"kinds holds event type names ('stream_action' or "
                f"'io.nats.jetstream.advisory.v1.stream_action') or Event classes, got {kind!r}"
            )
    return frozenset(names)


def _matches(kinds: frozenset[str] | None, event: Event) -> bool:
    if kinds is None:
        return True
    return event.type in kinds or event.type.rsplit(".", 1)[-1] in kinds


class EventStream:
    """Typed events from a few subjects: ``async with ... as events: async for ev in events``.

    The subscription buffers at most ``max_pending`` messages; if the application falls
    behind further, the client library drops the excess (a slow-consumer condition)
    rather than growing without bound. Leaving the block unsubscribes.
    """

    def __init__(
        self,
        transport: Transport,
        subject: str,
        *,
        kinds: Iterable[str | type[Event]] | None = None,
        max_pending: int = EVENTS_MAX_PENDING,
    ) -> None:
        if isinstance(max_pending, bool) or not isinstance(max_pending, int) or max_pending < 1:
            raise InvalidOptionError(
                f"max_pending must be a positive integer (got {max_pending!r})"
            )
        self._transport = transport
        self._subject = subject
        self._kinds = _kind_names(kinds)
        self._max_pending = max_pending
        self._sub: Subscription | None = None

    @property
    def subject(self) -> str:
        """The subject (usually a wildcard) this stream listens on."""
        return self._subject

    async def __aenter__(self) -> Self:
        if self._sub is not None:
            raise ClosedError("this event stream is already open")
        self._sub = await self._transport.subscribe(
            self._subject, pending_msgs_limit=self._max_pending
        )
        try:
            await self._transport.flush(timeout=EVENTS_WAIT_SLICE)
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Unsubscribe (also done on leaving the ``async with`` block)."""
        sub, self._sub = self._sub, None
        if sub is not None:
            await unsubscribe(sub)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Event:
        while True:
            try:
                return await self.next(timeout=EVENTS_WAIT_SLICE)
            except JsmTimeoutError:
                continue

    async def next(self, *, timeout: float) -> Event:
        """The next matching event, waiting at most ``timeout`` seconds.

        Raises:
            JsmTimeoutError: none arrived in time.
            ClosedError: the stream is not open or the connection is closed.
        """
        if self._sub is None:
            raise ClosedError("the event stream is not open; use 'async with'")
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise JsmTimeoutError(f"no event on {self._subject!r} within {timeout:g}s")
            msg = await next_msg(self._sub, timeout=left)
            event = parse_event(msg.data, subject=msg.subject)
            if _matches(self._kinds, event):
                return event


class EventManager:
    """Advisories, metrics and server events of one connection (``js.events``)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def advisories(
        self,
        *,
        kinds: Iterable[str | type[Event]] | None = None,
        metrics: bool = True,
        max_pending: int = EVENTS_MAX_PENDING,
    ) -> EventStream:
        """JetStream advisories (and metrics unless ``metrics=False``) of this account.

        ``kinds`` keeps only some types: short names (``"stream_action"``), full type
        names, or model classes (``jsm.events.StreamActionAdvisory``).

        Raises:
            InvalidOptionError: a bad ``kinds`` entry or ``max_pending``.
        """
        subject = ALL_EVENTS_SUBJECT if metrics else ADVISORY_SUBJECT
        return EventStream(self._transport, subject, kinds=kinds, max_pending=max_pending)

    def subscribe(
        self,
        subject: str,
        *,
        kinds: Iterable[str | type[Event]] | None = None,
        max_pending: int = EVENTS_MAX_PENDING,
    ) -> EventStream:
        """Typed events from any subject (e.g. ``$JS.EVENT.ADVISORY.STREAM.*.ORDERS``)."""
        return EventStream(self._transport, subject, kinds=kinds, max_pending=max_pending)

    async def server_events(
        self,
        *,
        subject: str = SERVER_EVENT_SUBJECT,
        kinds: Iterable[str | type[Event]] | None = None,
        max_pending: int = EVENTS_MAX_PENDING,
    ) -> EventStream:
        """Server advisories (client connect/disconnect, account connections) on ``subject``.

        Await it, then enter it: ``async with await js.events.server_events() as events``.
        Other system events on the subject (leaf node connects, ...) arrive as
        :class:`GenericEvent` unless ``kinds`` filters them out.

        Raises:
            SystemAccountRequiredError: this connection is not in the system account.
        """
        await require_system_account(self._transport)
        return EventStream(self._transport, subject, kinds=kinds, max_pending=max_pending)


async def require_system_account(transport: Transport) -> None:
    """Raise :class:`SystemAccountRequiredError` unless servers answer ``$SYS.REQ.SERVER.PING``."""
    try:
        await transport.request("$SYS.REQ.SERVER.PING", b"", timeout=EVENTS_WAIT_SLICE)
    except (NoRespondersError, JsmTimeoutError) as err:
        raise SystemAccountRequiredError(
            "this needs a connection in the system account (no server answered "
            "$SYS.REQ.SERVER.PING); connect with system-account credentials"
        ) from err
