"""Continuous pulling with consume(): refills, byte caps, drain, faults and a server restart."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import eventually, make_stream, publish

if TYPE_CHECKING:
    from jsm.testing import NatsServer


async def _worker(js: jsm.Manager, name: str, **fields: object) -> jsm.Consumer:
    stream = await make_stream(js, name)
    config = jsm.ConsumerConfig.model_validate({"durable_name": "w"} | fields)
    return await stream.consumers.add(config)


async def test_consume_receives_everything_across_refills(
    js: jsm.Manager, unique_name: str
) -> None:
    worker = await _worker(js, unique_name)
    await publish(js, f"{unique_name}.a", 120)
    seen: list[int] = []
    async with worker.consume(max_messages=20, expires=2) as messages:
        async for msg in messages:
            seen.append(int(msg.data))
            await msg.ack()
            if len(seen) == 120:
                break
    assert seen == list(range(120))
    assert (await worker.info()).num_pending == 0


async def test_consume_waits_for_later_messages(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name)
    got: list[bytes] = []
    async with worker.consume(max_messages=5, expires=1, idle_heartbeat=0.5) as messages:
        await publish(js, f"{unique_name}.a", 3)
        async for msg in messages:
            got.append(msg.data)
            await msg.ack()
            if len(got) == 3:
                break
    assert got == [b"0", b"1", b"2"]


async def test_consume_with_max_bytes(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name)
    for _ in range(30):
        await js.nc.request(f"{unique_name}.a", b"x" * 500, timeout=5)
    count = 0
    async with worker.consume(max_bytes=4096, expires=2) as messages:
        async for msg in messages:
            await msg.ack()
            count += 1
            if count == 30:
                break
    assert count == 30


async def test_drain_delivers_the_buffer_then_ends(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name)
    await publish(js, f"{unique_name}.a", 10)
    async with worker.consume(max_messages=10) as messages:
        first = await messages.__anext__()

        async def all_buffered() -> bool:
            return messages.buffered == 9

        await eventually(all_buffered)
        await messages.drain()
        rest = [msg.data async for msg in messages]
        assert [msg async for msg in messages] == []
    assert [first.data, *rest] == [str(i).encode() for i in range(10)]


async def test_consume_raises_when_the_consumer_is_deleted(
    js: jsm.Manager, unique_name: str
) -> None:
    worker = await _worker(js, unique_name)
    await publish(js, f"{unique_name}.a", 2)
    with pytest.raises(errors.ConsumerNotFoundError) as caught:
        async with worker.consume(max_messages=10, expires=2, idle_heartbeat=1) as messages:
            async for msg in messages:
                await msg.ack()
                if msg.data == b"1":
                    await worker.delete()
    assert "'w'" in str(caught.value) and unique_name in str(caught.value)


async def test_pull_apis_on_a_push_consumer_name_the_consumer(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    pushed = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="p", deliver_subject=f"deliver.{unique_name}")
    )
    with pytest.raises(errors.WrongConsumerTypeError, match=r"'p' of stream .* is a push"):
        await pushed.fetch(1)
    with pytest.raises(errors.WrongConsumerTypeError, match="use push"):
        pushed.consume()
    with pytest.raises(errors.WrongConsumerTypeError):
        await pushed.next()
    pulled = await stream.consumers.add(jsm.ConsumerConfig(durable_name="q"))
    with pytest.raises(errors.WrongConsumerTypeError, match="is a pull consumer"):
        pulled.push()


async def test_server_refuses_a_pull_on_a_push_consumer_behind_a_stale_handle(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    stale = await stream.consumers.add(jsm.ConsumerConfig(name="x"))
    await stale.delete()
    await stream.consumers.add(
        jsm.ConsumerConfig(name="x", deliver_subject=f"deliver.{unique_name}")
    )
    with pytest.raises(errors.WrongConsumerTypeError, match="push consumer"):
        await stale.fetch(1, max_wait=1)


async def test_fetch_on_a_deleted_consumer_raises_consumer_not_found(
    js: jsm.Manager, unique_name: str
) -> None:
    worker = await _worker(js, unique_name)
    await worker.delete()
    with pytest.raises(errors.ConsumerNotFoundError):
        await worker.fetch(1, max_wait=1)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"max_messages": 10, "max_bytes": 100}, "not both"),
        ({"max_messages": 0}, "max_messages"),
        ({"expires": 0.5}, "expires must be at least 1s"),
        ({"expires": 2, "idle_heartbeat": 1.5}, "at most half"),
        ({"max_messages": 10, "threshold": 10}, "threshold"),
    ],
    ids=["both-limits", "zero", "short-expiry", "big-heartbeat", "threshold"],
)
async def test_consume_rejects_bad_options_before_the_wire(
    js: jsm.Manager, unique_name: str, options: dict[str, object], match: str
) -> None:
    worker = await _worker(js, unique_name)
    with pytest.raises(errors.InvalidOptionError, match=match):
        worker.consume(**options)  # type: ignore[arg-type]  # options vary by case


async def test_consume_survives_server_restart(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    """Every sequence is acked at least once; none is lost across a restart."""
    async with jsm.connect(
        nats_server_fresh.client_url, max_reconnect_attempts=-1, reconnect_time_wait=1
    ) as js:
        stream = await make_stream(js, unique_name, storage=jsm.StorageType.FILE)
        worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
        await publish(js, f"{unique_name}.a", 50)
        acked: set[int] = set()
        restarted = False
        with anyio.fail_after(60):
            async with worker.consume(max_messages=10, expires=2, idle_heartbeat=1) as messages:
                async for msg in messages:
                    await msg.ack()
                    acked.add(msg.metadata.sequence.stream)
                    if len(acked) == 20 and not restarted:
                        restarted = True
                        await anyio.to_thread.run_sync(nats_server_fresh.restart)
                        await publish(js, f"{unique_name}.a", 50, start=50)
                    if len(acked) == 100:
                        break
        assert acked == set(range(1, 101))

        async def all_acked() -> bool:
            info = await worker.info()
            return info.num_ack_pending == 0 and info.ack_floor.stream_seq == 100

        await eventually(all_acked, within=40)


async def test_iterating_without_async_with_is_a_clear_error(
    js: jsm.Manager, unique_name: str
) -> None:
    worker = await _worker(js, unique_name)
    with pytest.raises(errors.ClosedError, match="async with"):
        async for _ in worker.consume():
            pass
    with pytest.raises(errors.ClosedError, match="async with"):
        async for _ in js.ordered_consumer(unique_name):
            pass
