"""Consumers on the 3-node cluster: replicated consumers and leader step-down during consume."""

from __future__ import annotations

from datetime import timedelta

import anyio

import jsm
from tests.integration.consumer_helpers import eventually, make_stream, publish


async def _leader(consumer: jsm.Consumer) -> str | None:
    try:
        cluster = (await consumer.info(timeout=1)).cluster
    except jsm.errors.JsmTimeoutError:  # no answer while a new leader is elected
        return None
    return None if cluster is None else cluster.leader


async def test_consume_keeps_going_across_consumer_leader_stepdown(
    cjs: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(cjs, unique_name, storage=jsm.StorageType.FILE, replicas=3)
    worker = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="w", ack_wait=timedelta(seconds=2))
    )
    assert worker.config.num_replicas in (0, 3)

    async def has_leader() -> bool:
        return await _leader(worker) is not None

    await eventually(has_leader)
    await publish(cjs, f"{unique_name}.a", 60)
    acked: set[int] = set()
    stepped = False
    with anyio.fail_after(60):
        async with worker.consume(max_messages=10, expires=2, idle_heartbeat=1) as messages:
            async for msg in messages:
                await msg.ack()
                acked.add(msg.metadata.sequence.stream)
                if len(acked) == 20 and not stepped:
                    stepped = True
                    await stream.consumers.leader_stepdown("w")
                    await stream.leader_stepdown()
                if len(acked) == 60:
                    break
    assert acked == set(range(1, 61))

    # Acks sent while the leader moved may be lost: those messages come back, and are
    # acked again, until the consumer has every sequence acknowledged.
    async def settled() -> bool:
        for msg in await worker.fetch(10, max_wait=1):
            await msg.ack_sync()
            acked.add(msg.metadata.sequence.stream)
        info = await worker.info()
        return info.ack_floor.stream_seq == 60 and info.num_ack_pending == 0

    await eventually(settled, within=40)
    assert acked == set(range(1, 61))
