"""Account info and the API client on every server topology jsm.testing provides."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import nats
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from jsm.testing import Cluster, HubAndLeaf, ImportingAccounts, NatsServer, TlsServer


async def test_account_info_on_a_single_server(js: jsm.Manager) -> None:
    info = await js.account_info()
    assert info.api_level >= 1
    assert info.limits.max_streams == -1
    assert info.streams == 0
    assert js.api.api_level == info.api_level


async def test_account_info_on_every_cluster_node(nats_cluster: Cluster) -> None:
    for url in nats_cluster.urls:
        async with jsm.connect(url) as js:
            info = await js.account_info()
            assert info.api_level >= 1
    async with jsm.connect(nats_cluster.system_urls[0]) as sys_js:
        reply = await sys_js.nc.request("$SYS.REQ.SERVER.PING.JSZ", b"{}", timeout=5)
        meta = json.loads(reply.data)["data"]["meta_cluster"]
        assert meta["leader"], "a meta leader must be known"
        assert meta["cluster_size"] == 3


async def test_leaf_domain_from_the_hub(nats_hub_and_leaf: HubAndLeaf) -> None:
    setup = nats_hub_and_leaf
    async with jsm.connect(setup.hub.client_url, domain=setup.leaf_domain) as js:
        info = await js.account_info()
        assert info.domain == setup.leaf_domain
    async with jsm.connect(setup.hub.client_url) as js:
        assert (await js.account_info()).domain == setup.hub_domain


async def test_hub_domain_from_the_leaf(nats_hub_and_leaf: HubAndLeaf) -> None:
    setup = nats_hub_and_leaf
    async with jsm.connect(setup.leaf.client_url, domain=setup.hub_domain) as js:
        assert (await js.account_info()).domain == setup.hub_domain


async def test_api_prefix_from_the_importing_account(nats_accounts: ImportingAccounts) -> None:
    async with jsm.connect(nats_accounts.importer_url, api_prefix=nats_accounts.api_prefix) as js:
        info = await js.account_info()
        assert info.api_level >= 1
    async with jsm.connect(nats_accounts.importer_url) as js:
        with pytest.raises(errors.NotEnabledForAccountError):
            await js.account_info(timeout=1)


async def test_account_info_over_tls(nats_tls: TlsServer) -> None:
    async with jsm.connect(nats_tls.server.client_url, tls=nats_tls.client_ssl_context()) as js:
        assert (await js.account_info()).api_level >= 1


async def test_account_info_over_websocket(nats_websocket: NatsServer) -> None:
    assert nats_websocket.websocket_url is not None
    async with jsm.connect(nats_websocket.websocket_url) as js:
        assert (await js.account_info()).api_level >= 1


async def test_account_info_on_an_encrypted_store(nats_encrypted: NatsServer) -> None:
    async with jsm.connect(nats_encrypted.client_url) as js:
        await js.api.request(
            "STREAM.CREATE.ENC",
            {"name": "ENC", "subjects": ["enc.>"], "storage": "file"},
            jsm.models.Model,
        )
        await js.nc.request("enc.1", b"secret", timeout=5)
        info = await js.account_info()
        assert info.streams == 1 and info.storage > 0
        await js.nc.request("$JS.API.STREAM.DELETE.ENC", b"", timeout=5)


async def test_error_reply_raises_the_generated_class(js: jsm.Manager) -> None:
    with pytest.raises(errors.StreamNotFoundError) as caught:
        await js.api.request(
            "STREAM.INFO.MISSING", None, jsm.AccountInfo, context="stream 'MISSING'"
        )
    error = caught.value
    assert (error.code, error.err_code, error.description) == (404, 10059, "stream not found")
    assert isinstance(error, errors.NotFoundError)
    assert "stream 'MISSING' in the local JetStream domain" in str(error)


async def test_unknown_domain_reports_jetstream_unavailable(js: jsm.Manager) -> None:
    lost = jsm.Manager(js.nc, domain="nowhere", retry=jsm.Retry(attempts=2))
    with pytest.raises(errors.JetStreamUnavailableError, match="domain 'nowhere'"):
        await lost.account_info(timeout=1)


async def test_manager_borrows_the_connection_without_closing_it(nats_server: NatsServer) -> None:
    nc = await nats.connect(nats_server.client_url)
    try:
        js = jsm.Manager(nc)
        await js.account_info()
        del js
        assert nc.is_connected
    finally:
        await nc.close()


async def test_connect_closes_what_it_opened(nats_server: NatsServer) -> None:
    async with jsm.connect(nats_server.client_url) as js:
        nc = js.nc
    assert nc.is_closed
    with pytest.raises(errors.ClosedError):
        await js.account_info()


async def test_connect_to_nothing_raises_a_connection_error() -> None:
    with pytest.raises(errors.JsmConnectionError, match="could not connect"):
        async with jsm.connect(
            "nats://127.0.0.1:1",
            connect_timeout=1,
            allow_reconnect=False,
            max_reconnect_attempts=1,
            reconnect_time_wait=0,
        ):
            pass  # pragma: no cover
