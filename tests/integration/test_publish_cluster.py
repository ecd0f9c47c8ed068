"""Publishing on the 3-node cluster: the pipeline across a stream leader step-down."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from tests.integration.consumer_helpers import eventually, make_stream

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import Cluster

TOTAL = 10_000


@pytest.fixture
async def cjs(nats_cluster: Cluster) -> AsyncIterator[jsm.Manager]:
    """A manager on the cluster, patient during elections, that deletes its test's streams."""
    retry = jsm.Retry(attempts=30, base_delay=0.05, max_delay=0.5)
    async with jsm.connect(nats_cluster.urls, timeout=10, retry=retry) as js:
        before = set(await js.streams.names().collect())
        yield js
        for name in set(await js.streams.names().collect()) - before:
            await js.streams.delete(name)


async def test_pipeline_survives_a_leader_stepdown_exactly_once(
    cjs: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(cjs, unique_name, storage=jsm.StorageType.FILE, replicas=3)

    async def has_leader() -> bool:
        cluster = (await stream.info()).cluster
        return cluster is not None and cluster.leader is not None

    await eventually(has_leader)
    first_leader = (await stream.info()).cluster
    futures: list[jsm.PubAckFuture] = []
    with anyio.fail_after(120):
        async with cjs.publisher(max_pending=256, timeout=3) as pub:
            for index in range(TOTAL):
                futures.append(
                    await pub.publish(
                        f"{unique_name}.{index % 10}", str(index).encode(), msg_id=f"m-{index}"
                    )
                )
                if index == TOTAL // 3:
                    await stream.leader_stepdown()
    acks = [future.result() for future in futures]
    seqs = [ack.seq for ack in acks]
    assert len(set(seqs)) == TOTAL and set(seqs) == set(range(1, TOTAL + 1))
    state = (await stream.info()).state
    assert (state.messages, state.first_seq, state.last_seq) == (TOTAL, 1, TOTAL)
    assert first_leader is not None
    assert (await stream.info()).cluster.leader != first_leader.leader  # type: ignore[union-attr]
    # Every message is stored once, under the sequence its ack names.
    for index in (0, TOTAL // 3, TOTAL // 3 + 1, TOTAL - 1):
        stored = await stream.get_message(seqs[index])
        assert stored.data == str(index).encode()
