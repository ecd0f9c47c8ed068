"""A stream create that meets nats-server's clean-up of a deleted stream's directory.

After a stream is deleted, nats-server removes the account's emptied streams directory in
a goroutine; a create that lands in between fails with 10049 "error creating store for
stream" and leaves nothing behind. The race needs the server's scheduling to line up, so
here a relay in front of the real API answers the first creates with exactly that reply
and passes the rest through: the stream is created for real on the real server.
"""

from __future__ import annotations

import json
import logging
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

RACE = json.dumps(
    {
        "type": "io.nats.jetstream.api.v1.stream_create_response",
        "error": {"code": 500, "err_code": 10049, "description": "error creating store for stream"},
    }
).encode()
OTHER = json.dumps(
    {
        "type": "io.nats.jetstream.api.v1.stream_create_response",
        "error": {"code": 500, "err_code": 10049, "description": "replicas > 1 not supported"},
    }
).encode()


class Relay(PrivateApi):
    """Answers the first ``fail`` stream creates with ``body``; relays everything else."""

    def __init__(self, nc: Client, prefix: str) -> None:
        super().__init__(nc, prefix)
        self.fail, self.body, self.creates = 0, RACE, 0

    async def handle(self, msg: Msg) -> None:
        if self.api_call(msg).startswith("STREAM.CREATE."):
            self.creates += 1
            if self.creates <= self.fail:
                await msg.respond(self.body)
                return
        await self.relay(msg)


@pytest.fixture
async def relayed(nats_server: NatsServer) -> AsyncIterator[tuple[jsm.Manager, Relay]]:
    async with private_api(nats_server, Relay) as pair:
        yield pair


async def test_a_create_that_met_the_race_is_tried_again(
    js: jsm.Manager, relayed: tuple[jsm.Manager, Relay], unique_name: str
) -> None:
    through, relay = relayed
    relay.fail = 2
    stream = await through.streams.add(jsm.StreamConfig(name=unique_name, subjects=["race.>"]))
    assert relay.creates == 3
    assert (await (await js.streams.get(stream.name)).info()).config.subjects == ["race.>"]


async def test_buckets_are_created_through_the_same_retry(
    js: jsm.Manager, relayed: tuple[jsm.Manager, Relay], unique_name: str
) -> None:
    through, relay = relayed
    relay.fail = 1
    kv = await through.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    assert relay.creates == 2
    relay.fail, relay.creates = 2, 0
    store = await through.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    assert relay.creates == 3
    await js.kv.get(kv.bucket)
    await js.objects.get(store.bucket)


async def test_the_race_gives_up_after_a_few_tries(
    relayed: tuple[jsm.Manager, Relay], unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    through, relay = relayed
    relay.fail = 100
    caplog.set_level(logging.DEBUG, logger="jsm")
    with pytest.raises(errors.StreamCreateError, match="error creating store"):
        await through.streams.add(jsm.StreamConfig(name=unique_name, subjects=["race.>"]))
    assert relay.creates == 4
    assert sum("store-directory race" in r.getMessage() for r in caplog.records) == 3


async def test_other_create_errors_are_not_retried(
    relayed: tuple[jsm.Manager, Relay], unique_name: str
) -> None:
    through, relay = relayed
    relay.fail, relay.body = 100, OTHER
    with pytest.raises(errors.StreamCreateError, match="replicas > 1"):
        await through.streams.add(jsm.StreamConfig(name=unique_name, subjects=["race.>"]))
    assert relay.creates == 1
