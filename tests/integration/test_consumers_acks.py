"""Acknowledgements on a real server: ack, ack_sync, nak with delay, in_progress, term, next."""

from __future__ import annotations

from datetime import timedelta

import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import eventually, make_stream, publish


async def _worker(js: jsm.Manager, name: str, **fields: object) -> jsm.Consumer:
    stream = await make_stream(js, name)
    config = jsm.ConsumerConfig.model_validate(
        {"durable_name": "w", "ack_wait": timedelta(seconds=1)} | fields
    )
    return await stream.consumers.add(config)


async def test_metadata_comes_from_the_ack_subject(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name)
    await publish(js, f"{unique_name}.a", 3)
    msgs = await worker.fetch(3, max_wait=2)
    meta = msgs[1].metadata
    assert (meta.stream, meta.consumer) == (unique_name, "w")
    assert (meta.sequence.stream, meta.sequence.consumer) == (2, 2)
    assert meta.num_delivered == 1 and meta.num_pending == 1
    assert meta.timestamp.tzinfo is not None
    assert meta.domain is None


async def test_acked_messages_are_not_redelivered(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name)
    await publish(js, f"{unique_name}.a", 2)
    for msg in await worker.fetch(2, max_wait=2):
        await msg.ack()
        assert msg.is_acked

    async def floor_reached() -> bool:
        return (await worker.info()).ack_floor.stream_seq == 2

    await eventually(floor_reached)
    assert await worker.fetch(2, max_wait=1.5) == []  # ack_wait of 1 s has passed


async def test_ack_sync_waits_for_the_server(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name)
    await publish(js, f"{unique_name}.a", 1)
    (msg,) = await worker.fetch(1, max_wait=2)
    await msg.ack_sync(timeout=2)
    assert (await worker.info()).num_ack_pending == 0


async def test_acking_twice_raises_a_clear_error(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name)
    await publish(js, f"{unique_name}.a", 1)
    (msg,) = await worker.fetch(1, max_wait=2)
    await msg.ack()
    with pytest.raises(errors.AckError, match=r"already acknowledged with ack\(\)"):
        await msg.ack()
    with pytest.raises(errors.AckError, match="already"):
        await msg.nak()
    with pytest.raises(errors.AckError, match="already"):
        await msg.term()


async def test_ack_on_ack_policy_none_raises_before_the_wire(
    js: jsm.Manager, unique_name: str
) -> None:
    worker = await _worker(js, unique_name, ack_policy="none", ack_wait=None)
    await publish(js, f"{unique_name}.a", 1)
    (msg,) = await worker.fetch(1, max_wait=2)
    for verb in (msg.ack, msg.ack_sync, msg.nak, msg.in_progress, msg.term):
        with pytest.raises(errors.AckError, match="ack_policy 'none'"):
            await verb()


async def test_nak_redelivers_and_counts_deliveries(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name, ack_wait=timedelta(seconds=30))
    await publish(js, f"{unique_name}.a", 1)
    (first,) = await worker.fetch(1, max_wait=2)
    await first.nak()
    (again,) = await worker.fetch(1, max_wait=2)
    assert again.data == first.data and again.metadata.num_delivered == 2
    await again.nak(delay=timedelta(milliseconds=600))
    assert await worker.fetch(1, max_wait=0.2) == []  # held back by the delay
    (third,) = await worker.fetch(1, max_wait=3)
    assert third.metadata.num_delivered == 3
    await third.ack()


async def test_in_progress_extends_the_ack_wait(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name, ack_wait=timedelta(seconds=2))
    await publish(js, f"{unique_name}.a", 1)
    (msg,) = await worker.fetch(1, max_wait=2)
    for _ in range(3):
        await msg.in_progress()  # may be sent many times
        assert await worker.fetch(1, max_wait=0.8) == []  # 2.4 s in all: past the ack wait
    assert not msg.is_acked
    await msg.ack_sync()


async def test_term_stops_redelivery(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(js, unique_name)
    await publish(js, f"{unique_name}.a", 1)
    (msg,) = await worker.fetch(1, max_wait=2)
    await msg.term(reason="cannot parse")
    assert await worker.fetch(1, max_wait=1.5) == []


async def test_next_acks_and_returns_the_following_message(
    js: jsm.Manager, unique_name: str
) -> None:
    worker = await _worker(js, unique_name, ack_wait=timedelta(seconds=30))
    await publish(js, f"{unique_name}.a", 2)
    (first,) = await worker.fetch(1, max_wait=2)
    second = await first.next(timeout=2)
    assert second.data == b"1" and first.is_acked
    with pytest.raises(errors.JsmTimeoutError):
        await second.next(timeout=0.5)


async def test_max_deliver_and_backoff(js: jsm.Manager, unique_name: str) -> None:
    worker = await _worker(
        js,
        unique_name,
        ack_wait=None,
        max_deliver=2,
        backoff=[timedelta(milliseconds=200)],
    )
    assert worker.config.backoff == [timedelta(milliseconds=200)]
    await publish(js, f"{unique_name}.a", 1)
    (first,) = await worker.fetch(1, max_wait=2)
    (second,) = await worker.fetch(1, max_wait=2)  # redelivered after the first backoff
    assert second.metadata.num_delivered == 2
    assert await worker.fetch(1, max_wait=1) == []  # max_deliver reached
    assert first.data == second.data


@pytest.mark.parametrize("reason", [5, b"bytes", "bad \ud800"], ids=repr)
async def test_a_term_reason_that_is_not_text_is_refused(
    js: jsm.Manager, unique_name: str, reason: object
) -> None:
    # It raised AttributeError (no .encode) or UnicodeEncodeError.
    worker = await _worker(js, unique_name)
    await publish(js, f"{unique_name}.a", 1)
    (msg,) = await worker.fetch(1, max_wait=2)
    with pytest.raises(errors.InvalidOptionError, match="reason"):
        await msg.term(reason=reason)  # type: ignore[arg-type]  # wrong on purpose
    assert not msg.is_acked
    await msg.term(reason="cannot parse")
