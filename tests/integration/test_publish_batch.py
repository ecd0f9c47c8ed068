"""Atomic batch publishing (ADR-50) on a real server: all or nothing."""

from __future__ import annotations

import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream


class _Boom(Exception):
    pass


async def test_batch_commits_every_message_at_once(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name, allow_atomic=True)
    await js.publish(f"{unique_name}.before", b"0")
    async with js.batch() as batch:
        for index in range(5):
            await batch.add(f"{unique_name}.{index % 2}", str(index).encode())
        assert batch.size == 5
        # Nothing is stored before the commit.
        assert (await stream.info()).state.messages == 1
    ack = batch.ack
    assert ack is not None and ack.batch == batch.batch_id and ack.count == 5
    assert ack.seq == 6
    stored = [await stream.get_message(seq) for seq in range(2, 7)]
    assert [m.data for m in stored] == [b"0", b"1", b"2", b"3", b"4"]
    last = stored[-1].headers
    assert last is not None and last["Nats-Batch-Commit"] == "1"


async def test_batch_larger_than_the_flow_interval(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name, allow_atomic=True)
    async with js.batch(batch_id="big-one") as batch:
        for index in range(250):
            await batch.add(f"{unique_name}.x", str(index).encode())
    assert batch.ack is not None and batch.ack.count == 250
    assert (await stream.info()).state.messages == 250


async def test_explicit_commit_returns_the_ack(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name, allow_atomic=True)
    async with js.batch() as batch:
        await batch.add(f"{unique_name}.a", b"only")
        ack = await batch.commit()
        with pytest.raises(jsm.errors.ClosedError):
            await batch.add(f"{unique_name}.a", b"late")
    assert ack.count == 1 and ack.seq == 1 and batch.ack == ack


async def test_exception_in_the_block_stores_nothing(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name, allow_atomic=True)
    with pytest.raises(_Boom):
        async with js.batch() as batch:
            for index in range(10):
                await batch.add(f"{unique_name}.a", str(index).encode())
            raise _Boom
    assert batch.ack is None
    # A later batch commits normally; the abandoned one never appears.
    async with js.batch() as later:
        await later.add(f"{unique_name}.a", b"ok")
    assert later.ack is not None and later.ack.seq == 1
    assert (await stream.info()).state.messages == 1


async def test_failed_expectation_stores_nothing(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name, allow_atomic=True)
    await js.publish(f"{unique_name}.a", b"0")
    with pytest.raises(errors.StreamWrongLastSequenceError):
        async with js.batch() as batch:
            await batch.add(f"{unique_name}.a", b"1", expect=jsm.Expect(last_sequence=7))
            await batch.add(f"{unique_name}.a", b"2")
            await batch.add(f"{unique_name}.a", b"3")
    assert (await stream.info()).state.messages == 1
    async with js.batch() as batch:
        await batch.add(f"{unique_name}.a", b"1", expect=jsm.Expect(last_sequence=1))
        await batch.add(f"{unique_name}.a", b"2")
    assert (await stream.info()).state.messages == 3


async def test_duplicate_msg_id_inside_a_batch_fails_it(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name, allow_atomic=True)
    with pytest.raises(errors.ApiError):
        async with js.batch() as batch:
            await batch.add(f"{unique_name}.a", b"1", msg_id="same")
            await batch.add(f"{unique_name}.a", b"2", msg_id="same")
    assert (await stream.info()).state.messages == 0


async def test_batch_on_a_stream_without_allow_atomic_fails_at_once(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    with pytest.raises(errors.AtomicPublishDisabledError):
        async with js.batch() as batch:
            await batch.add(f"{unique_name}.a", b"1")
            await batch.add(f"{unique_name}.a", b"2")  # sends the first: refused here
    assert (await stream.info()).state.messages == 0


async def test_single_message_batch_without_allow_atomic_fails_on_commit(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    with pytest.raises(errors.AtomicPublishDisabledError):
        async with js.batch() as batch:
            await batch.add(f"{unique_name}.a", b"1")
    assert (await stream.info()).state.messages == 0


async def test_empty_batch_commits_nothing(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name, allow_atomic=True)
    async with js.batch() as batch:
        pass
    assert batch.ack is None
    async with js.batch() as batch:
        with pytest.raises(jsm.errors.InvalidOptionError, match="empty batch"):
            await batch.commit()


async def test_batch_without_a_stream_raises_no_stream(js: jsm.Manager, unique_name: str) -> None:
    with pytest.raises(jsm.errors.NoStreamError, match="allow_atomic"):
        async with js.batch(timeout=1) as batch:
            await batch.add(f"{unique_name}.a", b"1")
            await batch.add(f"{unique_name}.a", b"2")


async def test_batch_bad_input_is_refused_before_the_wire(
    js: jsm.Manager, unique_name: str
) -> None:
    with pytest.raises(jsm.errors.InvalidOptionError, match="batch_id"):
        js.batch(batch_id="x" * 65)
    with pytest.raises(jsm.errors.InvalidOptionError, match="batch_id"):
        js.batch(batch_id="has space")
    batch = js.batch()
    with pytest.raises(jsm.errors.ClosedError, match="async with"):
        await batch.add(f"{unique_name}.a", b"1")
    async with js.batch() as batch:
        with pytest.raises(jsm.errors.InvalidNameError):
            await batch.add(f"{unique_name}.*", b"1")
        with pytest.raises(jsm.errors.InvalidOptionError, match="Nats-Batch"):
            await batch.add(f"{unique_name}.a", b"1", headers={"Nats-Batch-Id": "mine"})
        with pytest.raises(jsm.errors.InvalidOptionError, match="max_payload"):
            await batch.add(f"{unique_name}.a", b"x" * (js.nc.max_payload + 1))
    assert batch.ack is None
