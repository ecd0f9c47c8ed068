"""System-account queries (VARZ, JSZ, HEALTHZ) from every node of a real cluster, typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import jsm
from jsm.models import HealthzReply, JszReply, ServerFilter, VarzReply
from tests.integration.admin_helpers import validate

if TYPE_CHECKING:
    from jsm.testing import Cluster


async def test_varz_from_every_node_validates(nats_cluster: Cluster) -> None:
    async with jsm.connect(nats_cluster.system_urls[0]) as sys:
        replies = await sys.admin.varz(expect=3)
    assert [r.server.name for r in replies] == [s.name for s in nats_cluster.servers]
    for reply in replies:
        assert isinstance(reply, VarzReply)
        assert reply.data.server_id == reply.server.id
        assert reply.server.cluster == nats_cluster.name
        assert reply.data.jetstream is not None
        validate(reply.data, "server/monitor/v1/varz.json")


async def test_jsz_with_accounts_streams_and_meta(nats_cluster: Cluster, unique_name: str) -> None:
    async with (
        jsm.connect(nats_cluster.urls) as js,
        jsm.connect(nats_cluster.system_urls[1]) as sys,
    ):
        stream = await js.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
        )
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="c1"))
        try:
            replies = await sys.admin.jsz(consumers=True, config=True, expect=3)
            assert len(replies) == 3
            leaders = {r.data.meta.leader for r in replies if r.data.meta is not None}
            assert len(leaders) == 1 and None not in leaders
            for reply in replies:
                assert isinstance(reply, JszReply)
                meta = reply.data.meta
                assert meta is not None and meta.cluster_size == 3
                assert meta.name == nats_cluster.name
                app = next(a for a in reply.data.account_details or [] if a.name == "APP")
                detail = next(s for s in app.streams or [] if s.name == unique_name)
                assert detail.cluster is not None and detail.cluster.leader
                assert detail.config is not None and detail.config.num_replicas == 3
                assert [c.name for c in detail.consumers or []] == ["c1"]
            only = await sys.admin.jsz(leader_only=True, expect=1)
            assert [r.server.name for r in only] == list(leaders)
            assert only[0].data.account_details is None
        finally:
            await stream.delete()


async def test_healthz_and_per_server_variants(nats_cluster: Cluster) -> None:
    async with jsm.connect(nats_cluster.system_urls[2]) as sys:
        replies = await sys.admin.healthz(js_enabled_only=True, expect=3)
        assert [r.data.status for r in replies] == ["ok"] * 3
        assert all(isinstance(r, HealthzReply) and r.data.ok for r in replies)
        servers = await sys.admin.servers(expect=3)
        target = servers[1]
        by_id = await sys.admin.healthz(server=target.id, js_server_only=True)
        assert [r.server.name for r in by_id] == [target.name]
        by_name = await sys.admin.jsz(server=target.name)
        assert [r.server.id for r in by_name] == [target.id]
        varz = await sys.admin.varz(server=target.id)
        assert varz[0].data.server_name == target.name
        selected = await sys.admin.varz(select=ServerFilter(server_name=target.name), expect=1)
        assert [r.server.id for r in selected] == [target.id]


async def test_queries_need_the_system_account(nats_cluster: Cluster) -> None:
    async with jsm.connect(nats_cluster.urls[0]) as js:
        with pytest.raises(jsm.errors.SystemAccountRequiredError, match="system account"):
            await js.admin.jsz()
        with pytest.raises(jsm.errors.SystemAccountRequiredError):
            await js.admin.varz(server="NBADIDNBADIDNBADIDNBADIDNBADIDNBADIDNBADIDNBADIDNBADIDAA")
        with pytest.raises(jsm.errors.SystemAccountRequiredError):
            await js.admin.meta_leader_stepdown()


async def test_unknown_servers_and_bad_options(nats_cluster: Cluster) -> None:
    async with jsm.connect(nats_cluster.system_urls[0]) as sys:
        with pytest.raises(jsm.ServerNotFoundError, match="no server with id"):
            await sys.admin.varz(server="N" + "A" * 55, timeout=1)
        with pytest.raises(jsm.ServerNotFoundError, match="no server named"):
            await sys.admin.healthz(server="no-such-node", timeout=1)
        with pytest.raises(jsm.errors.InvalidOptionError, match="server"):
            await sys.admin.jsz(server="")
        with pytest.raises(jsm.errors.InvalidOptionError, match="expect"):
            await sys.admin.jsz(expect=0)
        with pytest.raises(jsm.errors.InvalidOptionError, match="limit"):
            await sys.admin.jsz(limit=-1)


async def test_healthz_of_one_stream_and_consumer(nats_cluster: Cluster, unique_name: str) -> None:
    async with (
        jsm.connect(nats_cluster.urls) as js,
        jsm.connect(nats_cluster.system_urls[0]) as sys,
    ):
        stream = await js.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
        )
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="c1", num_replicas=3))
        try:
            healthy = await sys.admin.healthz(
                account="APP", stream=unique_name, consumer="c1", expect=3
            )
            assert len(healthy) == 3 and all(r.data.ok for r in healthy)
            missing = await sys.admin.healthz(
                account="APP", stream=f"{unique_name}_X", details=True, expect=3
            )
            assert len(missing) == 3
            for reply in missing:
                assert not reply.data.ok
                assert [e.stream for e in reply.data.errors or []] == [f"{unique_name}_X"]
        finally:
            await stream.delete()
        with pytest.raises(jsm.errors.InvalidOptionError, match="account"):
            await sys.admin.healthz(stream=unique_name)
        with pytest.raises(jsm.errors.InvalidOptionError, match="stream"):
            await sys.admin.healthz(account="APP", consumer="c1")
        with pytest.raises(jsm.errors.InvalidNameError):
            await sys.admin.healthz(account="A.B")
