"""kill -9 and restart of a single server (file storage) under each kind of workload.

Every workload keeps going through the crash: nothing acknowledged is lost, nothing
comes twice unless a crash or a lost ack explains it, every loop recovers by itself,
and the connection leaks no task, subscription or file descriptor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.faults.harness import run_scenario
from tests.faults.injectors import KillAndRestart
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

if TYPE_CHECKING:
    from jsm.testing import NatsServer


async def _survives(server: NatsServer, workload: Workload) -> None:
    (outcome,) = await run_scenario(server.client_url, KillAndRestart(server), [workload])
    assert outcome.problems() == [], outcome
    assert outcome.recovery is not None, "the workload never moved after the restart"


async def test_consume_loop_survives_kill_9(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    await _survives(nats_server_fresh, ConsumeWorkload(unique_name))


async def test_publisher_pipeline_survives_kill_9(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    await _survives(nats_server_fresh, PipelineWorkload(unique_name))


async def test_kv_watch_survives_kill_9(nats_server_fresh: NatsServer, unique_name: str) -> None:
    await _survives(nats_server_fresh, WatchWorkload(unique_name))


async def test_ordered_replay_survives_kill_9(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    await _survives(nats_server_fresh, OrderedReplayWorkload(unique_name))


async def test_object_get_survives_kill_9(nats_server_fresh: NatsServer, unique_name: str) -> None:
    await _survives(nats_server_fresh, ObjectGetWorkload(unique_name))


async def test_object_put_cut_by_kill_9_leaves_no_chunks_and_succeeds_again(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    workload = ObjectPutWorkload(unique_name)
    await _survives(nats_server_fresh, workload)
    assert workload.errors, "the put in flight did not notice the crash"
    assert workload.orphans == 0, f"{workload.orphans} chunks of the failed put were left"


async def test_snapshot_and_restore_cut_by_kill_9_fail_cleanly_and_succeed_again(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    outcome = await snapshot_and_restore_across_kill(nats_server_fresh, unique_name)
    assert outcome.problems() == [], outcome
    assert outcome.notes["typed errors"] == 2, outcome
    assert outcome.notes["half-restored stream left"] == 0, outcome
