"""Key-Value puts and gets: jsm against nats-py's and nats.js's KV, same work, same server, same run.

10,000 puts and 10,000 gets of 64-byte values over 100 keys, one at a time (each waits
for its reply), rotating which client goes first; each side's best of five rounds. The
floors are bare nats-py requests with the replies left unparsed: a publish to
``$KV.<bucket>.<key>`` for a put, a direct get of ``$KV.<bucket>.<key>`` for a get.

Run: python -m bench.kv [nats://host:port]  (without a URL an embedded server is started)
"""

from __future__ import annotations

import asyncio
import os
import sys

import nats

import jsm
from bench._common import Measurement, Row, best_of_rotating, report
from bench._nats_js import nats_js

BUCKET_JSM = "BENCH_KV_JSM"
BUCKET_NATS = "BENCH_KV_NATS"
BUCKET_JS = "BENCH_KV_JS"
BUCKET_FLOOR = "BENCH_KV_FLOOR"
BUCKETS = (BUCKET_JSM, BUCKET_NATS, BUCKET_JS, BUCKET_FLOOR)
OPERATIONS = 10_000
KEYS = 100
SIZE = 64
VALUE = os.urandom(SIZE)
ROUNDS = 5
FLOOR = "bare nats-py (floor)"


async def _run(url: str) -> list[Measurement]:
    results: list[Measurement] = []
    async with jsm.connect(url) as js, nats_js(url) as node:
        nc = await nats.connect(url)
        try:
            ours = await js.kv.create(jsm.KeyValueConfig(bucket=BUCKET_JSM))
            theirs = await nc.jetstream().create_key_value(bucket=BUCKET_NATS)
            await js.kv.create(jsm.KeyValueConfig(bucket=BUCKET_JS))
            await js.kv.create(jsm.KeyValueConfig(bucket=BUCKET_FLOOR))
            keys = [f"key.{index % KEYS}" for index in range(OPERATIONS)]
            direct = f"$JS.API.DIRECT.GET.KV_{BUCKET_FLOOR}.$KV.{BUCKET_FLOOR}."

            async def jsm_put() -> None:
                for key in keys:
                    await ours.put(key, VALUE)

            async def nats_put() -> None:
                for key in keys:
                    await theirs.put(key, VALUE)

            async def floor_put() -> None:
                for key in keys:
                    await nc.request(f"$KV.{BUCKET_FLOOR}.{key}", VALUE, timeout=5)

            async def jsm_get() -> None:
                for key in keys:
                    await ours.get(key)

            async def nats_get() -> None:
                for key in keys:
                    await theirs.get(key)

            async def floor_get() -> None:
                for key in keys:
                    await nc.request(direct + key, b"", timeout=5)

            args = {"bucket": BUCKET_JS, "keys": KEYS, "count": OPERATIONS, "size": SIZE}
            for label, ours_work, theirs_work, floor_work in (
                ("put", jsm_put, nats_put, floor_put),
                ("get", jsm_get, nats_get, floor_get),
            ):
                works = {
                    "jsm": ours_work,
                    "nats-py": theirs_work,
                    "nats.js": (lambda op=f"kv_{label}": node.run(op, **args)) if node else None,
                    FLOOR: floor_work,
                }
                results += await best_of_rotating(label, OPERATIONS, works, rounds=ROUNDS)
        finally:
            for bucket in BUCKETS:
                await js.kv.delete(bucket)
            await nc.close()
    return results


async def main(url: str | None) -> None:
    if url is None:
        from jsm.testing import run_server

        async with run_server() as server:
            results = await _run(server.client_url)
    else:
        results = await _run(url)
    report(
        "KV: puts and gets of 64-byte values",
        results,
        {
            "put jsm/nats-py": ("jsm put", "nats-py put"),
            "get jsm/nats-py": ("jsm get", "nats-py get"),
            "put jsm/nats.js": ("jsm put", "nats.js put"),
            "get jsm/nats.js": ("jsm get", "nats.js get"),
            "put jsm/floor": ("jsm put", f"{FLOOR} put"),
            "get jsm/floor": ("jsm get", f"{FLOOR} get"),
        },
        unit="ops/s",
        rows=[
            Row(f"KV {op}", f"jsm {op}", f"nats-py {op}", f"nats.js {op}", f"{FLOOR} {op}")
            for op in ("put", "get")
        ],
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None))
