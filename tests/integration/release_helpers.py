"""Helpers for the release tests: a worker with a long ack wait and a second worker's view."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import anyio

import jsm
from tests.integration.consumer_helpers import eventually, make_stream, publish

ACK_WAIT = timedelta(minutes=5)
"""Far longer than any wait in these tests: a prompt redelivery can only come from a nak."""

COUNT = 20
"""Messages per test: worker A takes one, the rest sit in its buffer."""


async def long_ack_wait_worker(
    js: jsm.Manager,
    name: str,
    *,
    ack_policy: jsm.AckPolicy = jsm.AckPolicy.EXPLICIT,
    count: int = COUNT,
    storage: jsm.StorageType = jsm.StorageType.MEMORY,
    replicas: int = 1,
    **fields: object,
) -> jsm.Consumer:
    """A stream holding ``count`` messages and a durable consumer 'w' with a 5-minute ack wait."""
    stream = await make_stream(js, name, storage=storage, replicas=replicas)
    await publish(js, f"{name}.a", count)
    config = jsm.ConsumerConfig.model_validate(
        {"durable_name": "w", "ack_policy": ack_policy, "ack_wait": ACK_WAIT} | fields
    )
    return await stream.consumers.add(config)


async def wait_until_buffered(messages: jsm.MessageStream, count: int) -> None:
    """Wait until ``count`` received messages wait in the stream's buffer."""

    async def full() -> bool:
        return messages.buffered == count

    await eventually(full)


async def wait_until_delivered(consumer: jsm.Consumer, count: int) -> None:
    """Wait until the server has delivered ``count`` messages that are not acked yet."""

    async def delivered() -> bool:
        info = await consumer.info()
        return info.num_pending == 0 and info.num_ack_pending == count

    await eventually(delivered)


async def fetch_all(consumer: jsm.Consumer, count: int) -> list[jsm.Msg]:
    """Worker B: pull until ``count`` messages arrived (each pull waits far less than ack_wait)."""
    got: list[jsm.Msg] = []
    with anyio.fail_after(60):
        while len(got) < count:
            got += await consumer.fetch(count - len(got), max_wait=10)
    return got


async def assert_redelivered_at_once(
    consumer: jsm.Consumer, sequences: list[int], *, held: int = 0
) -> None:
    """Another worker receives exactly ``sequences``, each on its second delivery, and acks them.

    The consumer's ack wait is minutes long, so a redelivery within the pulls' waits means
    the first holder released the messages. ``held`` messages stay unacknowledged elsewhere.
    """
    got = await fetch_all(consumer, len(sequences))
    assert sorted(m.metadata.sequence.stream for m in got) == sequences
    assert {m.metadata.num_delivered for m in got} == {2}
    info = await consumer.info()
    assert info.num_redelivered == len(sequences)
    for msg in got:
        await msg.ack_sync()
    info = await consumer.info()
    assert info.num_ack_pending == held
    assert info.num_redelivered == 0


def live_tasks() -> set[asyncio.Task[object]]:
    """The tasks of the running loop that have not finished."""
    return {task for task in asyncio.all_tasks() if not task.done()}
