"""Demo section: a small service (NATS micro protocol), called, discovered and measured."""

from __future__ import annotations

from typing import TYPE_CHECKING

import jsm

if TYPE_CHECKING:
    from collections.abc import Callable


async def services_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Run two instances of a greeting service, call it, and show discovery and stats."""
    instances = [js.services.add("greeter", "1.0.0", description="says hello") for _ in range(2)]
    for svc in instances:

        @svc.endpoint("hello", subject="demo.hello")
        async def hello(name: bytes) -> str:
            if not name:
                raise jsm.ServiceError(400, "tell me your name")
            return f"hello, {name.decode()}"

    async with instances[0].run(), instances[1].run():
        for who in (b"ada", b"grace", b"linus", b"barbara"):
            say((await js.services.request("demo.hello", who)).decode())
        try:
            await js.services.request("demo.hello", b"")
        except jsm.ServiceRequestError as err:
            say(f"empty request -> error {err.code}: {err.description}")
        for ping in await js.services.ping("greeter"):
            say(f"ping: {ping.name} {ping.version} instance {ping.id}")
        for stats in await js.services.stats("greeter"):
            entry = stats.endpoints[0]
            say(f"instance {stats.id}: {entry.num_requests} requests, {entry.num_errors} errors")
