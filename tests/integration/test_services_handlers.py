"""Handler shapes and corner cases: wildcards, headers, no reply wanted, answering twice, stats handler."""

from __future__ import annotations

import inspect

import anyio

import jsm
import jsm.services
from tests.integration.consumer_helpers import eventually


async def test_wildcard_subjects_headers_and_empty_replies(
    js: jsm.Manager, unique_name: str
) -> None:
    svc = js.services.add(unique_name, "1.0.0")
    seen: list[tuple[str, str | None]] = []

    @svc.endpoint("any", subject=f"{unique_name}.*.get")
    async def any_get(request: jsm.ServiceRequest) -> None:
        seen.append((request.subject, request.headers.get("Trace")))

    @svc.endpoint("twice", subject=f"{unique_name}.twice")
    async def twice(request: jsm.ServiceRequest) -> None:
        await request.respond(b"first")
        await request.respond(b"second")

    async with svc.run():
        reply = await js.services.request(f"{unique_name}.users.get", headers={"Trace": "t1"})
        assert reply == b""  # nothing returned and no respond(): an empty reply
        await js.nc.publish(f"{unique_name}.orders.get", b"no reply wanted")

        async def both_seen() -> bool:
            return len(seen) == 2

        await eventually(both_seen)
        assert seen == [(f"{unique_name}.users.get", "t1"), (f"{unique_name}.orders.get", None)]
        assert await js.services.request(f"{unique_name}.twice") == b"first"
        [stats] = await js.services.stats(unique_name, timeout=10)
        by_name = {entry.name: entry for entry in stats.endpoints}
        assert (by_name["any"].num_requests, by_name["any"].num_errors) == (2, 0)
        twice_stats = by_name["twice"]
        assert (twice_stats.num_errors, twice_stats.last_error) == (1, "500:internal error")


async def test_a_failing_stats_handler_does_not_silence_stats(
    js: jsm.Manager, unique_name: str
) -> None:
    def broken(entry: jsm.models.EndpointStats) -> object:
        raise RuntimeError("no data today")

    svc = js.services.add(unique_name, "1.0.0", stats_handler=broken)
    svc.add_endpoint("e", _echo, subject=f"{unique_name}.e")
    async with svc.run():
        [stats] = await js.services.stats(unique_name, timeout=10)
    assert stats.endpoints[0].data is None


async def _echo(data: bytes) -> bytes:
    return data


async def test_discovery_results_are_gathered_once(js: jsm.Manager, unique_name: str) -> None:
    svc = js.services.add(unique_name, "1.0.0")
    async with svc.run():
        found = js.services.ping(unique_name, timeout=10)
        first = await found
        assert [p.id async for p in found] == [p.id for p in first] == [svc.id]
        async for _ in js.services.info(unique_name):
            break  # leaving early holds nothing open (the fixture checks)
        with anyio.fail_after(5):  # one id asked for: no waiting for the quiet period
            assert len(await js.services.stats(unique_name, svc.id, timeout=30, quiet=30)) == 1


def test_the_services_package_exports_documented_names() -> None:
    for name in jsm.services.__all__:
        value = getattr(jsm.services, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), name
