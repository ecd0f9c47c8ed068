"""Service lifecycle: queue-group load sharing, bounded concurrency, graceful stop."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm.errors import InvalidOptionError, JsmTimeoutError, NoServiceRespondersError
from jsm.services.endpoint import REPLY_NOT_SENT
from tests.integration.consumer_helpers import eventually

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from jsm.testing import NatsServer


def _counting(js: jsm.Manager, name: str, seen: Counter[str]) -> jsm.Service:
    svc = js.services.add(name, "1.0.0")

    @svc.endpoint("work", subject=f"{name}.work")
    async def work(data: bytes) -> bytes:
        seen[svc.id] += 1
        return svc.id.encode()

    return svc


async def test_queue_group_shares_requests_across_three_instances(
    js: jsm.Manager, unique_name: str
) -> None:
    seen: Counter[str] = Counter()
    instances = [_counting(js, unique_name, seen) for _ in range(3)]
    async with instances[0].run(), instances[1].run(), instances[2].run():
        replies = [await js.services.request(f"{unique_name}.work") for _ in range(150)]
        stats = {
            s.id: s.endpoints[0].num_requests
            async for s in js.services.stats(unique_name, timeout=10, quiet=2)
        }
    assert sum(seen.values()) == 150
    assert set(seen) == {svc.id for svc in instances}, "every instance got a share"
    assert Counter(reply.decode() for reply in replies) == seen == Counter(stats)


async def test_requests_run_concurrently_up_to_the_bound(js: jsm.Manager, unique_name: str) -> None:
    svc = js.services.add(unique_name, "1.0.0", max_in_flight=3)
    running = 0
    peak = 0
    release = anyio.Event()
    three_in = anyio.Event()

    @svc.endpoint("hold", subject=f"{unique_name}.hold")
    async def hold(data: bytes) -> bytes:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        if running == 3:
            three_in.set()
        await release.wait()
        running -= 1
        return data

    async with svc.run():
        async with anyio.create_task_group() as tg:
            for index in range(8):
                tg.start_soon(js.services.request, f"{unique_name}.hold", str(index).encode())
            with anyio.fail_after(10):
                await three_in.wait()
            # the other five wait in the subscription's buffer, not in tasks
            assert svc.in_flight == 3
            release.set()
        assert peak == 3
        [stats] = await js.services.stats(unique_name, timeout=10)
        assert stats.endpoints[0].num_requests == 8


async def test_graceful_stop_finishes_in_flight_requests(js: jsm.Manager, unique_name: str) -> None:
    svc = js.services.add(unique_name, "1.0.0")
    started = anyio.Event()
    release = anyio.Event()

    @svc.endpoint("slow", subject=f"{unique_name}.slow")
    async def slow(data: bytes) -> bytes:
        started.set()
        await release.wait()
        return b"done " + data

    await svc.start()
    assert svc.is_running
    pending = asyncio.ensure_future(js.services.request(f"{unique_name}.slow", b"1", timeout=10))
    with anyio.fail_after(10):
        await started.wait()
    stopping = asyncio.ensure_future(svc.stop(timeout=10))
    with anyio.fail_after(10):  # new requests are refused once stop() withdrew interest
        while True:
            try:
                await js.services.request(f"{unique_name}.slow", b"2", timeout=0.5)
            except NoServiceRespondersError:
                break
            except JsmTimeoutError:  # it slipped in before the unsubscribe: in flight too
                continue
    assert not stopping.done(), "stop waits for the in-flight request"
    release.set()
    assert await pending == b"done 1"
    await stopping
    assert not svc.is_running and svc.in_flight == 0
    await svc.stop()  # a second stop does nothing
    with pytest.raises(InvalidOptionError, match="started already"):
        await svc.start()


async def test_stop_cancels_requests_that_outlive_the_timeout(
    js: jsm.Manager, unique_name: str
) -> None:
    cancelled = anyio.Event()
    started = anyio.Event()
    svc = js.services.add(unique_name, "1.0.0", stop_timeout=0.2)

    @svc.endpoint("stuck", subject=f"{unique_name}.stuck")
    async def stuck(data: bytes) -> bytes:
        started.set()
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.set()
        return data  # pragma: no cover

    async with svc.run():
        pending = asyncio.ensure_future(js.services.request(f"{unique_name}.stuck", timeout=2))
        with anyio.fail_after(10):
            await started.wait()
    assert cancelled.is_set() and svc.in_flight == 0
    with pytest.raises(JsmTimeoutError):
        await pending


async def test_adding_endpoints_to_a_running_service_is_refused(
    js: jsm.Manager, unique_name: str
) -> None:
    svc = js.services.add(unique_name, "1.0.0")
    async with svc.run():
        with pytest.raises(InvalidOptionError, match="add endpoints before starting"):

            @svc.endpoint("late")
            async def late(data: bytes) -> bytes:
                return data  # pragma: no cover

        assert [p.id for p in await js.services.ping(unique_name, timeout=10)] == [svc.id]


async def test_service_without_jetstream_on_a_plain_connection(
    js: jsm.Manager, unique_name: str
) -> None:
    svc = jsm.Service(js.nc, unique_name, version="1.0.0")

    @svc.endpoint("hello", subject=f"{unique_name}.hello")
    async def hello(data: bytes) -> bytes:
        return b"hello " + data

    client = jsm.ServiceManager(js.nc)
    async with svc.run():
        assert await client.request(f"{unique_name}.hello", "you") == b"hello you"
        assert [i.name for i in await client.info(unique_name, timeout=10)] == [unique_name]


async def test_stop_after_the_connection_closed_under_a_request(
    js: jsm.Manager, nats_server: NatsServer, unique_name: str
) -> None:
    started = anyio.Event()
    release = anyio.Event()
    async with jsm.connect(nats_server.client_url) as own:
        svc = own.services.add(unique_name, "1.0.0")

        @svc.endpoint("slow", subject=f"{unique_name}.slow")
        async def slow(data: bytes) -> bytes:
            started.set()
            await release.wait()
            return data

        await svc.start()

        async def call() -> bytes:
            # Another connection may briefly not see a new subscription (a server-side
            # race), so no responders is retried until the request is in flight.
            while True:
                try:
                    return await js.services.request(f"{unique_name}.slow", timeout=5)
                except NoServiceRespondersError:
                    await anyio.sleep(0.05)

        pending = asyncio.ensure_future(call())
        with anyio.fail_after(10):
            await started.wait()
        await own.nc.close()
        release.set()
        await svc.stop(timeout=5)  # the reply cannot go out; stopping still completes
        assert svc.in_flight == 0 and not svc.is_running
        assert svc.stats().endpoints[0].last_error == f"500:{REPLY_NOT_SENT}"
    with pytest.raises(JsmTimeoutError):
        await pending


async def test_service_serves_again_after_a_server_restart(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    options = {"max_reconnect_attempts": -1, "reconnect_time_wait": 0.2}
    async with (
        jsm.connect(nats_server_fresh.client_url, **options) as serving,  # type: ignore[arg-type]
        jsm.connect(nats_server_fresh.client_url, **options) as calling,  # type: ignore[arg-type]
    ):
        svc = serving.services.add(unique_name, "1.0.0")

        @svc.endpoint("echo", subject=f"{unique_name}.echo")
        async def echo(data: bytes) -> bytes:
            return data

        def answers(text: bytes) -> Callable[[], Awaitable[bool]]:
            async def check() -> bool:
                try:
                    reply = await calling.services.request(f"{unique_name}.echo", text, timeout=1)
                except jsm.JsmError:  # reconnecting: no responders yet, timeouts, closed
                    return False
                return reply == text

            return check

        async with svc.run():
            await eventually(answers(b"before"))
            await anyio.to_thread.run_sync(nats_server_fresh.restart)
            await eventually(answers(b"after"))
            [ping] = await calling.services.ping(unique_name, svc.id, timeout=10)
            assert ping.id == svc.id


async def test_a_cancelled_stop_still_cleans_up(js: jsm.Manager, unique_name: str) -> None:
    started = anyio.Event()
    svc = js.services.add(unique_name, "1.0.0", stop_timeout=30)

    @svc.endpoint("stuck", subject=f"{unique_name}.stuck")
    async def stuck(data: bytes) -> bytes:
        started.set()
        await anyio.sleep_forever()
        return data  # pragma: no cover

    await svc.start()
    pending = asyncio.ensure_future(js.services.request(f"{unique_name}.stuck", timeout=2))
    with anyio.fail_after(10):
        await started.wait()
    with anyio.move_on_after(0.2) as scope:
        await svc.stop()  # would wait 30 s for the stuck handler
    assert scope.cancelled_caught
    assert svc.in_flight == 0 and not svc.is_running  # and the fixture finds no leftovers
    with pytest.raises(JsmTimeoutError):
        await pending
