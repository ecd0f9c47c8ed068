"""What tracing costs on the publish and consume paths: off, and with the OpenTelemetry SDK.

Four workloads (awaited ``js.publish``, the ``publisher()`` pipeline, ``fetch(500)`` +
ack and ``consume(500)`` + ack), against one embedded server, measured two ways:

* **Off against no hooks at all.** The tree just before tracing's hook points existed
  (``git archive`` of the parent of the first commit touching ``src/jsm/tracing``, or
  ``--baseline REF``) is loaded beside this one in the same process, each with its own
  connection and no tracer provider; each workload runs in slices alternating between
  the two. Reported: the summed times, and the median over pairs of adjacent slices of
  the ratio, in wall-clock and in client CPU time (``--baseline HEAD`` measures the
  method's own noise). The hooks' own cost per message is timed as well.
* **With the SDK.** In one process: tracing off, on with the SDK (a recording
  ``TracerProvider`` whose batch processor drops the spans, so export I/O is not
  counted), and on with no SDK (the API's non-recording spans).

Run: python -m bench.tracing [messages] [--baseline REF]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import jsm
from bench._common import Measurement, report

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider

ROOT = Path(__file__).resolve().parents[1]
STREAM = "BENCH_TRACING"
SUBJECT = "bench.tracing"
MESSAGES = 20_000
AWAITED = 2_000
BATCH = 500
PENDING = 256
ROUNDS = 5
SLICES = 24
PAYLOAD = b"x" * 128
WORKLOADS = ("publish awaited", "publisher(256)", "fetch(500)+ack", "consume(500)+ack")


# --------------------------------------------------------------------- workloads


class _Workloads:
    """The workloads, written against ``lib`` (one of the two jsm trees, or jsm itself)."""

    def __init__(self, lib: ModuleType, js: jsm.Manager, count: int) -> None:
        self.lib = lib
        self.js = js
        self.count = count
        self.serial = 0

    async def _reset(self) -> jsm.Stream:
        stream: jsm.Stream = await self.js.streams.get(STREAM)
        await stream.purge()
        return stream

    async def awaited(self) -> None:
        for index in range(operations(WORKLOADS[0], self.count)):
            await self.js.publish(f"{SUBJECT}.{index % 16}", PAYLOAD)

    async def pipeline(self) -> None:
        async with self.js.publisher(max_pending=PENDING) as pub:
            for index in range(self.count):
                await pub.publish(f"{SUBJECT}.{index % 16}", PAYLOAD)

    async def _filled(self) -> jsm.Consumer:
        stream = await self._reset()
        nc = self.js.nc
        for index in range(self.count):
            await nc.publish(f"{SUBJECT}.{index % 16}", PAYLOAD)
        await nc.flush()
        while True:
            if (await stream.info()).state.messages >= self.count:
                break
            await asyncio.sleep(0.01)
        self.serial += 1
        consumer: jsm.Consumer = await stream.consumers.add(
            self.lib.ConsumerConfig(durable_name=f"B{self.serial}", max_ack_pending=-1)
        )
        return consumer

    async def fetch(self, worker: jsm.Consumer) -> None:
        done = 0
        while done < self.count:
            for msg in await worker.fetch(BATCH, max_wait=5):
                await msg.ack()
                done += 1

    async def consume(self, worker: jsm.Consumer) -> None:
        done = 0
        async with worker.consume(max_messages=BATCH) as messages:
            async for msg in messages:
                await msg.ack()
                done += 1
                if done == self.count:
                    break

    async def run(self, name: str) -> float:
        """Seconds for one run of workload ``name`` (set-up not counted)."""
        return (await self.timed(name))[0]

    async def timed(self, name: str) -> tuple[float, float]:
        """Wall-clock and client CPU seconds of one run of workload ``name``."""
        worker: jsm.Consumer | None = None
        if name in WORKLOADS[:2]:
            await self._reset()
            work = self.awaited() if name == WORKLOADS[0] else self.pipeline()
        else:
            worker = await self._filled()
            work = self.fetch(worker) if name == WORKLOADS[2] else self.consume(worker)
        wall, cpu = time.perf_counter(), time.process_time()
        await work
        spent = time.perf_counter() - wall, time.process_time() - cpu
        if worker is not None:
            await worker.delete()
        return spent


def operations(name: str, count: int) -> int:
    """How many messages one run of workload ``name`` handles."""
    return max(1, min(AWAITED, count // 10)) if name == WORKLOADS[0] else count


async def _prepared(lib: ModuleType, js: jsm.Manager) -> None:
    # The same config again is no change: both trees' connections share the stream.
    await js.streams.add(
        lib.StreamConfig(name=STREAM, subjects=[f"{SUBJECT}.>"], storage=lib.StorageType.MEMORY)
    )


# --------------------------------------------------------- off against no hooks


def _baseline_tree(ref: str | None, into: Path) -> tuple[str, Path]:
    """Export the tree without tracing's hooks; its ``src`` directory."""
    if ref is None:
        first = subprocess.run(
            ["git", "rev-list", "--reverse", "HEAD", "--", "src/jsm/tracing"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout.split()[0]
        ref = f"{first}^"
    archive = subprocess.run(
        ["git", "archive", ref, "src"], capture_output=True, cwd=ROOT, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return ref, into / "src"


class _Trees:
    """Two jsm trees loaded side by side in this process, one active at a time.

    Each tree's modules keep their own globals, and ``sys.modules`` is switched to the
    active tree's so imports made while it runs resolve within it.
    """

    def __init__(self, base_src: Path) -> None:
        current = self._take()
        sys.path.insert(0, str(base_src))
        try:
            base: ModuleType = importlib.import_module("jsm")
            # Resolve every name the baseline exports lazily (PEP 562) now, while only its
            # modules are loaded: resolved mid-run, with the trees swapping sys.modules,
            # its ConsumerConfig came out as this tree's and failed its own isinstance check.
            for name in getattr(base, "__all__", ()):
                getattr(base, name)
        finally:
            sys.path.remove(str(base_src))
        assert Path(str(base.__file__)).is_relative_to(base_src), base.__file__
        self.modules = {"no hooks": self._take(), "tracing off": current}
        sys.modules.update(current)
        self.libs = {label: modules["jsm"] for label, modules in self.modules.items()}

    @staticmethod
    def _take() -> dict[str, ModuleType]:
        taken = {n: m for n, m in sys.modules.items() if n == "jsm" or n.startswith("jsm.")}
        for name in taken:
            del sys.modules[name]
        return taken

    def activate(self, label: str) -> ModuleType:
        for other, modules in self.modules.items():
            if other != label:
                modules.update(self._take())
        self._take()
        sys.modules.update(self.modules[label])
        return self.libs[label]


async def off_against_no_hooks(
    url: str, count: int, ref: str | None
) -> tuple[list[Measurement], dict[str, float]]:
    """Each workload in slices alternating between the two trees: the times summed per
    tree, and the median over the pairs of adjacent slices of their throughput ratio
    (which a burst of load on the machine moves less than the sums), in the client's CPU
    time: what the hooks would add, without the server's and other processes' share."""
    with tempfile.TemporaryDirectory() as tmp:
        base_ref, base_src = _baseline_tree(ref, Path(tmp))
        print(f"\nbaseline: {base_ref} (no tracing hooks), loaded beside this tree")
        trees = _Trees(base_src)
        labels = list(trees.libs)
        slice_count = max(1, count // 5)
        seconds = {(label, name): 0.0 for label in labels for name in WORKLOADS}
        ratios: dict[str, list[float]] = {name: [] for name in WORKLOADS}
        cpu_ratios: dict[str, list[float]] = {name: [] for name in WORKLOADS}
        try:
            async with AsyncExitStack() as stack:
                loads = {}
                for label in labels:
                    lib = trees.activate(label)
                    js = await stack.enter_async_context(lib.connect(url))
                    await _prepared(lib, js)
                    loads[label] = _Workloads(lib, js, slice_count)
                    await loads[label].run(WORKLOADS[1])  # warm-up
                for name in WORKLOADS:
                    for index in range(SLICES):
                        pair = {}
                        for label in labels if index % 2 == 0 else reversed(labels):
                            trees.activate(label)
                            pair[label] = await loads[label].timed(name)
                            seconds[(label, name)] += pair[label][0]
                        base, off = pair["no hooks"], pair["tracing off"]
                        ratios[name].append(base[0] / off[0])
                        cpu_ratios[name].append(base[1] / off[1])
        finally:
            trees.activate("tracing off")
    measurements = [
        Measurement(
            f"{label}: {name}", operations(name, slice_count) * SLICES, seconds[(label, name)]
        )
        for name in WORKLOADS
        for label in labels
    ]
    medians = {f"{name} (wall)": statistics.median(ratios[name]) for name in WORKLOADS} | {
        f"{name} (client CPU)": statistics.median(cpu_ratios[name]) for name in WORKLOADS
    }
    return measurements, medians


def hook_cost_ns() -> float:
    """Nanoseconds of one disabled hook: an attribute of a slots object compared to None."""

    class Holder:
        __slots__ = ("tracing",)

        def __init__(self) -> None:
            self.tracing = None

    holder = Holder()
    loops = 2_000_000
    empty = min(timeit.repeat("pass", globals={"h": holder}, number=loops, repeat=5))
    check = min(
        timeit.repeat(
            "if h.tracing is not None: pass", globals={"h": holder}, number=loops, repeat=5
        )
    )
    return (check - empty) / loops * 1e9


# -------------------------------------------------------------- with the SDK


def _sdk_provider() -> TracerProvider:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        SpanExporter,
        SpanExportResult,
    )

    class Dropping(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(Dropping(), max_queue_size=65_536))
    return provider


async def with_the_sdk(url: str, count: int) -> list[Measurement]:
    provider = _sdk_provider()
    modes: list[tuple[str, object]] = [
        ("off", False),
        ("SDK", provider),
        ("API only", True),
    ]
    best: dict[tuple[str, str], float] = {}
    async with (
        jsm.connect(url, tracing=False) as off,
        jsm.connect(url, tracing=provider) as sdk,
        jsm.connect(url, tracing=True) as api,
    ):
        await _prepared(jsm, off)
        managers = {"off": off, "SDK": sdk, "API only": api}
        for round_index in range(ROUNDS):
            order = modes if round_index % 2 == 0 else list(reversed(modes))
            for name in WORKLOADS:
                for mode, _ in order:
                    seconds = await _Workloads(jsm, managers[mode], count).run(name)
                    key = (mode, name)
                    best[key] = min(seconds, best.get(key, float("inf")))
    provider.shutdown()
    return [
        Measurement(f"{mode}: {name}", operations(name, count), best[(mode, name)])
        for name in WORKLOADS
        for mode, _ in modes
    ]


# ------------------------------------------------------------------------ main


async def main(count: int, ref: str | None) -> None:
    from jsm.testing import run_server

    async with run_server() as server:
        hooks, medians = await off_against_no_hooks(server.client_url, count, ref)
        sdk = await with_the_sdk(server.client_url, count)
    ns = hook_cost_ns()
    per_message = {m.name: m.seconds / m.operations * 1e9 for m in hooks}
    shares = {name: 3 * ns / per_message[f"no hooks: {name}"] * 100 for name in WORKLOADS}
    report(
        "Tracing off: the publish and consume paths against no hooks at all",
        hooks,
        {
            f"{name} off/no hooks": (f"tracing off: {name}", f"no hooks: {name}")
            for name in WORKLOADS
        },
        more={"median_slice_ratios": medians, "hook_ns": ns, "hooks_share_percent": shares},
    )
    print(f"  median over {SLICES} pairs of adjacent slices, (tracing off)/(no hooks):")
    for name, ratio in medians.items():
        print(f"    {name:<32} {ratio:.3f}x")
    print(f"  one disabled hook: {ns:.1f} ns; per message, with at most 3 hooks:")
    for name in WORKLOADS:
        print(
            f"    {name:<18} {per_message[f'no hooks: {name}']:>9,.0f} ns/msg → "
            f"{shares[name]:.2f} %"
        )
    report(
        "Tracing with the OpenTelemetry SDK: publish and consume",
        sdk,
        {f"{name} SDK/off": (f"SDK: {name}", f"off: {name}") for name in WORKLOADS}
        | {f"{name} API only/off": (f"API only: {name}", f"off: {name}") for name in WORKLOADS},
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("messages", nargs="?", type=int, default=MESSAGES)
    parser.add_argument("--baseline", default=None, help="git ref of the tree without hooks")
    options = parser.parse_args()
    asyncio.run(main(options.messages, options.baseline))
