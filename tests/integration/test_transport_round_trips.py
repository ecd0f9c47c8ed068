"""Round trips abandoned on a frozen server leave the connection working once it runs again.

nats-py 2.16's ``flush`` (and ``Subscription.drain``, which flushes) queues a future for
the server's PONG and cancels it when the flush times out or is cancelled; the PONG that
comes later then fails to set it, and nats-py's read loop stops for good: the connection
looks connected, but nothing is read any more. jsm's own round trips (a flush, a
subscription's drain) must survive being abandoned. A server frozen with SIGSTOP keeps
the connection open but answers nothing until it runs again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from jsm._interest import drain
from jsm._transport import Transport, unsubscribe
from tests.integration.frozen_server import frozen

if TYPE_CHECKING:
    from jsm.testing import NatsServer

GUARD = 30.0
"""Seconds each step may take (a guard against a hang, not a measurement)."""


async def still_works(js: jsm.Manager) -> None:
    """The connection reads again: a request gets its reply."""
    with anyio.fail_after(GUARD):
        await js.account_info(timeout=10)


async def test_a_flush_that_timed_out_leaves_the_connection_working(
    nats_server_fresh: NatsServer,
) -> None:
    async with jsm.connect(nats_server_fresh.client_url) as js:
        transport = Transport(js.nc)
        with frozen(nats_server_fresh) as freeze:
            freeze()
            with anyio.fail_after(GUARD), pytest.raises(errors.JsmTimeoutError):
                await transport.flush(0.5)
        await still_works(js)
        with anyio.fail_after(GUARD):
            await transport.flush(5)  # and round trips still complete


async def test_a_cancelled_flush_leaves_the_connection_working(
    nats_server_fresh: NatsServer,
) -> None:
    async with jsm.connect(nats_server_fresh.client_url) as js:
        transport = Transport(js.nc)
        with frozen(nats_server_fresh) as freeze:
            freeze()
            with anyio.move_on_after(0.5):
                await transport.flush(60)
        await still_works(js)


async def test_a_drain_cut_short_leaves_the_connection_working(
    nats_server_fresh: NatsServer,
) -> None:
    async with jsm.connect(nats_server_fresh.client_url) as js:
        sub = await js.nc.subscribe("frozen.drain", cb=_ignore)
        with frozen(nats_server_fresh) as freeze:
            freeze()
            with anyio.move_on_after(0.5):
                await drain(sub)
        await still_works(js)


async def test_stopping_a_service_on_a_frozen_server_leaves_the_connection_working(
    nats_server_fresh: NatsServer,
) -> None:
    async with jsm.connect(nats_server_fresh.client_url) as js:
        service = js.services.add("frozen", "1.0.0")

        @service.endpoint("echo")
        async def echo(request: bytes) -> bytes:
            return request

        await service.start()
        with frozen(nats_server_fresh) as freeze:
            freeze()
            with anyio.fail_after(GUARD):
                await service.stop(timeout=1)
        await still_works(js)


async def test_opening_events_on_a_frozen_server_leaves_the_connection_working(
    nats_server_fresh: NatsServer,
) -> None:
    async with jsm.connect(nats_server_fresh.client_url) as js:
        with frozen(nats_server_fresh) as freeze:
            freeze()
            with anyio.fail_after(GUARD), pytest.raises(errors.JsmTimeoutError):
                async with js.events.advisories():
                    pass  # pragma: no cover - the round trip times out first
        await still_works(js)


async def _ignore(msg: object) -> None:
    return None


async def test_a_flush_comes_back_after_what_was_published_before_it(
    js: jsm.Manager, unique_name: str
) -> None:
    # nats-py writes a PING straight to the socket while publishes still wait in its
    # buffer for the flusher task: the PONG must not come back before their messages.
    transport = js.api.transport
    sub = await transport.subscribe(f"{unique_name}.>")
    try:
        for round_number in range(20):
            for index in range(50):
                await transport.publish(f"{unique_name}.{round_number}", b"x" * index)
            with anyio.fail_after(GUARD):
                await transport.flush(10)
            assert sub.pending_msgs == 50 * (round_number + 1), round_number
    finally:
        await unsubscribe(sub)
