"""Administration on real clusters: meta step-down, server remove, purge, cancel move."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm.errors import (
    ClusterNoPeersError,
    ClusterServerNotMemberError,
    NoAccountError,
    StreamNotFoundError,
    StreamReconfigureNotInProgressError,
)
from jsm.testing import run_cluster
from tests.integration.admin_helpers import meta_leader, wait_for_meta_leader
from tests.integration.consumer_helpers import eventually

if TYPE_CHECKING:
    from jsm.testing import Cluster


async def test_meta_leader_stepdown_moves_the_leader(nats_cluster: Cluster) -> None:
    async with jsm.connect(nats_cluster.system_urls) as sys:
        before = await wait_for_meta_leader(sys)
        reply = await sys.admin.meta_leader_stepdown()
        assert reply.success
        after = await wait_for_meta_leader(sys, other_than=before)
        assert after != before
        # towards a preferred server: the one that led first
        assert (await sys.admin.meta_leader_stepdown(preferred=before)).success

        async def back_to_first() -> bool:
            return await meta_leader(sys) == before

        await eventually(back_to_first)
        # towards the (only) cluster: any other server of it
        assert (await sys.admin.meta_leader_stepdown(cluster=nats_cluster.name)).success
        await wait_for_meta_leader(sys, other_than=before)

        async def settled() -> bool:  # leave the shared cluster with every node agreeing
            replies = await sys.admin.jsz(expect=3, timeout=2)
            leaders = {r.data.meta.leader if r.data.meta else None for r in replies}
            return len(replies) == 3 and len(leaders) == 1 and None not in leaders

        await eventually(settled)


async def test_meta_leader_stepdown_to_an_unknown_server_is_refused(nats_cluster: Cluster) -> None:
    async with jsm.connect(nats_cluster.system_urls) as sys:
        await wait_for_meta_leader(sys)
        with pytest.raises(ClusterNoPeersError, match="not known"):
            await sys.admin.meta_leader_stepdown(preferred="no-such-server")
        with pytest.raises(jsm.errors.InvalidOptionError, match="preferred"):
            await sys.admin.meta_leader_stepdown(preferred="")


async def test_cancel_move_of_a_stream_that_is_not_moving(
    nats_cluster: Cluster, unique_name: str
) -> None:
    async with (
        jsm.connect(nats_cluster.urls) as js,
        jsm.connect(nats_cluster.system_urls) as sys,
    ):
        stream = await js.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
        )
        try:
            with pytest.raises(StreamReconfigureNotInProgressError):
                await sys.admin.cancel_stream_move(unique_name, account="APP")
            with pytest.raises(StreamNotFoundError):
                await sys.admin.cancel_stream_move(f"{unique_name}_X", account="APP")
            with pytest.raises(NoAccountError):
                await sys.admin.cancel_stream_move(unique_name, account="NO_SUCH_ACCOUNT")
        finally:
            await stream.delete()


async def test_bad_input_is_refused_before_the_wire(nats_cluster: Cluster) -> None:
    # an application connection: a request reaching the wire would raise SystemAccountRequired
    async with jsm.connect(nats_cluster.urls[0]) as js:
        with pytest.raises(jsm.errors.InvalidNameError):
            await js.admin.account_purge("")
        with pytest.raises(jsm.errors.InvalidNameError):
            await js.admin.account_purge("A.B")
        with pytest.raises(jsm.errors.InvalidNameError):
            await js.admin.cancel_stream_move("S", account="")
        with pytest.raises(jsm.errors.InvalidNameError):
            await js.admin.cancel_stream_move("", account="APP")
        with pytest.raises(jsm.errors.InvalidOptionError, match="name or its peer_id"):
            await js.admin.server_remove()
        with pytest.raises(jsm.errors.InvalidOptionError, match="non-empty"):
            await js.admin.server_remove("")
        with pytest.raises(jsm.errors.InvalidOptionError, match="tags"):
            await js.admin.meta_leader_stepdown(tags=[""])
        with pytest.raises(jsm.errors.SystemAccountRequiredError, match="connect as"):
            await js.admin.server_remove("n1")
        with pytest.raises(jsm.errors.SystemAccountRequiredError):
            await js.admin.account_purge("APP")
    async with jsm.connect(nats_cluster.system_urls[0]) as sys:
        with pytest.raises(ClusterServerNotMemberError):
            await sys.admin.server_remove("no-such-server")


async def test_stream_and_consumer_leader_stepdown_and_peer_remove(
    nats_cluster: Cluster, unique_name: str
) -> None:
    async with jsm.connect(nats_cluster.urls) as js:
        stream = await js.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=2)
        )
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="c1", num_replicas=2))
        try:
            before = await _stream_leader(js, unique_name)
            await js.admin.stream_leader_stepdown(unique_name)

            async def moved() -> bool:
                return (await _stream_leader(js, unique_name)) not in (None, before)

            await eventually(moved)
            await js.admin.consumer_leader_stepdown(unique_name, "c1")
            with pytest.raises(jsm.errors.ConsumerNotFoundError):
                await js.admin.consumer_leader_stepdown(unique_name, "nope")
            # remove the follower's replica: the third server takes it over
            info = await stream.info()
            assert info.cluster is not None
            follower = next(p.name for p in info.cluster.replicas or [])
            await js.admin.stream_peer_remove(unique_name, follower)

            async def replaced() -> bool:
                return follower not in await _stream_peers(js, unique_name)

            await eventually(replaced, within=30)
            with pytest.raises(StreamNotFoundError):
                await js.admin.stream_leader_stepdown(f"{unique_name}_X")
        finally:
            await stream.delete()


async def _stream_leader(js: jsm.Manager, name: str) -> str | None:
    info = await (await js.streams.get(name)).info()
    return info.cluster.leader if info.cluster else None


async def _stream_peers(js: jsm.Manager, name: str) -> set[str]:
    info = await (await js.streams.get(name)).info()
    cluster = info.cluster
    if cluster is None:
        return set()
    return {p.name for p in cluster.replicas or []} | {cluster.leader or ""}


async def test_account_purge_and_server_remove_on_a_dedicated_cluster(unique_name: str) -> None:
    cluster = run_cluster(3, name="ADM")
    async with (
        cluster,
        jsm.connect(cluster.urls) as js,
        jsm.connect(cluster.system_urls[0]) as sys,
    ):
        for i in range(2):
            await js.streams.add(
                jsm.StreamConfig(name=f"{unique_name}_{i}", subjects=[f"{unique_name}.{i}"])
            )
        assert len(await js.streams.names()) == 2
        purge = await sys.admin.account_purge("APP")
        assert purge.initiated

        async def purged() -> bool:
            return not await js.streams.names()

        await eventually(purged)
        # server remove of a stopped node (not the meta leader, not the one sys is on)
        leader = await wait_for_meta_leader(sys)
        index = next(i for i in (1, 2) if cluster.servers[i].name != leader)
        gone = cluster.servers[index].name
        cluster.stop_node(index)
        assert (await sys.admin.server_remove(gone)).success
        with anyio.fail_after(20):
            while True:
                meta = await sys.admin.meta_cluster(timeout=2)
                peers = {p.name for p in (meta.replicas if meta else None) or []}
                if meta is not None and gone not in peers:
                    break
                await anyio.sleep(0.1)
