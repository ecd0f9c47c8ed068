"""Object store put and get of a 256 MiB object: jsm against nats-py and nats.js, same run.

Each put or get runs in its own child process (nats.js: a node peer), so each client's peak RSS growth
(``VmHWM`` after resetting it through ``/proc/self/clear_refs``, minus the RSS before
the work) and CPU time are its own; each side's best of three rounds is reported. Both clients read the object from the same file and write it
back to a file, so neither is handed the whole object in memory.

Run: python -m bench.objects [nats://host:port]  (without a URL an embedded server is started)
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nats

import jsm
from bench._common import Measurement, Row, report
from bench._memory import file_digest, reset_peak, status
from bench._nats_js import PEER, why_missing

SIZE = 256 * 1024 * 1024
MIB = 1024 * 1024
ROUNDS = 3
CLIENTS = ("jsm", "nats-py", "nats.js") if why_missing() is None else ("jsm", "nats-py")


async def _child_work(client: str, op: str, url: str, bucket: str, path: Path) -> None:
    if client == "jsm":
        async with jsm.connect(url) as js:
            store = await js.objects.get(bucket)
            await _timed(op, lambda: _jsm_op(store, op, path))
    else:
        nc = await nats.connect(url)
        try:
            theirs = await nc.jetstream().object_store(bucket)
            await _timed(op, lambda: _nats_op(theirs, op, path))
        finally:
            await nc.close()


async def _jsm_op(store: jsm.ObjectStore, op: str, path: Path) -> None:
    if op == "put":
        with path.open("rb") as file:
            await store.put("object", file)
    else:
        await store.get_to_file("object", path)


async def _nats_op(store: object, op: str, path: Path) -> None:
    if op == "put":
        with path.open("rb") as file:
            await store.put("object", file)  # type: ignore[attr-defined]  # nats-py's ObjectStore
    else:
        with path.open("wb") as file:
            await store.get("object", writeinto=file)  # type: ignore[attr-defined]  # nats-py's ObjectStore


async def _timed(op: str, work: object) -> None:
    baseline = status()["VmRSS"]
    exact = reset_peak()
    start, cpu_start = time.perf_counter(), time.process_time()
    await work()  # type: ignore[operator]  # a zero-argument coroutine function
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = status()["VmHWM"]
    result = {"seconds": seconds, "cpu": cpu, "rss_growth": peak - baseline, "exact_peak": exact}
    print(json.dumps(result))


def _child(argv: list[str]) -> None:
    client, op, url, bucket, path = argv
    asyncio.run(_child_work(client, op, url, bucket, Path(path)))


def _run_child(client: str, op: str, url: str, bucket: str, path: Path) -> dict[str, float]:
    if client == "nats.js":
        command = {"op": f"object_{op}", "bucket": bucket, "name": "object", "path": str(path)}
        done = subprocess.run(
            ["node", str(PEER), url],
            input=json.dumps(command | {"memory": True}) + "\n",
            check=True,
            capture_output=True,
            text=True,
        )
    else:
        done = subprocess.run(
            [sys.executable, "-m", "bench.objects", "--child", client, op, url, bucket, str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    if "error" in result:
        raise SystemExit(f"{client} {op} failed: {result['error']}")
    return result


async def _run(url: str, workdir: Path) -> list[Measurement]:
    source = workdir / "source.bin"
    with source.open("wb") as file:
        for _ in range(SIZE // MIB):
            file.write(os.urandom(MIB))
    expected = file_digest(source)
    buckets = {
        client: f"BENCH_{client.replace('-', '_').replace('.', '_').upper()}" for client in CLIENTS
    }
    best: dict[str, Measurement] = {}
    async with jsm.connect(url, timeout=30) as js:
        for bucket in buckets.values():
            await js.objects.create(jsm.ObjectStoreConfig(bucket=bucket))
        try:
            for round_index in range(ROUNDS):
                shift = round_index % len(CLIENTS)
                order = CLIENTS[shift:] + CLIENTS[:shift]
                for op in ("put", "get"):
                    for client in order:
                        path = source if op == "put" else workdir / f"out-{client}.bin"
                        result = await asyncio.to_thread(
                            _run_child, client, op, url, buckets[client], path
                        )
                        if op == "get" and file_digest(path) != expected:
                            raise SystemExit(f"{client} get returned different data")
                        name = f"{client} {op}"
                        run = Measurement(
                            name,
                            SIZE // MIB,
                            result["seconds"],
                            {
                                "rss_growth_mib": result["rss_growth"] / MIB,
                                "cpu_seconds": result["cpu"],
                            },
                        )
                        if name not in best or run.seconds < best[name].seconds:
                            best[name] = run
        finally:
            for bucket in buckets.values():
                await js.objects.delete(bucket)
    return [best[f"{client} {op}"] for op in ("put", "get") for client in CLIENTS]


async def main(url: str | None) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        if url is None:
            from jsm.testing import run_server

            async with run_server() as server:
                results = await _run(server.client_url, Path(workdir))
        else:
            results = await _run(url, Path(workdir))
    document = report(
        "Objects: put and get of a 256 MiB object",
        results,
        {
            "put jsm/nats-py": ("jsm put", "nats-py put"),
            "get jsm/nats-py": ("jsm get", "nats-py get"),
            "put jsm/nats.js": ("jsm put", "nats.js put"),
            "get jsm/nats.js": ("jsm get", "nats.js get"),
        },
        unit="MiB/s",
        rows=[
            Row(f"object {op}, 256 MiB", f"jsm {op}", f"nats-py {op}", f"nats.js {op}")
            for op in ("put", "get")
        ],
    )
    del document


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    else:
        asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None))
