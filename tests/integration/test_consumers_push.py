"""Push consumers: delivery to a subject, queue groups, flow control at volume."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import eventually, make_stream, publish


async def test_push_consumer_delivers_and_takes_acks(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    await publish(js, f"{unique_name}.a", 5)
    pushed = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="p", deliver_subject=f"deliver.{unique_name}")
    )
    got: list[bytes] = []
    async with pushed.push() as messages:
        async for msg in messages:
            got.append(msg.data)
            await msg.ack()
            if len(got) == 5:
                break
    assert got == [str(i).encode() for i in range(5)]

    async def acked() -> bool:
        return (await pushed.info()).ack_floor.stream_seq == 5

    await eventually(acked)


async def test_queue_group_shares_the_messages(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    pushed = await stream.consumers.add(
        jsm.ConsumerConfig(
            durable_name="q",
            deliver_subject=f"deliver.{unique_name}",
            deliver_group="workers",
            ack_policy=jsm.AckPolicy.NONE,
        )
    )
    seen: list[bytes] = []
    async with pushed.push() as first, pushed.push(queue="workers") as second:
        await publish(js, f"{unique_name}.a", 20)

        async def take(messages: jsm.PushStream) -> None:
            async for msg in messages:
                seen.append(msg.data)
                if len(seen) == 20:
                    await first.drain()
                    await second.drain()

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(take, first)
                tg.start_soon(take, second)
    assert sorted(seen) == sorted(str(i).encode() for i in range(20))
    with pytest.raises(errors.InvalidOptionError, match="deliver_group"):
        pushed.push(queue="others")


async def test_push_with_flow_control_receives_50k_messages(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    total = 50_000
    for index in range(total):
        await js.nc.publish(f"{unique_name}.a", b"%d" % index)
    await js.nc.flush()

    async def stored() -> bool:
        return (await stream.info()).state.messages == total

    await eventually(stored, within=60)
    pushed = await stream.consumers.add(
        jsm.ConsumerConfig(
            name="fc",
            deliver_subject=f"deliver.{unique_name}",
            ack_policy=jsm.AckPolicy.NONE,
            flow_control=True,
            idle_heartbeat=timedelta(seconds=1),
        )
    )
    received = 0
    last = -1
    with anyio.fail_after(120):
        async with pushed.push(max_buffer=256) as messages:
            async for msg in messages:
                number = int(msg.data)
                assert number == last + 1
                last = number
                received += 1
                if received == total:
                    break
            replies = messages.flow_control_replies
    assert received == total
    assert replies > 0
