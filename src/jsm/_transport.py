"""The only module that calls nats-py: requests, publishes, subscriptions, inboxes.

It turns nats-py's exceptions into jsm's (``raise … from err``) and hands the rest of
the library plain values. Everything JetStream-specific lives above it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import anyio
import nats.errors
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg as NatsMsg
from nats.aio.subscription import Subscription

from jsm._constants import CLEANUP_TIMEOUT
from jsm._errors_base import ClosedError, JsmConnectionError, JsmTimeoutError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

__all__ = ["NatsClient", "NatsMsg", "NoRespondersError", "Subscription", "Transport"]

logger = logging.getLogger(__name__)

STATUS_HEADER = "Status"
DESCRIPTION_HEADER = "Description"


class NoRespondersError(Exception):
    """Internal signal: nobody is subscribed to the request subject.

    Callers turn it into the error that fits (JetStreamUnavailableError for API calls,
    NoStreamError for publishes); it never reaches users.
    """


class Transport:
    """A thin, typed wrapper over one nats-py connection."""

    __slots__ = ("_nc",)

    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc

    @property
    def nc(self) -> NatsClient:
        """The underlying nats-py connection."""
        return self._nc

    @property
    def is_closed(self) -> bool:
        """Whether the connection is closed for good."""
        return bool(self._nc.is_closed)

    @property
    def is_connected(self) -> bool:
        """Whether the connection is up right now (not reconnecting, not closed)."""
        return bool(self._nc.is_connected)

    @property
    def reconnects(self) -> int:
        """How many times the connection has reconnected so far."""
        return int(self._nc.stats.get("reconnects", 0))

    @property
    def max_payload(self) -> int:
        """The largest message the server accepts, in bytes."""
        return int(self._nc.max_payload)

    def new_inbox(self) -> str:
        """Return a unique inbox subject."""
        return self._nc.new_inbox()

    async def request(
        self,
        subject: str,
        payload: bytes = b"",
        *,
        timeout: float,
        headers: Mapping[str, str] | None = None,
    ) -> NatsMsg:
        """Send a request and wait for the first reply.

        Raises:
            NoRespondersError: nobody listens on ``subject``.
            JsmTimeoutError: no reply within ``timeout`` seconds.
            ClosedError: the connection is closed.
        """
        self._check_open()
        try:
            return await self._nc.request(
                subject, payload, timeout=timeout, headers=dict(headers) if headers else None
            )
        except nats.errors.NoRespondersError as err:
            raise NoRespondersError(subject) from err
        except nats.errors.TimeoutError as err:
            raise JsmTimeoutError(f"no reply on {subject!r} within {timeout:g}s") from err
        except (nats.errors.ConnectionClosedError, nats.errors.ConnectionDrainingError) as err:
            raise ClosedError("the NATS connection is closed") from err
        except nats.errors.Error as err:
            raise JsmConnectionError(f"request on {subject!r} failed: {err}") from err

    async def publish(
        self,
        subject: str,
        payload: bytes = b"",
        *,
        reply: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Publish one message.

        Raises:
            ClosedError: the connection is closed.
            JsmConnectionError: the connection refused the message.
        """
        self._check_open()
        try:
            await self._nc.publish(
                subject, payload, reply=reply, headers=dict(headers) if headers else None
            )
        except (nats.errors.ConnectionClosedError, nats.errors.ConnectionDrainingError) as err:
            raise ClosedError("the NATS connection is closed") from err
        except nats.errors.Error as err:
            raise JsmConnectionError(f"publish on {subject!r} failed: {err}") from err

    async def subscribe(
        self,
        subject: str,
        *,
        queue: str = "",
        callback: Callable[[NatsMsg], Awaitable[None]] | None = None,
        pending_msgs_limit: int = 65_536,
    ) -> Subscription:
        """Subscribe; the caller owns the subscription and must unsubscribe it.

        Raises:
            ClosedError: the connection is closed.
        """
        self._check_open()
        try:
            return await self._nc.subscribe(
                subject, queue=queue, cb=callback, pending_msgs_limit=pending_msgs_limit
            )
        except (nats.errors.ConnectionClosedError, nats.errors.ConnectionDrainingError) as err:
            raise ClosedError("the NATS connection is closed") from err
        except nats.errors.Error as err:
            raise JsmConnectionError(f"subscribe to {subject!r} failed: {err}") from err

    async def flush(self, timeout: float) -> None:
        """Wait until the server has seen everything sent so far.

        Raises:
            JsmTimeoutError: the server did not answer in time.
        """
        self._check_open()
        try:
            await self._nc.flush(timeout=timeout)  # type: ignore[arg-type]  # nats-py types it int
        except nats.errors.TimeoutError as err:
            raise JsmTimeoutError(f"flush did not complete within {timeout:g}s") from err

    async def request_lean(
        self,
        subject: str,
        payload: bytes = b"",
        *,
        timeout: float,
        headers: Mapping[str, str] | None = None,
    ) -> NatsMsg:
        """:meth:`request` for hot paths (KV gets and puts), one event-loop hop shorter.

        nats-py wraps every reply in ``asyncio.wait_for``, which costs a scheduling round
        trip; this registers a plain future on nats-py's shared reply subscription and
        arms a timer instead. Falls back to :meth:`request` if that subscription's
        internals are not there (another nats-py version).

        Raises:
            NoRespondersError: nobody listens on ``subject``.
            JsmTimeoutError: no reply within ``timeout`` seconds.
            ClosedError: the connection is closed.
        """
        nc = self._nc
        replies = getattr(nc, "_resp_map", None)
        prefix = getattr(nc, "_resp_sub_prefix", None)
        if not isinstance(replies, dict) or not prefix or nc.is_closed:
            return await self.request(subject, payload, timeout=timeout, headers=headers)
        token = nc._nuid.next()  # unique on its own; nats-py's own tokens are longer
        key = token.decode()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[NatsMsg] = loop.create_future()
        replies[key] = future
        timer = loop.call_later(timeout, _expire, future)
        try:
            await self.publish(subject, payload, reply=(prefix + token).decode(), headers=headers)
            msg = await future
        except TimeoutError as err:
            raise JsmTimeoutError(f"no reply on {subject!r} within {timeout:g}s") from err
        finally:
            timer.cancel()
            replies.pop(key, None)
        if msg.headers and not msg.data and msg.headers.get(STATUS_HEADER) == "503":
            raise NoRespondersError(subject)
        return msg

    def _check_open(self) -> None:
        if self._nc.is_closed:
            raise ClosedError("the NATS connection is closed; connect again")


def _expire(future: asyncio.Future[NatsMsg]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


def status_of(msg: NatsMsg) -> tuple[str, str] | None:
    """Return ``(status, description)`` for a status message, ``None`` for a user message."""
    headers = msg.headers
    if not headers or msg.data:
        return None
    status = headers.get(STATUS_HEADER)
    if status is None:
        return None
    return status, headers.get(DESCRIPTION_HEADER, "")


async def next_msg(sub: Subscription, *, timeout: float) -> NatsMsg:
    """Wait for the next message of a callback-less subscription.

    Raises:
        JsmTimeoutError: nothing arrived within ``timeout`` seconds.
        ClosedError: the subscription or connection was closed.
    """
    try:
        return await sub.next_msg(timeout=timeout)
    except nats.errors.TimeoutError as err:
        raise JsmTimeoutError(f"no message on {sub.subject!r} within {timeout:g}s") from err
    except (nats.errors.ConnectionClosedError, nats.errors.BadSubscriptionError) as err:
        raise ClosedError(f"subscription to {sub.subject!r} is closed") from err


async def unsubscribe(sub: Subscription) -> None:
    """Remove a subscription; a closed connection or a second call is not an error."""
    try:
        await sub.unsubscribe()
    except (nats.errors.ConnectionClosedError, nats.errors.BadSubscriptionError):
        logger.debug("unsubscribe of %s after close ignored", sub.subject)


async def unsubscribe_shielded(sub: Subscription | None) -> None:
    """Unsubscribe on the way out, even while the caller is being cancelled.

    Cleanup must not be skipped by the cancellation that triggered it, nor hang on a
    stuck connection: the call is shielded and bounded by ``CLEANUP_TIMEOUT``.
    """
    if sub is not None:
        with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
            await unsubscribe(sub)


async def drain(sub: Subscription) -> None:
    """Stop a callback subscription's interest and wait until its buffered messages were handed
    to the callback; a closed connection or subscription is not an error."""
    try:
        await sub.drain()  # type: ignore[no-untyped-call]  # nats-py leaves it untyped
    except (
        nats.errors.ConnectionClosedError,
        nats.errors.ConnectionDrainingError,
        nats.errors.BadSubscriptionError,
    ):
        logger.debug("drain of %s after close ignored", sub.subject)


async def discard(sub: Subscription) -> None:
    """Drop a subscription at once, even one whose drain was interrupted; buffered messages
    are dropped. A subscription already gone is left alone."""
    if sub._id not in sub._conn._subs:
        return
    sub._stop_processing()
    sub._conn._remove_sub(sub._id)
    if not sub._conn.is_closed:
        try:
            await sub._conn._send_unsubscribe(sub._id)
        except nats.errors.Error:
            logger.debug("unsubscribe of %s failed", sub.subject)


async def end_interest(sub: Subscription, *, timeout: float) -> bool:
    """Unsubscribe at the server, keeping the callback running until it was handed what
    the server sent before; ``False`` if that was not confirmed within ``timeout`` seconds.

    :func:`discard` drops the subscription afterwards. nats-py's ``Subscription.drain``
    confirms with a flush, and a flush cancelled or timed out leaves its PONG future
    queued: when the PONG comes, setting it fails and breaks the read loop (nats-py 2.16).
    Here a request that the server answers with no-responders is the round trip: it is
    answered after the UNSUB was processed, and it may be cancelled safely.
    """
    conn = sub._conn
    if conn.is_closed or sub._id not in conn._subs:
        return False
    try:
        await conn._send_unsubscribe(sub._id)
        await conn.request(conn.new_inbox(), b"", timeout=timeout)
    except nats.errors.NoRespondersError:
        pass
    except nats.errors.Error as err:
        logger.debug("end of interest in %s not confirmed: %s", sub.subject, err)
        return False
    await sub._pending_queue.join()
    return True
