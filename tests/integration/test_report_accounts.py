"""Stream report across accounts from the system account (JSZ from every server)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import ReplicationKind, StreamReport
from jsm.testing import NatsServer
from tests.integration.report_helpers import lag_settled
from tests.report_helpers import parse_dot

if TYPE_CHECKING:
    from collections.abc import Callable

    from jsm.testing import Cluster, HubAndLeaf

TWO_ACCOUNTS_CONFIG = """
accounts {
  ONE: { jetstream: enabled, users: [{user: one, password: one}] }
  TWO: { jetstream: enabled, users: [{user: two, password: two}] }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
no_auth_user: one
jetstream { store_dir: "{store_dir}" }
"""


async def _all_until(
    sys: jsm.Manager, settled: Callable[[StreamReport], bool], **options: object
) -> StreamReport:
    last: StreamReport | None = None
    try:
        with anyio.fail_after(20):
            while True:
                last = await sys.report.all_streams(**options)  # type: ignore[arg-type]  # test pass-through
                if settled(last):
                    return last
                await anyio.sleep(0.1)
    except TimeoutError:
        shown = last.to_json(indent=1) if last is not None else "no report"
        raise AssertionError(f"report did not settle:\n{shown}") from None


async def test_cluster_report_across_accounts_matches_the_accounts_own(
    nats_cluster: Cluster, cjs: jsm.Manager, unique_name: str
) -> None:
    origin = await cjs.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
    )
    mirror = await cjs.streams.add(
        jsm.StreamConfig(
            name=f"{unique_name}_M", mirror=jsm.StreamSource(name=origin.name), num_replicas=3
        )
    )
    for i in range(3):
        await cjs.publish(f"{unique_name}.{i}", b"x")
    names = [origin.name, mirror.name]
    async with jsm.connect(nats_cluster.system_urls[0], timeout=10) as sys:
        report = await _all_until(
            sys,
            lambda r: (
                lag_settled(r, mirror.name, 1)
                and all(r.stream(n).is_healthy and len(r.stream(n).replicas) == 3 for n in names)
                and r.stream(mirror.name).messages == 3
            ),
            names=names,
            expect=3,
        )
        assert {(r.account, r.name) for r in report.streams} == {("APP", n) for n in names}
        own = (await cjs.report.streams(names=names)).stream(origin.name)
        row = report.stream(origin.name, account="APP")
        assert (row.messages, row.cluster, row.num_replicas) == (3, own.cluster, 3)
        assert {r.name for r in row.replicas} == {s.name for s in nats_cluster.servers}
        (mirror_row,) = report.upstreams(mirror.name)
        assert (mirror_row.account, mirror_row.kind) == ("APP", ReplicationKind.MIRROR)
        assert parse_dot(report.to_dot()).edges[(origin.name, mirror.name)]["label"] == "mirror"
        only_app = await sys.report.all_streams(account="APP", names=names, expect=3)
        assert {r.name for r in only_app.streams} == set(names)
        assert (await sys.report.all_streams(account="NOPE", expect=3)).streams == []
        by_subject = await sys.report.all_streams(subject=f"{unique_name}.1", expect=3)
        assert [r.name for r in by_subject.streams] == [origin.name]


async def test_same_stream_name_in_two_accounts() -> None:
    with NatsServer("RPT2", TWO_ACCOUNTS_CONFIG) as server:
        port = server.client_port
        async with (
            jsm.connect(f"nats://one:one@127.0.0.1:{port}") as one,
            jsm.connect(f"nats://two:two@127.0.0.1:{port}") as two,
            jsm.connect(f"nats://sys:sys@127.0.0.1:{port}") as sys,
        ):
            await one.streams.add(jsm.StreamConfig(name="SAME", subjects=["one.>"]))
            await two.streams.add(jsm.StreamConfig(name="SAME", subjects=["two.>"]))
            await one.publish("one.1", b"x")
            report = await sys.report.all_streams(expect=1)
            assert [(r.account, r.name, r.messages) for r in report.streams] == [
                ("ONE", "SAME", 1),
                ("TWO", "SAME", 0),
            ]
            assert report.stream("SAME", account="TWO").subjects == ["two.>"]
            assert [r.account for r in report.filter(account="TWO").streams] == ["TWO"]
            assert (await one.report.streams()).stream("SAME").account == "ONE"
            text = report.to_text()
            assert "ONE > SAME" in text and "TWO > SAME" in text
            assert set(parse_dot(report.to_dot()).nodes) == {"ONE > SAME", "TWO > SAME"}


async def test_a_report_across_accounts_needs_the_system_account(js: jsm.Manager) -> None:
    with pytest.raises(jsm.errors.SystemAccountRequiredError):
        await js.report.all_streams()


async def test_a_report_across_accounts_spans_a_hub_and_its_leaf(
    nats_hub_and_leaf: HubAndLeaf, unique_name: str
) -> None:
    setup = nats_hub_and_leaf
    async with (
        jsm.connect(setup.hub.client_url) as hub,
        jsm.connect(setup.hub.client_url, domain=setup.leaf_domain) as leaf,
        jsm.connect(setup.hub.system_url) as sys,
    ):
        await hub.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.h"]))
        await leaf.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.l"]))
        agg = f"{unique_name}_AGG"
        leaf_api = f"$JS.{setup.leaf_domain}.API"
        await hub.streams.add(
            jsm.StreamConfig(
                name=agg,
                sources=[
                    jsm.StreamSource(name=unique_name, external=jsm.ExternalStream(api=leaf_api))
                ],
            )
        )
        try:
            await leaf.publish(f"{unique_name}.l", b"x")
            report = await _all_until(
                sys,
                lambda r: lag_settled(r, agg, 1) and len(r.streams) == 3,
                names=[unique_name, agg],
                expect=2,
            )
            assert sorted((r.domain, r.account, r.name) for r in report.streams) == [
                ("hub", "APP", unique_name),
                ("hub", "APP", agg),
                ("leaf", "APP", unique_name),
            ]
            graph = parse_dot(report.to_dot())
            assert set(graph.nodes) == {
                f"{unique_name} @ hub",
                f"{agg} @ hub",
                f"{unique_name} @ leaf",
            }
            assert graph.nodes[f"{unique_name} @ leaf"]["label"] == f"{unique_name}\n(domain leaf)"
            assert set(graph.edges) == {(f"{unique_name} @ leaf", f"{agg} @ hub")}
        finally:
            await hub.streams.delete(agg)
            await hub.streams.delete(unique_name)
            await leaf.streams.delete(unique_name)
