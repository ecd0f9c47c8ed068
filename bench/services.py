"""Service request/reply: a jsm service endpoint against a raw nats-py subscription handler.

Both sides answer the same requests from the same requesting connection, against the
same server, in the same run: an echo of 128 bytes, and a JSON add (pydantic model in
and out for jsm, ``json.loads``/``json.dumps`` for the raw handler). Requests are sent
one after another, then by several concurrent requesters.

Run: python -m bench.services [nats://host:port]  (without a URL an embedded server is started)
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING

import nats
import nats.errors
from pydantic import BaseModel

import jsm
from bench._common import Measurement, Row, best_of_alternating, report

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nats.aio.client import Client
    from nats.aio.msg import Msg

REQUESTS = 3_000
CONCURRENT = 16
CONCURRENT_REQUESTS = 12_000
ROUNDS = 5
PAYLOAD = b"x" * 128
ADD = json.dumps({"a": 20, "b": 22}).encode()


class AddRequest(BaseModel):
    a: int
    b: int


class AddResponse(BaseModel):
    sum: int


def _jsm_service(nc: Client) -> jsm.Service:
    svc = jsm.Service(nc, "bench", version="1.0.0")

    @svc.endpoint("echo", subject="bench.jsm.echo")
    async def echo(data: bytes) -> bytes:
        return data

    @svc.endpoint("add", subject="bench.jsm.add")
    async def add(request: AddRequest) -> AddResponse:
        return AddResponse(sum=request.a + request.b)

    return svc


async def _raw_echo(msg: Msg) -> None:
    await msg.respond(msg.data)


async def _raw_add(msg: Msg) -> None:
    body = json.loads(msg.data)
    await msg.respond(json.dumps({"sum": body["a"] + body["b"]}).encode())


def _total(concurrency: int) -> int:
    return REQUESTS if concurrency == 1 else CONCURRENT_REQUESTS


def _requests(
    client: Client, subject: str, payload: bytes, *, concurrency: int
) -> Callable[[], Awaitable[None]]:
    async def requester(count: int) -> None:
        for _ in range(count):
            await client.request(subject, payload, timeout=5)

    async def work() -> None:
        share = _total(concurrency) // concurrency
        await asyncio.gather(*(requester(share) for _ in range(concurrency)))

    return work


async def _pair(
    label: str, client: Client, kind: str, payload: bytes, concurrency: int
) -> list[Measurement]:
    """Both sides' best of ROUNDS runs, alternating who goes first."""
    count = _total(concurrency) // concurrency * concurrency
    return await best_of_alternating(
        label,
        count,
        _requests(client, f"bench.jsm.{kind}", payload, concurrency=concurrency),
        _requests(client, f"bench.raw.{kind}", payload, concurrency=concurrency),
        rounds=ROUNDS,
    )


async def _until_served(client: Client, subject: str) -> None:
    """A new subscription can take a moment to be seen from another connection."""
    for _ in range(100):
        try:
            await client.request(subject, ADD, timeout=1)
            return
        except nats.errors.NoRespondersError:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"nobody serves {subject}")


async def _run(url: str) -> list[Measurement]:
    server_nc = await nats.connect(url)
    client = await nats.connect(url)
    results: list[Measurement] = []
    try:
        raw_subs = [
            await server_nc.subscribe("bench.raw.echo", queue="q", cb=_raw_echo),
            await server_nc.subscribe("bench.raw.add", queue="q", cb=_raw_add),
        ]
        async with _jsm_service(server_nc).run():
            for subject in ("bench.raw.echo", "bench.raw.add", "bench.jsm.echo", "bench.jsm.add"):
                await _until_served(client, subject)
            for kind, payload in (("echo", PAYLOAD), ("add", ADD)):
                for concurrency in (1, CONCURRENT):
                    label = f"{kind} x{concurrency}"
                    results += await _pair(label, client, kind, payload, concurrency)
        for sub in raw_subs:
            await sub.unsubscribe()
    finally:
        await client.close()
        await server_nc.close()
    return results


async def main(url: str | None) -> None:
    if url is None:
        from jsm.testing import run_server

        async with run_server() as server:
            results = await _run(server.client_url)
    else:
        results = await _run(url)
    ratios = {}
    for kind in ("echo", "add"):
        for concurrency in (1, CONCURRENT):
            label = f"{kind} x{concurrency}"
            ratios[f"{label} jsm/nats-py"] = (f"jsm {label}", f"nats-py {label}")
    rows = [
        Row(
            f"service {kind} x{concurrency}",
            f"jsm {kind} x{concurrency}",
            f"nats-py {kind} x{concurrency}",
        )
        for kind in ("echo", "add")
        for concurrency in (1, CONCURRENT)
    ]
    report("Services: request/reply through an endpoint", results, ratios, unit="req/s", rows=rows)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None))
