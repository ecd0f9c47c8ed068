"""Consumers through a JetStream domain (hub + leaf) and through an imported API prefix."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
import nats.errors

import jsm
from jsm.testing import run_hub_and_leaf
from tests.integration.consumer_helpers import eventually

if TYPE_CHECKING:
    import pytest


async def _exercise(js: jsm.Manager, name: str, subject_root: str, deliver: str) -> None:
    """Manage, fetch, consume, ack and push through ``js``'s subject mapping."""
    stream = await js.streams.add(jsm.StreamConfig(name=name, subjects=[f"{subject_root}.>"]))
    for index in range(6):
        reply = await js.nc.request(f"{subject_root}.x", str(index).encode(), timeout=5)
        assert b'"error"' not in reply.data
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
    assert "w" in await stream.consumers.names().collect()
    assert [info.name async for info in stream.consumers.list()] == ["w"]
    first = await worker.fetch(2, max_wait=2)
    assert [m.data for m in first] == [b"0", b"1"]
    for msg in first:
        await msg.ack_sync(timeout=5)
    third = await worker.next(timeout=2)
    following = await third.next(timeout=2)
    assert (third.data, following.data) == (b"2", b"3")
    await following.ack_sync()
    got: list[bytes] = []
    async with worker.consume(max_messages=2, expires=2, idle_heartbeat=1) as messages:
        async for msg in messages:
            got.append(msg.data)
            await msg.ack()
            if len(got) == 2:
                break
    assert got == [b"4", b"5"]

    async def all_acked() -> bool:
        return (await worker.info()).ack_floor.stream_seq == 6

    await eventually(all_acked)
    pushed = await stream.consumers.add(
        jsm.ConsumerConfig(
            durable_name="p", deliver_subject=deliver, ack_policy=jsm.AckPolicy.EXPLICIT
        )
    )
    async with pushed.push() as deliveries:
        with anyio.fail_after(10):
            first_push = await deliveries.__anext__()
    assert first_push.data == b"0"
    await stream.consumers.delete("p")
    async with js.ordered_consumer(name, start_seq=5) as replay:
        with anyio.fail_after(10):
            replayed = [(await anext(replay)).data for _ in range(2)]
    assert replayed == [b"4", b"5"]


async def test_consumers_work_across_the_leaf_domain(
    js_leaf: jsm.Manager, unique_name: str
) -> None:
    await _exercise(js_leaf, unique_name, unique_name, f"deliver.{unique_name}")
    stream = await js_leaf.streams.get(unique_name)
    worker = await stream.consumers.get("w")
    await js_leaf.nc.request(f"{unique_name}.x", b"late", timeout=5)
    (msg,) = await worker.fetch(1, max_wait=2)
    assert msg.metadata.stream == unique_name  # 2.15 still sends the v1 ack layout here
    assert worker.next_subject == f"$JS.leaf.API.CONSUMER.MSG.NEXT.{unique_name}.w"
    await msg.ack()


async def test_consumers_work_through_an_api_prefix(
    js_imported: jsm.Manager, unique_name: str
) -> None:
    await _exercise(js_imported, unique_name, f"imp.{unique_name}", f"deliver.{unique_name}")
    stream = await js_imported.streams.get(unique_name)
    worker = await stream.consumers.get("w")
    assert worker.next_subject == f"JS.APP.API.CONSUMER.MSG.NEXT.{unique_name}.w"


async def test_consume_notices_missed_heartbeats_and_recovers_when_the_leaf_returns(
    caplog: pytest.LogCaptureFixture, unique_name: str
) -> None:
    async with (
        run_hub_and_leaf() as setup,
        jsm.connect(setup.hub.client_url, domain=setup.leaf_domain) as js,
    ):
        stream = await js.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"])
        )
        worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
        got: list[bytes] = []
        with anyio.fail_after(60):
            async with worker.consume(max_messages=5, expires=2, idle_heartbeat=1) as messages:
                await js.nc.request(f"{unique_name}.x", b"before", timeout=5)
                async for msg in messages:
                    got.append(msg.data)
                    await msg.ack()
                    if msg.data == b"before":
                        await anyio.to_thread.run_sync(setup.leaf.shutdown)

                        async def warned() -> bool:
                            return "no heartbeat" in caplog.text

                        await eventually(warned)
                        await anyio.to_thread.run_sync(setup.leaf.start)
                        await eventually(lambda: _stored(js, unique_name))
                    else:
                        break
        assert got == [b"before", b"after"]


async def _stored(js: jsm.Manager, name: str) -> bool:
    """Publish once the leaf is back (no responders or a timeout mean: not yet)."""
    try:
        reply = await js.nc.request(f"{name}.x", b"after", timeout=1)
    except (TimeoutError, nats.errors.NoRespondersError):
        return False
    return b'"seq"' in reply.data
