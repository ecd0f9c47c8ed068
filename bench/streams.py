"""Stream management and message reads: jsm against nats-py and nats.js, same work, same run.

Run: python -m bench.streams [nats://host:port]  (without a URL an embedded server is started)
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING

import nats

import jsm
from bench._common import Measurement, Row, best_of_alternating, measure, report
from bench._nats_js import nats_js

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bench._common import Timing

STREAM = "BENCH_STREAMS"
MESSAGES = 1_000
READS = 1_000
INFOS = 500
CREATES = 100


async def _fill(js: jsm.Manager) -> jsm.Stream:
    stream = await js.streams.add(
        jsm.StreamConfig(name=STREAM, subjects=["bench.streams.>"], allow_direct=True)
    )
    for index in range(MESSAGES):
        await js.nc.publish(f"bench.streams.{index % 10}", os.urandom(256))
    await js.nc.flush()
    while True:
        if (await stream.info()).state.messages >= MESSAGES:
            break
        await asyncio.sleep(0.01)
    return stream


async def _run(url: str) -> list[Measurement]:
    results: list[Measurement] = []
    async with jsm.connect(url) as js, nats_js(url) as node:
        nc = await nats.connect(url)
        raw = nc.jsm()
        try:
            stream = await _fill(js)

            async def jsm_info() -> None:
                for _ in range(INFOS):
                    await stream.info()

            async def nats_info() -> None:
                for _ in range(INFOS):
                    await raw.stream_info(STREAM)

            async def jsm_get(direct: bool) -> None:
                for seq in range(1, READS + 1):
                    await stream.get_message(seq, direct=direct)

            async def nats_get(direct: bool) -> None:
                for seq in range(1, READS + 1):
                    await raw.get_msg(STREAM, seq, direct=direct)

            async def jsm_batch() -> None:
                for start in range(1, READS + 1, 100):
                    await stream.get_messages_batch(100, start_seq=start)

            async def jsm_create() -> None:
                for index in range(CREATES):
                    made = await js.streams.add(
                        jsm.StreamConfig(name=f"BJ{index}", subjects=[f"bench.j.{index}"])
                    )
                    await made.delete()

            async def nats_create() -> None:
                for index in range(CREATES):
                    await raw.add_stream(name=f"BN{index}", subjects=[f"bench.n.{index}"])
                    await raw.delete_stream(f"BN{index}")

            def node_work(op: str, **args: object) -> Callable[[], Awaitable[Timing]] | None:
                if node is None:
                    return None
                return lambda: node.run(op, **args)

            pairs = [
                (
                    "info",
                    INFOS,
                    jsm_info,
                    nats_info,
                    node_work("stream_info", stream=STREAM, count=INFOS),
                ),
                (
                    "get (API)",
                    READS,
                    lambda: jsm_get(False),
                    lambda: nats_get(False),
                    node_work("get_message", stream=STREAM, count=READS, direct=False),
                ),
                (
                    "get (direct)",
                    READS,
                    lambda: jsm_get(True),
                    lambda: nats_get(True),
                    node_work("get_message", stream=STREAM, count=READS, direct=True),
                ),
                (
                    "add+delete",
                    CREATES,
                    jsm_create,
                    nats_create,
                    node_work("add_delete", prefix="BS", count=CREATES),
                ),
            ]
            for label, count, ours, theirs, third in pairs:
                results += await best_of_alternating(
                    label, count, ours, theirs, rounds=ROUNDS, third=third
                )
            results.append(await _best("jsm batch direct get", READS, jsm_batch))
        finally:
            await js.streams.delete(STREAM)
            await nc.close()
    return results


ROUNDS = 3


async def _best(name: str, count: int, work: Callable[[], Awaitable[None]]) -> Measurement:
    runs = [await measure(name, count, work) for _ in range(ROUNDS)]
    return min(runs, key=lambda run: run.seconds)


async def main(url: str | None) -> None:
    if url is None:
        from jsm.testing import run_server

        async with run_server() as server:
            results = await _run(server.client_url)
    else:
        results = await _run(url)
    report(
        "Streams: management and reads",
        results,
        {
            "info jsm/nats-py": ("jsm info", "nats-py info"),
            "get API jsm/nats-py": ("jsm get (API)", "nats-py get (API)"),
            "get direct jsm/nats-py": ("jsm get (direct)", "nats-py get (direct)"),
            "batch/single direct": ("jsm batch direct get", "nats-py get (direct)"),
            "add+delete jsm/nats-py": ("jsm add+delete", "nats-py add+delete"),
            "info jsm/nats.js": ("jsm info", "nats.js info"),
            "get API jsm/nats.js": ("jsm get (API)", "nats.js get (API)"),
            "get direct jsm/nats.js": ("jsm get (direct)", "nats.js get (direct)"),
            "add+delete jsm/nats.js": ("jsm add+delete", "nats.js add+delete"),
        },
        unit="ops/s",
        rows=[
            Row(f"stream {label}", f"jsm {label}", f"nats-py {label}", f"nats.js {label}")
            for label in ("info", "get (API)", "get (direct)", "add+delete")
        ],
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None))
