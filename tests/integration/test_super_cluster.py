"""A super-cluster (two tagged 3-node clusters joined by gateways): placement, moves, mirrors.

Streams are placed by cluster and by server tags, moved from one cluster to the other
while they take writes (the move shows in stream info, and can be cancelled through
``js.admin``), and mirrored across clusters. Memory storage keeps six servers light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm.errors import (
    ClusterNoPeersError,
    JsmError,
    JsmTimeoutError,
    StreamReconfigureNotInProgressError,
)
from tests.integration.consumer_helpers import eventually
from tests.integration.report_helpers import cluster_manager

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import SuperCluster

MEMORY = jsm.StorageType.MEMORY


@pytest.fixture
async def sjs(nats_super_cluster: SuperCluster) -> AsyncIterator[jsm.Manager]:
    """A manager on the super-cluster that deletes the streams its test made."""
    async for js in cluster_manager(nats_super_cluster.urls):
        yield js


@pytest.fixture
async def system(nats_super_cluster: SuperCluster) -> AsyncIterator[jsm.Manager]:
    """A manager in the system account, for administration."""
    async with jsm.connect(nats_super_cluster.system_urls, timeout=10) as js:
        yield js


async def _info(stream: jsm.Stream) -> jsm.StreamInfo | None:
    """The stream's info, or ``None`` while nobody answers (leadership changing hands)."""
    try:
        return await stream.info(timeout=2)
    except JsmTimeoutError:
        return None


def _peers(info: jsm.StreamInfo | None) -> list[str]:
    if info is None:
        return []
    cluster = info.cluster
    if cluster is None or cluster.leader is None:
        return []
    return [cluster.leader, *(peer.name for peer in cluster.replicas or [])]


def _settled_in(info: jsm.StreamInfo | None, cluster: str, replicas: int) -> bool:
    peers = _peers(info)
    return (
        info is not None
        and info.cluster is not None
        and info.cluster.name == cluster
        and len(peers) == replicas
        and all(peer.startswith(f"{cluster}-") for peer in peers)
    )


async def _add(js: jsm.Manager, name: str, placement: jsm.Placement, replicas: int) -> jsm.Stream:
    return await js.streams.add(
        jsm.StreamConfig(
            name=name,
            subjects=[f"{name}.>"],
            storage=MEMORY,
            num_replicas=replicas,
            placement=placement,
        )
    )


async def test_servers_carry_their_cluster_and_tags(system: jsm.Manager) -> None:
    servers = await system.admin.servers(expect=6)
    assert {(s.name, s.cluster) for s in servers} == {
        (f"{cluster}-n{i}", cluster) for cluster in ("C1", "C2") for i in (1, 2, 3)
    }
    for server in servers:
        cloud = "aws" if server.cluster == "C1" else "gcp"
        assert set(server.tags or []) == {f"cloud:{cloud}", f"az:{server.name[-1]}"}


async def test_a_stream_placed_by_cluster_lives_there(sjs: jsm.Manager, unique_name: str) -> None:
    stream = await _add(sjs, unique_name, jsm.Placement(cluster="C2"), replicas=3)

    async def settled() -> bool:
        return _settled_in(await _info(stream), "C2", 3)

    await eventually(settled, within=30)


@pytest.mark.parametrize(
    ("tags", "replicas", "where"),
    [
        (["cloud:gcp", "az:2"], 1, {"C2-n2"}),
        (["cloud:aws"], 3, {"C1-n1", "C1-n2", "C1-n3"}),
    ],
    ids=["one-server", "one-cloud"],
)
async def test_a_stream_placed_by_tags_lands_on_tagged_servers(
    sjs: jsm.Manager, unique_name: str, tags: list[str], replicas: int, where: set[str]
) -> None:
    stream = await _add(sjs, unique_name, jsm.Placement(tags=tags), replicas=replicas)

    async def placed() -> bool:
        return set(_peers(await _info(stream))) == where

    await eventually(placed, within=30)


@pytest.mark.parametrize(
    ("tags", "replicas"),
    [
        (["cloud:azure"], 1),
        # az:3 matches one server per cluster, and a stream's replicas stay in one cluster.
        (["az:3"], 2),
    ],
    ids=["unknown-tag", "replicas-across-clusters"],
)
async def test_a_placement_no_cluster_can_satisfy_is_a_typed_error(
    sjs: jsm.Manager, unique_name: str, tags: list[str], replicas: int
) -> None:
    with pytest.raises(ClusterNoPeersError, match="no suitable peers") as caught:
        await _add(sjs, unique_name, jsm.Placement(tags=tags), replicas=replicas)
    assert tags[0] in str(caught.value)
    assert unique_name not in [name async for name in sjs.streams.names()]


class _Writer:
    """Publishes numbered messages with msg ids until stopped, re-sending what failed."""

    def __init__(self, js: jsm.Manager, subject: str) -> None:
        self.js = js
        self.subject = subject
        self.acked: dict[int, int] = {}  # message number -> stream sequence
        self.failures = 0
        self._stop = anyio.Event()

    async def run(self) -> None:
        number = 0
        while not self._stop.is_set():
            try:
                ack = await self.js.publish(
                    self.subject, str(number).encode(), msg_id=f"{self.subject}-{number}"
                )
            except JsmError:  # no leader for a moment while leadership changes cluster
                self.failures += 1
                await anyio.sleep(0.05)
                continue
            self.acked[number] = ack.seq
            number += 1

    async def acked_at_least(self, count: int) -> None:
        async def enough() -> bool:
            return len(self.acked) >= count

        await eventually(enough, within=60)

    async def stop(self) -> None:
        self._stop.set()


async def _stored_numbers(js: jsm.Manager, stream: str) -> list[int]:
    numbers: list[int] = []
    async with js.ordered_consumer(stream) as messages:
        info = await (await js.streams.get(stream)).info()
        if info.state.messages == 0:
            return numbers
        async for msg in messages:
            numbers.append(int(msg.data))
            if msg.metadata.num_pending == 0:
                break
    return numbers


async def _move(stream: jsm.Stream, target: str) -> list[list[str]]:
    """Change the stream's placement to ``target`` and return the peer sets seen meanwhile."""
    seen: list[list[str]] = []
    await stream.edit(placement=jsm.Placement(cluster=target))

    async def moved() -> bool:
        info = await _info(stream)
        seen.append(_peers(info))
        return _settled_in(info, target, 3)

    await eventually(moved, within=60)
    return seen


async def test_a_stream_moves_between_clusters_while_taking_writes(
    sjs: jsm.Manager, unique_name: str
) -> None:
    stream = await _add(sjs, unique_name, jsm.Placement(cluster="C1"), replicas=3)
    writer = _Writer(sjs, f"{unique_name}.w")
    async with anyio.create_task_group() as tg:
        tg.start_soon(writer.run)
        await writer.acked_at_least(50)
        seen = await _move(stream, "C2")
        await writer.acked_at_least(len(writer.acked) + 50)
        await writer.stop()

    # While moving, the stream's peers span both clusters: the move's progress shows.
    assert any({p[:2] for p in peers} == {"C1", "C2"} and len(peers) > 3 for peers in seen), seen
    stored = await _stored_numbers(sjs, unique_name)
    assert sorted(stored) == list(range(len(writer.acked))), "a message was lost or doubled"
    info = await stream.info()
    assert info.state.messages == len(writer.acked)
    assert info.config.placement is not None and info.config.placement.cluster == "C2"


async def test_a_move_in_progress_can_be_cancelled(
    sjs: jsm.Manager, system: jsm.Manager, unique_name: str
) -> None:
    stream = await _add(sjs, unique_name, jsm.Placement(cluster="C1"), replicas=3)
    writer = _Writer(sjs, f"{unique_name}.w")
    async with anyio.create_task_group() as tg:
        tg.start_soon(writer.run)
        await writer.acked_at_least(500)
        # A small stream finishes moving in about a second; the cancel, sent right after
        # the update, nearly always finds the move running. If the move won the race,
        # the stream is moved back and the cancel tried again on a fresh move.
        for _ in range(3):
            await stream.edit(placement=jsm.Placement(cluster="C2"))
            try:
                await system.admin.cancel_stream_move(unique_name, account="APP")
            except StreamReconfigureNotInProgressError:
                await _move(stream, "C1")
                continue
            break
        else:
            pytest.fail("every move finished before its cancel arrived")

        async def back_home() -> bool:
            return _settled_in(await _info(stream), "C1", 3)

        await eventually(back_home, within=60)
        await writer.stop()

    info = await stream.info()
    assert info.config.placement is not None and info.config.placement.cluster == "C1"
    stored = await _stored_numbers(sjs, unique_name)
    assert sorted(stored) == list(range(len(writer.acked)))


async def test_a_mirror_in_another_cluster_follows_its_origin(
    sjs: jsm.Manager, unique_name: str
) -> None:
    await _add(sjs, unique_name, jsm.Placement(cluster="C1"), replicas=1)
    for number in range(50):
        await sjs.publish(f"{unique_name}.a", str(number).encode())
    mirror = await sjs.streams.add(
        jsm.StreamConfig(
            name=f"{unique_name}_M",
            storage=MEMORY,
            mirror=jsm.StreamSource(name=unique_name),
            placement=jsm.Placement(cluster="C2"),
        )
    )
    for number in range(50, 100):
        await sjs.publish(f"{unique_name}.a", str(number).encode())

    async def caught_up() -> bool:
        info = await mirror.info()
        return (
            info.state.messages == 100
            and info.mirror is not None
            and info.mirror.lag == 0
            and info.cluster is not None
            and info.cluster.name == "C2"
        )

    await eventually(caught_up, within=30)
    assert sorted(await _stored_numbers(sjs, f"{unique_name}_M")) == list(range(100))
