"""The ordered consumer (ADR-17): gap-free, in-order replay that repairs itself.

:class:`OrderedConsumer` reads a stream through a chain of ephemeral, memory-backed
pull consumers without acks. It tracks the last consumer and stream sequence it
handed out; when a consumer sequence is skipped, heartbeats go missing, or the consumer
disappears (deleted, or lost in a server restart), it drops that consumer and creates
a new one starting right after the last stream sequence delivered. The caller sees one
uninterrupted, ordered iteration. A task in the ``async with`` block's task group does
the work and feeds a bounded memory object stream.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Self

import anyio

from jsm._constants import (
    CLEANUP_TIMEOUT,
    CONSUME_EXPIRES,
    MIN_HEARTBEAT,
    MIN_TIMEOUT,
    ORDERED_HEARTBEAT,
    ORDERED_INACTIVE_THRESHOLD,
)
from jsm._errors_base import (
    ClosedError,
    InvalidOptionError,
    JetStreamUnavailableError,
    JsmError,
    JsmTimeoutError,
    MissedHeartbeatError,
    ServiceUnavailableError,
)
from jsm._generated_errors import ConsumerNotFoundError
from jsm._options import Duration, to_timedelta
from jsm.consumers._api import delete_consumer
from jsm.consumers.consume import ConsumeSettings, MessageStream, default_threshold, receive
from jsm.consumers.manager import ConsumerManager
from jsm.consumers.message import Msg
from jsm.models import AckPolicy, ConsumerConfig, DeliverPolicy, ReplayPolicy

if TYPE_CHECKING:
    from datetime import datetime, timedelta
    from types import TracebackType

    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from jsm.consumers.consumer import Consumer
    from jsm.manager import Manager

__all__ = ["OrderedConsumer", "ordered_config", "ordered_heartbeat"]

logger = logging.getLogger(__name__)

_RECOVERABLE = (
    ConsumerNotFoundError,
    MissedHeartbeatError,
    JetStreamUnavailableError,
    JsmTimeoutError,
    ServiceUnavailableError,
)
_RECREATE_DELAY = 0.25
_RECREATE_MAX_DELAY = 2.0
_RECREATE_DEADLINE = 60.0


class _Gap(Exception):
    """Internal: a consumer sequence was skipped."""


class OrderedConsumer:
    """Every message of a stream (or of its filters), in order, exactly once.

    Made by :meth:`jsm.Manager.ordered_consumer`; use it as ``async with`` and iterate.
    Messages take no acks. A fault it cannot repair within a minute (the stream is
    gone, JetStream stays unreachable) raises from the iteration.
    """

    def __init__(
        self,
        js: Manager,
        stream: str,
        *,
        config: ConsumerConfig,
        max_messages: int,
        heartbeat: timedelta,
    ) -> None:
        self._js = js
        self._tracing = js.api.transport.tracing
        self._stream = stream
        self._base = config
        self._max_messages = max_messages
        self._heartbeat = heartbeat
        self._prefix = secrets.token_hex(6)
        self._serial = 0
        self._stream_seq = 0
        self._consumer_seq = 0
        self._current: str | None = None
        self._send: MemoryObjectSendStream[Msg]
        self._recv: MemoryObjectReceiveStream[Msg]
        self._error: JsmError | None = None
        self._tg: TaskGroup | None = None
        self._entered = False
        self._taken = 0
        self.recreated = 0
        """How many times the underlying consumer was replaced (for tests and metrics)."""

    @property
    def consumer_name(self) -> str | None:
        """The name of the ephemeral consumer in use right now."""
        return self._current

    async def __aenter__(self) -> Self:
        if self._entered:
            raise ClosedError("this ordered consumer was already entered; make a new one")
        self._entered = True
        consumer = await self._create(first=True)
        self._send, self._recv = anyio.create_memory_object_stream[Msg](self._max_messages)
        self._tg = anyio.create_task_group()
        await self._tg.__aenter__()
        self._tg.start_soon(self._run, consumer)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        tg, self._tg = self._tg, None
        try:
            if tg is not None:
                tg.cancel_scope.cancel()
                await tg.__aexit__(None, None, None)
        finally:
            if tg is not None:
                self._send.close()
                self._recv.close()
            await self._delete_current()

    def __aiter__(self) -> Self:
        if not self._entered:
            raise ClosedError(
                "use 'async with js.ordered_consumer(...) as messages:' before iterating"
            )
        return self

    async def __anext__(self) -> Msg:
        try:
            msg = await receive(self._recv, self._taken)
            self._taken += 1
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            if self._error is not None:
                raise self._error from None
            raise StopAsyncIteration from None
        if self._tracing is not None:
            self._tracing.delivered(msg, "ordered")
        return msg

    # ------------------------------------------------------------------ the worker

    async def _run(self, consumer: Consumer) -> None:
        try:
            while True:
                try:
                    await self._pump(consumer)
                except _Gap:
                    logger.warning("ordered consumer on %r saw a gap; recreating", self._stream)
                except _RECOVERABLE as err:
                    logger.warning(
                        "ordered consumer on %r lost its consumer (%s); recreating",
                        self._stream,
                        err,
                    )
                await self._delete_current()
                consumer = await self._create(first=False)
                self.recreated += 1
        except JsmError as err:
            self._error = err
        finally:
            self._send.close()

    async def _pump(self, consumer: Consumer) -> None:
        target = consumer._pull_target("ordered_consumer")
        settings = ConsumeSettings(
            max_messages=self._max_messages,
            max_bytes=None,
            expires=CONSUME_EXPIRES,
            heartbeat=self._heartbeat,
            threshold=default_threshold(self._max_messages),
            raise_on_missed_heartbeat=True,
        )

        async def check_consumer() -> object:
            return await consumer.info(timeout=max(MIN_TIMEOUT, self._heartbeat))

        stream = MessageStream(target, settings, check_consumer=check_consumer, traced=False)
        async with stream as messages:
            async for msg in messages:
                sequence = msg.metadata.sequence
                if sequence.consumer != self._consumer_seq + 1:
                    raise _Gap
                self._consumer_seq = sequence.consumer
                self._stream_seq = sequence.stream
                try:
                    self._send.send_nowait(msg)  # send() would yield to the loop every time
                except anyio.WouldBlock:
                    await self._send.send(msg)

    async def _create(self, *, first: bool) -> Consumer:
        """Create the next consumer, retrying while JetStream is unreachable."""
        delay = _RECREATE_DELAY
        with anyio.fail_after(_RECREATE_DEADLINE):
            while True:
                try:
                    return await self._create_once()
                except _RECOVERABLE as err:
                    if first:
                        raise
                    logger.warning("could not recreate ordered consumer (%s); retrying", err)
                await anyio.sleep(delay)
                delay = min(delay * 2, _RECREATE_MAX_DELAY)

    async def _create_once(self) -> Consumer:
        self._serial += 1
        name = f"{self._prefix}_{self._serial}"
        changes: dict[str, object] = {"name": name}
        if self._stream_seq:
            changes |= {
                "deliver_policy": DeliverPolicy.BY_START_SEQUENCE,
                "opt_start_seq": self._stream_seq + 1,
                "opt_start_time": None,
            }
        config = ConsumerConfig.model_validate(self._base.model_dump() | changes)
        consumer = await ConsumerManager(self._js, self._stream).add(config)
        self._current = name
        self._consumer_seq = 0
        return consumer

    async def _delete_current(self) -> None:
        name, self._current = self._current, None
        if name is None or self._js.nc.is_closed:
            return
        with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
            try:
                await delete_consumer(self._js, self._stream, name, timeout=CLEANUP_TIMEOUT)
            except JsmError as err:
                logger.debug("old ordered consumer %r not deleted: %s", name, err)


def ordered_config(
    *,
    filter_subjects: list[str] | None,
    deliver_policy: DeliverPolicy,
    start_seq: int | None,
    start_time: datetime | None,
    replay: ReplayPolicy,
    headers_only: bool,
) -> ConsumerConfig:
    """The configuration of an ordered consumer's ephemeral consumers.

    Raises:
        InvalidOptionError: start options that do not fit the deliver policy.
    """
    if start_seq is not None and deliver_policy == DeliverPolicy.ALL:
        deliver_policy = DeliverPolicy.BY_START_SEQUENCE
    if start_time is not None and deliver_policy == DeliverPolicy.ALL:
        deliver_policy = DeliverPolicy.BY_START_TIME
    if start_seq is not None and start_time is not None:
        raise InvalidOptionError("give start_seq or start_time, not both")
    if filter_subjects is not None and not isinstance(filter_subjects, list | tuple):
        raise InvalidOptionError(
            f"filter_subjects must be a list of subjects (got {filter_subjects!r}); "
            "for one subject pass [subject]"
        )
    filters = list(filter_subjects or [])
    return ConsumerConfig(
        deliver_policy=deliver_policy,
        opt_start_seq=start_seq,
        opt_start_time=start_time,
        ack_policy=AckPolicy.NONE,
        max_deliver=1,
        filter_subject=filters[0] if len(filters) == 1 else None,
        filter_subjects=filters if len(filters) > 1 else None,
        replay_policy=replay,
        headers_only=True if headers_only else None,
        inactive_threshold=ORDERED_INACTIVE_THRESHOLD,
        num_replicas=1,
        mem_storage=True,
    )


def ordered_heartbeat(value: Duration | None) -> timedelta:
    """The heartbeat of an ordered consumer's pulls (default 5 s).

    Raises:
        InvalidOptionError: shorter than the minimum, or too long for the pull expiry.
    """
    if value is None:
        return ORDERED_HEARTBEAT
    beat = to_timedelta(value, name="idle_heartbeat", minimum=MIN_HEARTBEAT)
    if beat * 2 > CONSUME_EXPIRES:
        raise InvalidOptionError(
            f"idle_heartbeat must be at most {CONSUME_EXPIRES.total_seconds() / 2:g}s"
        )
    return beat
