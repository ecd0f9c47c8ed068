"""Continuous pulling: :class:`MessageStream`, what ``consumer.consume()`` yields (ADR-37).

Inside ``async with``, a task group runs the pull loop. It keeps at most
``max_messages`` (or ``max_bytes``) requested-or-buffered, pulls again when that falls
to the threshold, checks the server's idle heartbeats, re-pulls after a reconnect, a
leader change or missed heartbeats. A pull nobody serves (the consumer electing a
leader, or gone) is sent again with a short backoff, while a background check asks
whether the consumer still exists: during an election that question goes unanswered
until its timeout, and waiting for it would hold the loop long after a new leader
serves. Messages reach the caller through a bounded memory object
stream. Faults no re-pull can fix (consumer deleted, a push consumer, a refused
request) end the iteration with a typed error, after the buffered messages. Leaving the
block (or :meth:`MessageStream.stop`) stops pulling and releases the messages not yet
handed out, so the server redelivers them at once; :meth:`MessageStream.drain` stops
pulling and hands the buffer out first (see :mod:`jsm.consumers._buffer`).
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import TYPE_CHECKING, Self

import anyio

from jsm._constants import BYTES_MODE_BUFFER, HEARTBEAT_TOLERANCE
from jsm._errors_base import (
    ClosedError,
    JetStreamUnavailableError,
    JsmError,
    JsmTimeoutError,
    MissedHeartbeatError,
)
from jsm._transport import status_of
from jsm.api._retry import Retry
from jsm.consumers._buffer import DeliveryBuffer
from jsm.consumers.pull import Status, classify, pending_of
from jsm.models import PullRequest

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from datetime import timedelta
    from types import TracebackType

    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream

    from jsm._transport import NatsMsg
    from jsm.consumers.message import Msg
    from jsm.consumers.pull import PullTarget

__all__ = ["ConsumeSettings", "MessageStream", "receive"]

logger = logging.getLogger(__name__)

_BYTES_MODE_BATCH = 1_000_000
_MAX_CHECK_INTERVAL = 1.0
_CHECK_MARGIN = 0.01
_WARN_BACKOFF = 1.0
_REPULL = Retry()
"""Backoff of re-pulls nobody served: 50 ms doubling to 1 s, with jitter."""
_YIELD_EVERY = 64


class ConsumeSettings:
    """The checked options of one ``consume()`` call."""

    __slots__ = (
        "expires",
        "group",
        "heartbeat",
        "max_bytes",
        "max_messages",
        "min_ack_pending",
        "min_pending",
        "priority",
        "raise_on_missed_heartbeat",
        "threshold",
    )

    def __init__(
        self,
        *,
        max_messages: int,
        max_bytes: int | None,
        expires: timedelta,
        heartbeat: timedelta,
        threshold: int,
        group: str | None = None,
        priority: int | None = None,
        min_pending: int | None = None,
        min_ack_pending: int | None = None,
        raise_on_missed_heartbeat: bool = False,
    ) -> None:
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self.expires = expires
        self.heartbeat = heartbeat
        self.threshold = threshold
        self.group = group
        self.priority = priority
        self.min_pending = min_pending
        self.min_ack_pending = min_ack_pending
        self.raise_on_missed_heartbeat = raise_on_missed_heartbeat


class MessageStream:
    """Messages of a pull consumer, pulled continuously: ``async for msg in messages``.

    Made by :meth:`jsm.Consumer.consume`; use it as ``async with``. Leaving the block
    (break, an exception, cancellation) or :meth:`stop` ends it at once and releases
    the messages received but not handed out yet; :meth:`drain` ends it after handing
    them out. A fault no re-pull can fix raises from ``__anext__``
    (:class:`~jsm.errors.ConsumerNotFoundError` when the consumer is deleted,
    :class:`~jsm.errors.WrongConsumerTypeError`, :class:`~jsm.errors.ClosedError`, …).
    """

    def __init__(
        self,
        target: PullTarget,
        settings: ConsumeSettings,
        *,
        check_consumer: Callable[[], Awaitable[object]],
        traced: bool = True,
    ) -> None:
        self._target = target
        # Receive spans (jsm.tracing); an ordered consumer makes its own instead.
        self._tracing = target.transport.tracing if traced else None
        self._settings = settings
        self._check_consumer = check_consumer
        self._buffer: DeliveryBuffer
        self._recv: MemoryObjectReceiveStream[Msg]
        self._pending_msgs = 0
        self._pending_bytes = 0
        self._buffered_msgs = 0
        self._buffered_bytes = 0
        self._taken = 0
        self._wake = anyio.Event()
        self._last_seen = 0.0
        self._clock = anyio.current_time
        self._not_before = 0.0
        self._reconnects = target.transport.reconnects
        self._no_responders = False
        self._unanswered = 0  # pulls in a row that nobody served
        self._checking = False  # a check that the consumer exists is under way
        self._checks: TaskGroup | None = None
        self._error: JsmError | None = None
        self._tg: TaskGroup | None = None
        # The loop's own scope: cancelling the task group's would cancel the caller's
        # code too, which runs inside it between __aenter__ and __aexit__.
        self._loop_scope = anyio.CancelScope()
        self._entered = False

    @property
    def buffered(self) -> int:
        """How many received messages wait in the buffer for the iteration."""
        return self._buffered_msgs

    @property
    def released(self) -> int:
        """How many received messages were released (nak) on stop instead of handed out."""
        return self._buffer.released if self._entered else 0

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        if self._entered:
            raise ClosedError("this consume() was already entered; call consume() again")
        settings = self._settings
        bound = settings.max_messages if settings.max_bytes is None else BYTES_MODE_BUFFER
        transport = self._target.transport
        buffer = DeliveryBuffer(transport, bound, ack_none=self._target.ack_none)
        self._inbox = transport.new_inbox()
        self._clock = asyncio.get_running_loop().time  # anyio's clock on asyncio, read directly
        try:
            buffer.sub = await transport.subscribe(
                self._inbox, callback=self._on_msg, direct=self._on_msg_now
            )
        except BaseException:
            buffer.close()
            raise
        self._buffer, self._recv = buffer, buffer.recv
        self._entered = True
        self._last_seen = anyio.current_time()
        self._tg = anyio.create_task_group()
        await self._tg.__aenter__()
        self._tg.start_soon(self._run)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.stop()
            tg, self._tg = self._tg, None
            if tg is not None:
                tg.cancel_scope.cancel()
                await tg.__aexit__(None, None, None)
        finally:
            self._buffer.close()

    async def stop(self) -> None:
        """Stop now: no more pulls, and the iteration ends at its next step.

        Messages received but not handed out yet are released: nak'd without delay, so
        the server redelivers them at once, to this or another worker (dropped for an
        ``AckPolicy.NONE`` consumer). Messages already handed out are the caller's to
        acknowledge. Leaving the ``async with`` block stops too.
        """
        self._loop_scope.cancel()
        if self._entered:
            await self._buffer.stop()
            self._buffered_msgs = self._buffered_bytes = 0

    async def drain(self) -> None:
        """Stop pulling; the iteration hands out every message received, then ends.

        Messages the server sent before it saw the end of interest are received too.
        Leaving the block before the iteration ends releases the rest, as :meth:`stop`.
        """
        self._loop_scope.cancel()
        if self._tg is not None:
            self._buffer.drain(self._tg)

    # ------------------------------------------------------------------ iteration

    def __aiter__(self) -> Self:
        if not self._entered:
            raise ClosedError("use 'async with consumer.consume() as messages:' before iterating")
        return self

    async def __anext__(self) -> Msg:
        try:
            msg = await receive(self._recv, self._taken)
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            if self._error is not None:
                raise self._error from None
            raise StopAsyncIteration from None
        self._taken += 1
        self._buffered_msgs -= 1
        if self._settings.max_bytes is not None:
            self._buffered_bytes -= _size(msg)
        if self._needs_pull():
            self._wake.set()
        if self._tracing is not None:
            self._tracing.delivered(msg, "consume")
        return msg

    # ------------------------------------------------------------------ the callback

    def _on_msg_now(self, msg: NatsMsg) -> bool:
        """Take a delivered message as it is parsed (:func:`jsm._wire.dispatch_directly`)
        when the buffer has room; ``False`` leaves it, and status messages, to _on_msg."""
        if self._buffer.releasing or (msg.headers and status_of(msg) is not None):
            return False
        wrapped = self._target.wrap(msg)
        try:
            self._buffer.send.send_nowait(wrapped)
        except (anyio.WouldBlock, anyio.BrokenResourceError, anyio.ClosedResourceError):
            return False
        self._last_seen = self._clock()
        self._count_delivered(wrapped)
        return True

    async def _on_msg(self, msg: NatsMsg) -> None:
        self._last_seen = self._clock()
        status = status_of(msg)
        if status is None:
            await self._deliver(self._target.wrap(msg))
            return
        kind = classify(*status)
        if kind is Status.HEARTBEAT:
            self._unanswered = 0
            return
        if kind is Status.DONE:
            count, size = pending_of(msg)
            self._pending_msgs = max(0, self._pending_msgs - count)
            self._pending_bytes = max(0, self._pending_bytes - size)
        elif kind is Status.ERROR:
            self._fail(self._target.error(*status))
            return
        else:
            self._on_lost_pulls(kind, *status)
        self._wake.set()

    def _on_lost_pulls(self, kind: Status, status: str, description: str) -> None:
        self._pending_msgs = 0
        self._pending_bytes = 0
        if kind is Status.PIN:
            self._target.pin_id = None
        elif kind is Status.NO_RESPONDERS:
            self._no_responders = True
        elif kind is Status.WARN:
            logger.warning(
                "pull on consumer %r refused for now: %s %s",
                self._target.consumer,
                status,
                description,
            )
            self._not_before = anyio.current_time() + _WARN_BACKOFF
        else:
            logger.debug("pulls on %r lost: %s %s", self._target.consumer, status, description)

    async def _deliver(self, msg: Msg) -> None:
        if self._buffer.releasing:
            await self._buffer.put(msg)  # released: the loop is stopping
            return
        self._count_delivered(msg)
        # Waits for room only after pulls were re-sent while older ones were still live.
        await self._buffer.put(msg)

    def _count_delivered(self, msg: Msg) -> None:
        self._unanswered = 0
        if self._pending_msgs:
            self._pending_msgs -= 1
        self._buffered_msgs += 1
        if self._settings.max_bytes is not None:
            size = _size(msg)
            self._pending_bytes = max(0, self._pending_bytes - size)
            self._buffered_bytes += size

    def _fail(self, error: JsmError) -> None:
        if self._error is None:
            self._error = error
        self._loop_scope.cancel()
        self._buffer.send.close()

    # ------------------------------------------------------------------ the pull loop

    async def _run(self) -> None:
        # Woken by deliveries, by the iteration when a pull is due, and by the connection's
        # status changes; otherwise asleep until a heartbeat is overdue (jsm._status).
        watch = self._target.transport.status_watch()
        key = watch.listen(self._poke) if watch is not None else None
        with self._loop_scope:
            async with anyio.create_task_group() as self._checks:
                try:
                    while True:
                        await self._maybe_pull()
                        with anyio.move_on_after(self._next_check(polled=watch is None)):
                            await self._wake.wait()
                        self._wake = anyio.Event()
                        self._check_heartbeat()
                except JsmError as err:
                    self._fail(err)
                finally:
                    if watch is not None and key is not None:
                        watch.unlisten(key)

    def _poke(self) -> None:
        self._wake.set()

    def _next_check(self, *, polled: bool) -> float:
        """Seconds the loop may sleep unless woken: until the heartbeat is overdue or a
        pause after a refused pull ends (at most a second when the connection's status
        is polled instead of told)."""
        heartbeat = self._settings.heartbeat.total_seconds()
        now = anyio.current_time()
        wait = min(heartbeat, _MAX_CHECK_INTERVAL) if polled else HEARTBEAT_TOLERANCE * heartbeat
        if not polled and (self._pending_msgs or self._pending_bytes):
            wait = min(wait, self._last_seen + HEARTBEAT_TOLERANCE * heartbeat - now)
        if self._not_before > now:
            wait = min(wait, self._not_before - now)
        return max(0.0, wait) + _CHECK_MARGIN

    def _needs_pull(self) -> bool:
        settings = self._settings
        if settings.max_bytes is not None:
            held = self._pending_bytes + self._buffered_bytes
            return held <= settings.threshold and held < settings.max_bytes
        held = self._pending_msgs + self._buffered_msgs
        return held <= settings.threshold and held < settings.max_messages

    async def _maybe_pull(self) -> None:
        transport = self._target.transport
        if transport.is_closed:
            raise ClosedError("the NATS connection closed while consuming")
        if transport.reconnects != self._reconnects:
            self._reconnects = transport.reconnects
            logger.warning("reconnected; pulling again on consumer %r", self._target.consumer)
            self._pending_msgs = self._pending_bytes = 0
        if self._no_responders:
            self._no_responders = False
            self._unanswered += 1
            self._start_check()
            self._not_before = anyio.current_time() + _REPULL.delay(self._unanswered)
        if not transport.is_connected or anyio.current_time() < self._not_before:
            return
        if self._needs_pull():
            await self._pull()

    def _start_check(self) -> None:
        """Ask in the background whether the consumer exists; the re-pulls go on meanwhile."""
        if not self._checking and self._checks is not None:
            self._checking = True
            self._checks.start_soon(self._confirm_consumer)

    async def _confirm_consumer(self) -> None:
        """Nobody served a pull: end the loop if the consumer is gone."""
        try:
            await self._check_consumer()
        except (JetStreamUnavailableError, JsmTimeoutError) as err:
            logger.warning(
                "consumer %r not reachable (%s); pulling again", self._target.consumer, err
            )
        except JsmError as err:
            self._fail(err)
        finally:
            self._checking = False

    async def _pull(self) -> None:
        settings = self._settings
        if settings.max_bytes is not None:
            batch = _BYTES_MODE_BATCH
            max_bytes: int | None = settings.max_bytes - self._pending_bytes - self._buffered_bytes
        else:
            batch = settings.max_messages - self._pending_msgs - self._buffered_msgs
            max_bytes = None
        request = PullRequest(
            batch=batch,
            max_bytes=max_bytes,
            expires=settings.expires,
            idle_heartbeat=settings.heartbeat,
            group=settings.group,
            id=self._target.pin_id if settings.group is not None else None,
            priority=settings.priority,
            min_pending=settings.min_pending,
            min_ack_pending=settings.min_ack_pending,
        )
        if self._pending_msgs == 0 and self._pending_bytes == 0:
            self._last_seen = anyio.current_time()  # the heartbeat clock starts with the pull
        # Counted before sending: the first replies may be handled before publish returns.
        self._pending_msgs += batch
        self._pending_bytes += max_bytes or 0
        try:
            await self._target.transport.publish(
                self._target.next_subject, request.to_wire_json(), reply=self._inbox
            )
        except BaseException:
            self._pending_msgs = max(0, self._pending_msgs - batch)
            self._pending_bytes = max(0, self._pending_bytes - (max_bytes or 0))
            raise

    def _check_heartbeat(self) -> None:
        now = anyio.current_time()
        idle = self._pending_msgs == 0 and self._pending_bytes == 0
        if idle or not self._target.transport.is_connected:
            self._last_seen = now  # no pull is live (or we are offline): nothing to expect
            return
        heartbeat = self._settings.heartbeat.total_seconds()
        silence = now - self._last_seen
        if silence <= HEARTBEAT_TOLERANCE * heartbeat:
            return
        message = (
            f"consumer {self._target.consumer!r} of stream {self._target.stream!r} sent "
            f"no heartbeat for {silence:.1f}s (expected every {heartbeat:g}s)"
        )
        if self._settings.raise_on_missed_heartbeat:
            raise MissedHeartbeatError(message)
        logger.warning("%s; pulling again", message)
        self._pending_msgs = self._pending_bytes = 0
        self._last_seen = now


async def receive(stream: MemoryObjectReceiveStream[Msg], taken: int) -> Msg:
    """Take the next buffered message, yielding to the event loop only now and then.

    ``receive()`` yields on every call; at tens of thousands of messages a second that
    is most of the cost. Taking what is already buffered without a yield, and yielding
    every ``_YIELD_EVERY`` messages (``taken`` counts them), keeps other tasks running
    at a fraction of it.

    Raises:
        EndOfStream: the sender closed and the buffer is empty.
    """
    if taken % _YIELD_EVERY:
        try:
            return stream.receive_nowait()
        except anyio.WouldBlock:
            pass
    return await stream.receive()


def _size(msg: Msg) -> int:
    """Roughly what the server counts against ``max_bytes`` for one message."""
    headers = msg.headers
    extra = sum(len(k) + len(v) + 4 for k, v in headers.items()) if headers else 0
    return len(msg.data) + len(msg.subject) + len(msg.reply) + extra


def default_heartbeat(expires: timedelta, cap: timedelta, floor: timedelta) -> timedelta:
    """ADR-37: half the expiry, capped, and not below the floor."""
    return max(floor, min(expires / 2, cap))


def default_threshold(limit: int) -> int:
    """ADR-37: pull again when half the limit is used up."""
    return max(0, math.floor(limit / 2))
