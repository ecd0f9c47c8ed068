"""One-shot pulls: ``fetch`` a batch and the status messages that end a pull (ADR-37).

A pull is a publish of a :class:`~jsm.models.PullRequest` to
``$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`` (domain / prefix mapped) with an
inbox as reply. The server answers with messages and ends with a status message; what
each status means is decided once, in :func:`classify`, for ``fetch`` here and for the
continuous loop in :mod:`jsm.consumers.consume`. A ``fetch`` that ends without returning
its messages (cancelled, or failed) releases them, as leaving ``consume()`` does.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from typing import TYPE_CHECKING

import anyio

from jsm._constants import CLEANUP_TIMEOUT, HEARTBEAT_TOLERANCE
from jsm._errors_base import (
    InvalidOptionError,
    JsmError,
    MissedHeartbeatError,
    WrongConsumerTypeError,
)
from jsm._generated_errors import ConsumerNotFoundError
from jsm._transport import status_of, unsubscribe_shielded
from jsm.consumers._buffer import end_subscription, release
from jsm.consumers.message import Msg

if TYPE_CHECKING:
    from nats.aio.subscription import Subscription

    from jsm._transport import NatsMsg, Transport
    from jsm.models import PullRequest

__all__ = ["PullTarget", "Status", "classify", "fetch_batch", "pending_of", "status_error"]

logger = logging.getLogger(__name__)

PIN_ID_HEADER = "Nats-Pin-Id"
PENDING_MSGS_HEADER = "Nats-Pending-Messages"
PENDING_BYTES_HEADER = "Nats-Pending-Bytes"


class Status(enum.Enum):
    """What a status message means for a pull."""

    HEARTBEAT = "heartbeat"
    """``100``: the server is alive; nothing else."""
    DONE = "done"
    """The pull ended normally (404, 408, size exceeded): re-pull if more is wanted."""
    RESET = "reset"
    """The server lost its pull requests (leader change, shutdown): pull again."""
    WARN = "warn"
    """The pull was refused for now (max waiting): log, pull again later."""
    PIN = "pin"
    """``423``: the pin id is stale; forget it and pull again."""
    NO_RESPONDERS = "no_responders"
    """``503``: nobody serves this consumer (deleted, or JetStream not ready)."""
    ERROR = "error"
    """A fault no re-pull can fix (bad request, consumer deleted, push consumer, limits)."""


def classify(status: str, description: str) -> Status:
    """Decide what a pull status message means (ADR-37 "Status handling")."""
    if status == "100":
        return Status.HEARTBEAT
    if status in ("404", "408"):
        return Status.DONE
    if status == "423":
        return Status.PIN
    if status == "503":
        return Status.NO_RESPONDERS
    if status == "409":
        text = description.lower()
        if "message size exceeds maxbytes" in text:
            return Status.DONE
        if "leadership change" in text or "server shutdown" in text:
            return Status.RESET
        if "exceeded maxwaiting" in text:
            return Status.WARN
        return Status.ERROR
    return Status.ERROR


def status_error(status: str, description: str, *, stream: str, consumer: str) -> JsmError:
    """The typed error for a status :func:`classify` calls an ``ERROR``."""
    where = f"consumer {consumer!r} of stream {stream!r}"
    text = description.lower()
    if "consumer deleted" in text:
        return ConsumerNotFoundError(
            409, ConsumerNotFoundError.error_code or 0, "consumer deleted", context=where
        )
    if "push based" in text:
        return WrongConsumerTypeError(
            f"{where} is a push consumer (it has a deliver_subject); use consumer.push() "
            "to receive from it, or create a pull consumer (no deliver_subject) to pull"
        )
    if "exceeded max" in text:
        return InvalidOptionError(
            f"the pull asked for more than {where} allows: {description}; "
            "lower batch / max_bytes / expires or raise the consumer's max_batch / "
            "max_bytes / max_expires"
        )
    return InvalidOptionError(f"the server refused the pull on {where}: {status} {description}")


def pending_of(msg: NatsMsg) -> tuple[int, int]:
    """The ``Nats-Pending-Messages`` / ``-Bytes`` a terminating status gives back."""
    headers = msg.headers or {}
    return _int(headers.get(PENDING_MSGS_HEADER)), _int(headers.get(PENDING_BYTES_HEADER))


def _int(text: str | None) -> int:
    try:
        return int(text) if text else 0
    except ValueError:
        return 0


class PullTarget:
    """Where pulls go and who they are for: shared by ``fetch``, ``consume`` and ``next``.

    Holds the pin id of a pinned client (ADR-42): taken from ``Nats-Pin-Id`` on
    delivered messages, sent back as ``id``, forgotten on a ``423``.
    """

    __slots__ = ("ack_none", "consumer", "next_subject", "pin_id", "stream", "transport")

    def __init__(
        self, transport: Transport, next_subject: str, *, stream: str, consumer: str, ack_none: bool
    ) -> None:
        self.transport = transport
        self.next_subject = next_subject
        self.stream = stream
        self.consumer = consumer
        self.ack_none = ack_none
        self.pin_id: str | None = None

    def wrap(self, msg: NatsMsg) -> Msg:
        """Turn a delivered message into a :class:`Msg`, noting a pin id it carries."""
        headers = msg.headers
        if headers is not None:
            pin = headers.get(PIN_ID_HEADER)
            if pin:
                self.pin_id = pin
        return Msg(
            self.transport, msg.subject, msg.data, headers, msg.reply, ack_none=self.ack_none
        )

    def error(self, status: str, description: str) -> JsmError:
        """The typed error for an ``ERROR`` status on this consumer."""
        return status_error(status, description, stream=self.stream, consumer=self.consumer)


class _Collector:
    """Gathers one pull's messages from the subscription, as they are parsed when it can
    (:meth:`take`, see :func:`jsm._wire.dispatch_directly`)."""

    def __init__(self, target: PullTarget, batch: int) -> None:
        self.target = target
        self.batch = batch
        self.msgs: list[Msg] = []
        self.late: list[Msg] = []
        self.done = anyio.Event()
        self.error: JsmError | None = None
        self.no_responders = False
        # anyio's clock on asyncio is the loop's: read directly, once per message.
        self.clock = asyncio.get_running_loop().time
        self.last_seen = self.clock()

    async def on_msg(self, msg: NatsMsg) -> None:
        self.take(msg)

    def take(self, msg: NatsMsg) -> bool:
        self.last_seen = self.clock()
        status = status_of(msg)
        if status is None:
            wrapped = self.target.wrap(msg)
            if self.done.is_set():  # the fetch is over: released once interest has ended
                self.late.append(wrapped)
                return True
            self.msgs.append(wrapped)
            if len(self.msgs) >= self.batch:
                self.done.set()
            return True
        if self.done.is_set():
            return True
        kind = classify(*status)
        if kind is Status.HEARTBEAT:
            return True
        if kind is Status.PIN:
            self.target.pin_id = None
        elif kind is Status.NO_RESPONDERS:
            self.no_responders = True
        elif kind is Status.ERROR:
            self.error = self.target.error(*status)
        elif kind is not Status.DONE:
            logger.debug("pull on %s ended by %s %s", self.target.consumer, *status)
        self.done.set()
        return True


async def fetch_batch(
    target: PullTarget, request: PullRequest, *, wait: float, heartbeat: float | None
) -> tuple[list[Msg], bool]:
    """Send one pull and gather its messages until the batch is full or the pull ends.

    Returns the messages and whether nobody served the pull (no responders).

    Raises:
        JsmError: a status no re-pull can fix, or missed heartbeats.
    """
    transport = target.transport
    if target.pin_id is not None and request.group is not None:
        request = request.model_validate(request.model_dump() | {"id": target.pin_id})
    collector = _Collector(target, request.batch)
    inbox = transport.new_inbox()
    sub = await transport.subscribe(inbox, callback=collector.on_msg, direct=collector.take)
    try:
        await transport.publish(target.next_subject, request.to_wire_json(), reply=inbox)
        await _wait(collector, wait, heartbeat)
    except BaseException:
        await _abandon(collector, sub, keep=False)
        raise
    if collector.error is not None:
        await _abandon(collector, sub, keep=False)
        raise collector.error
    if collector.done.is_set():
        await unsubscribe_shielded(sub)  # the pull is over: nothing more is on its way
    else:
        await _abandon(collector, sub, keep=True)  # the wait ran out before the pull did
    return collector.msgs, collector.no_responders


async def _abandon(collector: _Collector, sub: Subscription, *, keep: bool) -> None:
    """End a pull early; release what arrives from now on, and what arrived unless ``keep``.

    Interest ends before the naks go out, so none is redelivered into this pull.
    """
    collector.done.set()
    target = collector.target
    with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
        await end_subscription(target.transport, sub, wait=not target.ack_none)
    await end_subscription(target.transport, sub, wait=False)  # if the deadline came first
    leftover = collector.late if keep else collector.msgs + collector.late
    with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
        released = await release(leftover, ack_none=target.ack_none)
    if released:
        logger.debug("fetch on %r ended early; released %d", target.consumer, released)


async def _wait(collector: _Collector, wait: float, heartbeat: float | None) -> None:
    deadline = anyio.current_time() + wait
    while not collector.done.is_set():
        now = anyio.current_time()
        if now >= deadline:
            return
        step = deadline - now if heartbeat is None else min(deadline - now, heartbeat)
        with anyio.move_on_after(step):
            await collector.done.wait()
        silence = anyio.current_time() - collector.last_seen
        if heartbeat is not None and silence > HEARTBEAT_TOLERANCE * heartbeat:
            raise MissedHeartbeatError(
                f"consumer {collector.target.consumer!r} of stream {collector.target.stream!r} "
                f"sent no heartbeat for {silence:.1f}s (expected every {heartbeat:g}s)"
            )
