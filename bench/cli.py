"""The ``jsm`` command line: what it costs over the library, and how fast it starts.

In the same run, against the same embedded server and a memory stream:

- ``jsm pub SUBJECT "msg {{Count}}" --count N --jetstream`` (run in-process, so the
  figure is the command's own work: parsing, connecting, rendering each body, the
  pipelined publisher) against the library connecting and publishing the same N bodies
  through its pipeline (``js.publisher()``); rounds alternate who goes first and the
  best of each is kept.
  The target is at most 10 % over the library.
- The real ``jsm`` script doing the same (start-up included), once.
- ``jsm --help`` start-up: the best and the median of several runs of the script,
  beside a bare ``python -c pass`` (the interpreter's own start-up). Target < 0.3 s.

Run: python -m bench.cli [messages]
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import jsm
from bench._common import Measurement, report
from jsm.cli import main as jsm_main
from jsm.testing import run_server

if TYPE_CHECKING:
    from collections.abc import Callable

STREAM = "BENCH_CLI"
SUBJECT = "bench.cli.orders"
MESSAGES = 100_000
ROUNDS = 7
STARTS = 15
SCRIPT = str(Path(sys.executable).with_name("jsm"))


async def _prepare(url: str) -> None:
    async with jsm.connect(url) as js:
        try:
            stream = await js.streams.get(STREAM)
        except jsm.errors.StreamNotFoundError:
            await js.streams.add(
                jsm.StreamConfig(
                    name=STREAM, subjects=["bench.cli.>"], storage=jsm.StorageType.MEMORY
                )
            )
        else:
            await stream.purge()


Timing = tuple[float, float]
"""(wall seconds, this process's CPU seconds): the server runs in another process, so
CPU time is the client's own work, steady even when other jobs load the machine."""


def _timed(work: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


async def _library(url: str, count: int) -> None:
    # Connecting is part of both sides' work: the command connects, then publishes.
    async with jsm.connect(url) as js, js.publisher() as publisher:
        for number in range(1, count + 1):
            await publisher.publish(SUBJECT, f"msg {number}".encode())


def _cli_in_process(url: str, count: int) -> None:
    argv = ["-s", url, "pub", SUBJECT, "msg {{Count}}", "--count", str(count), "--jetstream", "-q"]
    with contextlib.redirect_stdout(io.StringIO()):
        code = jsm_main(argv)
    if code != 0:
        raise SystemExit(f"jsm pub failed with {code}")


def _script(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([SCRIPT, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _startup() -> tuple[list[float], list[float], float]:
    """Wall times of ``jsm --help`` and of a bare interpreter, and help's mean CPU time
    (user + system, steady under load where wall time is not)."""
    helps: list[float] = []
    bare: list[float] = []
    cpu = 0.0
    for _ in range(STARTS):
        before = _children_cpu()
        helps.append(_script("--help"))
        cpu += _children_cpu() - before
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)
    return helps, bare, cpu / STARTS


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else MESSAGES
    with run_server() as server:
        url = server.client_url
        library_runs: list[Timing] = []
        cli_runs: list[Timing] = []
        for round_index in range(ROUNDS):
            order = [("library", library_runs), ("cli", cli_runs)]
            for who, runs in order if round_index % 2 == 0 else reversed(order):
                asyncio.run(_prepare(url))
                if who == "library":
                    runs.append(_timed(lambda: asyncio.run(_library(url, count))))
                else:
                    runs.append(_timed(lambda: _cli_in_process(url, count)))
        asyncio.run(_prepare(url))
        script = _script(
            "-s", url, "pub", SUBJECT, "msg {{Count}}", "--count", str(count), "--jetstream", "-q"
        )
    helps, bare, help_cpu = _startup()
    library_cpu = min(cpu for _, cpu in library_runs)
    cli_cpu = min(cpu for _, cpu in cli_runs)
    measurements = [
        Measurement("library js.publisher()", count, min(w for w, _ in library_runs),
                    extra={"cpu_s": library_cpu}),
        Measurement("jsm pub --jetstream (in-process)", count, min(w for w, _ in cli_runs),
                    extra={"cpu_s": cli_cpu}),
        Measurement("jsm pub --jetstream (script, start-up included)", count, script),
    ]  # fmt: skip
    report(
        "CLI: jsm pub --count --jetstream vs the library pipeline",
        measurements,
        {"cli / library": ("jsm pub --jetstream (in-process)", "library js.publisher()")},
    )
    # Each round pairs the two sides back to back; the median of the paired ratios is
    # steadier than a ratio of bests when other jobs come and go.
    cpu_ratio = statistics.median(
        c[1] / lib[1] for c, lib in zip(cli_runs, library_runs, strict=True)
    )
    wall_ratio = statistics.median(
        c[0] / lib[0] for c, lib in zip(cli_runs, library_runs, strict=True)
    )
    print(
        f"  CLI overhead over the library (median of paired rounds): {(cpu_ratio - 1) * 100:+.1f} % "
        f"client CPU, {(wall_ratio - 1) * 100:+.1f} % wall clock (target <= +10 %)"
    )
    print(
        f"  jsm --help start-up: best {min(helps):.3f}s, median {statistics.median(helps):.3f}s, "
        f"CPU {help_cpu:.3f}s (python -c pass: best {min(bare):.3f}s); target < 0.3 s"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
