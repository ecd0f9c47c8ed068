"""Clustered streams on the 3-node fixture: replicas, peer info, leader step-down, peer removal."""

from __future__ import annotations

import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import eventually


async def _all_current(stream: jsm.Stream, replicas: int) -> bool:
    cluster = (await stream.info()).cluster
    if cluster is None or cluster.leader is None:
        return False
    peers = cluster.replicas or []
    return len(peers) == replicas - 1 and all(peer.current for peer in peers)


async def test_three_replica_stream_reports_its_peers(cjs: jsm.Manager, unique_name: str) -> None:
    stream = await cjs.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
    )
    await eventually(lambda: _all_current(stream, 3))
    cluster = (await stream.info()).cluster
    assert cluster is not None and cluster.name and cluster.raft_group
    assert cluster.leader is not None and cluster.leader_since is not None
    peers = cluster.replicas or []
    assert len({peer.name for peer in peers} | {cluster.leader}) == 3
    assert all(peer.peer and not peer.offline for peer in peers)
    reply = await cjs.nc.request(f"{unique_name}.a", b"x", timeout=5)
    assert b'"seq":1' in reply.data
    assert (await stream.get_message(1)).data == b"x"


async def test_leader_step_down_elects_another_leader(cjs: jsm.Manager, unique_name: str) -> None:
    stream = await cjs.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
    )
    await eventually(lambda: _all_current(stream, 3))
    cluster = (await stream.info()).cluster
    assert cluster is not None
    old_leader = cluster.leader
    await stream.leader_stepdown()

    async def moved() -> bool:
        now = (await stream.info()).cluster
        return now is not None and now.leader not in (None, old_leader)

    await eventually(moved)


async def test_leader_step_down_towards_a_preferred_server(
    cjs: jsm.Manager, unique_name: str
) -> None:
    stream = await cjs.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
    )
    await eventually(lambda: _all_current(stream, 3))
    cluster = (await stream.info()).cluster
    assert cluster is not None and cluster.replicas
    preferred = cluster.replicas[0].name
    await stream.leader_stepdown(placement=jsm.Placement(preferred=preferred))

    async def moved() -> bool:
        now = (await stream.info()).cluster
        return now is not None and now.leader == preferred

    await eventually(moved)


async def test_removing_a_peer_moves_the_replica(cjs: jsm.Manager, unique_name: str) -> None:
    stream = await cjs.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=2)
    )
    await eventually(lambda: _all_current(stream, 2))
    cluster = (await stream.info()).cluster
    assert cluster is not None and cluster.replicas and cluster.leader
    removed = cluster.replicas[0].name
    await stream.remove_peer(removed)

    async def replaced() -> bool:
        now = (await stream.info()).cluster
        if now is None or not now.replicas or now.leader is None:
            return False
        names = {now.leader, *(peer.name for peer in now.replicas)}
        return removed not in names and all(peer.current for peer in now.replicas)

    await eventually(replaced)


async def test_removing_a_peer_with_nowhere_to_go_is_a_typed_error(
    cjs: jsm.Manager, unique_name: str
) -> None:
    stream = await cjs.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
    )
    await eventually(lambda: _all_current(stream, 3))
    cluster = (await stream.info()).cluster
    assert cluster is not None and cluster.replicas
    with pytest.raises(errors.PeerRemapError):
        await stream.remove_peer(cluster.replicas[0].name)
    with pytest.raises(errors.ApiError):
        await stream.remove_peer("no-such-server")


async def test_scaling_replicas_up_and_the_replica_limit(
    cjs: jsm.Manager, unique_name: str
) -> None:
    stream = await cjs.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=1)
    )
    await stream.edit(num_replicas=3)
    await eventually(lambda: _all_current(stream, 3))
    with pytest.raises(errors.InvalidOptionError, match="num_replicas"):
        await stream.edit(num_replicas=6)
    with pytest.raises(errors.ApiError):
        await cjs.streams.add(
            jsm.StreamConfig(name=f"{unique_name}_4", subjects=["four.>"], num_replicas=4)
        )
    assert f"{unique_name}_4" not in await cjs.streams.names().collect()
