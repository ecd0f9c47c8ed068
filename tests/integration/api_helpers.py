"""A JetStream API on a private prefix whose replies the test chooses.

The server is real. A plain nats-py connection subscribes to ``<prefix>.>`` and answers
there, the way a broken proxy or a misconfigured import would: with a chosen body
(:class:`FakeApi`), or by passing what it does not intercept on to ``$JS.API`` (a
:class:`PrivateApi` subclass calling :meth:`PrivateApi.relay`). The manager under test is
connected with ``api_prefix=<prefix>``.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import TYPE_CHECKING, TypeVar

import nats

import jsm

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from nats.aio.client import Client
    from nats.aio.msg import Msg

    from jsm.testing import NatsServer

A = TypeVar("A", bound="PrivateApi")


class PrivateApi:
    """Answers the requests on ``<prefix>.>``; subclasses say how in :meth:`handle`."""

    def __init__(self, nc: Client, prefix: str) -> None:
        self.nc, self.prefix = nc, prefix

    def api_call(self, msg: Msg) -> str:
        """The request's subject after the prefix: ``STREAM.CREATE.ORDERS``."""
        return msg.subject[len(self.prefix) + 1 :]

    async def handle(self, msg: Msg) -> None:
        """Answer one request (by default: as the real API does)."""
        await self.relay(msg)

    async def relay(self, msg: Msg) -> None:
        """Ask the real API and answer with its reply."""
        reply = await self.nc.request(f"$JS.API.{self.api_call(msg)}", msg.data, timeout=5)
        await msg.respond(reply.data)


class FakeApi(PrivateApi):
    """Answers every request with :attr:`body`, and counts them."""

    def __init__(self, nc: Client, prefix: str) -> None:
        super().__init__(nc, prefix)
        self.body = b"{}"
        self.requests = 0

    async def handle(self, msg: Msg) -> None:
        self.requests += 1
        await msg.respond(self.body)


@contextlib.asynccontextmanager
async def private_api(
    nats_server: NatsServer, make: Callable[[Client, str], A]
) -> AsyncIterator[tuple[jsm.Manager, A]]:
    """A manager whose API requests ``make(nc, prefix)`` answers; closes both on exit."""
    nc = await nats.connect(nats_server.client_url)
    api = make(nc, f"PRIVATE_{uuid.uuid4().hex[:8]}.API")
    try:
        await nc.subscribe(f"{api.prefix}.>", cb=api.handle)
        # Opens the reply inbox a relay asks through, before any request needs it.
        await nc.request("$JS.API.INFO", b"", timeout=5)
        async with jsm.connect(nats_server.client_url, api_prefix=api.prefix) as js:
            yield js, api
    finally:
        await nc.close()
