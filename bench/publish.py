"""Publishing: core NATS (the transport limit), awaited JetStream publishes and pipelines.

In the same run, against the same server and a memory stream: core-NATS publish with
no acks; nats-py's ``js.publish`` and jsm's ``js.publish`` awaited one by one; jsm's
``publisher(max_pending=256)`` against nats-py publishing from tasks bounded by a
semaphore of 256 and nats-py's ``publish_async`` (pending limit 256). Rounds alternate
the order and the best of each is kept; the stream is purged before every run.

Run: python -m bench.publish [nats://host:port] [messages]
(without a URL an embedded server is started)
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

import nats

import jsm
from bench._common import Measurement, measure, report

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nats.aio.client import Client as NatsClient

STREAM = "BENCH_PUBLISH"
SUBJECT = "bench.publish"
MESSAGES = 50_000
AWAITED = 5_000
SIZE = 128
PENDING = 256
ROUNDS = 3
PAYLOAD = b"x" * SIZE


class _Sides:
    def __init__(self, js: jsm.Manager, nc: NatsClient, count: int, awaited: int) -> None:
        self.js = js
        self.nc = nc
        self.raw = nc.jetstream()
        self.count = count
        self.awaited = awaited

    async def core(self) -> None:
        for index in range(self.count):
            await self.nc.publish(f"bench.core.{index % 16}", PAYLOAD)
        await self.nc.flush()

    async def nats_awaited(self) -> None:
        for index in range(self.awaited):
            await self.raw.publish(f"{SUBJECT}.{index % 16}", PAYLOAD)

    async def jsm_awaited(self) -> None:
        for index in range(self.awaited):
            await self.js.publish(f"{SUBJECT}.{index % 16}", PAYLOAD)

    async def jsm_pipeline(self) -> None:
        async with self.js.publisher(max_pending=PENDING) as pub:
            for index in range(self.count):
                await pub.publish(f"{SUBJECT}.{index % 16}", PAYLOAD)

    async def nats_tasks(self) -> None:
        room = asyncio.Semaphore(PENDING)
        tasks: set[asyncio.Task[object]] = set()

        async def one(subject: str) -> None:
            try:
                await self.raw.publish(subject, PAYLOAD)
            finally:
                room.release()

        for index in range(self.count):
            await room.acquire()
            task = asyncio.create_task(one(f"{SUBJECT}.{index % 16}"))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)

    async def nats_publish_async(self) -> None:
        raw = self.nc.jetstream(publish_async_max_pending=PENDING)
        futures = []
        for index in range(self.count):
            futures.append(await raw.publish_async(f"{SUBJECT}.{index % 16}", PAYLOAD))
        await raw.publish_async_completed()
        for future in futures:
            future.result()  # raise any failure, as the others do


async def _best(
    stream: jsm.Stream, runs: list[tuple[str, int, Callable[[], Awaitable[None]]]]
) -> list[Measurement]:
    best: dict[str, Measurement] = {}
    for round_index in range(ROUNDS):
        order = runs if round_index % 2 == 0 else list(reversed(runs))
        for name, count, work in order:
            await stream.purge()
            result = await measure(name, count, work)
            if name not in best or result.seconds < best[name].seconds:
                best[name] = result
    return [best[name] for name, _, _ in runs]


async def _run(url: str, count: int) -> list[Measurement]:
    async with jsm.connect(url) as js:
        nc = await nats.connect(url)
        stream = await js.streams.add(
            jsm.StreamConfig(name=STREAM, subjects=[f"{SUBJECT}.>"], storage=jsm.StorageType.MEMORY)
        )
        awaited = max(1, min(AWAITED, count // 10))
        sides = _Sides(js, nc, count, awaited)
        try:
            return await _best(
                stream,
                [
                    ("core NATS publish (no ack)", count, sides.core),
                    ("nats-py js.publish awaited", awaited, sides.nats_awaited),
                    ("jsm publish awaited", awaited, sides.jsm_awaited),
                    (f"nats-py tasks (≤{PENDING})", count, sides.nats_tasks),
                    (f"nats-py publish_async ({PENDING})", count, sides.nats_publish_async),
                    (f"jsm publisher({PENDING})", count, sides.jsm_pipeline),
                ],
            )
        finally:
            await js.streams.delete(STREAM)
            await nc.close()


async def main(url: str | None, count: int) -> None:
    if url is None:
        from jsm.testing import run_server

        async with run_server() as server:
            results = await _run(server.client_url, count)
    else:
        results = await _run(url, count)
    pipeline = f"jsm publisher({PENDING})"
    report(
        "Publish: acknowledged JetStream publishes",
        results,
        {
            "awaited jsm/nats-py": ("jsm publish awaited", "nats-py js.publish awaited"),
            "pipeline jsm/nats-py awaited": (pipeline, "nats-py js.publish awaited"),
            "pipeline jsm/nats-py tasks": (pipeline, f"nats-py tasks (≤{PENDING})"),
            "pipeline jsm/nats-py publish_async": (
                pipeline,
                f"nats-py publish_async ({PENDING})",
            ),
            "pipeline jsm/core NATS": (pipeline, "core NATS publish (no ack)"),
        },
    )


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None
    total = int(sys.argv[2]) if len(sys.argv) > 2 else MESSAGES
    asyncio.run(main(target, total))
