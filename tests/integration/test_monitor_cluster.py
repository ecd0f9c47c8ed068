"""Health checks on a 3-node cluster: a stopped replica is CRITICAL, OK once it is back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

import jsm
from jsm import CheckStatus
from tests.integration.monitor_helpers import poll_status

if TYPE_CHECKING:
    from jsm.testing import Cluster


async def test_stopped_replica_is_critical_then_ok(
    nats_cluster: Cluster, cjs: jsm.Manager, unique_name: str
) -> None:
    await cjs.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
    )
    await cjs.publish(f"{unique_name}.a", b"1")

    healthy = await poll_status(lambda: cjs.monitor.stream(unique_name), CheckStatus.OK)
    assert "3 replicas" in healthy.ok_messages
    info = await cjs.streams.info(unique_name)
    assert info.cluster is not None and info.cluster.leader
    # stop a node that holds a replica but not the leader, and ask the others
    index = next(
        i
        for i, s in enumerate(nats_cluster.servers)
        if s.name != info.cluster.leader
        and any(p.name == s.name for p in info.cluster.replicas or [])
    )
    victim = nats_cluster.servers[index].name
    survivors = [u for i, u in enumerate(nats_cluster.urls) if i != index]
    async with jsm.connect(survivors, timeout=5) as watcher:
        await anyio.to_thread.run_sync(nats_cluster.stop_node, index)
        try:
            down = await poll_status(
                lambda: watcher.monitor.stream(unique_name, timeout=2),
                CheckStatus.CRITICAL,
                within=40,
                also=lambda r: any(victim in m for m in r.criticals),
            )
            assert any(m.startswith("1 replicas offline") for m in down.criticals), down.criticals
            assert "expected 3 replicas, 2 seen" in down.criticals
            perf = {p.name: p.value for p in down.perf_data}
            assert perf["peer_offline"] == 1 and perf["peer_seen"] == 2
            assert down.exit_code == 2 and down.to_nagios().startswith("CRITICAL STREAM")
            # with a system connection the meta group shows the missing peer too
            async with jsm.connect(nats_cluster.system_urls[(index + 1) % 3], timeout=5) as sys:
                meta = await poll_status(
                    lambda: sys.monitor.meta(timeout=2), CheckStatus.CRITICAL, within=40
                )
                assert any(victim in m for m in meta.criticals), meta.criticals
        finally:
            await anyio.to_thread.run_sync(nats_cluster.start_node, index)
        back = await poll_status(
            lambda: watcher.monitor.stream(unique_name, timeout=2), CheckStatus.OK, within=60
        )
        assert "3 replicas" in back.ok_messages
        assert {p.name: p.value for p in back.perf_data}["peer_offline"] == 0


async def test_server_and_meta_checks_on_a_healthy_cluster(
    nats_cluster: Cluster, cjs: jsm.Manager, unique_name: str
) -> None:
    async with jsm.connect(nats_cluster.system_urls[0], timeout=5) as sys:
        servers = await poll_status(lambda: sys.monitor.server(expect=3), CheckStatus.OK, within=40)
        assert {p.name: p.value for p in servers.perf_data}["servers"] == 3
        meta = await poll_status(lambda: sys.monitor.meta(), CheckStatus.OK, within=40)
        assert {p.name: p.value for p in meta.perf_data}["peers"] == 3
        assert (await sys.monitor.meta(expect=4)).status is CheckStatus.CRITICAL
        assert (await sys.monitor.server(expect=4, timeout=3)).status is CheckStatus.CRITICAL
    # the application account cannot ask: UNKNOWN with the reason
    unknown = await cjs.monitor.meta()
    assert unknown.status is CheckStatus.UNKNOWN and unknown.unknowns


async def test_replica_thresholds_and_metadata_on_a_cluster(
    cjs: jsm.Manager, unique_name: str
) -> None:
    await cjs.streams.add(
        jsm.StreamConfig(
            name=unique_name,
            subjects=[f"{unique_name}.>"],
            num_replicas=3,
            metadata={"io.nats.monitor.peer-expect": "5"},
        )
    )
    wrong = await poll_status(lambda: cjs.monitor.stream(unique_name), CheckStatus.CRITICAL)
    assert "expected 5 replicas, 3 seen" in wrong.criticals
    right = await poll_status(
        lambda: cjs.monitor.stream(
            unique_name, peer_expect=3, peer_lag_critical=1000, peer_seen_critical=3600
        ),
        CheckStatus.OK,
    )
    assert "replicas are current" in right.ok_messages
    assert "replicas are active" in right.ok_messages
