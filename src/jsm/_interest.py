"""Ending a subscription's interest, and round trips that confirm what the server has seen.

nats-py's own ``flush`` and ``Subscription.drain`` break its read loop when their wait is
cut short (nats-py 2.16), and its PING overtakes commands still waiting for its flusher:
these do the same work without either fault.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import anyio
import nats.errors

from jsm._constants import CLEANUP_TIMEOUT

if TYPE_CHECKING:
    from nats.aio.client import Client as NatsClient
    from nats.aio.subscription import Subscription

__all__ = ["discard", "drain", "end_interest", "round_trip"]

logger = logging.getLogger(__name__)


async def round_trip(nc: NatsClient, timeout: float) -> bool:
    """PING the server and wait for its PONG: ``True`` once it has seen all sent before,
    ``False`` if it did not answer within ``timeout`` seconds.

    Not nats-py's ``flush``: that one cancels its PONG future when it times out or is
    cancelled, and the PONG that comes later then fails to complete it and stops nats-py's
    read loop for good (nats-py 2.16). Here the future is never cancelled (the wait is
    shielded), so a late PONG only completes a future nobody waits for any more.
    """
    pong: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    try:
        _write_pending(nc)
        await nc._send_ping(pong)
    except (OSError, nats.errors.Error) as err:  # the connection is going down
        logger.debug("round trip not sent: %s", err)
        return False
    with anyio.move_on_after(timeout):
        return await asyncio.shield(pong)
    return False


def _write_pending(nc: NatsClient) -> None:
    """Write what waits in nats-py's buffer for its flusher task (publishes, an UNSUB).

    nats-py writes a PING straight to the socket, ahead of those: without this, the PONG
    could come back before the server saw them (the flusher later finds nothing to write).
    Not while reconnecting: nats-py keeps the buffer for the next connection then.
    """
    pending = getattr(nc, "_pending", None)
    if pending and nc.is_connected and nc._transport is not None:
        nc._transport.writelines(pending)
        nc._pending = []
        nc._pending_data_size = 0


async def drain(sub: Subscription, *, timeout: float = CLEANUP_TIMEOUT) -> None:
    """Stop a callback subscription's interest, wait until what the server sent before was
    handed to the callback, and drop the subscription.

    Only the round trip is bounded (by ``timeout``); waiting for the callback is the
    caller's to bound. May be cancelled without harm to the connection (unlike nats-py's
    ``Subscription.drain``, see :func:`round_trip`). A closed connection or subscription
    is not an error.
    """
    conn = sub._conn
    if conn.is_closed or sub._id not in conn._subs:
        return
    try:
        await conn._send_unsubscribe(sub._id)
        if await round_trip(conn, timeout):
            await sub._pending_queue.join()
        else:
            logger.debug("drain of %s: the server did not confirm the unsubscribe", sub.subject)
    except nats.errors.Error as err:
        logger.debug("drain of %s cut short: %s", sub.subject, err)
    finally:
        sub._stop_processing()
        conn._remove_sub(sub._id)


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
