"""The buffer between a consumer's subscription and the caller's loop, and how it ends.

:class:`DeliveryBuffer` owns the bounded memory object stream that ``consume()`` and
``push()`` hand messages through, and the subscription that fills it. It ends in one of
two ways, as nats.go's Stop and Drain do:

* **stop** releases what the caller never saw: each such message is nak'd without a
  delay, so the server redelivers it at once (to this or another worker) instead of
  after ``ack_wait``. Messages of an ``AckPolicy.NONE`` consumer are dropped: their
  delivery is final. Stop is shielded and bounded by ``CLEANUP_TIMEOUT``.
* **drain** removes interest but lets what the server already sent reach the buffer;
  the caller's loop ends once the buffer is empty.

Interest ends first, with a round trip (UNSUB, then a request the server answers with
no-responders), and the naks go out after it: a nak sent while one of our pull requests is still open would have the server
redeliver the message into that request, which nobody reads any more. Once our UNSUB is
processed, the server itself queues for redelivery a message it can no longer deliver
here (``didNotDeliver`` in nats-server's consumer.go). The pull loop and push
bookkeeping stay with their owners.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio

from jsm._constants import CLEANUP_TIMEOUT
from jsm._errors_base import JsmError
from jsm._interest import discard, end_interest
from jsm.consumers.message import Msg

if TYPE_CHECKING:
    from collections.abc import Iterable

    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
    from nats.aio.subscription import Subscription

    from jsm._transport import Transport

__all__ = ["DeliveryBuffer", "end_subscription", "release"]

logger = logging.getLogger(__name__)


async def release(msgs: Iterable[Msg], *, ack_none: bool) -> int:
    """Nak each message without delay so the server redelivers it at once; return how many.

    Nothing is sent for an ``AckPolicy.NONE`` consumer. A connection that fails stops
    the releasing: its messages come back after ``ack_wait`` anyway.
    """
    if ack_none:
        return 0
    count = 0
    for msg in msgs:
        try:
            await msg.nak()
        except JsmError as err:
            logger.debug("release of buffered messages stopped: %s", err)
            break
        count += 1
    return count


async def end_subscription(transport: Transport, sub: Subscription, *, wait: bool) -> None:
    """Remove interest and drop the subscription, which is gone even if this is cancelled.

    With ``wait``, what the server sent before it saw the unsubscribe still reaches the
    callback first (the round trip bounded by ``CLEANUP_TIMEOUT``); not while
    disconnected, since then nothing is on its way and the round trip would only stall.
    """
    try:
        if wait and transport.is_connected:
            await end_interest(sub, timeout=CLEANUP_TIMEOUT)
    finally:
        with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
            await discard(sub)


class DeliveryBuffer:
    """A subscription feeding a bounded buffer, ended by :meth:`stop` or :meth:`drain`."""

    __slots__ = (
        "_drain_done",
        "_draining",
        "_held",
        "ack_none",
        "recv",
        "released",
        "releasing",
        "send",
        "sub",
        "transport",
    )

    def __init__(self, transport: Transport, bound: int, *, ack_none: bool) -> None:
        self.transport = transport
        self.ack_none = ack_none
        self.send: MemoryObjectSendStream[Msg]
        self.recv: MemoryObjectReceiveStream[Msg]
        self.send, self.recv = anyio.create_memory_object_stream[Msg](bound)
        self.sub: Subscription | None = None
        self.releasing = False
        self.released = 0
        # Messages nobody will see, kept until interest has ended (at most what the
        # server had been asked for or pushed before the loop ended).
        self._held: list[Msg] = []
        self._draining = False
        self._drain_done = anyio.Event()

    def close(self) -> None:
        """Close both ends of the buffer (what is left in it is dropped)."""
        self.send.close()
        self.recv.close()

    async def put(self, msg: Msg) -> None:
        """Hand a delivered message to the loop (callback side); hold it once stopping."""
        if not self.releasing:
            try:
                self.send.send_nowait(msg)
                return
            except anyio.WouldBlock:
                try:
                    await self.send.send(msg)
                    return
                except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                    pass
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                pass
        self._hold([msg])

    def drain(self, tg: TaskGroup) -> None:
        """Remove interest; the loop gets what was sent so far, then ends."""
        if self._draining or self.releasing:
            return
        self._draining = True
        tg.start_soon(self._drain)

    async def _drain(self) -> None:
        try:
            sub, self.sub = self.sub, None
            if sub is not None:
                # Only the round trip is bounded: the callback may be waiting for the
                # caller to make room in the buffer, which is what draining is for.
                await end_subscription(self.transport, sub, wait=True)
        finally:
            self._drain_done.set()
            self.send.close()

    async def stop(self) -> None:
        """End interest, then release what the loop has not handed out; the loop ends."""
        self.releasing = True
        with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
            # Taking the buffer also frees a callback waiting for room in it.
            self._hold(self._take_all())
            if self._draining:
                await self._drain_done.wait()
            sub, self.sub = self.sub, None
            if sub is not None:
                await end_subscription(self.transport, sub, wait=not self.ack_none)
        sub, self.sub = self.sub, None
        if sub is not None:  # the deadline came first
            await end_subscription(self.transport, sub, wait=False)
        self.send.close()
        self._hold(self._take_all())
        held, self._held = self._held, []
        with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
            self.released += await release(held, ack_none=self.ack_none)
        if self.released:
            logger.debug("released %d messages the loop had not handed out", self.released)

    def _hold(self, msgs: list[Msg]) -> None:
        if not self.ack_none:
            self._held += msgs

    def _take_all(self) -> list[Msg]:
        taken: list[Msg] = []
        while True:
            try:
                taken.append(self.recv.receive_nowait())
            except (anyio.WouldBlock, anyio.EndOfStream, anyio.ClosedResourceError):
                return taken
