"""Publishing: core NATS (the transport limit), awaited JetStream publishes and pipelines.

In the same run, against the same server and a memory stream: core-NATS publish with
no acks; nats-py's, nats.js's and jsm's ``js.publish`` awaited one by one; jsm's
``publisher(max_pending=256)`` against nats-py publishing from tasks bounded by a
semaphore of 256, nats-py's ``publish_async`` (pending limit 256), nats.js keeping 256
publish promises in flight (it has no pipeline), and the floor of any pipeline built on
nats-py (publish with replies under one wildcard subscription, count the replies, parse
nothing); the floor of an awaited publish is nats-py's bare ``request``. Rounds rotate
the order and the best of each is kept; the stream is purged before every run. The
awaited loops, bound by round trips, run instead in rotating slices whose times are
summed, so a changing load on a busy machine falls on all alike.

Run: python -m bench.publish [nats://host:port] [messages]
(without a URL an embedded server is started)
"""

from __future__ import annotations

import asyncio
import functools
import sys
from typing import TYPE_CHECKING

import nats

import jsm
from bench._common import Measurement, Row, best_with_spread, measure, report
from bench._nats_js import NatsJs, nats_js

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nats.aio.client import Client as NatsClient

    from bench._common import Timing

    WorkOf = Callable[[int], Awaitable[Timing | None]]

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
    def __init__(
        self, js: jsm.Manager, nc: NatsClient, node: NatsJs | None, count: int, awaited: int
    ) -> None:
        self.js = js
        self.nc = nc
        self.node = node
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

    async def bare_awaited(self, count: int) -> None:
        # The least an awaited publish on nats-py can do: a request, its reply unparsed.
        for index in range(count):
            await self.nc.request(f"{SUBJECT}.{index % 16}", PAYLOAD, timeout=5)

    async def js_awaited(self, count: int) -> Timing:
        assert self.node is not None  # only called with a peer
        return await self.node.run("publish_awaited", subject=SUBJECT, count=count, size=SIZE)

    async def js_window(self) -> Timing:
        assert self.node is not None
        return await self.node.run(
            "publish_window", subject=SUBJECT, count=self.count, size=SIZE, pending=PENDING
        )

    async def js_core(self) -> Timing:
        assert self.node is not None
        return await self.node.run("core", subject="bench.core", count=self.count, size=SIZE)

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
    total: int, works: list[tuple[str, WorkOf]], rounds: int = ROUNDS
) -> list[Measurement]:
    """Time round-trip-bound loops in rotating slices, so a busy machine's changing load
    falls on all alike; each side's time is the sum of its slices. The whole is done
    ``rounds`` times and each side's best sum is kept (its spread in ``extra``)."""
    per_slice = max(1, total // SLICES)
    runs: dict[str, list[Measurement]] = {name: [] for name, _ in works}
    for _ in range(rounds):
        seconds = dict.fromkeys(runs, 0.0)
        cpu = dict.fromkeys(runs, 0.0)
        for slice_index in range(SLICES):
            shift = slice_index % len(works)
            for name, work in works[shift:] + works[:shift]:
                result = await measure(name, per_slice, functools.partial(work, per_slice))
                seconds[name] += result.seconds
                cpu[name] += result.extra["cpu_us/op"] * per_slice / 1e6
        for name in runs:
            count = per_slice * SLICES
            extra = {"cpu_us/op": cpu[name] * 1e6 / count}
            runs[name].append(Measurement(name, count, seconds[name], extra))
    return [best_with_spread(runs[name]) for name, _ in works]


async def _best(
    stream: jsm.Stream, runs: list[tuple[str, int, Callable[[], Awaitable[Timing | None]]]]
) -> list[Measurement]:
    results: dict[str, list[Measurement]] = {name: [] for name, _, _ in runs}
    for round_index in range(ROUNDS):
        shift = round_index % len(runs)
        for name, count, work in runs[shift:] + runs[:shift]:
            await stream.purge()
            results[name].append(await measure(name, count, work))
    return [best_with_spread(results[name]) for name, _, _ in runs]


async def _run(url: str, count: int) -> list[Measurement]:
    async with jsm.connect(url) as js, nats_js(url) as node:
        nc = await nats.connect(url)
        stream = await js.streams.add(
            jsm.StreamConfig(name=STREAM, subjects=[f"{SUBJECT}.>"], storage=jsm.StorageType.MEMORY)
        )
        awaited = max(1, min(AWAITED, count // 10))
        sides = _Sides(js, nc, node, count, awaited)
        awaited_works: list[tuple[str, WorkOf]] = [
            ("nats-py js.publish awaited", sides.nats_awaited),
            ("jsm publish awaited", sides.jsm_awaited),
            ("bare nats-py request (floor)", sides.bare_awaited),
        ]
        runs: list[tuple[str, int, Callable[[], Awaitable[Timing | None]]]] = [
            ("core NATS publish (no ack)", count, sides.core),
            (f"nats-py tasks (≤{PENDING})", count, sides.nats_tasks),
            (f"nats-py publish_async ({PENDING})", count, sides.nats_publish_async),
            (f"jsm publisher({PENDING})", count, sides.jsm_pipeline),
            (f"bare nats-py pipeline ({PENDING}, floor)", count, sides.bare_floor),
        ]
        if node is not None:
            awaited_works.append(("nats.js js.publish awaited", sides.js_awaited))
            runs += [
                ("nats.js core publish (no ack)", count, sides.js_core),
                (f"nats.js {PENDING} in flight", count, sides.js_window),
            ]
        try:
            await stream.purge()
            awaited_results = await _interleaved(awaited, awaited_works)
            return awaited_results + await _best(stream, runs)
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
            "awaited jsm/nats.js": ("jsm publish awaited", "nats.js js.publish awaited"),
            "pipeline jsm/nats.js in flight": (pipeline, f"nats.js {PENDING} in flight"),
        },
        rows=[
            Row(
                "publish, awaited",
                "jsm publish awaited",
                "nats-py js.publish awaited",
                "nats.js js.publish awaited",
                "bare nats-py request (floor)",
            ),
            Row(
                f"publish, {PENDING} in flight",
                pipeline,
                f"nats-py publish_async ({PENDING})",
                f"nats.js {PENDING} in flight",
                f"bare nats-py pipeline ({PENDING}, floor)",
            ),
        ],
    )


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None
    total = int(sys.argv[2]) if len(sys.argv) > 2 else MESSAGES
    asyncio.run(main(target, total))
