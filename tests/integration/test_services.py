"""Services: typed, raw and grouped endpoints; error replies; discovery valid against the schemas."""

from __future__ import annotations

import json

import anyio
import pytest
from pydantic import BaseModel

import jsm
from jsm.errors import JsmTimeoutError, NoServiceRespondersError, UnexpectedReplyError
from tests.integration.service_helpers import (
    AddRequest,
    AddResponse,
    calculator,
    schema_errors,
)


async def test_typed_raw_and_grouped_endpoints_answer(js: jsm.Manager, unique_name: str) -> None:
    svc = calculator(js.services, name=unique_name)
    async with svc.run():
        added = await js.services.request("add", AddRequest(a=2, b=40), response=AddResponse)
        assert added == AddResponse(sum=42)
        assert await js.services.request("add", '{"a": 1, "b": 1}') == b'{"sum":2}'
        reply = await js.nc.request(f"{unique_name}.echo", b"hi", headers={"X": "1"}, timeout=5)
        assert (reply.data, reply.headers) == (b"hi", {"Echoed": f"{unique_name}.echo"})
        assert await js.services.request(f"{unique_name}.math.double", b"21") == b"42"
    assert not svc.is_running


async def test_discovery_replies_are_valid_and_complete(js: jsm.Manager, unique_name: str) -> None:
    svc = calculator(js.services, name=unique_name)
    async with svc.run():
        await js.services.request("add", AddRequest(a=1, b=2))
        for verb in ("PING", "INFO", "STATS"):
            for subject in (
                f"$SRV.{verb}",
                f"$SRV.{verb}.{unique_name}",
                f"$SRV.{verb}.{unique_name}.{svc.id}",
            ):
                raw = await js.nc.request(subject, b"", timeout=5)
                assert schema_errors(verb, raw.data) == [], subject
                assert (
                    json.loads(raw.data)["id"] == svc.id
                    or verb != "PING"
                    or subject == f"$SRV.{verb}"
                )
        [ping] = [p async for p in js.services.ping(unique_name, timeout=10)]
        assert (ping.name, ping.id, ping.version, ping.metadata) == (
            unique_name,
            svc.id,
            "1.2.3",
            {"team": "a"},
        )
        [info] = await js.services.info(unique_name, svc.id, timeout=10)
        assert info.description == "a calculator"
        assert [(e.name, e.subject, e.queue_group, e.metadata) for e in info.endpoints] == [
            ("add", "add", "q", {"unit": "int"}),
            ("echo", f"{unique_name}.echo", "q", {}),
            ("double", f"{unique_name}.math.double", "mathq", {}),
        ]
        [stats] = await js.services.stats(unique_name, timeout=10)
        assert schema_errors("STATS", stats.model_dump(mode="json")) == []
        add = stats.endpoints[0]
        assert (add.name, add.num_requests, add.num_errors, add.last_error) == ("add", 1, 0, "")
        assert add.processing_time > 0 and add.average_processing_time == add.processing_time
        assert stats.started.tzinfo is not None


async def test_discovery_finds_every_instance_and_filters_by_name(
    js: jsm.Manager, unique_name: str
) -> None:
    one, two = calculator(js.services, name=unique_name), calculator(js.services, name=unique_name)
    other = js.services.add(f"{unique_name}-other", "0.0.1")
    async with one.run(), two.run(), other.run():
        ids = {p.id async for p in js.services.ping(unique_name, timeout=10, quiet=2)}
        assert ids == {one.id, two.id}
        everyone = {p.id for p in await js.services.ping(timeout=10, quiet=2)}
        assert {one.id, two.id, other.id} <= everyone
        assert [p.id for p in await js.services.ping(unique_name, two.id, timeout=10)] == [two.id]
    assert await js.services.ping(unique_name, timeout=1) == []


async def test_handler_errors_become_error_replies(js: jsm.Manager, unique_name: str) -> None:
    svc = js.services.add(unique_name, "1.0.0")

    @svc.endpoint("fail", subject=f"{unique_name}.fail")
    async def fail(request: jsm.ServiceRequest) -> bytes:
        if request.data == b"custom":
            raise jsm.ServiceError(404, "no such thing")
        if request.data == b"explicit":
            await request.error(409, "conflict\nwith newline")
            return b""
        raise ValueError("broken")

    @svc.endpoint("add", subject=f"{unique_name}.add")
    async def add(request: AddRequest) -> AddResponse:
        return AddResponse(sum=request.a + request.b)

    async with svc.run():
        cases = [
            (f"{unique_name}.fail", b"custom", 404, "no such thing"),
            (f"{unique_name}.fail", b"explicit", 409, "conflict with newline"),
            (f"{unique_name}.fail", b"other", 500, "internal error"),  # details only logged
            (f"{unique_name}.add", b"{not json", 400, "invalid AddRequest: Invalid JSON"),
            (f"{unique_name}.add", b'{"a": 1}', 400, "invalid AddRequest: b: Field required"),
            (f"{unique_name}.add", b"", 400, "invalid AddRequest"),
        ]
        for subject, payload, code, text in cases:
            with pytest.raises(jsm.ServiceRequestError) as caught:
                await js.services.request(subject, payload, response=AddResponse)
            assert caught.value.code == code
            assert caught.value.description.startswith(text), caught.value.description
            assert caught.value.subject == subject
        # the service is still serving
        ok = await js.services.request(
            f"{unique_name}.add", AddRequest(a=1, b=1), response=AddResponse
        )
        assert ok.sum == 2
        [stats] = await js.services.stats(unique_name, timeout=10)
        fail_stats, add_stats = stats.endpoints
        assert (fail_stats.num_requests, fail_stats.num_errors) == (3, 3)
        assert fail_stats.last_error == "500:internal error"
        assert (add_stats.num_requests, add_stats.num_errors) == (4, 3)


async def test_stats_handler_data_and_reset(js: jsm.Manager, unique_name: str) -> None:
    class Extra(BaseModel):
        seen: int

    svc = js.services.add(
        unique_name, "1.0.0", stats_handler=lambda entry: Extra(seen=entry.num_requests)
    )

    @svc.endpoint("hit", subject=f"{unique_name}.hit")
    async def hit(data: bytes) -> bytes:
        return data

    async with svc.run():
        for _ in range(3):
            await js.services.request(f"{unique_name}.hit", b"x")
        [before] = await js.services.stats(unique_name, timeout=10)
        assert before.endpoints[0].num_requests == 3
        assert before.endpoints[0].data == {"seen": 3}
        svc.reset()
        [after] = await js.services.stats(unique_name, timeout=10)
        assert (after.endpoints[0].num_requests, after.endpoints[0].processing_time) == (0, 0)
        assert after.endpoints[0].data == {"seen": 0}
        assert after.started >= before.started


async def test_no_responders_bad_replies_and_timeouts_are_clear(
    js: jsm.Manager, unique_name: str
) -> None:
    with pytest.raises(NoServiceRespondersError, match="no service listens"):
        await js.services.request(f"{unique_name}.nobody", b"")
    svc = js.services.add(unique_name, "1.0.0")
    release = anyio.Event()

    @svc.endpoint("text", subject=f"{unique_name}.text")
    async def text(data: bytes) -> str:
        return "not json"

    @svc.endpoint("slow", subject=f"{unique_name}.slow")
    async def slow(data: bytes) -> bytes:
        await release.wait()
        return data

    async with svc.run():
        with pytest.raises(UnexpectedReplyError, match="not a valid AddResponse"):
            await js.services.request(f"{unique_name}.text", response=AddResponse)
        try:
            with pytest.raises(JsmTimeoutError):
                await js.services.request(f"{unique_name}.slow", timeout=0.3)
        finally:
            release.set()
