"""The publisher pipeline across kill -9 and restart of a single server.

The acks of the publishes in flight at the crash die with the connection, and the
server that comes back never sends them. With a ``Nats-Msg-Id`` the pipeline sends
those publishes again as soon as the connection is back (the stream drops a copy it
already has), instead of waiting out a third of the publish timeout, while new
publishes queue behind ``max_pending``. The publish timeout here is ten minutes, so a
pipeline that waited for it would trip the test's guard. Without a msg_id a publish that
may have been delivered is never sent again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

import jsm
from jsm import errors
from tests.faults.harness import eventually
from tests.faults.workloads import read_numbers
from tests.integration.consumer_helpers import make_stream

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from jsm.testing import NatsServer

TOTAL = 3000
KILL_AT = TOTAL // 3
GUARD = 120.0
"""Seconds the whole test may take: far less than a third of the publish timeout."""


def connect(server: NatsServer, *, publish_timeout: float) -> jsm.connect:
    return jsm.connect(
        server.client_url,
        publish_timeout=publish_timeout,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
    )


async def crash_and_restart(js: jsm.Manager, server: NatsServer) -> None:
    """kill -9 the server, wait until the client noticed, and start it again."""
    await anyio.to_thread.run_sync(server.kill)
    await eventually(disconnected(js), within=10, what="the client to notice the crash")
    await anyio.to_thread.run_sync(server.start)


def disconnected(js: jsm.Manager) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return not js.nc.is_connected

    return check


async def test_pipeline_resends_msg_id_publishes_once_reconnected(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    futures: list[jsm.PubAckFuture] = []
    async with connect(nats_server_fresh, publish_timeout=600) as js:
        await make_stream(js, unique_name, storage=jsm.StorageType.FILE)
        with anyio.fail_after(GUARD):
            async with anyio.create_task_group() as tg, js.publisher() as pub:
                for index in range(TOTAL):
                    if index == KILL_AT:  # with a window of acks outstanding
                        tg.start_soon(crash_and_restart, js, nats_server_fresh)
                    futures.append(
                        await pub.publish(
                            f"{unique_name}.m", str(index).encode(), msg_id=f"m-{index}"
                        )
                    )
        assert pub.retried > 0, "no ack was outstanding at the crash"
        acks = [future.result() for future in futures]
        assert sorted(ack.seq for ack in acks) == list(range(1, TOTAL + 1))
        # Each stored once (those sent again land after later ones: no order across a crash).
        assert sorted(await read_numbers(js, unique_name)) == list(range(TOTAL))


async def test_pipeline_never_resends_a_publish_without_msg_id(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    futures: list[jsm.PubAckFuture] = []
    async with connect(nats_server_fresh, publish_timeout=3) as js:
        await make_stream(js, unique_name, storage=jsm.StorageType.FILE)
        with anyio.fail_after(GUARD):
            async with anyio.create_task_group() as tg, js.publisher(max_pending=64) as pub:
                for index in range(TOTAL):
                    if index == KILL_AT:
                        tg.start_soon(crash_and_restart, js, nats_server_fresh)
                    futures.append(await pub.publish(f"{unique_name}.m", str(index).encode()))
                await pub.wait()
                failures = [f.exception() for f in futures if f.exception() is not None]
        for failure in failures:
            assert type(failure) is errors.JsmTimeoutError and "outcome is unknown" in str(failure)
        stored = await read_numbers(js, unique_name)
        assert len(stored) == len(set(stored))  # nothing stored twice
        acked = {index for index, future in enumerate(futures) if future.exception() is None}
        assert acked <= set(stored)
