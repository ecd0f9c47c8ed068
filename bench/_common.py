"""Shared bench helpers: an embedded server, a timer, a results table and JSON output.

Benchmarks compare jsm with nats-py doing the same work in the same run, against the
same embedded nats-server, and report ratios; nothing here asserts on time.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    Timing = tuple[float, float]
    """Wall-clock and CPU seconds of work timed where it ran."""

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Measurement:
    """One timed run: how many operations took how long."""

    name: str
    operations: int
    seconds: float
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Operations per second."""
        return self.operations / self.seconds if self.seconds > 0 else float("inf")


async def measure(
    name: str, operations: int, work: Callable[[], Awaitable[Timing | None]]
) -> Measurement:
    """Time one awaited piece of work that performs ``operations`` operations.

    Work done in another process (nats.js) returns its own timing, taken there around the
    work only; otherwise the wall clock and this process's CPU time are read here. The
    CPU time per operation goes in ``extra`` (``cpu_us/op``): on a busy machine it
    varies less than the wall clock.
    """
    cpu_start = time.process_time()
    start = time.perf_counter()
    timing = await work()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    if timing is not None:
        seconds, cpu = timing
    return Measurement(name, operations, seconds, {"cpu_us/op": cpu * 1e6 / max(1, operations)})


async def best_of_rotating(
    label: str,
    operations: int,
    works: Mapping[str, Callable[[], Awaitable[Timing | None]] | None],
    *,
    rounds: int,
) -> list[Measurement]:
    """Run each peer's work ``rounds`` times, rotating who goes first so none always runs
    on a warmer server; return each peer's best run (peers whose work is ``None``, such
    as nats.js without node, are left out), with the spread of its runs in ``extra``
    (``spread%``: how much slower its median run was than its best)."""
    present = [(who, work) for who, work in works.items() if work is not None]
    runs: dict[str, list[Measurement]] = {who: [] for who, _ in present}
    for round_index in range(rounds):
        shift = round_index % len(present)
        for who, work in present[shift:] + present[:shift]:
            runs[who].append(await measure(f"{who} {label}", operations, work))
    return [best_with_spread(runs[who]) for who, _ in present]


def best_with_spread(runs: list[Measurement]) -> Measurement:
    """The fastest of ``runs``, with ``spread%`` (median against best) in its ``extra``."""
    best = min(runs, key=lambda run: run.seconds)
    median = statistics.median(run.seconds for run in runs)
    best.extra["spread%"] = 100 * (median - best.seconds) / best.seconds if best.seconds else 0.0
    return best


async def best_of_alternating(
    label: str,
    operations: int,
    ours: Callable[[], Awaitable[Timing | None]],
    theirs: Callable[[], Awaitable[Timing | None]],
    *,
    rounds: int,
    third: Callable[[], Awaitable[Timing | None]] | None = None,
) -> list[Measurement]:
    """Run jsm's, nats-py's (and nats.js's, when ``third`` is given) work ``rounds`` times
    each, rotating who goes first; return ``[jsm best, nats-py best(, nats.js best)]``."""
    works = {"jsm": ours, "nats-py": theirs, "nats.js": third}
    return await best_of_rotating(label, operations, works, rounds=rounds)


@dataclass(frozen=True)
class Row:
    """One workload in the three-peer table: which measurement is each peer's figure.

    ``floor`` is bare nats-py doing the least the same shape needs (no parsing, no
    checks): what any client built on nats-py can reach at most.
    """

    workload: str
    jsm: str
    nats_py: str | None = None
    nats_js: str | None = None
    floor: str | None = None

    def peers(self) -> dict[str, str | None]:
        """The measurement name of each column."""
        return {
            "jsm": self.jsm,
            "nats-py": self.nats_py,
            "nats.js": self.nats_js,
            "floor": self.floor,
        }


def report(
    title: str,
    measurements: list[Measurement],
    ratios: dict[str, tuple[str, str]],
    *,
    unit: str = "msg/s",
    more: dict[str, object] | None = None,
    rows: list[Row] | None = None,
) -> dict[str, object]:
    """Print a table and the named ratios (numerator name, denominator name); write JSON
    (with ``more``'s entries added to the document, and ``rows`` as the entries of the
    three-peer table that ``python -m bench`` prints at the end). A ratio or a column
    whose measurement is missing (nats.js without node) is left out."""
    by_name = {m.name: m for m in measurements}
    print(f"\n{title}")
    width = max(len(m.name) for m in measurements)
    for m in measurements:
        extra = "".join(f"  {k}={v:,.1f}" for k, v in m.extra.items())
        print(
            f"  {m.name:<{width}}  {m.rate:>12,.0f} {unit}  ({m.operations:,} in {m.seconds:.3f}s){extra}"
        )
    computed = {
        label: by_name[num].rate / by_name[den].rate
        for label, (num, den) in ratios.items()
        if num in by_name and den in by_name
    }
    for label, value in computed.items():
        print(f"  {label:<{width}}  {value:>12.2f}x")
    table = [
        {"workload": row.workload, "unit": unit}
        | {
            peer: (by_name[name].rate if name in by_name else None)
            for peer, name in row.peers().items()
        }
        | {
            f"{peer} cpu_us/op": by_name[name].extra.get("cpu_us/op")
            for peer, name in row.peers().items()
            if name in by_name
        }
        for row in rows or []
    ]
    document: dict[str, object] = {
        "title": title,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "results": [asdict(m) | {"rate": m.rate} for m in measurements],
        "ratios": computed,
        "rows": table,
    } | (more or {})
    RESULTS_DIR.mkdir(exist_ok=True)
    slug = title.lower().split(":")[0].replace(" ", "_")
    path = RESULTS_DIR / f"{slug}.json"
    path.write_text(json.dumps(document, indent=2))
    print(f"  results written to {path}")
    return document
