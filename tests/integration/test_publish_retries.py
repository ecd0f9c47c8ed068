"""What a publish retries, and what it reports when it cannot: on a real server.

Only known-transient conditions are retried ("no responders", err_code 10008/10163);
a full stream fails at once. A subject no stream captures fails at once with
``NoStreamError``; a lost acknowledgement is retried only under a ``msg_id``, and a
timeout without one says that the outcome is unknown. Stand-in responders (plain
subscribers on a subject no stream captures) play a stream that loses or delays acks.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream

if TYPE_CHECKING:
    from nats.aio.msg import Msg
    from nats.aio.subscription import Subscription

UNAVAILABLE = (
    b'{"error":{"code":503,"err_code":10008,"description":"JetStream system temporarily'
    b' unavailable"}}'
)
FULL = b'{"error":{"code":503,"err_code":10077,"description":"maximum bytes exceeded"}}'


def retry_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The debug lines jsm logs for each retry or re-send."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("jsm") and ("retry" in r.getMessage() or "again" in r.getMessage())
    ]


async def copies(js: jsm.Manager, sub: Subscription) -> int:
    """How many messages ``sub`` has received so far (all of them, after a flush)."""
    await js.nc.flush()
    return sub.pending_msgs


# ------------------------------------------------------------ final errors are not retried


async def test_full_stream_fails_a_publish_at_once(
    js: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    await make_stream(js, unique_name, max_msgs=1, discard=jsm.DiscardPolicy.NEW)
    await js.publish(f"{unique_name}.a", b"1")
    sent = await js.nc.subscribe(f"{unique_name}.a")
    try:
        with (
            caplog.at_level(logging.DEBUG, logger="jsm"),
            pytest.raises(errors.StreamStoreFailedError, match="maximum messages"),
        ):
            await js.publish(f"{unique_name}.a", b"2")
        assert await copies(js, sent) == 1
        assert retry_lines(caplog) == []
    finally:
        await sent.unsubscribe()


async def test_full_stream_fails_a_pipelined_publish_at_once(
    js: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    await make_stream(js, unique_name, max_bytes=120, discard=jsm.DiscardPolicy.NEW)
    sent = await js.nc.subscribe(f"{unique_name}.a")
    try:
        with caplog.at_level(logging.DEBUG, logger="jsm"):
            async with js.publisher() as pub:
                first = await pub.publish(f"{unique_name}.a", b"x" * 40)
                second = await pub.publish(f"{unique_name}.a", b"x" * 40, msg_id="m-2")
                await pub.wait()
                assert first.exception() is None
                failure = second.exception()
                assert isinstance(failure, errors.StreamStoreFailedError)
                assert failure.err_code == 10077 and "maximum bytes" in str(failure)
                assert pub.retried == 0
        assert await copies(js, sent) == 2
        assert retry_lines(caplog) == []
    finally:
        await sent.unsubscribe()


async def test_full_bucket_fails_a_put_at_once(
    js: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, max_bytes=256))
    sent = await js.nc.subscribe(f"$KV.{unique_name}.>")
    try:
        with (
            caplog.at_level(logging.DEBUG, logger="jsm"),
            pytest.raises(errors.StreamStoreFailedError, match="maximum bytes"),
        ):
            for index in range(100):
                await kv.put(f"k{index}", b"v" * 32)
        stored = (await kv.status()).values
        assert await copies(js, sent) == stored + 1  # one try for the put that failed
        assert retry_lines(caplog) == []
    finally:
        await sent.unsubscribe()


async def test_api_request_retries_only_transient_errors(
    nats_server: object, unique_name: str
) -> None:
    # A stand-in JetStream API behind a prefix answers account info with an error.
    prefix = f"{unique_name}.API"
    url = nats_server.client_url  # type: ignore[attr-defined]  # a jsm.testing.NatsServer
    async with jsm.connect(url, api_prefix=prefix, retry=jsm.Retry(attempts=4)) as js:
        for reply, tries in ((FULL, 1), (UNAVAILABLE, 4)):
            asked: list[bytes] = []

            async def answer(msg: Msg, reply: bytes = reply, asked: list[bytes] = asked) -> None:
                asked.append(msg.data)
                await msg.respond(reply)

            responder = await js.nc.subscribe(f"{prefix}.INFO", cb=answer)
            try:
                with anyio.fail_after(30), pytest.raises(errors.ServiceUnavailableError):
                    await js.account_info()
                assert len(asked) == tries
            finally:
                await responder.unsubscribe()


# ------------------------------------------------------------ no stream, no answer


async def test_publish_to_a_subject_no_stream_captures_fails_fast(
    js: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    names = await js.nc.subscribe(js.api.subjects.api("STREAM.NAMES"))
    try:
        with (
            caplog.at_level(logging.DEBUG, logger="jsm"),
            anyio.fail_after(30),
            pytest.raises(errors.NoStreamError, match=f"{unique_name}.nowhere") as caught,
        ):
            await js.publish(f"{unique_name}.nowhere", b"x", timeout=30)
        assert "create a stream" in str(caught.value)
        assert await copies(js, names) == 1  # one look-up, at the first "no responders"
        assert retry_lines(caplog) == []
    finally:
        await names.unsubscribe()


async def test_pipelined_publish_to_a_subject_no_stream_captures_fails_fast(
    js: jsm.Manager, unique_name: str
) -> None:
    with anyio.fail_after(30):
        async with js.publisher(timeout=30) as pub:
            futures = [await pub.publish(f"{unique_name}.nowhere", b"x") for _ in range(20)]
            await pub.wait()
            for future in futures:
                assert isinstance(future.exception(), errors.NoStreamError)


async def test_unanswered_publish_with_retries_off_fails_at_once(
    nats_server: object, unique_name: str
) -> None:
    url = nats_server.client_url  # type: ignore[attr-defined]  # a jsm.testing.NatsServer
    async with jsm.connect(url, retry=jsm.Retry(attempts=1)) as js:
        with anyio.fail_after(30), pytest.raises(errors.NoStreamError):
            await js.publish(f"{unique_name}.nowhere", b"x", timeout=30)


async def test_transient_error_reply_is_retried_until_answered(
    js: jsm.Manager, unique_name: str
) -> None:
    replies = [UNAVAILABLE, UNAVAILABLE, b'{"stream":"S","seq":3}']

    async def answer(msg: Msg) -> None:
        await msg.respond(replies.pop(0))

    responder = await js.nc.subscribe(f"{unique_name}.electing", cb=answer)
    try:
        with anyio.fail_after(30):
            ack = await js.publish(f"{unique_name}.electing", b"x")
        assert ack.seq == 3 and replies == []
    finally:
        await responder.unsubscribe()


# ------------------------------------------------------------ lost acknowledgements


async def test_timeout_without_msg_id_says_the_outcome_is_unknown(
    js: jsm.Manager, unique_name: str
) -> None:
    silent = await js.nc.subscribe(f"{unique_name}.silent")
    try:
        with anyio.fail_after(30), pytest.raises(errors.JsmTimeoutError) as caught:
            await js.publish(f"{unique_name}.silent", b"x", timeout=1)
        assert type(caught.value) is errors.JsmTimeoutError
        assert "outcome is unknown" in str(caught.value) and "msg_id" in str(caught.value)
        assert await copies(js, silent) == 1  # never sent twice: it may have been stored
    finally:
        await silent.unsubscribe()


async def test_timeout_with_msg_id_is_sent_again_within_the_timeout(
    js: jsm.Manager, unique_name: str
) -> None:
    silent = await js.nc.subscribe(f"{unique_name}.silent")
    try:
        with anyio.fail_after(30), pytest.raises(errors.JsmTimeoutError) as caught:
            await js.publish(f"{unique_name}.silent", b"x", msg_id="once", timeout=3)
        assert "'once'" in str(caught.value) and "safe" in str(caught.value)
        tries = await copies(js, silent)
        assert 2 <= tries <= 3  # a third of the timeout per try
        for _ in range(tries):
            msg = await silent.next_msg(timeout=1)
            assert msg.headers is not None and msg.headers["Nats-Msg-Id"] == "once"
    finally:
        await silent.unsubscribe()


async def test_lost_ack_with_msg_id_gets_the_ack_of_the_next_try(
    js: jsm.Manager, unique_name: str
) -> None:
    # The first try is taken and never answered (its stream leader died); the second is
    # acknowledged as the duplicate it is.
    seen: list[str | None] = []

    async def answer(msg: Msg) -> None:
        seen.append(msg.headers.get("Nats-Msg-Id") if msg.headers else None)
        if len(seen) > 1:
            await msg.respond(b'{"stream":"S","seq":7,"duplicate":true}')

    responder = await js.nc.subscribe(f"{unique_name}.lossy", cb=answer)
    try:
        with anyio.fail_after(30):
            ack = await js.publish(f"{unique_name}.lossy", b"x", msg_id="m", timeout=3)
        assert seen == ["m", "m"] and ack.seq == 7 and ack.duplicate
    finally:
        await responder.unsubscribe()


async def test_pipeline_timeout_without_msg_id_says_the_outcome_is_unknown(
    js: jsm.Manager, unique_name: str
) -> None:
    silent = await js.nc.subscribe(f"{unique_name}.silent")
    try:
        with anyio.fail_after(30):
            async with js.publisher(timeout=1) as pub:
                plain = await pub.publish(f"{unique_name}.silent", b"x")
                keyed = await pub.publish(f"{unique_name}.silent", b"x", msg_id="k")
                await pub.wait()
                plain_error, keyed_error = plain.exception(), keyed.exception()
        assert type(plain_error) is errors.JsmTimeoutError
        assert "outcome is unknown" in str(plain_error) and "a msg_id" in str(plain_error)
        assert type(keyed_error) is errors.JsmTimeoutError and "'k'" in str(keyed_error)
        assert pub.retried == 1  # the keyed one, once: each try waits 0.5 s (the floor)
        assert await copies(js, silent) == 3
    finally:
        await silent.unsubscribe()
