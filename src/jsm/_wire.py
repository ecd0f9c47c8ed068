"""Shortcuts through nats-py's internals on the hot paths, each with nats-py's public API
as the fallback.

Profiling consume + ack, KV puts and the publishing pipeline showed where nats-py spends
per message beyond the socket: ``Client.publish`` validates, checks three states and
formats the command in ~2.5 µs (the PUB line itself costs ~0.5 µs); every delivery to a
callback subscription goes through an ``asyncio.Queue`` and a task switch to the
subscription's task; a request's bytes wait one event-loop turn for the flusher task.
Three shortcuts remove that:

* :meth:`Wire.publish` appends the ``PUB`` command to the connection's pending buffer
  itself (same bytes, same statistics, same flusher), or with ``now`` writes it at once
  when nothing else is waiting to be flushed (a request that will wait for its reply).
* :func:`dispatch_directly` offers each message of a subscription to a synchronous
  handler inside nats-py's read loop; what the handler declines (or anything arriving
  while older messages wait or are in the callback) goes through the subscription's
  queue and callback as before.
* :meth:`Wire.resolve_replies_directly` does that for nats-py's shared reply
  subscription, so a request's future is resolved as its reply is parsed.

Each is used only when :meth:`Wire.attach` finds what it relies on (the client's own
methods not overridden, the attributes present, a TCP transport); anything else, a
publish with headers, or a connection not connected right now, takes nats-py's public
path. ``tests/integration/test_wire.py`` fails if nats-py changes underneath.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from nats.aio.client import Client as NatsClient
from nats.aio.transport import TcpTransport

if TYPE_CHECKING:
    from collections.abc import Callable

    from nats.aio.msg import Msg as NatsMsg
    from nats.aio.subscription import Subscription

    Handler = Callable[[NatsMsg], bool]

__all__ = ["Wire", "dispatch_directly", "is_direct"]

logger = logging.getLogger(__name__)

_METHODS = ("publish", "_send_publish", "_send_command", "_flush_pending", "_request_sub_callback")
_ATTRIBUTES = (
    "_pending",
    "_pending_data_size",
    "_max_pending_size",
    "_flush_queue",
    "_max_payload",
    "_status",
    "stats",
)
_CONNECTED = NatsClient.CONNECTED


class Wire:
    """The shortcuts one nats-py connection allows (made by :meth:`attach`)."""

    __slots__ = ("_nc",)

    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc

    @classmethod
    def attach(cls, nc: NatsClient) -> Wire | None:
        """The shortcuts for ``nc``, or ``None`` when its class or this nats-py differ."""
        kind = type(nc)
        if any(getattr(kind, name, None) is not getattr(NatsClient, name) for name in _METHODS):
            return None  # a subclass of the application's changes what a publish does
        if not all(hasattr(nc, name) for name in _ATTRIBUTES):
            return None
        return cls(nc)

    async def publish(
        self, subject: str, reply: str, payload: bytes, *, now: bool = False, checked: bool = False
    ) -> bool:
        """Queue a ``PUB`` (no headers) as ``Client.publish`` would; ``False`` when nats-py's
        own publish must do it (not connected, a subject nats-py refuses, …). With ``now``,
        write it at once if no flush is waiting (one event-loop turn less before a reply);
        ``checked`` skips the whitespace test of subjects that came from a parsed line."""
        nc = self._nc
        size = len(payload)
        if nc._status != _CONNECTED or not subject or size > nc._max_payload:
            return False
        if not checked and (_refused(subject) or (reply and _refused(reply))):
            return False
        command = f"PUB {subject} {reply} {size}\r\n".encode() + payload + b"\r\n"
        stats = nc.stats
        stats["out_msgs"] += 1
        stats["out_bytes"] += size
        # As Client._send_command: queue it, and flush at once past the pending limit.
        nc._pending.append(command)
        nc._pending_data_size += len(command)
        if 0 < nc._max_pending_size < nc._pending_data_size:
            await nc._flush_pending(force_flush=True)
        queue = nc._flush_queue
        if queue is None or not queue.empty():
            return True  # the flusher will write it with what is already waiting
        transport = nc._transport
        if now and isinstance(transport, TcpTransport) and nc._pending_data_size:
            # What the flusher would do a turn later (it then finds nothing to write).
            transport.writelines(nc._pending)  # type: ignore[no-untyped-call]  # nats-py leaves it untyped
            nc._pending = []
            nc._pending_data_size = 0
        else:
            await nc._flush_pending()
        return True

    def resolve_replies_directly(self) -> bool:
        """Resolve request futures from nats-py's shared reply subscription as replies are
        parsed (once it exists); whether that is in place."""
        nc = self._nc
        for sub in list(nc._subs.values()):
            if sub._cb == nc._request_sub_callback:
                return is_direct(sub) or dispatch_directly(sub, self._resolve)
        return False

    def _resolve(self, msg: NatsMsg) -> bool:
        # As nats-py's _request_sub_callback: the token follows the mux prefix.
        nc = self._nc
        prefix = nc._resp_sub_prefix
        if prefix is None:
            return False
        future = nc._resp_map.get(msg.subject[len(prefix) :])
        if future is not None and not future.done():
            future.set_result(msg)
        return True


def _refused(subject: str) -> bool:
    # What nats-py's _validate_subject refuses in a published subject or reply (its regex
    # [ \t\r\n], as four substring tests: a quarter of the time).
    return " " in subject or "\t" in subject or "\r" in subject or "\n" in subject


class _DirectQueue(asyncio.Queue["NatsMsg"]):
    """A subscription's pending queue that first offers each message to a handler."""

    _jsm_handler: Handler
    _jsm_sub: Subscription
    _unfinished_tasks: int  # asyncio.Queue's: put_nowait() adds one, task_done() takes it

    def put_nowait(self, item: NatsMsg) -> None:
        # Called by nats-py's _process_msg once it counted the message as pending. Only
        # when nothing is queued or still in the callback (nats-py calls task_done() after
        # it), or a message could overtake one whose callback awaits.
        if not self._unfinished_tasks:
            try:
                handled = self._jsm_handler(item)
            except Exception:  # a bug in the handler must not break the read loop
                logger.exception("direct handling of a message on %s failed", item.subject)
                handled = False
            if handled:
                self._jsm_sub._pending_size -= len(item.data)
                return
        super().put_nowait(item)


def dispatch_directly(sub: Subscription, handler: Handler) -> bool:
    """Offer each message of callback subscription ``sub`` to ``handler`` first, in
    nats-py's read loop; ``False`` (and nothing changed) when this nats-py differs.

    ``handler`` returns ``True`` when it handled the message; ``False`` sends it to the
    subscription's callback as usual. It must not block or raise. Order is kept: while
    messages wait in the queue or the callback still handles one, later ones queue
    behind them.
    """
    queue = getattr(sub, "_pending_queue", None)
    if type(queue) is not asyncio.Queue or not isinstance(getattr(sub, "_pending_size", None), int):
        return False
    if not isinstance(getattr(queue, "_unfinished_tasks", None), int):
        return False
    try:
        # The same object (nats-py's task may be waiting on it), with put_nowait replaced.
        queue.__class__ = _DirectQueue
    except TypeError:
        return False
    queue._jsm_handler = handler  # type: ignore[attr-defined]  # now a _DirectQueue
    queue._jsm_sub = sub  # type: ignore[attr-defined]
    return True


def is_direct(sub: Subscription) -> bool:
    """Whether ``sub``'s messages are offered to a handler first."""
    return isinstance(getattr(sub, "_pending_queue", None), _DirectQueue)
