"""Stream report on a single server: rows match the streams, filters, account, bad input."""

from __future__ import annotations

import pytest

import jsm
from jsm import ReplicaState, ReplicationKind, StreamReport
from tests.integration.report_helpers import lag_settled, report_until
from tests.report_helpers import parse_dot, render_svg_if_possible


async def _publish(js: jsm.Manager, subject: str, count: int) -> None:
    for i in range(count):
        await js.publish(subject, f"m{i}".encode())


async def test_report_rows_match_the_streams(js: jsm.Manager, unique_name: str) -> None:
    orders = await js.streams.add(
        jsm.StreamConfig(
            name=f"{unique_name}_O",
            subjects=[f"{unique_name}.o.>"],
            storage=jsm.StorageType.MEMORY,
        )
    )
    await orders.consumers.add(jsm.ConsumerConfig(durable_name="c1"))
    await _publish(js, f"{unique_name}.o.1", 4)
    await orders.delete_message(2)
    report = await js.report.streams()
    row = report.stream(orders.name)
    info = await orders.info()
    assert (row.messages, row.bytes, row.consumers) == (3, info.state.bytes, 1)
    assert (row.deleted, row.lost_messages, row.storage) == (1, 0, jsm.StorageType.MEMORY)
    assert row.account == "APP"
    assert row.subjects == [f"{unique_name}.o.>"]
    assert row.required_api_level == 0 and row.created == info.created
    assert row.replicas == [] and row.is_healthy  # a stream list has no cluster info here
    detailed = (await js.report.streams(detailed=True)).stream(orders.name)
    assert detailed.api_level is not None and detailed.api_level >= 1
    assert [(r.name, r.state) for r in detailed.replicas] == [("S1", ReplicaState.LEADER)]
    assert detailed.leader == "S1" and detailed.is_healthy


async def test_mirror_and_sources_settle_and_draw(js: jsm.Manager, unique_name: str) -> None:
    origin = await js.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_O", subjects=[f"{unique_name}.o.>"])
    )
    mirror = await js.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_M", mirror=jsm.StreamSource(name=origin.name))
    )
    other = await js.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_X", subjects=[f"{unique_name}.x"])
    )
    agg = await js.streams.add(
        jsm.StreamConfig(
            name=f"{unique_name}_A",
            sources=[
                jsm.StreamSource(name=origin.name, filter_subject=f"{unique_name}.o.a"),
                jsm.StreamSource(name=other.name),
            ],
        )
    )
    await _publish(js, f"{unique_name}.o.a", 2)
    await _publish(js, f"{unique_name}.o.b", 3)
    await _publish(js, f"{unique_name}.x", 4)
    report = await report_until(
        js,
        lambda r: (
            lag_settled(r, mirror.name, 1)
            and lag_settled(r, agg.name, 2)
            and r.stream(mirror.name).messages == 5
            and r.stream(agg.name).messages == 6
        ),
    )
    (mirror_row,) = report.upstreams(mirror.name)
    assert (mirror_row.kind, mirror_row.upstream) == (ReplicationKind.MIRROR, origin.name)
    kinds = {(r.upstream, r.kind, tuple(r.filters)) for r in report.upstreams(agg.name)}
    assert kinds == {
        (origin.name, ReplicationKind.SOURCE, (f"{unique_name}.o.a untransformed",)),
        (other.name, ReplicationKind.SOURCE, ()),
    }
    assert report.stream(mirror.name).mirror == origin.name
    assert report.stream(agg.name).sources == [origin.name, other.name]
    text = report.to_dot()
    graph = parse_dot(text)
    assert set(graph.nodes) == {origin.name, mirror.name, other.name, agg.name}
    assert graph.edges[(origin.name, mirror.name)]["style"] == "solid"
    assert graph.edges[(origin.name, agg.name)]["style"] == "dashed"
    assert graph.edges[(other.name, agg.name)]["style"] == "dashed"
    assert len(graph.edges) == 3
    render_svg_if_possible(text)
    assert all(r.account == "APP" for r in report.replication)
    loaded = StreamReport.from_json(report.to_json())
    assert loaded == report and loaded.to_dot() == text and loaded.to_text() == report.to_text()


async def test_subject_and_name_filters_ask_the_server(js: jsm.Manager, unique_name: str) -> None:
    for part in ("a", "b"):
        await js.streams.add(
            jsm.StreamConfig(name=f"{unique_name}_{part}", subjects=[f"{unique_name}.{part}.>"])
        )
    by_subject = await js.report.streams(subject=f"{unique_name}.a.x")
    assert [r.name for r in by_subject.streams] == [f"{unique_name}_a"]
    by_name = await js.report.streams(names=[f"{unique_name}_b"])
    assert [r.name for r in by_name.streams] == [f"{unique_name}_b"]
    everything = await js.report.streams()
    assert {f"{unique_name}_a", f"{unique_name}_b"} <= {r.name for r in everything.streams}
    assert everything.filter(subject=f"{unique_name}.*.y").streams == [
        everything.stream(f"{unique_name}_a"),
        everything.stream(f"{unique_name}_b"),
    ]
    assert (await js.report.streams(account="APP")).streams == everything.streams
    assert (await js.report.streams(account="OTHER")).streams == []


async def test_sorted_report_largest_first(js: jsm.Manager, unique_name: str) -> None:
    for part, count in (("a", 1), ("b", 3), ("c", 2)):
        await js.streams.add(
            jsm.StreamConfig(name=f"{unique_name}_{part}", subjects=[f"{unique_name}.{part}"])
        )
        await _publish(js, f"{unique_name}.{part}", count)
    report = (await js.report.streams(subject=f"{unique_name}.*")).sorted("messages", reverse=True)
    assert [r.name[-1] for r in report.streams] == ["b", "c", "a"]


async def test_an_empty_account_gives_an_empty_report(js: jsm.Manager) -> None:
    report = await js.report.streams()
    assert report.streams == [] and report.replication == []
    assert parse_dot(report.to_dot()).nodes == {}


async def test_bad_input_is_refused_before_the_wire(js: jsm.Manager) -> None:
    with pytest.raises(jsm.errors.InvalidNameError):
        await js.report.streams(subject="a..b")
    with pytest.raises(jsm.errors.InvalidNameError):
        await js.report.streams(names=["has space"])
    with pytest.raises(jsm.errors.InvalidOptionError):
        (await js.report.streams()).sorted("size")  # type: ignore[arg-type]  # the mistake under test
    with pytest.raises(jsm.errors.InvalidOptionError, match=r"names=\['ORDERS'\]"):
        await js.report.streams(names="ORDERS")
    with pytest.raises(jsm.errors.InvalidOptionError, match="not one string"):
        StreamReport().filter(names="ORDERS")
    with pytest.raises(jsm.errors.InvalidOptionError):
        await js.report.streams(timeout=0)


async def test_a_source_of_a_missing_stream_reports_no_activity(
    js: jsm.Manager, unique_name: str
) -> None:
    agg = await js.streams.add(
        jsm.StreamConfig(name=unique_name, sources=[jsm.StreamSource(name=f"{unique_name}_GONE")])
    )
    report = await js.report.streams(names=[agg.name])
    (row,) = report.upstreams(agg.name)
    assert row.upstream == f"{unique_name}_GONE" and row.active is None
    assert parse_dot(report.to_dot()).edges[(row.upstream, agg.name)]["style"] == "dashed"
