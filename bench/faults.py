"""Faults measured: what each fault scenario costs in lost, duplicated and recovery time.

Runs the scenarios of the fault suite (``tests/faults``: the same workloads and faults,
imported from there) against servers started here — a fresh single server per crash,
one 3-node cluster, one hub and leaf with a cuttable link — and prints, per scenario:
messages acknowledged, acknowledged messages lost, messages that came more than once,
duplicates the protocol does not allow, writes the workload had to send again, and the
seconds from the servers answering again to the workload moving again. Leaks
(tasks, subscriptions, fds) are shown when there are any. Nothing here asserts.

Run: python -m bench.faults   (a server URL argument is ignored: faults need servers
this process can kill)
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
import uuid
from dataclasses import asdict
from typing import TYPE_CHECKING

from tests.faults.harness import run_scenario
from tests.faults.injectors import KillAndRestart, LeaderKill, LeaderStepdown, LinkCut
from tests.faults.slow_consumer import slow_consumer
from tests.faults.storage_workloads import (
    ObjectGetWorkload,
    ObjectPutWorkload,
    snapshot_and_restore_across_kill,
)
from tests.faults.workloads import (
    ConsumeWorkload,
    OrderedReplayWorkload,
    PipelineWorkload,
    WatchWorkload,
    Workload,
)

from bench._common import RESULTS_DIR
from jsm.testing import run_cluster, run_hub_and_leaf, run_server

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.faults.harness import Outcome

STORM_RESTARTS = 10
STORM_RATE = 100.0


def _name(prefix: str) -> str:
    return f"F{prefix}_{uuid.uuid4().hex[:6]}"


async def _single_server(make: Callable[[str], Workload]) -> list[Outcome]:
    async with run_server(name="FAULTS") as server:
        return await run_scenario(server.client_url, KillAndRestart(server), [make(_name("S"))])


async def _single_server_scenarios() -> list[Outcome]:
    outcomes: list[Outcome] = []
    for make in (
        ConsumeWorkload,
        PipelineWorkload,
        WatchWorkload,
        OrderedReplayWorkload,
        ObjectGetWorkload,
        ObjectPutWorkload,
    ):
        outcomes += await _single_server(make)
    async with run_server(name="FAULTS") as server:
        outcomes.append(await snapshot_and_restore_across_kill(server, _name("B")))
    return outcomes


async def _cluster_scenarios() -> list[Outcome]:
    outcomes: list[Outcome] = []
    async with run_cluster(3, name="FAULTS") as cluster:
        for fault in (LeaderKill(cluster), LeaderStepdown(times=3)):
            workload = ConsumeWorkload(_name("C"), replicas=3)
            outcomes += await run_scenario(cluster.urls, fault, [workload])
    return outcomes


async def _leaf_scenarios() -> list[Outcome]:
    outcomes: list[Outcome] = []
    async with run_hub_and_leaf(cuttable_link=True) as setup:
        for make in (WatchWorkload, PipelineWorkload):
            outcomes += await run_scenario(
                setup.hub.client_url, LinkCut(setup), [make(_name("L"))], domain=setup.leaf_domain
            )
    return outcomes


async def _other_scenarios() -> list[Outcome]:
    async with run_server(name="FAULTS") as server:
        outcomes = [await slow_consumer(server.client_url, _name("Q"))]
    async with run_server(name="FAULTS") as server:
        outcomes += await run_scenario(
            server.client_url,
            KillAndRestart(server, times=STORM_RESTARTS),
            [
                ConsumeWorkload(_name("R"), rate=STORM_RATE),
                WatchWorkload(_name("R"), rate=STORM_RATE),
                PipelineWorkload(_name("R"), count=300, rate=STORM_RATE),
            ],
        )
    return outcomes


def _table(outcomes: list[Outcome]) -> None:
    header = ("scenario", "messages", "lost", "dup", "dup!", "resent", "recovery s")
    rows = [
        (
            o.scenario,
            f"{o.messages:,}",
            str(o.lost),
            str(o.duplicated),
            str(o.unexplained),
            str(o.retried),
            "-" if o.recovery is None else f"{o.recovery:.2f}",
        )
        for o in outcomes
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print("\nFaults: lost, duplicated and recovery per scenario")
    print("  dup! = duplicates the protocol does not allow; resent = writes sent again")
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  " + "  ".join(cells))
    for o in outcomes:
        leaks = (o.leaked_tasks, o.leaked_subscriptions, o.leaked_fds)
        if any(leaks):
            print(f"  {o.scenario}: leaked tasks/subscriptions/fds = {leaks}")
        if o.notes:
            print(f"  {o.scenario}: " + ", ".join(f"{k} {v:g}" for k, v in o.notes.items()))


async def main() -> None:
    outcomes: list[Outcome] = []
    for group in (_single_server_scenarios, _cluster_scenarios, _leaf_scenarios, _other_scenarios):
        outcomes += await group()
    _table(outcomes)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / "faults.json"
    document = {
        "title": "Faults: lost, duplicated and recovery per scenario",
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "results": [asdict(o) for o in outcomes],
    }
    path.write_text(json.dumps(document, indent=2))
    print(f"  results written to {path}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] != "-":
        print("bench.faults starts its own servers (it kills them); the URL is ignored")
    asyncio.run(main())
