"""Push delivery: :class:`PushStream`, what ``consumer.push()`` yields.

It subscribes to the consumer's deliver subject (in its queue group), answers the
server's flow-control requests and stall notices (ADR-9: status ``100`` with a reply, or
an idle heartbeat carrying ``Nats-Consumer-Stalled``), and watches idle heartbeats: a
silence longer than the tolerance is logged, since the server recreates nothing for a
push consumer. Messages reach the caller through a bounded memory object stream; when
it is full, the callback waits, so flow-control replies wait too and the server slows
down rather than overrunning the client. Leaving the block (or ``stop()``) releases the
messages not handed out yet; ``drain()`` hands them out first
(:mod:`jsm.consumers._buffer`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

import anyio

from jsm._constants import HEARTBEAT_TOLERANCE, PUSH_BUFFER
from jsm._errors_base import ClosedError, InvalidOptionError, WrongConsumerTypeError
from jsm._options import NotGiven
from jsm._transport import status_of
from jsm.consumers._api import context_of
from jsm.consumers._buffer import DeliveryBuffer
from jsm.consumers.consume import receive
from jsm.consumers.message import Msg
from jsm.models import AckPolicy

if TYPE_CHECKING:
    from types import TracebackType

    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream

    from jsm._transport import NatsMsg, Transport
    from jsm.consumers.consumer import Consumer
    from jsm.manager import Manager

__all__ = ["PushStream", "open_push"]

logger = logging.getLogger(__name__)

STALLED_HEADER = "Nats-Consumer-Stalled"


def open_push(
    js: Manager, consumer: Consumer, *, queue: str | NotGiven, max_buffer: int | NotGiven
) -> PushStream:
    """Check the options of ``consumer.push()`` and make its stream (not yet entered).

    Raises:
        WrongConsumerTypeError: the consumer is a pull consumer.
        InvalidOptionError: a queue other than the consumer's deliver group, or a bad bound.
    """
    config = consumer.config
    where = context_of(consumer.stream_name, consumer.name)
    if not config.deliver_subject:
        raise WrongConsumerTypeError(
            f"push() needs a push consumer, but {where} is a pull consumer (no "
            "deliver_subject); use fetch()/consume(), or create a consumer with deliver_subject"
        )
    group = config.deliver_group or ""
    chosen = group if isinstance(queue, NotGiven) else queue
    if chosen != group:
        raise InvalidOptionError(
            f"queue {chosen!r} differs from the deliver_group {group!r} of {where}; "
            "push subscriptions must use the consumer's deliver_group"
        )
    bound = PUSH_BUFFER if isinstance(max_buffer, NotGiven) else max_buffer
    if isinstance(bound, bool) or not isinstance(bound, int) or bound < 1:
        raise InvalidOptionError(f"max_buffer must be a positive integer (got {bound!r})")
    heartbeat = config.idle_heartbeat.total_seconds() if config.idle_heartbeat else None
    return PushStream(
        js.api.transport,
        config.deliver_subject,
        queue=chosen,
        bound=bound,
        heartbeat=heartbeat,
        ack_none=config.ack_policy == AckPolicy.NONE,
        where=where,
    )


class PushStream:
    """Messages a push consumer delivers: ``async for msg in messages``.

    Use as ``async with``. Leaving the block (break, an exception, cancellation) or
    :meth:`stop` unsubscribes and releases the messages received but not handed out
    yet; :meth:`drain` hands them out first. Iteration raises
    :class:`~jsm.errors.ClosedError` if the connection closes.
    """

    def __init__(
        self,
        transport: Transport,
        subject: str,
        *,
        queue: str,
        bound: int,
        heartbeat: float | None,
        ack_none: bool,
        where: str,
    ) -> None:
        self._transport = transport
        self._tracing = transport.tracing
        self._subject = subject
        self._queue = queue
        self._heartbeat = heartbeat
        self._ack_none = ack_none
        self._where = where
        self._bound = bound
        self._buffer: DeliveryBuffer
        self._recv: MemoryObjectReceiveStream[Msg]
        self._tg: TaskGroup | None = None
        self._watch_scope = anyio.CancelScope()
        self._last_seen = 0.0
        self._entered = False
        self._taken = 0
        self.flow_control_replies = 0
        """How many flow-control requests were answered (for tests and metrics)."""

    @property
    def released(self) -> int:
        """How many received messages were released (nak) on stop instead of handed out."""
        return self._buffer.released if self._entered else 0

    async def __aenter__(self) -> Self:
        if self._entered:
            raise ClosedError("this push() was already entered; call push() again")
        buffer = DeliveryBuffer(self._transport, self._bound, ack_none=self._ack_none)
        try:
            buffer.sub = await self._transport.subscribe(
                self._subject, queue=self._queue, callback=self._on_msg
            )
        except BaseException:
            buffer.close()
            raise
        self._buffer, self._recv = buffer, buffer.recv
        self._entered = True
        self._last_seen = anyio.current_time()
        self._tg = anyio.create_task_group()
        await self._tg.__aenter__()
        if self._heartbeat is not None:
            self._tg.start_soon(self._watch_heartbeats, self._heartbeat)
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
        """Unsubscribe now; the iteration ends at its next step.

        Messages received but not handed out yet are released: nak'd without delay, so
        the server redelivers them at once, to another member of the queue group or
        to the next subscriber (dropped for an ``AckPolicy.NONE`` consumer). Messages
        already handed out are the caller's to acknowledge.
        """
        self._watch_scope.cancel()
        if self._entered:
            await self._buffer.stop()

    async def drain(self) -> None:
        """Stop receiving; the iteration hands out every message received, then ends.

        Messages the server sent before it saw the unsubscribe are received too.
        """
        self._watch_scope.cancel()
        if self._tg is not None:
            self._buffer.drain(self._tg)

    def __aiter__(self) -> Self:
        if not self._entered:
            raise ClosedError("use 'async with consumer.push() as messages:' before iterating")
        return self

    async def __anext__(self) -> Msg:
        try:
            msg = await receive(self._recv, self._taken)
            self._taken += 1
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            if self._transport.is_closed:
                raise ClosedError(
                    f"the NATS connection closed while receiving {self._where}"
                ) from None
            raise StopAsyncIteration from None
        if self._tracing is not None:
            self._tracing.delivered(msg, "push")
        return msg

    async def _on_msg(self, msg: NatsMsg) -> None:
        self._last_seen = anyio.current_time()
        status = status_of(msg)
        if status is None:
            wrapped = Msg(
                self._transport,
                msg.subject,
                msg.data,
                msg.headers,
                msg.reply,
                ack_none=self._ack_none,
            )
            await self._buffer.put(wrapped)
            return
        if status[0] != "100":
            logger.debug("status %s %s on push %s", status[0], status[1], self._where)
            return
        # ADR-9: a flow-control request has a reply; a stalled consumer names a subject.
        if msg.reply:
            self.flow_control_replies += 1
            await self._transport.publish(msg.reply, b"")
        stalled = (msg.headers or {}).get(STALLED_HEADER)
        if stalled:
            await self._transport.publish(stalled, b"")

    async def _watch_heartbeats(self, heartbeat: float) -> None:
        warned = False
        with self._watch_scope:
            while True:
                await anyio.sleep(heartbeat)
                now = anyio.current_time()
                if not self._transport.is_connected:
                    self._last_seen = now
                    continue
                silent = now - self._last_seen > HEARTBEAT_TOLERANCE * heartbeat
                if silent and not warned:
                    logger.warning(
                        "%s sent no heartbeat for %.1fs (expected every %gs)",
                        self._where,
                        now - self._last_seen,
                        heartbeat,
                    )
                warned = silent
