"""Key-Value puts and gets: jsm against nats-py's KV, same work, same server, same run.

10,000 puts and 10,000 gets of 64-byte values over 100 keys, one at a time (each waits
for its reply), alternating which client goes first; each side's best of five rounds.

Run: python -m bench.kv [nats://host:port]  (without a URL an embedded server is started)
"""

from __future__ import annotations

import asyncio
import os
import sys

import nats

import jsm
from bench._common import Measurement, best_of_alternating, report

BUCKET_JSM = "BENCH_KV_JSM"
BUCKET_NATS = "BENCH_KV_NATS"
OPERATIONS = 10_000
KEYS = 100
VALUE = os.urandom(64)
ROUNDS = 5


async def _run(url: str) -> list[Measurement]:
    results: list[Measurement] = []
    async with jsm.connect(url) as js:
        nc = await nats.connect(url)
        try:
            ours = await js.kv.create(jsm.KeyValueConfig(bucket=BUCKET_JSM))
            theirs = await nc.jetstream().create_key_value(bucket=BUCKET_NATS)
            keys = [f"key.{index % KEYS}" for index in range(OPERATIONS)]

            async def jsm_put() -> None:
                for key in keys:
                    await ours.put(key, VALUE)

            async def nats_put() -> None:
                for key in keys:
                    await theirs.put(key, VALUE)

            async def jsm_get() -> None:
                for key in keys:
                    await ours.get(key)

            async def nats_get() -> None:
                for key in keys:
                    await theirs.get(key)

            for label, ours_work, theirs_work in (
                ("put", jsm_put, nats_put),
                ("get", jsm_get, nats_get),
            ):
                results += await best_of_alternating(
                    label, OPERATIONS, ours_work, theirs_work, rounds=ROUNDS
                )
        finally:
            for bucket in (BUCKET_JSM, BUCKET_NATS):
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
        },
        unit="ops/s",
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None))
