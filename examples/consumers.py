"""Common consumer tasks: create, fetch, consume, acknowledge, push, replay in order.

Run: python examples/consumers.py [nats://127.0.0.1:4222]
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import timedelta

import jsm
from jsm import errors

STREAM = "EXAMPLE_JOBS"


async def main(url: str) -> None:
    async with jsm.connect(url) as js:
        await cleanup(js)
        try:
            await tour(js)
        finally:
            await cleanup(js)


async def tour(js: jsm.Manager) -> None:
    jobs = await js.streams.add(jsm.StreamConfig(name=STREAM, subjects=["example.jobs.>"]))
    for index in range(10):
        await js.nc.request(f"example.jobs.{'eu' if index % 2 else 'us'}", b"job %d" % index)

    # A durable pull consumer with explicit acks.
    worker = await jobs.consumers.add(
        jsm.ConsumerConfig(
            durable_name="worker",
            ack_policy=jsm.AckPolicy.EXPLICIT,
            ack_wait=timedelta(seconds=30),
            max_deliver=5,
        )
    )
    print(f"consumer {worker.name}: {worker.cached_info.num_pending} messages pending")

    # Fetch a batch; an empty batch after max_wait is not an error.
    batch = await worker.fetch(3, max_wait=timedelta(seconds=1))
    for msg in batch:
        meta = msg.metadata
        print(f"fetched {msg.data.decode()!r}: stream seq {meta.sequence.stream}")
        await msg.ack()

    # Ask for redelivery later, or give up on a message for good.
    msg = await worker.next(timeout=2)
    await msg.nak(delay=timedelta(milliseconds=100))
    msg = await worker.next(timeout=2)
    await msg.term(reason="not needed in this example")

    # Consume continuously; leaving the block stops pulling and unsubscribes.
    handled = 0
    async with worker.consume(max_messages=100) as messages:
        async for msg in messages:
            await msg.ack()
            handled += 1
            if handled == 6:  # the nak-ed one comes back, plus the five never delivered
                break
    print(f"consumed {handled} more; pending now {(await worker.info()).num_pending}")

    # Acking twice is a clear error, not a silent no-op.
    await js.nc.request("example.jobs.eu", b"one more")
    last = await worker.next(timeout=2)
    await last.ack_sync()
    try:
        await last.ack()
    except errors.AckError as err:
        print(f"second ack refused: {err}")

    # A push consumer with flow control and heartbeats.
    pushed = await jobs.consumers.add(
        jsm.ConsumerConfig(
            name="pushed",
            deliver_subject="example.deliver.jobs",
            flow_control=True,
            idle_heartbeat=timedelta(seconds=1),
            filter_subject="example.jobs.eu",
        )
    )
    async with pushed.push() as deliveries:
        first = await anext(deliveries)
        print(f"pushed: {first.data.decode()!r} on {first.subject}")
        await first.ack()

    # Ordered replay from a sequence: no acks, repairs itself if its consumer is lost.
    async with js.ordered_consumer(STREAM, start_seq=9) as replay:
        replayed = [(await anext(replay)).data.decode() for _ in range(3)]
    print(f"ordered replay from seq 9: {replayed}")

    names = await jobs.consumers.names().collect()
    print(f"consumers of {STREAM}: {', '.join(sorted(names))}")


async def cleanup(js: jsm.Manager) -> None:
    with contextlib.suppress(errors.StreamNotFoundError):
        await js.streams.delete(STREAM)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "nats://127.0.0.1:4222"))
