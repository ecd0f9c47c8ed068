"""Interoperability with nats-py's micro module, in both directions.

nats-py's micro module (used here only) parses the discovery replies of a jsm service
with its own models and calls its endpoints; jsm discovers and calls a nats-py service.
"""

from __future__ import annotations

import json

import nats.micro
import pytest
from nats.micro.request import ERROR_CODE_HEADER, ERROR_HEADER
from nats.micro.request import Request as MicroRequest
from nats.micro.request import ServiceError as MicroServiceError
from nats.micro.service import EndpointConfig, ServiceInfo, ServicePing, ServiceStats

import jsm
from tests.integration.service_helpers import AddRequest, AddResponse, calculator, schema_errors


async def test_nats_py_reads_and_calls_a_jsm_service(js: jsm.Manager, unique_name: str) -> None:
    svc = calculator(js.services, name=unique_name)
    async with svc.run():
        reply = await js.nc.request("add", b'{"a": 3, "b": 4}', timeout=5)
        assert json.loads(reply.data) == {"sum": 7}
        bad = await js.nc.request("add", b"[", timeout=5)
        assert bad.headers is not None and bad.headers[ERROR_CODE_HEADER] == "400"
        assert bad.headers[ERROR_HEADER].startswith("invalid AddRequest")
        base = f"{unique_name}.{svc.id}"
        ping = ServicePing.from_dict(
            json.loads((await js.nc.request(f"$SRV.PING.{base}", b"")).data)
        )
        info = ServiceInfo.from_dict(
            json.loads((await js.nc.request(f"$SRV.INFO.{base}", b"")).data)
        )
        stats = ServiceStats.from_dict(
            json.loads((await js.nc.request(f"$SRV.STATS.{base}", b"")).data)
        )
    assert (ping.id, ping.name, ping.version, ping.metadata) == (
        svc.id,
        unique_name,
        "1.2.3",
        {"team": "a"},
    )
    assert info.description == "a calculator"
    first = info.endpoints[0]
    assert (first.name, first.subject, first.queue_group) == ("add", "add", "q")
    assert info.endpoints[2].queue_group == "mathq"
    add = stats.endpoints[0]
    assert (add.name, add.num_requests, add.num_errors) == ("add", 2, 1)
    assert str(add.last_error).startswith("400:invalid AddRequest")


async def test_jsm_discovers_and_calls_a_nats_py_service(js: jsm.Manager, unique_name: str) -> None:
    async def add(request: MicroRequest) -> None:
        body = json.loads(request.data)
        if body.get("b") == 0:
            raise MicroServiceError("422", "b must not be zero")
        await request.respond(json.dumps({"sum": body["a"] + body["b"]}).encode())

    service = await nats.micro.add_service(
        js.nc, name=unique_name, version="2.0.0", description="nats-py", metadata={"lang": "py"}
    )
    try:
        await service.add_endpoint(
            EndpointConfig(name="add", subject=f"{unique_name}.add", handler=add)
        )
        group = service.add_group(name=f"{unique_name}.g", queue_group="gq")
        await group.add_endpoint(name="sub", handler=add)
        result = await js.services.request(
            f"{unique_name}.add", AddRequest(a=1, b=2), response=AddResponse
        )
        assert result.sum == 3
        with pytest.raises(jsm.ServiceRequestError) as caught:
            await js.services.request(f"{unique_name}.add", AddRequest(a=1, b=0))
        assert (caught.value.code, caught.value.description) == (422, "b must not be zero")
        [ping] = await js.services.ping(unique_name, timeout=10)
        assert (ping.id, ping.version, ping.metadata) == (service.id, "2.0.0", {"lang": "py"})
        [info] = [i async for i in js.services.info(unique_name, service.id, timeout=10)]
        assert [(e.name, e.subject, e.queue_group) for e in info.endpoints] == [
            ("add", f"{unique_name}.add", "q"),
            ("sub", f"{unique_name}.g.sub", "gq"),
        ]
        [stats] = await js.services.stats(unique_name, timeout=10)
        assert [(e.num_requests, e.num_errors) for e in stats.endpoints] == [(2, 1), (0, 0)]
        assert stats.started.tzinfo is not None
        # what jsm parsed, written back, is a valid reply (nats-py's null description aside)
        assert schema_errors("STATS", stats.model_dump(mode="json")) == []
        assert schema_errors("PING", ping.model_dump(mode="json")) == []
    finally:
        await service.stop()
