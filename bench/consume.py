"""Pull consumption with explicit acks: jsm fetch/consume against nats-py and nats.js.

Each side drains the same stream (100k messages of 128 B) through a fresh durable pull
consumer, acking every message: ``fetch(500)`` in a loop (jsm, nats-py's pull
subscription, nats.js), and continuous pulling with at most 500 messages requested
(jsm's and nats.js's ``consume``; nats-py has none, so its fetch loop stands in). The
floor is bare nats-py doing the same shape with nothing on top: a callback subscription
on an inbox that publishes each ack and re-pulls 250 when half the 500 came, parsing
nothing. Rounds rotate who goes first and the best of each is kept.

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
from bench._common import Measurement, Row, best_of_rotating, report
from bench._nats_js import NatsJs, nats_js

if TYPE_CHECKING:
    from nats.aio.client import Client as NatsClient

    from bench._common import Timing

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

    def __init__(
        self,
        js: jsm.Manager,
        stream: jsm.Stream,
        nc: NatsClient,
        node: NatsJs | None,
        count: int,
    ) -> None:
        self.js = js
        self.stream = stream
        self.nc = nc
        self.raw = nc.jetstream()
        self.node = node
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

    async def bare_floor(self) -> None:
        worker = await self._consumer()
        nc = self.nc
        inbox = nc.new_inbox()
        subject = f"$JS.API.CONSUMER.MSG.NEXT.{STREAM}.{worker.name}"
        done = asyncio.Event()
        got = 0

        async def on_msg(msg: object) -> None:
            nonlocal got
            await nc.publish(msg.reply, b"+ACK")  # type: ignore[attr-defined]  # a nats-py Msg
            got += 1
            if got % (BATCH // 2) == 0 and got < self.count:
                await nc.publish(subject, b'{"batch":%d}' % (BATCH // 2), reply=inbox)
            if got == self.count:
                done.set()

        sub = await nc.subscribe(inbox, cb=on_msg, pending_msgs_limit=BATCH * 4)
        await nc.publish(subject, b'{"batch":%d}' % BATCH, reply=inbox)
        await done.wait()
        await sub.unsubscribe()
        await worker.delete()

    async def js_run(self, op: str) -> Timing:
        assert self.node is not None  # only called with a peer
        worker = await self._consumer()
        timing = await self.node.run(
            op, stream=STREAM, consumer=worker.name, count=self.count, batch=BATCH
        )
        await worker.delete()
        return timing


async def _run(url: str, count: int) -> list[Measurement]:
    async with jsm.connect(url) as js, nats_js(url) as node:
        nc = await nats.connect(url)
        try:
            stream = await _fill(js, count)
            sides = _Sides(js, stream, nc, node, count)
            fetch = {
                "jsm": sides.jsm_fetch,
                "nats-py": sides.nats_fetch,
                "nats.js": (lambda: sides.js_run("fetch")) if node else None,
            }
            consume = {
                "jsm": sides.jsm_consume,
                "nats.js": (lambda: sides.js_run("consume")) if node else None,
                "bare nats-py (floor)": sides.bare_floor,
            }
            results = await best_of_rotating(f"fetch({BATCH})+ack", count, fetch, rounds=ROUNDS)
            results += await best_of_rotating(
                f"consume({BATCH})+ack", count, consume, rounds=ROUNDS
            )
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
            "fetch jsm/nats.js": (f"jsm fetch({BATCH})+ack", f"nats.js fetch({BATCH})+ack"),
            "consume jsm/nats.js": (f"jsm consume({BATCH})+ack", f"nats.js consume({BATCH})+ack"),
            "consume jsm/bare nats-py floor": (
                f"jsm consume({BATCH})+ack",
                f"bare nats-py (floor) consume({BATCH})+ack",
            ),
        },
        rows=[
            Row(
                f"fetch({BATCH}) + ack",
                f"jsm fetch({BATCH})+ack",
                f"nats-py fetch({BATCH})+ack",
                f"nats.js fetch({BATCH})+ack",
            ),
            Row(
                f"consume({BATCH}) + ack (nats-py: fetch)",
                f"jsm consume({BATCH})+ack",
                f"nats-py fetch({BATCH})+ack",
                f"nats.js consume({BATCH})+ack",
                f"bare nats-py (floor) consume({BATCH})+ack",
            ),
        ],
    )


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None
    total = int(sys.argv[2]) if len(sys.argv) > 2 else MESSAGES
    asyncio.run(main(target, total))
