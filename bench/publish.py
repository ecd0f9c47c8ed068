"""Publishing: core NATS (the transport limit), awaited JetStream publishes and pipelines.

In the same run, against the same server and a memory stream: core-NATS publish with
no acks; nats-py's ``js.publish`` and jsm's ``js.publish`` awaited one by one; jsm's
``publisher(max_pending=256)`` against nats-py publishing from tasks bounded by a
semaphore of 256 and nats-py's ``publish_async`` (pending limit 256), and the floor of
any pipeline built on nats-py (publish with replies under one wildcard subscription,
count the replies, parse nothing). Rounds alternate
the order and the best of each is kept; the stream is purged before every run. The
two awaited loops, bound by round trips, run instead in alternating slices whose times
are summed, so a changing load on a busy machine falls on both alike.

Run: python -m bench.publish [nats://host:port] [messages]
(without a URL an embedded server is started)
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING

import nats

import jsm
from bench._common import Measurement, measure, report

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nats.aio.client import Client as NatsClient

    WorkOf = Callable[[int], Awaitable[None]]

STREAM = "BENCH_PUBLISH"
SUBJECT = "bench.publish"
MESSAGES = 50_000
AWAITED = 5_000
SIZE = 128
PENDING = 256
ROUNDS = 3
SLICES = 20
PAYLOAD = b"x" * SIZE


class _Sides:
    def __init__(self, js: jsm.Manager, nc: NatsClient, count: int, awaited: int) -> None:
        self.js = js
        self.nc = nc
        self.raw = nc.jetstream()
        self.count = count
        self.awaited = awaited
        self.sent = 0

    async def core(self) -> None:
        for index in range(self.count):
            await self.nc.publish(f"bench.core.{index % 16}", PAYLOAD)
        await self.nc.flush()

    async def nats_awaited(self, count: int) -> None:
        for index in range(count):
            await self.raw.publish(f"{SUBJECT}.{index % 16}", PAYLOAD)

    async def jsm_awaited(self, count: int) -> None:
        for index in range(count):
            await self.js.publish(f"{SUBJECT}.{index % 16}", PAYLOAD)

    async def jsm_pipeline(self) -> None:
        async with self.js.publisher(max_pending=PENDING) as pub:
            for index in range(self.count):
                await pub.publish(f"{SUBJECT}.{index % 16}", PAYLOAD)

    async def bare_floor(self) -> None:
        # The least any pipeline on nats-py can do: publish with a reply under one
        # wildcard subscription and count the replies, parsing and checking nothing.
        got = 0
        done = asyncio.Event()
        room = asyncio.Event()

        async def on_reply(_msg: object) -> None:
            nonlocal got
            got += 1
            if self.sent - got <= PENDING * 3 // 4:
                room.set()
            if got == self.count:
                done.set()

        inbox = self.nc.new_inbox()
        sub = await self.nc.subscribe(f"{inbox}.*", cb=on_reply, pending_msgs_limit=PENDING * 4)
        self.sent = 0
        for index in range(self.count):
            while self.sent - got >= PENDING:
                room.clear()
                await room.wait()
            self.sent += 1
            await self.nc.publish(f"{SUBJECT}.{index % 16}", PAYLOAD, reply=f"{inbox}.{index}")
        await done.wait()
        await sub.unsubscribe()

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


async def _interleaved(
    names: tuple[str, str], total: int, works: tuple[WorkOf, WorkOf]
) -> list[Measurement]:
    """Time two round-trip-bound loops in alternating slices, so a busy machine's changing
    load falls on both alike; each side's time is the sum of its slices."""
    seconds = [0.0, 0.0]
    per_slice = max(1, total // SLICES)
    for slice_index in range(SLICES):
        order = (0, 1) if slice_index % 2 == 0 else (1, 0)
        for side in order:
            start = time.perf_counter()
            await works[side](per_slice)
            seconds[side] += time.perf_counter() - start
    return [Measurement(names[side], per_slice * SLICES, seconds[side]) for side in (0, 1)]


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
            await stream.purge()
            awaited_results = await _interleaved(
                ("nats-py js.publish awaited", "jsm publish awaited"),
                awaited,
                (sides.nats_awaited, sides.jsm_awaited),
            )
            return awaited_results + await _best(
                stream,
                [
                    ("core NATS publish (no ack)", count, sides.core),
                    (f"nats-py tasks (≤{PENDING})", count, sides.nats_tasks),
                    (f"nats-py publish_async ({PENDING})", count, sides.nats_publish_async),
                    (f"jsm publisher({PENDING})", count, sides.jsm_pipeline),
                    (f"bare nats-py pipeline ({PENDING}, floor)", count, sides.bare_floor),
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
            "pipeline jsm/bare nats-py floor": (
                pipeline,
                f"bare nats-py pipeline ({PENDING}, floor)",
            ),
        },
    )


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None
    total = int(sys.argv[2]) if len(sys.argv) > 2 else MESSAGES
    asyncio.run(main(target, total))
