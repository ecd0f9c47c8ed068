"""API requests that only read ride through an election: retried until their deadline.

A leader election answers with "JetStream system temporarily unavailable" (10008) or
leaves a subject without responders for seconds, longer than any fixed number of
tries. So reads retry until their deadline (``jsm.Retry(attempts=...)`` still caps the
tries, ``attempts=1`` turns retries off). What cannot pass by itself fails at once: at
the first "no responders", one look-up tells whether JetStream answers at all
(``$JS.API.INFO``), and for a direct get whether the stream exists with direct gets on.
Stand-in responders behind an API prefix play a JetStream that is electing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream

if TYPE_CHECKING:
    from nats.aio.msg import Msg

    from jsm.testing import NatsServer

UNAVAILABLE = (
    b'{"error":{"code":503,"err_code":10008,"description":"JetStream system temporarily'
    b' unavailable"}}'
)
GUARD = 20.0
"""Seconds a request that must fail at once may take: far below its 60 s timeout."""


async def account_info_reply(js: jsm.Manager) -> bytes:
    """A real ``$JS.API.INFO`` reply, for a stand-in to send."""
    return (await js.api.request_msg("INFO", timeout=5)).data


async def test_transient_errors_are_retried_until_the_deadline(
    nats_server: NatsServer, js: jsm.Manager, unique_name: str
) -> None:
    prefix = f"{unique_name}.API"
    good = await account_info_reply(js)
    replies = [UNAVAILABLE] * 12 + [good]  # more than any fixed budget of tries

    async def answer(msg: Msg) -> None:
        await msg.respond(replies.pop(0))

    async with jsm.connect(nats_server.client_url, api_prefix=prefix, timeout=60) as electing:
        responder = await electing.nc.subscribe(f"{prefix}.INFO", cb=answer)
        try:
            with anyio.fail_after(GUARD):
                info = await electing.account_info()
            assert info.api_level is not None and replies == []
        finally:
            await responder.unsubscribe()


async def test_no_responders_are_retried_until_the_deadline_while_jetstream_answers(
    nats_server: NatsServer, js: jsm.Manager, unique_name: str
) -> None:
    prefix = f"{unique_name}.API"
    good = await account_info_reply(js)

    async def answer(msg: Msg) -> None:
        await msg.respond(good)

    async with jsm.connect(nats_server.client_url, api_prefix=prefix, timeout=60) as electing:
        # JetStream answers; the stream's API subject gets a responder only three seconds
        # later (as a new leader would), long after a fixed budget of tries ran out.
        alive = await electing.nc.subscribe(f"{prefix}.INFO", cb=answer)
        late: list[object] = []

        async def respond_later() -> None:
            await anyio.sleep(3)
            late.append(await electing.nc.subscribe(f"{prefix}.STREAM.NAMES", cb=names))

        async def names(msg: Msg) -> None:
            await msg.respond(
                json.dumps({"total": 1, "offset": 0, "limit": 1024, "streams": ["S"]}).encode()
            )

        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(respond_later)
                with anyio.fail_after(GUARD):
                    assert [name async for name in electing.streams.names()] == ["S"]
        finally:
            await alive.unsubscribe()
            for sub in late:
                await sub.unsubscribe()  # type: ignore[attr-defined]  # nats-py Subscription


async def test_retries_stop_after_the_given_attempts(
    nats_server: NatsServer, unique_name: str
) -> None:
    prefix = f"{unique_name}.API"
    asked: list[bytes] = []

    async def answer(msg: Msg) -> None:
        asked.append(msg.data)
        await msg.respond(UNAVAILABLE)

    async with jsm.connect(
        nats_server.client_url, api_prefix=prefix, timeout=60, retry=jsm.Retry(attempts=3)
    ) as js:
        responder = await js.nc.subscribe(f"{prefix}.INFO", cb=answer)
        try:
            with anyio.fail_after(GUARD), pytest.raises(errors.ClusterNotAvailError):
                await js.account_info()
            assert len(asked) == 3
        finally:
            await responder.unsubscribe()


async def test_a_domain_without_jetstream_fails_at_once(js: jsm.Manager) -> None:
    lost = jsm.Manager(js.nc, domain="nowhere", timeout=60)
    with anyio.fail_after(GUARD), pytest.raises(errors.JetStreamUnavailableError, match="nowhere"):
        await lost.streams.get("ORDERS")
    with anyio.fail_after(GUARD), pytest.raises(errors.JetStreamUnavailableError, match="nowhere"):
        await lost.account_info()


async def test_a_direct_get_nothing_can_answer_fails_at_once(
    nats_server: NatsServer, unique_name: str
) -> None:
    async with jsm.connect(nats_server.client_url, timeout=60) as js:
        stream = await make_stream(js, unique_name)  # direct gets off
        await js.publish(f"{unique_name}.a", b"x")
        with anyio.fail_after(GUARD), pytest.raises(errors.JetStreamUnavailableError):
            await stream.get_message(last_by_subject=f"{unique_name}.a", direct=True)
        await stream.delete()
        # Memory storage: on a shared server, creating a file stream right after another
        # was deleted races nats-server 2.15's clean-up (error creating store, 10049).
        kv = await js.kv.create(
            jsm.KeyValueConfig(bucket=unique_name, storage=jsm.StorageType.MEMORY)
        )
        await js.kv.delete(unique_name)
        with anyio.fail_after(GUARD), pytest.raises(errors.BucketNotFoundError):
            await kv.get("k")
