"""A pull nobody serves (a consumer just created, or electing a leader) is pulled again.

"No responders" on a pull means nothing was delivered, so ``fetch``/``next`` pull again
within their wait; a deleted consumer still fails at once. The server is real; a relay on
a private API prefix answers the first pulls the way the server does when nobody listens
(an empty message with ``Status: 503``) and passes everything else to the real API.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

import jsm
from jsm import errors
from tests.integration.api_helpers import PrivateApi, private_api

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nats.aio.client import Client
    from nats.aio.msg import Msg

    from jsm.testing import NatsServer


class Relay(PrivateApi):
    """Answers the first ``unserved`` pulls with no responders; relays everything else."""

    def __init__(self, nc: Client, prefix: str) -> None:
        super().__init__(nc, prefix)
        self.unserved, self.pulls = 0, 0

    async def handle(self, msg: Msg) -> None:
        rest = self.api_call(msg)
        if rest.startswith("CONSUMER.MSG.NEXT."):
            self.pulls += 1
            if self.pulls <= self.unserved:
                await self.nc.publish(msg.reply, b"", headers={"Status": "503"})
                return
            # Passed on with the puller's own reply subject: a pull has many replies.
            await self.nc.publish(f"$JS.API.{rest}", msg.data, reply=msg.reply)
            return
        await self.relay(msg)


@pytest.fixture
async def relayed(nats_server: NatsServer) -> AsyncIterator[tuple[jsm.Manager, Relay]]:
    async with private_api(nats_server, Relay) as pair:
        yield pair


async def _worker(js: jsm.Manager, name: str) -> jsm.Consumer:
    stream = await js.streams.add(jsm.StreamConfig(name=name, subjects=[f"{name}.>"]))
    await js.publish(f"{name}.job", b"job")
    return await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))


async def test_fetch_and_next_pull_again_while_nobody_serves(
    js: jsm.Manager, relayed: tuple[jsm.Manager, Relay], unique_name: str
) -> None:
    through, relay = relayed
    await _worker(js, unique_name)
    worker = await (await through.streams.get(unique_name)).consumers.get("w")
    relay.unserved = 3
    batch = await worker.fetch(1, max_wait=timedelta(seconds=10))
    assert [msg.data for msg in batch] == [b"job"] and relay.pulls == 4
    await batch[0].nak()
    relay.unserved, relay.pulls = 2, 0
    msg = await worker.next(timeout=10)
    assert msg.data == b"job" and relay.pulls == 3
    await msg.ack()


async def test_a_deleted_consumer_still_fails_at_once(
    js: jsm.Manager, relayed: tuple[jsm.Manager, Relay], unique_name: str
) -> None:
    through, relay = relayed
    await _worker(js, unique_name)
    worker = await (await through.streams.get(unique_name)).consumers.get("w")
    await (await js.streams.get(unique_name)).consumers.delete("w")
    relay.unserved = 10_000
    with pytest.raises(errors.ConsumerNotFoundError):
        await worker.fetch(1, max_wait=timedelta(seconds=600))
    assert relay.pulls == 1


async def test_no_wait_and_an_exhausted_wait_say_nobody_served(
    js: jsm.Manager, relayed: tuple[jsm.Manager, Relay], unique_name: str
) -> None:
    through, relay = relayed
    await _worker(js, unique_name)
    worker = await (await through.streams.get(unique_name)).consumers.get("w")
    relay.unserved = 10_000
    with pytest.raises(errors.JetStreamUnavailableError, match="nobody served the pull"):
        await worker.fetch(1, no_wait=True)
    assert relay.pulls == 1
    with pytest.raises(errors.JetStreamUnavailableError, match="nobody served the pull"):
        await worker.fetch(1, max_wait=timedelta(seconds=1))
    assert relay.pulls > 2
