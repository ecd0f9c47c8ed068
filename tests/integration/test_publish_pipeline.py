"""The publishing pipeline on a real server: bounded, acked, failures never lost."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from nats.aio.msg import Msg
from tests.integration.consumer_helpers import make_stream


class _Boom(Exception):
    pass


async def test_pipeline_acks_every_message_in_order(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    futures = []
    async with js.publisher(max_pending=32) as pub:
        for index in range(500):
            futures.append(await pub.publish(f"{unique_name}.{index % 7}", str(index).encode()))
            assert pub.pending <= 32
    assert all(f.done() for f in futures)
    acks = [f.result() for f in futures]
    assert [a.seq for a in acks] == list(range(1, 501))
    assert {a.stream for a in acks} == {unique_name}
    assert pub.acked == pub.published == 500 and pub.pending == 0
    assert (await stream.info()).state.messages == 500
    assert (await stream.get_message(500)).data == b"499"


async def test_awaiting_a_future_gives_the_ack(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name, allow_msg_ttl=True)
    async with js.publisher() as pub:
        future = await pub.publish(
            f"{unique_name}.a", b"x", msg_id="m1", headers={"K": "v"}, ttl=60
        )
        ack = await future
        assert ack.seq == 1 and future.done() and future.msg_id == "m1"
        again = await (await pub.publish(f"{unique_name}.a", b"x", msg_id="m1"))
        assert again.duplicate and again.seq == 1


async def test_concurrent_publishers_get_gap_free_sequences(
    js: jsm.Manager, unique_name: str
) -> None:
    await make_stream(js, unique_name)
    seqs: list[int] = []

    async def one_by_one(worker: int) -> None:
        for index in range(50):
            seqs.append((await js.publish(f"{unique_name}.w{worker}", str(index).encode())).seq)

    async def pipelined(worker: int) -> None:
        async with js.publisher(max_pending=16) as pub:
            futures = [await pub.publish(f"{unique_name}.p{worker}", b"p") for _ in range(200)]
        seqs.extend(f.result().seq for f in futures)

    async with anyio.create_task_group() as tg:
        for worker in range(4):
            tg.start_soon(one_by_one, worker)
        for worker in range(2):
            tg.start_soon(pipelined, worker)
    assert sorted(seqs) == list(range(1, 4 * 50 + 2 * 200 + 1))


async def test_refused_message_fails_its_future_only(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    async with js.publisher() as pub:
        good = await pub.publish(f"{unique_name}.a", b"1")
        bad = await pub.publish(f"{unique_name}.a", b"2", expect=jsm.Expect(last_sequence=99))
        after = await pub.publish(f"{unique_name}.a", b"3")
        with pytest.raises(errors.StreamWrongLastSequenceError):
            await bad
    assert good.result().seq == 1 and after.result().seq == 2
    assert isinstance(bad.exception(), errors.StreamWrongLastSequenceError)
    assert (await stream.info()).state.messages == 2


async def test_unretrieved_failures_are_raised_on_exit(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name)
    with pytest.raises(errors.PublishFailedError, match="2 of 4 pipelined") as caught:
        async with js.publisher() as pub:
            await pub.publish(f"{unique_name}.a", b"1")
            await pub.publish(f"{unique_name}.a", b"x", expect=jsm.Expect(last_sequence=99))
            await pub.publish(f"{unique_name}.a", b"x", expect=jsm.Expect(stream="NOPE"))
            await pub.publish(f"{unique_name}.a", b"2")
    assert caught.value.failed == 2
    kinds = [type(e) for e in caught.value.errors]
    assert kinds == [errors.StreamWrongLastSequenceError, errors.StreamNotMatchError]
    assert isinstance(caught.value.__cause__, errors.StreamWrongLastSequenceError)


async def test_no_stream_fails_after_bounded_retries(js: jsm.Manager, unique_name: str) -> None:
    with anyio.fail_after(30):
        async with js.publisher(timeout=2) as pub:
            future = await pub.publish(f"{unique_name}.nowhere", b"x")
            with pytest.raises(errors.NoStreamError, match="nowhere"):
                await future


async def test_missing_ack_times_out(js: jsm.Manager, unique_name: str) -> None:
    # A plain subscriber takes the message and never answers: no stream, no 503 either.
    silent = await js.nc.subscribe(f"{unique_name}.silent")
    try:
        with anyio.fail_after(30):
            async with js.publisher(timeout=0.5) as pub:
                future = await pub.publish(f"{unique_name}.silent", b"x")
                with pytest.raises(errors.JsmTimeoutError, match=r"0\.5s"):
                    await future
                assert pub.retried == 0  # no msg_id: a second copy could be stored
    finally:
        await silent.unsubscribe()


async def test_exception_in_the_block_propagates_and_cleans_up(
    js: jsm.Manager, unique_name: str
) -> None:
    await make_stream(js, unique_name)
    subs_before = len(js.nc._subs)
    with pytest.raises(_Boom):
        async with js.publisher() as pub:
            for _ in range(20):
                await pub.publish(f"{unique_name}.a", b"x")
            raise _Boom
    assert len(js.nc._subs) == subs_before
    with pytest.raises(errors.ClosedError):
        await pub.publish(f"{unique_name}.a", b"x")


async def test_cancelled_block_cleans_up(js: jsm.Manager, unique_name: str) -> None:
    silent = await js.nc.subscribe(f"{unique_name}.silent")
    try:
        with anyio.move_on_after(0.3) as scope:
            async with js.publisher(timeout=30) as pub:
                future = await pub.publish(f"{unique_name}.silent", b"x")
                await anyio.sleep_forever()
        assert scope.cancelled_caught
        assert isinstance(future.exception(), errors.ClosedError)
    finally:
        await silent.unsubscribe()


async def test_waiting_for_room_is_back_pressure(js: jsm.Manager, unique_name: str) -> None:
    silent = await js.nc.subscribe(f"{unique_name}.silent")
    try:
        with anyio.move_on_after(0.5) as scope:
            async with js.publisher(max_pending=3, timeout=30) as pub:
                for _ in range(3):
                    await pub.publish(f"{unique_name}.silent", b"x")
                await pub.publish(f"{unique_name}.silent", b"x")  # no room: waits
        assert scope.cancelled_caught and pub.published == 3
    finally:
        await silent.unsubscribe()


async def test_publisher_bad_input(js: jsm.Manager, unique_name: str) -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(jsm.errors.InvalidOptionError, match="max_pending"):
            js.publisher(max_pending=bad)  # type: ignore[arg-type]  # wrong on purpose
    with pytest.raises(jsm.errors.InvalidOptionError, match="timeout"):
        js.publisher(timeout=0.1)
    pub = js.publisher()
    with pytest.raises(jsm.errors.ClosedError, match="async with"):
        await pub.publish(f"{unique_name}.a", b"x")
    async with pub:
        with pytest.raises(jsm.errors.InvalidNameError, match="wildcards"):
            await pub.publish(f"{unique_name}.>", b"x")
        with pytest.raises(jsm.errors.InvalidOptionError, match="max_payload"):
            await pub.publish(f"{unique_name}.a", b"x" * (js.nc.max_payload + 1))
        with pytest.raises(jsm.errors.InvalidOptionError, match="bytes"):
            await pub.publish(f"{unique_name}.a", "text")  # type: ignore[arg-type]  # wrong on purpose
        assert pub.pending == 0
    with pytest.raises(jsm.errors.ClosedError, match="already used"):
        async with pub:
            pass


async def test_future_before_its_ack_is_not_done(js: jsm.Manager, unique_name: str) -> None:
    silent = await js.nc.subscribe(f"{unique_name}.silent")
    try:
        async with js.publisher(timeout=0.5) as pub:
            future = await pub.publish(f"{unique_name}.silent", b"x")
            assert not future.done() and "pending" in repr(future)
            with pytest.raises(asyncio.InvalidStateError):
                future.result()
            with pytest.raises(asyncio.InvalidStateError):
                future.exception()
            with pytest.raises(errors.JsmTimeoutError):
                await future
    finally:
        await silent.unsubscribe()


async def test_lost_ack_is_resent_only_with_a_msg_id(js: jsm.Manager, unique_name: str) -> None:
    # A stand-in for a stream whose leader moved: the first delivery goes unanswered (the
    # ack is lost), the second is acknowledged as the duplicate it is.
    seen: list[str | None] = []

    async def answer(msg: Msg) -> None:
        seen.append(msg.headers.get("Nats-Msg-Id") if msg.headers else None)
        if len(seen) > 1:
            await msg.respond(b'{"stream":"S","seq":7,"duplicate":true}')

    responder = await js.nc.subscribe(f"{unique_name}.lossy", cb=answer)
    try:
        with anyio.fail_after(30):
            # Each try waits a third of the timeout: the second comes after 1 s.
            async with js.publisher(timeout=3) as pub:
                future = await pub.publish(f"{unique_name}.lossy", b"x", msg_id="once")
                ack = await future
                assert pub.retried == 1
        assert seen == ["once", "once"] and ack.seq == 7 and ack.duplicate
    finally:
        await responder.unsubscribe()


async def test_unavailable_reply_is_resent(js: jsm.Manager, unique_name: str) -> None:
    # A 503 error reply (no leader yet) means the message was not stored: send it again.
    replies = [
        b'{"error":{"code":503,"err_code":10008,"description":"JetStream system temporarily'
        b' unavailable"}}',
        b'{"stream":"S","seq":1}',
    ]

    async def answer(msg: Msg) -> None:
        await msg.respond(replies.pop(0))

    responder = await js.nc.subscribe(f"{unique_name}.electing", cb=answer)
    try:
        with anyio.fail_after(30):
            async with js.publisher() as pub:
                ack = await (await pub.publish(f"{unique_name}.electing", b"x"))
                assert pub.retried == 1 and ack.seq == 1 and replies == []
    finally:
        await responder.unsubscribe()


async def test_unavailable_until_the_deadline_fails(js: jsm.Manager, unique_name: str) -> None:
    asked: list[bytes] = []

    async def answer(msg: Msg) -> None:
        asked.append(msg.data)
        await msg.respond(b'{"error":{"code":503,"err_code":10008,"description":"unavailable"}}')

    responder = await js.nc.subscribe(f"{unique_name}.down", cb=answer)
    try:
        with anyio.fail_after(30):
            async with js.publisher(timeout=1) as pub:
                future = await pub.publish(f"{unique_name}.down", b"x")
                with pytest.raises(errors.ClusterNotAvailError):
                    await future
                # Re-sent with backoff until the deadline, not for a number of tries.
                assert pub.retried >= 2 and len(asked) == pub.retried + 1
    finally:
        await responder.unsubscribe()
