"""Stream report on the 3-node cluster: rows match the servers, replication settles, offline peers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

import jsm
from jsm import ReplicaState, ReplicationKind, StreamReport
from tests.integration.report_helpers import lag_settled, report_until
from tests.report_helpers import parse_dot, render_svg_if_possible

if TYPE_CHECKING:
    from jsm.testing import Cluster


def _matches_info(report: StreamReport, info: jsm.StreamInfo) -> bool:
    row = report.stream(info.config.name)
    cluster = info.cluster
    assert cluster is not None
    peers = {p.name for p in cluster.replicas or []}
    return (
        row.messages == info.state.messages
        and row.bytes == info.state.bytes
        and row.leader == cluster.leader
        and row.cluster == cluster.name
        and {r.name for r in row.replicas} == peers | {cluster.leader}
        and [r.name for r in row.replicas if r.is_leader] == [cluster.leader]
    )


async def _all_match(js: jsm.Manager, names: list[str]) -> StreamReport:
    """A report whose rows agree with each stream's own info (polled: leaders may move)."""
    with anyio.fail_after(20):
        while True:
            report = await js.report.streams(names=names)
            infos = [await js.streams.info(name) for name in names]
            if all(_matches_info(report, info) for info in infos):
                return report
            await anyio.sleep(0.1)


async def test_report_of_a_mirror_and_two_sources_matches_the_cluster(
    cjs: jsm.Manager, unique_name: str
) -> None:
    n = unique_name
    origin = await cjs.streams.add(
        jsm.StreamConfig(name=f"{n}_O", subjects=[f"{n}.o.>"], num_replicas=3)
    )
    other = await cjs.streams.add(jsm.StreamConfig(name=f"{n}_X", subjects=[f"{n}.x.>"]))
    mirror = await cjs.streams.add(
        jsm.StreamConfig(name=f"{n}_M", mirror=jsm.StreamSource(name=origin.name), num_replicas=3)
    )
    agg = await cjs.streams.add(
        jsm.StreamConfig(
            name=f"{n}_A",
            num_replicas=3,
            sources=[
                jsm.StreamSource(name=origin.name, filter_subject=f"{n}.o.a.>"),
                jsm.StreamSource(
                    name=other.name,
                    subject_transforms=[jsm.SubjectTransform(src=f"{n}.x.>", dest=f"{n}.y.>")],
                ),
            ],
        )
    )
    for i in range(6):
        await cjs.publish(f"{n}.o.{'a' if i % 2 else 'b'}.{i}", b"o")
    for i in range(4):
        await cjs.publish(f"{n}.x.{i}", b"x")
    names = [origin.name, other.name, mirror.name, agg.name]
    settled = await report_until(
        cjs,
        lambda r: (
            lag_settled(r, mirror.name, 1)
            and lag_settled(r, agg.name, 2)
            and r.stream(mirror.name).messages == 6
            and r.stream(agg.name).messages == 7
            and all(r.stream(x).is_healthy for x in names)
        ),
        names=names,
    )
    report = await _all_match(cjs, names)
    for name, replicas in ((origin.name, 3), (other.name, 1), (mirror.name, 3), (agg.name, 3)):
        row = report.stream(name)
        assert row.num_replicas == replicas and len(row.replicas) == replicas
        assert row.cluster == "C1" and row.leader is not None
    assert [(r.upstream, r.kind) for r in settled.upstreams(mirror.name)] == [
        (origin.name, ReplicationKind.MIRROR)
    ]
    by_upstream = {r.upstream: r for r in settled.upstreams(agg.name)}
    assert by_upstream[origin.name].filters == [f"{n}.o.a.> untransformed"]
    assert by_upstream[other.name].filters == [f"{n}.x.> to {n}.y.>"]
    text = report.to_dot()
    graph = parse_dot(text)
    assert set(graph.nodes) == set(names)
    assert set(graph.edges) == {
        (origin.name, mirror.name),
        (origin.name, agg.name),
        (other.name, agg.name),
    }
    assert graph.edges[(origin.name, mirror.name)]["style"] == "solid"
    assert graph.edges[(origin.name, mirror.name)]["label"] == "mirror"
    assert graph.edges[(origin.name, agg.name)]["style"] == "dashed"
    assert graph.edges[(other.name, agg.name)]["label"] == f"source\n{n}.x.> to {n}.y.>"
    render_svg_if_possible(text)
    assert StreamReport.from_json(report.to_json()) == report


def _all_healthy(report: StreamReport, names: list[str]) -> bool:
    return not report.missing and all(
        report.stream(n).is_healthy
        and len(report.stream(n).replicas) == report.stream(n).num_replicas
        for n in names
    )


async def test_a_stopped_node_shows_as_offline(
    nats_cluster: Cluster, cjs: jsm.Manager, unique_name: str
) -> None:
    replicated = await cjs.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_R3", subjects=[f"{unique_name}.r3"], num_replicas=3)
    )
    single = await cjs.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_R1", subjects=[f"{unique_name}.r1"])
    )
    names = [replicated.name, single.name]
    healthy = await report_until(cjs, lambda r: _all_healthy(r, names), names=names)
    victim = healthy.stream(single.name).leader
    index = next(i for i, s in enumerate(nats_cluster.servers) if s.name == victim)
    if healthy.stream(replicated.name).leader == victim:
        await replicated.leader_stepdown()
    # Ask a node that stays up (the stream leaders' node goes down).
    survivor = nats_cluster.urls[(index + 1) % len(nats_cluster.servers)]
    async with jsm.connect(survivor, timeout=10, dont_randomize=True) as watcher:
        await anyio.to_thread.run_sync(nats_cluster.stop_node, index)
        try:
            report = await report_until(
                watcher,
                lambda r: victim in r.stream(replicated.name).offline and single.name in r.missing,
                names=names,
                within=40,
            )
            down = report.stream(replicated.name)
            assert not down.is_healthy and down.leader not in (None, victim)
            (replica,) = [r for r in down.replicas if r.name == victim]
            assert replica.state == ReplicaState.OFFLINE
            lost = report.stream(single.name)
            assert lost.leader is None and lost.offline == [victim] and not lost.is_healthy
            assert f"{victim}! (offline)" in report.to_text()
            detailed = await watcher.report.streams(names=names, detailed=True)
            assert detailed.missing == [single.name]
        finally:
            await anyio.to_thread.run_sync(nats_cluster.start_node, index)
        await report_until(watcher, lambda r: _all_healthy(r, names), names=names, within=40)
