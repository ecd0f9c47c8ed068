"""Stream report through a JetStream domain, an API prefix, and a source in another domain."""

from __future__ import annotations

from typing import TYPE_CHECKING

import jsm
from jsm import ReplicationKind, StreamReport
from tests.integration.report_helpers import lag_settled, report_until
from tests.report_helpers import parse_dot, render_svg_if_possible

if TYPE_CHECKING:
    from jsm.testing import HubAndLeaf


async def _mirror_pair(js: jsm.Manager, name: str, subject_prefix: str) -> tuple[str, str]:
    origin = await js.streams.add(jsm.StreamConfig(name=name, subjects=[f"{subject_prefix}.>"]))
    mirror = await js.streams.add(
        jsm.StreamConfig(name=f"{name}_M", mirror=jsm.StreamSource(name=origin.name))
    )
    for i in range(3):
        await js.publish(f"{subject_prefix}.{i}", b"x")
    return origin.name, mirror.name


async def test_report_through_a_domain(js_leaf: jsm.Manager, unique_name: str) -> None:
    origin, mirror = await _mirror_pair(js_leaf, unique_name, unique_name)
    report = await report_until(
        js_leaf,
        lambda r: lag_settled(r, mirror, 1) and r.stream(mirror).messages == 3,
        detailed=True,
    )
    row = report.stream(origin)
    assert (row.domain, row.messages, row.account) == ("leaf", 3, None)
    assert row.leader == "LEAF" and row.api_level is not None
    assert report.stream(mirror).domain == "leaf"
    graph = parse_dot(report.to_dot())
    assert graph.edges[(origin, mirror)]["label"] == "mirror"
    assert [r.name for r in (await js_leaf.report.streams(subject=f"{unique_name}.1")).streams] == [
        origin
    ]


async def test_report_through_an_api_prefix(js_imported: jsm.Manager, unique_name: str) -> None:
    origin, mirror = await _mirror_pair(js_imported, unique_name, f"imp.{unique_name}")
    report = await report_until(
        js_imported,
        lambda r: lag_settled(r, mirror, 1) and r.stream(mirror).messages == 3,
    )
    assert report.stream(origin).messages == 3 and report.stream(origin).account is None
    assert [r.name for r in report.streams] == sorted(r.name for r in report.streams)
    detailed = await js_imported.report.streams(names=[origin], detailed=True)
    assert detailed.stream(origin).leader is not None
    assert parse_dot(report.to_dot()).edges[(origin, mirror)]["style"] == "solid"


async def test_a_source_in_another_domain_is_labelled(
    nats_hub_and_leaf: HubAndLeaf, unique_name: str
) -> None:
    setup = nats_hub_and_leaf
    leaf_api = f"$JS.{setup.leaf_domain}.API"
    async with (
        jsm.connect(setup.hub.client_url) as hub,
        jsm.connect(setup.hub.client_url, domain=setup.leaf_domain) as leaf,
    ):
        origin = await leaf.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"])
        )
        local = await hub.streams.add(
            jsm.StreamConfig(name=f"{unique_name}_H", subjects=[f"{unique_name}_h.>"])
        )
        agg = await hub.streams.add(
            jsm.StreamConfig(
                name=f"{unique_name}_AGG",
                sources=[
                    jsm.StreamSource(name=origin.name, external=jsm.ExternalStream(api=leaf_api)),
                    jsm.StreamSource(name=local.name),
                ],
            )
        )
        try:
            for i in range(2):
                await leaf.publish(f"{unique_name}.{i}", b"leaf")
                await hub.publish(f"{unique_name}_h.{i}", b"hub")
            report = await report_until(
                hub,
                lambda r: lag_settled(r, agg.name, 2) and r.stream(agg.name).messages == 4,
                names=[agg.name, local.name],
            )
            external = next(r for r in report.upstreams(agg.name) if r.is_external)
            assert (external.upstream, external.kind) == (origin.name, ReplicationKind.SOURCE)
            assert (external.api_prefix, external.domain) == (leaf_api, "leaf")
            text = report.to_dot()
            graph = parse_dot(text)
            node = f"{origin.name} @ leaf"
            assert graph.nodes[node] == {
                "label": f"{origin.name}\n(domain leaf)",
                "style": "dashed",
            }
            assert graph.edges[(node, agg.name)]["label"] == "source\ndomain leaf"
            assert graph.edges[(local.name, agg.name)]["label"] == "source"
            render_svg_if_possible(text)
            assert StreamReport.from_json(report.to_json()) == report
        finally:
            await agg.delete()
            await local.delete()
            await origin.delete()
