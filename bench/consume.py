"""Pull consumption with explicit acks: jsm fetch/consume against nats-py's pull subscription.

Each side drains the same stream (100k messages of 128 B) through a fresh durable pull
consumer, acking every message; rounds alternate who goes first and the best of each
is kept.

Run: python -m bench.consume [nats://host:port] [messages]
(without a URL an embedded server is started)
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING

import nats

import jsm
from bench._common import Measurement, measure, report

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nats.aio.client import Client as NatsClient

STREAM = "BENCH_CONSUME"
SUBJECT = "bench.consume"
MESSAGES = 100_000
SIZE = 128
BATCH = 500
ROUNDS = 3


async def _fill(js: jsm.Manager, count: int) -> jsm.Stream:
    stream = await js.streams.add(
        jsm.StreamConfig(name=STREAM, subjects=[f"{SUBJECT}.>"], storage=jsm.StorageType.MEMORY)
    )
    payload = os.urandom(SIZE)
    for index in range(count):
        await js.nc.publish(f"{SUBJECT}.{index % 16}", payload)
        if index % 10_000 == 0:
            await js.nc.flush()
    await js.nc.flush()
    while True:
        if (await stream.info()).state.messages >= count:
            return stream
        await asyncio.sleep(0.01)


class _Sides:
    """The three ways to drain the stream, each through a new durable consumer."""

    def __init__(self, js: jsm.Manager, stream: jsm.Stream, nc: NatsClient, count: int) -> None:
        self.js = js
        self.stream = stream
        self.raw = nc.jetstream()
        self.count = count
        self.serial = 0

    async def _consumer(self) -> jsm.Consumer:
        self.serial += 1
        return await self.stream.consumers.add(
            jsm.ConsumerConfig(durable_name=f"B{self.serial}", max_ack_pending=-1)
        )

    async def jsm_fetch(self) -> None:
        worker = await self._consumer()
        done = 0
        while done < self.count:
            for msg in await worker.fetch(BATCH, max_wait=5):
                await msg.ack()
                done += 1
        await worker.delete()

    async def jsm_consume(self) -> None:
        worker = await self._consumer()
        done = 0
        async with worker.consume(max_messages=BATCH) as messages:
            async for msg in messages:
                await msg.ack()
                done += 1
                if done == self.count:
                    break
        await worker.delete()

    async def nats_fetch(self) -> None:
        worker = await self._consumer()
        sub = await self.raw.pull_subscribe_bind(durable=worker.name, stream=STREAM)
        done = 0
        while done < self.count:
            for msg in await sub.fetch(BATCH, timeout=5):
                await msg.ack()
                done += 1
        await sub.unsubscribe()
        await worker.delete()


async def _alternate(
    label: str,
    count: int,
    ours: Callable[[], Awaitable[None]],
    theirs: Callable[[], Awaitable[None]],
) -> list[Measurement]:
    jsm_runs: list[Measurement] = []
    nats_runs: list[Measurement] = []
    for round_index in range(ROUNDS):
        order = [(jsm_runs, ours, "jsm"), (nats_runs, theirs, "nats-py")]
        for runs, work, who in order if round_index % 2 == 0 else reversed(order):
            runs.append(await measure(f"{who} {label}", count, work))
    return [min(runs, key=lambda run: run.seconds) for runs in (jsm_runs, nats_runs)]


async def _run(url: str, count: int) -> list[Measurement]:
    async with jsm.connect(url) as js:
        nc = await nats.connect(url)
        try:
            stream = await _fill(js, count)
            sides = _Sides(js, stream, nc, count)
            results = await _alternate(
                f"fetch({BATCH})+ack", count, sides.jsm_fetch, sides.nats_fetch
            )
            consume_runs = [
                await measure(f"jsm consume({BATCH})+ack", count, sides.jsm_consume)
                for _ in range(ROUNDS)
            ]
            results.append(min(consume_runs, key=lambda run: run.seconds))
        finally:
            await js.streams.delete(STREAM)
            await nc.close()
    return results


async def main(url: str | None, count: int) -> None:
    if url is None:
        from jsm.testing import run_server

        async with run_server() as server:
            results = await _run(server.client_url, count)
    else:
        results = await _run(url, count)
    report(
        "Consume: pull with explicit acks",
        results,
        {
            "fetch jsm/nats-py": (f"jsm fetch({BATCH})+ack", f"nats-py fetch({BATCH})+ack"),
            "consume jsm/nats-py fetch": (
                f"jsm consume({BATCH})+ack",
                f"nats-py fetch({BATCH})+ack",
            ),
        },
    )


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None
    total = int(sys.argv[2]) if len(sys.argv) > 2 else MESSAGES
    asyncio.run(main(target, total))
