"""How jsm's costs grow with the size of the work: time and peak RSS at two or more sizes.

Workloads (each size in its own child process, see :mod:`bench._scale_work`):

* ``consumers``: that many ``consume()`` loops at once in one process, one consumer each,
  while this process publishes one message per second to each: time to start them,
  memory per loop, CPU % while they run, and whether every message arrived.
* ``kv``: ``keys()`` and a watch's initial values over a bucket of that many keys.
* ``streams``: ``js.streams.names()``, ``list()`` and ``js.report.streams()`` over that
  many streams.
* ``objects``: an object of that many MiB put from a file and got back into one.
* ``snapshot``: a stream of that many MiB snapshot to a file and restored.
* ``pipeline``: that many publishes through ``publisher(256)`` over a tenth as many
  subjects, each with ``Expect(stream=…, last_subject_sequence=…)``.

Each row gives the time, the time (or memory) per item, the peak RSS growth, and for the
larger sizes how the time per item and the RSS grew against the smallest size (a
time-per-item factor near 1 is linear growth). ``--preset quick`` (the default, what
``make bench`` runs) stops at 1,000 consumers and 1 GiB objects; ``--preset full`` runs
the sizes of the performance issue (10,000 consumers, 2 GiB objects, a 1 GiB snapshot);
each workload's sizes can be given too (``--consumers 1000,10000``).

Run: python -m bench.scale [nats://host:port] [--preset quick|full] [--only kv,streams]
(without a URL an embedded server is started)
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import anyio
import nats

import jsm
from bench import _scale_work as work
from bench._common import RESULTS_DIR
from bench._memory import file_digest

MIB = 1024 * 1024
PRESETS: dict[str, dict[str, list[int]]] = {
    "quick": {
        "consumers": [100, 1_000],
        "kv": [10_000, 100_000],
        "streams": [1_000, 5_000],
        "objects": [128, 1_024],
        "snapshot": [64, 256],
        "pipeline": [1_000, 10_000],
    },
    "full": {
        "consumers": [1_000, 10_000],
        "kv": [10_000, 100_000],
        "streams": [1_000, 10_000],
        "objects": [256, 2_048],
        "snapshot": [128, 1_024],
        "pipeline": [1_000, 10_000, 100_000],
    },
}
WORKLOADS = tuple(PRESETS["quick"])
WINDOW = 10.0
"""Seconds the consumers run while messages are published to them."""
TICKS = 10
"""Publishing rounds per second in the consumers workload (each publishes to a tenth)."""
SET_UP_CONCURRENCY = 32


# ---------------------------------------------------------------- children


async def _child(
    workload: str, size: int, url: str, workdir: Path, *, talk: bool = False
) -> list[dict[str, object]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.scale",
        "--child",
        workload,
        str(size),
        url,
        str(workdir),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    steps: list[dict[str, object]] = []
    if talk:
        line = await process.stdout.readline()
        if line.strip() != b"ready":
            raise SystemExit(f"{workload} {size}: the child did not start ({line!r})")
        process.stdin.write(b"go\n")
        await process.stdin.drain()
        await _publish_to_consumers(url, size)
        process.stdin.write(b"stop\n")
        await process.stdin.drain()
    async for line in process.stdout:
        steps.append(json.loads(line))
    if await process.wait() != 0:
        raise SystemExit(f"{workload} {size}: the child failed")
    return steps


async def _publish_to_consumers(url: str, size: int) -> None:
    """One message per second to each of ``size`` consumers, for ``WINDOW`` seconds."""
    nc = await nats.connect(url)
    try:
        per_tick = max(1, size // TICKS)
        start = anyio.current_time()
        for tick in range(int(WINDOW * TICKS)):
            first = (tick % TICKS) * per_tick
            for index in range(first, min(size, first + per_tick)):
                await nc.publish(work.consume_subject(index), b"x" * 64)
            await nc.flush()
            await anyio.sleep_until(start + (tick + 1) / TICKS)
    finally:
        await nc.close()


# ---------------------------------------------------------------- set-up per workload


async def _in_parallel(count: int, make: object) -> None:
    limiter = anyio.Semaphore(SET_UP_CONCURRENCY)

    async def one(index: int) -> None:
        async with limiter:
            await make(index)  # type: ignore[operator]  # an async function of the index

    async with anyio.create_task_group() as tg:
        for index in range(count):
            tg.start_soon(one, index)


async def _fill(js: jsm.Manager, subjects: list[str], payload: bytes) -> None:
    async with js.publisher(max_pending=work.PENDING) as pub:
        for subject in subjects:
            await pub.publish(subject, payload)


class _Runner:
    """Sets each workload up on the server, runs its sizes in children, cleans up."""

    def __init__(self, js: jsm.Manager, url: str, workdir: Path) -> None:
        self.js = js
        self.url = url
        self.workdir = workdir

    async def consumers(self, sizes: list[int]) -> list[dict[str, object]]:
        groups = range(work.consume_group(max(sizes) - 1) + 1)
        streams = [
            await self.js.streams.add(
                jsm.StreamConfig(
                    name=work.CONSUME_STREAM.format(group=group),
                    subjects=[f"{work.CONSUME_PREFIX}.{group}.>"],
                    storage=jsm.StorageType.MEMORY,
                )
            )
            for group in groups
        ]

        async def add(index: int) -> None:
            stream = streams[work.consume_group(index)]
            await stream.consumers.add(
                jsm.ConsumerConfig(
                    durable_name=f"C{index}", filter_subject=work.consume_subject(index)
                )
            )

        try:
            await _in_parallel(max(sizes), add)
            steps = []
            for size in sizes:
                steps += await _child("consumers", size, self.url, self.workdir, talk=True)
            return steps
        finally:
            for stream in streams:
                await stream.delete()

    async def kv(self, sizes: list[int]) -> list[dict[str, object]]:
        steps = []
        for size in sizes:
            bucket = work.KV_BUCKET.format(size=size)
            await self.js.kv.create(jsm.KeyValueConfig(bucket=bucket))
            try:
                keys = [f"$KV.{bucket}.key{index:07d}" for index in range(size)]
                await _fill(self.js, keys, b"v" * 64)
                steps += await _child("kv", size, self.url, self.workdir)
            finally:
                await self.js.kv.delete(bucket)
        return steps

    async def streams(self, sizes: list[int]) -> list[dict[str, object]]:
        steps = []
        for size in sizes:
            prefix = work.STREAM_PREFIX.format(size=size)

            async def add(index: int, prefix: str = prefix) -> None:
                await self.js.streams.add(
                    jsm.StreamConfig(
                        name=f"{prefix}{index}",
                        subjects=[f"scale.{prefix}.{index}"],
                        storage=jsm.StorageType.MEMORY,
                    )
                )

            async def delete(index: int, prefix: str = prefix) -> None:
                await self.js.streams.delete(f"{prefix}{index}")

            try:
                await _in_parallel(size, add)
                steps += await _child("streams", size, self.url, self.workdir)
            finally:
                await _in_parallel(size, delete)
        return steps

    async def objects(self, sizes: list[int]) -> list[dict[str, object]]:
        await self.js.objects.create(jsm.ObjectStoreConfig(bucket=work.OBJECT_BUCKET))
        steps = []
        try:
            for mib in sizes:
                source = self.workdir / f"object-{mib}.bin"
                expected = await anyio.to_thread.run_sync(_random_file, source, mib)
                steps += await _child("objects", mib, self.url, self.workdir)
                copy = self.workdir / f"copy-{mib}.bin"
                if await anyio.to_thread.run_sync(file_digest, copy) != expected:
                    raise SystemExit(f"object of {mib} MiB came back different")
                source.unlink()
                copy.unlink()
        finally:
            await self.js.objects.delete(work.OBJECT_BUCKET)
        return steps

    async def snapshot(self, sizes: list[int]) -> list[dict[str, object]]:
        steps = []
        chunk = os.urandom(64 * 1024)
        for mib in sizes:
            name = f"{work.SNAPSHOT_STREAM}_{mib}"
            stream = await self.js.streams.add(jsm.StreamConfig(name=name, subjects=[f"{name}.>"]))
            try:
                count = mib * MIB // len(chunk)
                await _fill(self.js, [f"{name}.{i % 64}" for i in range(count)], chunk)
                steps += await _child("snapshot", mib, self.url, self.workdir)
            finally:
                await stream.delete()
        return steps

    async def pipeline(self, sizes: list[int]) -> list[dict[str, object]]:
        steps = []
        for size in sizes:
            steps += await _child("pipeline", size, self.url, self.workdir)
        return steps


def _random_file(path: Path, mib: int) -> str:
    sha = hashlib.sha256()
    with path.open("wb") as file:
        for _ in range(mib):
            block = os.urandom(MIB)
            sha.update(block)
            file.write(block)
    return sha.hexdigest()


# ---------------------------------------------------------------- the table


def _row(step: dict[str, object], first: dict[str, object] | None) -> dict[str, object]:
    size, items = int(step["size"]), int(step["items"])  # type: ignore[call-overload]  # JSON
    seconds, growth = float(step["seconds"]), int(step["rss_growth"])  # type: ignore[arg-type, call-overload]
    row: dict[str, object] = {
        "workload": step["step"],
        "size": size,
        "seconds": seconds,
        "rss_growth_mib": growth / MIB,
    }
    if step["step"] == "consumers":
        window, window_cpu = float(step["window"]), float(step["window_cpu"])  # type: ignore[arg-type]
        expected = size * WINDOW
        row["per_item"] = (
            f"{growth / size / 1024:.1f} KiB, CPU {100 * window_cpu / window:.1f}%, "
            f"got {int(step['received']) / expected:.0%}"  # type: ignore[call-overload]
        )
        row["extra"] = {k: step[k] for k in ("window", "window_cpu", "received", "stop_seconds")}
    else:
        per = seconds / max(1, items)
        row["per_item"] = f"{per * 1e6:,.1f} µs" if per < 0.001 else f"{per * 1e3:,.1f} ms"
    if first is not None and first is not step:
        scale = size / int(first["size"])  # type: ignore[call-overload]
        if step["step"] == "consumers":
            ratio = growth / max(1, int(first["rss_growth"])) / scale  # type: ignore[call-overload]
            row["growth"] = f"size ×{scale:g}: memory per loop ×{ratio:.2f}"
        else:
            per_first = float(first["seconds"]) / max(1, int(first["items"]))  # type: ignore[arg-type, call-overload]
            per_now = seconds / max(1, items)
            rss = _rss_change(growth, int(first["rss_growth"]))  # type: ignore[call-overload]
            row["growth"] = f"size ×{scale:g}: time/item ×{per_now / per_first:.2f}, {rss}"
    return row


def _rss_change(growth: int, first: int) -> str:
    # Below a MiB the first figure is page-granular noise (even negative): a factor of it
    # means nothing, so the difference is given instead.
    if first < MIB:
        return f"RSS {(growth - first) / MIB:+.1f} MiB"
    return f"RSS ×{growth / first:.1f}"


def rows_of(steps: list[dict[str, object]]) -> list[dict[str, object]]:
    """Table rows, each compared with the first (smallest) run of the same step."""
    firsts: dict[object, dict[str, object]] = {}
    rows = []
    for step in steps:
        first = firsts.setdefault(step["step"], step)
        rows.append(_row(step, first))
    return rows


def _print(rows: list[dict[str, object]]) -> None:
    print("\nScale: time and peak RSS as the work grows")
    for row in rows:
        print(
            f"  {row['workload']:<26} {row['size']:>13,}  {row['seconds']:>8.2f}s  "
            f"{row['per_item']:>34}  RSS +{row['rss_growth_mib']:7.1f} MiB  {row.get('growth', '')}"
        )


# ---------------------------------------------------------------- main


async def run(url: str, sizes: dict[str, list[int]], only: list[str]) -> list[dict[str, object]]:
    """Run the chosen workloads at their sizes; return the table rows."""
    steps: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as workdir:
        async with jsm.connect(url, timeout=60) as js:
            runner = _Runner(js, url, Path(workdir))
            for workload in only:
                print(f"  {workload}: sizes {sizes[workload]}", flush=True)
                steps += await getattr(runner, workload)(sizes[workload])
    return rows_of(steps)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("url", nargs="?", default=None, help="a server (default: embedded)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="workloads, comma-separated")
    for workload in WORKLOADS:
        parser.add_argument(f"--{workload}", default=None, help="sizes, comma-separated")
    return parser.parse_args(argv)


async def main(argv: list[str]) -> None:
    args = _arguments(argv)
    sizes = {
        workload: (
            [int(size) for size in getattr(args, workload).split(",")]
            if getattr(args, workload)
            else PRESETS[args.preset][workload]
        )
        for workload in WORKLOADS
    }
    only = [name for name in args.only.split(",") if name]
    unknown = set(only) - set(WORKLOADS)
    if unknown:
        raise SystemExit(f"unknown workloads {sorted(unknown)}; choose from {list(WORKLOADS)}")
    url = None if args.url in (None, "-") else args.url
    if url is None:
        from jsm.testing import run_server

        async with run_server() as server:
            rows = await run(server.client_url, sizes, only)
    else:
        rows = await run(url, sizes, only)
    _print(rows)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / "scale.json"
    path.write_text(json.dumps({"title": "Scale", "preset": args.preset, "scale": rows}, indent=2))
    print(f"  results written to {path}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        work.main(sys.argv[2:])
    else:
        asyncio.run(main(sys.argv[1:]))
