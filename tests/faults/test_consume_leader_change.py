"""A consume loop whose consumer loses its leader: it pulls again as soon as a new one serves.

While an R3 consumer elects a leader, its pulls get "no responders", and an info request
gets no answer at all (nobody leads the consumer to answer it). The loop must not wait
for that request to time out before pulling again: it re-pulls with a short backoff and
checks in the background that the consumer still exists. Here the check's timeout is
100 s (the manager's timeout, bounded by the pull heartbeat), so a loop that waited for
it would trip the test's guard long after the new leader took over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm.testing import run_cluster
from tests.faults.harness import eventually

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from jsm.testing import Cluster

RECOVERY_GUARD = 60.0
"""Seconds from the kill to the first message after it: an election (4 to 9 s) plus a
loaded machine's slack, and far below the 100 s a consumer check may wait."""


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A 3-node cluster for this module's destructive tests."""
    with run_cluster(3, name="CLEADER") as started:
        yield started


@pytest.fixture
async def admin(cluster: Cluster) -> AsyncIterator[jsm.Manager]:
    """A manager for setting up and checking, patient while the cluster recovers."""
    async with jsm.connect(cluster.urls, timeout=30) as js:
        yield js


async def healthy(stream: jsm.Stream, consumer: str) -> bool:
    """Whether the stream and its consumer have a leader and two current followers."""
    for cluster in ((await stream.info()).cluster, (await stream.consumers.info(consumer)).cluster):
        if cluster is None or cluster.leader is None:
            return False
        if len([r for r in cluster.replicas or [] if r.current]) != 2:
            return False
    return True


async def test_consume_pulls_again_once_a_new_consumer_leader_serves(
    cluster: Cluster, admin: jsm.Manager, unique_name: str
) -> None:
    stream = await admin.streams.add(
        jsm.StreamConfig(
            name=unique_name,
            subjects=[f"{unique_name}.>"],
            num_replicas=3,
            storage=jsm.StorageType.FILE,
        )
    )
    await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
    await eventually(lambda: healthy(stream, "w"), within=60, what="a healthy consumer")
    info = (await stream.consumers.info("w")).cluster
    assert info is not None and info.leader is not None
    node = cluster.index_of(info.leader)
    # Connected to the consumer leader's node: the kill takes the client's server too, and
    # the loop pulls again at once after reconnecting, while the consumer has no leader.
    others = [u for i, u in enumerate(cluster.urls) if i != node]
    received: list[bytes] = []
    after = anyio.Event()
    try:
        async with (
            jsm.connect(
                [cluster.urls[node], *others],
                dont_randomize=True,
                timeout=120,
                reconnect_time_wait=1,
            ) as js,
            jsm.connect(others) as writer,  # not cut off by the kill
        ):
            worker = await (await js.streams.get(unique_name)).consumers.get("w")

            async def consume() -> None:
                async with worker.consume(expires=300, idle_heartbeat=100) as messages:
                    async for msg in messages:
                        received.append(msg.data)
                        await msg.ack()
                        if msg.data == b"after":
                            after.set()

            async with anyio.create_task_group() as tg:
                tg.start_soon(consume)
                await writer.publish(f"{unique_name}.m", b"before")
                await eventually(lambda: _has(received, b"before"), within=30)
                await anyio.to_thread.run_sync(cluster.kill_node, node)
                with anyio.fail_after(RECOVERY_GUARD):
                    # The stream may be electing too: the publish waits for its new leader.
                    await writer.publish(f"{unique_name}.m", b"after", msg_id="after")
                    await after.wait()
                tg.cancel_scope.cancel()
    finally:
        await anyio.to_thread.run_sync(cluster.start_node, node)
    assert received == [b"before", b"after"]
    await eventually(lambda: healthy(stream, "w"), within=120, what="the cluster to heal")
    await admin.streams.delete(unique_name)


async def _has(received: list[bytes], data: bytes) -> bool:
    return data in received
