"""Shared bench helpers: an embedded server, a timer, a results table and JSON output.

Benchmarks compare jsm with nats-py doing the same work in the same run, against the
same embedded nats-server, and report ratios; nothing here asserts on time.
"""

from __future__ import annotations

import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

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


async def measure(name: str, operations: int, work: Callable[[], Awaitable[None]]) -> Measurement:
    """Time one awaited piece of work that performs ``operations`` operations."""
    start = time.perf_counter()
    await work()
    return Measurement(name, operations, time.perf_counter() - start)


async def best_of_alternating(
    label: str,
    operations: int,
    ours: Callable[[], Awaitable[None]],
    theirs: Callable[[], Awaitable[None]],
    *,
    rounds: int,
) -> list[Measurement]:
    """Run jsm's and nats-py's work ``rounds`` times each, alternating who goes first so
    neither always runs on a warmer server; return ``[jsm best, nats-py best]``."""
    jsm_runs: list[Measurement] = []
    nats_runs: list[Measurement] = []
    for round_index in range(rounds):
        order = [(jsm_runs, ours, "jsm"), (nats_runs, theirs, "nats-py")]
        for runs, work, who in order if round_index % 2 == 0 else reversed(order):
            runs.append(await measure(f"{who} {label}", operations, work))
    return [min(runs, key=lambda run: run.seconds) for runs in (jsm_runs, nats_runs)]


def report(
    title: str,
    measurements: list[Measurement],
    ratios: dict[str, tuple[str, str]],
    *,
    unit: str = "msg/s",
    more: dict[str, object] | None = None,
) -> dict[str, object]:
    """Print a table and the named ratios (numerator name, denominator name); write JSON
    (with ``more``'s entries added to the document)."""
    by_name = {m.name: m for m in measurements}
    print(f"\n{title}")
    width = max(len(m.name) for m in measurements)
    for m in measurements:
        extra = "".join(f"  {k}={v:,.1f}" for k, v in m.extra.items())
        print(
            f"  {m.name:<{width}}  {m.rate:>12,.0f} {unit}  ({m.operations:,} in {m.seconds:.3f}s){extra}"
        )
    computed = {
        label: by_name[num].rate / by_name[den].rate for label, (num, den) in ratios.items()
    }
    for label, value in computed.items():
        print(f"  {label:<{width}}  {value:>12.2f}x")
    document: dict[str, object] = {
        "title": title,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "results": [asdict(m) | {"rate": m.rate} for m in measurements],
        "ratios": computed,
    } | (more or {})
    RESULTS_DIR.mkdir(exist_ok=True)
    slug = title.lower().split(":")[0].replace(" ", "_")
    path = RESULTS_DIR / f"{slug}.json"
    path.write_text(json.dumps(document, indent=2))
    print(f"  results written to {path}")
    return document
