"""A consume loop on a 3-node cluster while the stream's leader is killed or steps down.

The cluster is this module's own (kill -9 is destructive); the stream and its durable
consumer are R3 on file storage. Leader kills during *publishing* are covered by
``test_publish_failover.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from jsm.testing import run_cluster
from tests.faults.harness import run_scenario
from tests.faults.injectors import Fault, LeaderKill, LeaderStepdown
from tests.faults.workloads import ConsumeWorkload

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jsm.testing import Cluster


@pytest.fixture(scope="module")
def fault_cluster() -> Iterator[Cluster]:
    """A 3-node cluster for this module's destructive tests."""
    with run_cluster(3, name="FAULTS") as cluster:
        yield cluster


async def _consume_through(cluster: Cluster, fault: Fault, name: str) -> None:
    workload = ConsumeWorkload(name, replicas=3)
    (outcome,) = await run_scenario(cluster.urls, fault, [workload])
    assert outcome.problems() == [], outcome
    assert outcome.recovery is not None, "the consume loop never moved after the fault"


async def test_consume_loop_survives_stream_leader_kill_9(
    fault_cluster: Cluster, unique_name: str
) -> None:
    await _consume_through(fault_cluster, LeaderKill(fault_cluster), unique_name)


async def test_consume_loop_survives_leader_stepdowns(
    fault_cluster: Cluster, unique_name: str
) -> None:
    await _consume_through(fault_cluster, LeaderStepdown(times=3), unique_name)
