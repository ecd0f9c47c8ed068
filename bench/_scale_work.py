"""The scale workloads, each run in a child process of :mod:`bench.scale` so that its peak
RSS is its own.

A child connects, does its set-up (not measured), then measures each step: wall-clock
and CPU time, and peak RSS growth over the RSS before the step (``VmHWM`` after resetting
it through ``/proc/self/clear_refs``). It prints one JSON line per step.
``consumers`` also talks to the parent, which publishes while it runs: it prints
``ready`` when every loop runs, and reports once the parent writes ``stop``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

import jsm
from bench._memory import reset_peak, status

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

MIB = 1024 * 1024
CONSUME_STREAM = "SCALE_CONSUME_{group}"
CONSUME_PREFIX = "scale.c"
CONSUMERS_PER_STREAM = 1_000
"""nats-server refuses a stream's 1,001st consumer (10026), so the loops' consumers are
spread over one stream per thousand."""
KV_BUCKET = "SCALE_KV_{size}"
STREAM_PREFIX = "SCALE_S{size}_"
OBJECT_BUCKET = "SCALE_OBJ"
SNAPSHOT_STREAM = "SCALE_SNAP"
PIPELINE_STREAM = "SCALE_PIPE"
PENDING = 256


async def measured(step: str, size: int, work: Callable[[], Awaitable[int]]) -> None:
    """Run ``work`` (it returns how many items it handled) and print its figures."""
    baseline = status()["VmRSS"]
    if not reset_peak():
        raise OSError("cannot reset the peak RSS (/proc/self/clear_refs): Linux 4.0 or later")
    start, cpu = time.perf_counter(), time.process_time()
    items = await work()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    growth = status()["VmHWM"] - baseline
    print(
        json.dumps(
            {
                "step": step,
                "size": size,
                "items": items,
                "seconds": seconds,
                "cpu": cpu,
                "rss_growth": growth,
            }
        ),
        flush=True,
    )


# ---------------------------------------------------------------- consumers


class _Loops:
    """What the consume() loops share: messages received, and when all of them run."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.running = 0
        self.received = 0
        self.all_running = anyio.Event()

    async def loop(self, consumer: jsm.Consumer) -> None:
        async with consumer.consume() as messages:
            self.running += 1
            if self.running == self.size:
                self.all_running.set()
            async for msg in messages:
                await msg.ack()
                self.received += 1


def consume_group(index: int) -> int:
    """Which of the streams holds consumer ``C<index>``."""
    return index // CONSUMERS_PER_STREAM


def consume_stream(index: int) -> str:
    """The stream of consumer ``C<index>``."""
    return CONSUME_STREAM.format(group=consume_group(index))


def consume_subject(index: int) -> str:
    """The subject consumer ``C<index>`` takes its messages from."""
    return f"{CONSUME_PREFIX}.{consume_group(index)}.{index}"


async def consumers(js: jsm.Manager, size: int) -> None:
    """``size`` consume() loops at once, one per consumer, while the parent publishes."""
    handles = [
        await (await js.streams.get(consume_stream(index))).consumers.get(f"C{index}")
        for index in range(size)
    ]
    loops = _Loops(size)
    baseline = status()["VmRSS"]
    async with anyio.create_task_group() as tg:
        start, cpu = time.perf_counter(), time.process_time()
        for consumer in handles:
            tg.start_soon(loops.loop, consumer)
        await loops.all_running.wait()
        started, start_cpu = time.perf_counter() - start, time.process_time() - cpu
        running = status()["VmRSS"]
        print("ready", flush=True)
        await anyio.to_thread.run_sync(sys.stdin.readline)  # "go": the parent publishes now
        window, window_cpu, before = time.perf_counter(), time.process_time(), loops.received
        await anyio.to_thread.run_sync(sys.stdin.readline)  # "stop"
        window = time.perf_counter() - window
        window_cpu = time.process_time() - window_cpu
        received = loops.received - before
        stop = time.perf_counter()
        tg.cancel_scope.cancel()
    stopped = time.perf_counter() - stop
    print(
        json.dumps(
            {
                "step": "consumers",
                "size": size,
                "items": size,
                "seconds": started,
                "cpu": start_cpu,
                "rss_growth": running - baseline,
                "window": window,
                "window_cpu": window_cpu,
                "received": received,
                "stop_seconds": stopped,
            }
        ),
        flush=True,
    )


# ---------------------------------------------------------------- KV


async def kv_keys(js: jsm.Manager, size: int) -> None:
    """keys() and a watch's initial values over a bucket of ``size`` keys."""
    kv = await js.kv.get(KV_BUCKET.format(size=size))

    async def keys() -> int:
        count = 0
        async for _key in kv.keys(timeout=600):
            count += 1
        return count

    async def watch() -> int:
        count = 0
        async with kv.watch() as entries:
            async for entry in entries:
                if entry is None:
                    break
                count += 1
        return count

    await measured("KV keys()", size, keys)
    await measured("KV watch, initial values", size, watch)


# ---------------------------------------------------------------- streams


async def streams(js: jsm.Manager, size: int) -> None:
    """names(), list() and the stream report over ``size`` streams."""
    prefix = STREAM_PREFIX.format(size=size)

    async def names() -> int:
        return sum([1 async for name in js.streams.names() if name.startswith(prefix)])

    async def infos() -> int:
        return sum([1 async for info in js.streams.list() if info.config.name.startswith(prefix)])

    async def report() -> int:
        made = await js.report.streams(timeout=600)
        return sum(1 for row in made.streams if row.name.startswith(prefix))

    await measured("streams names()", size, names)
    await measured("streams list()", size, infos)
    await measured("stream report", size, report)


# ---------------------------------------------------------------- objects and snapshots


async def objects(js: jsm.Manager, mib: int, workdir: Path) -> None:
    """Put a file of ``mib`` MiB into an object store and get it back into a file."""
    store = await js.objects.get(OBJECT_BUCKET)
    source, copy = workdir / f"object-{mib}.bin", workdir / f"copy-{mib}.bin"

    async def put() -> int:
        with source.open("rb") as file:
            await store.put(f"object-{mib}", file)
        return mib

    async def get() -> int:
        await store.get_to_file(f"object-{mib}", copy)
        return mib

    await measured("object put (MiB)", mib, put)
    await measured("object get (MiB)", mib, get)


async def snapshot(js: jsm.Manager, mib: int, workdir: Path) -> None:
    """Snapshot a stream of ``mib`` MiB to a file and restore it under another name."""
    name = f"{SNAPSHOT_STREAM}_{mib}"
    path = workdir / f"{name}.snapshot"
    stream = await js.streams.get(name)

    async def save() -> int:
        await stream.snapshot(path, timeout=600)
        return mib

    async def restore() -> int:
        await js.streams.restore(path, name=f"{name}_R", subjects=[f"{name}_R.>"], timeout=600)
        return mib

    await measured("stream snapshot (MiB)", mib, save)
    await measured("stream restore (MiB)", mib, restore)
    path.unlink()
    await js.streams.delete(f"{name}_R")


# ---------------------------------------------------------------- the pipeline


async def pipeline(js: jsm.Manager, size: int) -> None:
    """``size`` pipelined publishes over ``size // 10`` subjects, each with expectations."""
    subjects = max(1, size // 10)
    stream = await js.streams.add(
        jsm.StreamConfig(
            name=f"{PIPELINE_STREAM}_{size}",
            subjects=[f"scale.p{size}.>"],
            storage=jsm.StorageType.MEMORY,
        )
    )

    async def publish() -> int:
        async with js.publisher(max_pending=PENDING) as pub:
            for index in range(size):
                # Sequences are known ahead in an empty stream: message i is i + 1, and
                # the one before it on its subject is i + 1 - subjects.
                previous = index + 1 - subjects if index >= subjects else 0
                expect = jsm.Expect(stream=stream.name, last_subject_sequence=previous)
                await pub.publish(f"scale.p{size}.{index % subjects}", b"x" * 64, expect=expect)
        return size

    try:
        await measured("pipeline with expect", size, publish)
    finally:
        await stream.delete()


async def child(workload: str, size: int, url: str, workdir: Path) -> None:
    """Run one workload at one size (the entry point of a child process)."""
    async with jsm.connect(url, timeout=60) as js:
        if workload == "consumers":
            await consumers(js, size)
        elif workload == "kv":
            await kv_keys(js, size)
        elif workload == "streams":
            await streams(js, size)
        elif workload == "objects":
            await objects(js, size, workdir)
        elif workload == "snapshot":
            await snapshot(js, size, workdir)
        elif workload == "pipeline":
            await pipeline(js, size)
        else:
            raise SystemExit(f"unknown workload {workload!r}")


def main(argv: list[str]) -> None:
    workload, size, url, workdir = argv
    asyncio.run(child(workload, int(size), url, Path(workdir)))
