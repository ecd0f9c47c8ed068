"""Services are core NATS: reached across a leaf node and through another account's imports.

A service on the leaf node (domain ``leaf``) answers the hub connection that ``js_leaf``
uses; a service in account APP answers account IMP through the ``imp.>`` service import,
and IMP discovers it through the ``$SRV.>`` import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import jsm
from jsm.errors import JsmTimeoutError, NoServiceRespondersError
from tests.integration.consumer_helpers import eventually
from tests.integration.service_helpers import AddRequest, AddResponse, schema_errors

if TYPE_CHECKING:
    from jsm.testing import HubAndLeaf, ImportingAccounts


def _adder(services: jsm.ServiceManager, name: str, subject: str) -> jsm.Service:
    svc = services.add(name, "1.0.0")

    @svc.endpoint("add", subject=subject)
    async def add(request: AddRequest) -> AddResponse:
        if request.b < 0:
            raise jsm.ServiceError(400, "b must not be negative")
        return AddResponse(sum=request.a + request.b)

    return svc


async def _exercise(client: jsm.Manager, svc: jsm.Service, subject: str) -> None:
    async def reachable() -> bool:
        try:
            await client.services.request(subject, AddRequest(a=0, b=0))
        except NoServiceRespondersError:
            return False  # interest not propagated yet
        return True

    await eventually(reachable)
    result = await client.services.request(subject, AddRequest(a=20, b=22), response=AddResponse)
    assert result.sum == 42
    with pytest.raises(jsm.ServiceRequestError, match="must not be negative"):
        await client.services.request(subject, AddRequest(a=1, b=-1))

    async def discovered() -> bool:
        return [p.id for p in await client.services.ping(svc.name, timeout=1)] == [svc.id]

    await eventually(discovered)
    [info] = await client.services.info(svc.name, svc.id, timeout=10)
    assert [e.subject for e in info.endpoints] == [subject]
    [stats] = await client.services.stats(svc.name, svc.id, timeout=10)
    assert (stats.endpoints[0].num_requests, stats.endpoints[0].num_errors) >= (3, 1)
    assert schema_errors("STATS", stats.model_dump(mode="json")) == []


async def test_service_on_the_leaf_node_from_the_hub(
    js_leaf: jsm.Manager, nats_hub_and_leaf: HubAndLeaf, unique_name: str
) -> None:
    async with jsm.connect(nats_hub_and_leaf.leaf.client_url) as on_leaf:
        svc = _adder(on_leaf.services, unique_name, f"{unique_name}.add")
        async with svc.run():
            await _exercise(js_leaf, svc, f"{unique_name}.add")


async def test_service_in_another_account_through_its_imports(
    js_imported: jsm.Manager, nats_accounts: ImportingAccounts, unique_name: str
) -> None:
    subject = f"{nats_accounts.publish_prefix}.{unique_name}.add"
    async with jsm.connect(nats_accounts.exporter_url) as in_app:
        svc = _adder(in_app.services, unique_name, subject)
        async with svc.run():
            await _exercise(js_imported, svc, subject)

    async def refused() -> bool:  # the stopped service's interest fades (not at once)
        try:
            await js_imported.services.request(subject, AddRequest(a=1, b=1), timeout=0.5)
        except NoServiceRespondersError as err:
            assert "check the import" in str(err)
            return True
        except JsmTimeoutError:
            return False
        return False

    await eventually(refused)
