"""A connection's disconnects, reconnects and close reach the loops waiting on them.

:class:`jsm._status.StatusWatch` sits in nats-py's status callbacks (internal attributes
of its client): these tests fail if nats-py stops calling them, so the consume loop's
sleep-until-needed would not go unnoticed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import anyio.to_thread

import jsm
from jsm._status import StatusWatch
from tests.integration.consumer_helpers import eventually, make_stream, publish

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from jsm.testing import NatsServer


def _connected(js: jsm.Manager) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return bool(js.nc.is_connected)

    return check


async def test_status_watch_tells_listeners_and_the_applications_callbacks(
    nats_server_fresh: NatsServer,
) -> None:
    heard: list[str] = []
    back = anyio.Event()

    async def disconnected() -> None:
        heard.append("app disconnected")

    async def reconnected() -> None:
        heard.append("app reconnected")
        back.set()

    async def closed() -> None:
        heard.append("app closed")

    async with jsm.connect(
        nats_server_fresh.client_url,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
        closed_cb=closed,
    ) as js:
        watch = js.api.transport.status_watch()
        assert watch is not None  # this nats-py keeps its status callbacks where jsm looks
        assert js.api.transport.status_watch() is watch  # one per connection
        key = watch.listen(lambda: heard.append("listener"))
        await anyio.to_thread.run_sync(nats_server_fresh.restart)
        with anyio.fail_after(30):
            await back.wait()
        assert heard[:2] == ["listener", "app disconnected"]
        assert heard[-2:] == ["listener", "app reconnected"]
        watch.unlisten(key)
        heard.clear()
    assert heard == ["app disconnected", "app closed"]  # unlistened: the app's only


async def test_consume_pulls_again_at_once_after_a_reconnect(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    """With 60 s pulls (heartbeats every 30 s) only the reconnect can say the pulls are
    gone; messages published after the restart still arrive well before a heartbeat
    could be missed."""
    async with jsm.connect(
        nats_server_fresh.client_url, max_reconnect_attempts=-1, reconnect_time_wait=1
    ) as js:
        stream = await make_stream(js, unique_name, storage=jsm.StorageType.FILE)
        worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
        await publish(js, f"{unique_name}.a", 1)
        got: list[bytes] = []
        async with worker.consume(max_messages=10, expires=60, idle_heartbeat=30) as messages:
            async for msg in messages:
                await msg.ack()
                got.append(msg.data)
                if len(got) == 1:
                    await anyio.to_thread.run_sync(nats_server_fresh.restart)
                    await eventually(_connected(js), within=30)
                    await publish(js, f"{unique_name}.a", 1, start=1)
                    break
            with anyio.fail_after(40):
                async for msg in messages:
                    await msg.ack()
                    got.append(msg.data)
                    break
        assert got == [b"0", b"1"]


def test_status_watch_is_none_without_the_callback_attributes() -> None:
    class Other:
        pass

    assert StatusWatch.attach(Other()) is None  # type: ignore[arg-type]  # not a nats-py client
