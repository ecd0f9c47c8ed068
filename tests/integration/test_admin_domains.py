"""js.admin through a JetStream domain (hub + leaf) and an API prefix (imported account)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import jsm
from jsm.errors import ClusterRequiredError, StreamNotFoundError
from jsm.models import ServerFilter
from tests.integration.admin_helpers import validate

if TYPE_CHECKING:
    from jsm.testing import HubAndLeaf


async def _account_and_stepdown(js: jsm.Manager, name: str, subject: str) -> jsm.models.AccountInfo:
    info = await js.admin.account_info()
    validate(info, "jetstream/api/v1/account_info_response.json")
    stream = await js.streams.add(jsm.StreamConfig(name=name, subjects=[subject]))
    try:
        # a single server: the request reaches that JetStream, which is not clustered
        with pytest.raises(ClusterRequiredError):
            await js.admin.stream_leader_stepdown(name)
        with pytest.raises(StreamNotFoundError):
            await js.admin.stream_leader_stepdown(f"{name}_X")
    finally:
        await stream.delete()
    return info


async def test_account_info_and_stream_stepdown_in_a_domain(
    js_leaf: jsm.Manager, unique_name: str
) -> None:
    info = await _account_and_stepdown(js_leaf, unique_name, f"{unique_name}.>")
    assert info.domain == "leaf"


async def test_account_info_and_stream_stepdown_through_a_prefix(
    js_imported: jsm.Manager, unique_name: str
) -> None:
    info = await _account_and_stepdown(js_imported, unique_name, f"imp.{unique_name}.>")
    assert info.limits.max_streams != 0


async def test_system_queries_reach_the_leaf_through_the_shared_system_account(
    nats_hub_and_leaf: HubAndLeaf,
) -> None:
    # $SYS requests are not domain-mapped: they reach every server of the system account
    async with jsm.connect(nats_hub_and_leaf.hub.system_url, domain="leaf") as sys:
        servers = await sys.admin.servers(expect=2)
        assert {(s.name, s.domain) for s in servers} == {("HUB", "hub"), ("LEAF", "leaf")}
        leaf = await sys.admin.jsz(select=ServerFilter(domain="leaf"), expect=1)
        assert [r.server.name for r in leaf] == ["LEAF"]
        assert leaf[0].data.config is not None and leaf[0].data.config.domain == "leaf"
        health = await sys.admin.healthz(js_enabled_only=True, expect=2)
        assert all(r.data.ok for r in health)
        # the meta-group API needs a cluster: a single server never answers it
        with pytest.raises(jsm.errors.JsmTimeoutError, match="clustered JetStream"):
            await sys.admin.meta_leader_stepdown(timeout=0.5)
