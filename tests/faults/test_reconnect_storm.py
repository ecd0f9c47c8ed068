"""A reconnect storm: the server killed and restarted ten times in a row while one
connection carries a consume loop, a KV watch and a publisher pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.faults.harness import run_scenario
from tests.faults.injectors import KillAndRestart
from tests.faults.workloads import ConsumeWorkload, PipelineWorkload, WatchWorkload

if TYPE_CHECKING:
    from jsm.testing import NatsServer

RESTARTS = 10
RATE = 100.0
"""Writes a second per workload: the storm lasts tens of seconds, the data stays small."""


async def test_one_connection_rides_out_ten_restarts_in_a_row(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    workloads = [
        ConsumeWorkload(f"{unique_name}_C", rate=RATE),
        WatchWorkload(f"{unique_name}_W", rate=RATE),
        PipelineWorkload(f"{unique_name}_P", count=300, rate=RATE),
    ]
    outcomes = await run_scenario(
        nats_server_fresh.client_url, KillAndRestart(nats_server_fresh, times=RESTARTS), workloads
    )
    assert [problem for o in outcomes for problem in o.problems()] == [], outcomes
    assert all(o.recovery is not None for o in outcomes), outcomes
