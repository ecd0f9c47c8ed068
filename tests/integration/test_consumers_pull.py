"""Pulling with fetch and next: batches, waits, byte caps, deliver and replay policies."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream, publish


async def _pull_consumer(
    js: jsm.Manager, name: str, **fields: object
) -> tuple[jsm.Stream, jsm.Consumer]:
    stream = await make_stream(js, name)
    config = jsm.ConsumerConfig.model_validate({"durable_name": "d"} | fields)
    return stream, await stream.consumers.add(config)


async def test_fetch_returns_a_full_batch_in_order(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _pull_consumer(js, unique_name)
    await publish(js, f"{unique_name}.a", 10)
    msgs = await worker.fetch(4, max_wait=2)
    assert [m.data for m in msgs] == [b"0", b"1", b"2", b"3"]
    assert [m.metadata.sequence.stream for m in msgs] == [1, 2, 3, 4]
    assert msgs[0].subject == f"{unique_name}.a"
    rest = await worker.fetch(100, max_wait=0.5)
    assert [m.data for m in rest] == [str(i).encode() for i in range(4, 10)]


async def test_fetch_returns_empty_batch_when_no_messages(
    js: jsm.Manager, unique_name: str
) -> None:
    _, worker = await _pull_consumer(js, unique_name)
    assert await worker.fetch(10, max_wait=0.2) == []
    assert await worker.fetch(10, no_wait=True) == []


async def test_fetch_no_wait_returns_what_is_there(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _pull_consumer(js, unique_name)
    await publish(js, f"{unique_name}.a", 3)
    assert len(await worker.fetch(10, no_wait=True)) == 3


async def test_fetch_waits_for_messages_published_later(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _pull_consumer(js, unique_name)
    got: list[jsm.Msg] = []

    async def pull() -> None:
        got.extend(await worker.fetch(2, max_wait=10))

    async with anyio.create_task_group() as tg:
        tg.start_soon(pull)
        await publish(js, f"{unique_name}.a", 2)
    assert [m.data for m in got] == [b"0", b"1"]


async def test_fetch_with_max_bytes_stops_at_the_cap(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _pull_consumer(js, unique_name)
    for _ in range(5):
        await js.nc.request(f"{unique_name}.a", b"x" * 1000, timeout=5)
    msgs = await worker.fetch(5, max_bytes=2500, max_wait=1)
    assert 1 <= len(msgs) <= 2


async def test_fetch_with_heartbeat(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _pull_consumer(js, unique_name)
    assert await worker.fetch(1, max_wait=1.5, heartbeat=0.5) == []


async def test_next_returns_one_message_or_times_out(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _pull_consumer(js, unique_name)
    await publish(js, f"{unique_name}.a", 1)
    msg = await worker.next(timeout=2)
    assert msg.data == b"0"
    with pytest.raises(errors.JsmTimeoutError, match="no message"):
        await worker.next(timeout=0.6)


async def test_raw_pull_request_still_works(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _pull_consumer(js, unique_name)
    await publish(js, f"{unique_name}.a", 2)
    inbox = js.nc.new_inbox()
    sub = await js.nc.subscribe(inbox)
    try:
        await worker.request_next(
            jsm.PullRequest(batch=2, expires=timedelta(seconds=2)), reply=inbox
        )
        first = await sub.next_msg(timeout=2)
        second = await sub.next_msg(timeout=2)
    finally:
        await sub.unsubscribe()
    assert (first.data, second.data) == (b"0", b"1")
    assert worker.next_subject == f"$JS.API.CONSUMER.MSG.NEXT.{unique_name}.d"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"deliver_policy": "all"}, [b"0", b"1", b"2", b"3", b"4"]),
        ({"deliver_policy": "last"}, [b"4"]),
        ({"deliver_policy": "by_start_sequence", "opt_start_seq": 3}, [b"2", b"3", b"4"]),
        ({"deliver_policy": "last_per_subject", "filter_subject": ">"}, [b"3", b"4"]),
    ],
    ids=["all", "last", "by-start-sequence", "last-per-subject"],
)
async def test_deliver_policies_start_where_asked(
    js: jsm.Manager, unique_name: str, fields: dict[str, object], expected: list[bytes]
) -> None:
    stream = await make_stream(js, unique_name)
    for index in range(5):
        subject = f"{unique_name}.{'a' if index % 2 == 0 else 'b'}"
        await js.nc.request(subject, str(index).encode(), timeout=5)
    config = jsm.ConsumerConfig.model_validate({"durable_name": "d"} | fields)
    worker = await stream.consumers.add(config)
    assert [m.data for m in await worker.fetch(10, max_wait=0.5)] == expected


async def test_deliver_new_sees_only_later_messages(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _pull_consumer(js, unique_name, deliver_policy="new")
    stream = await js.streams.get(unique_name)
    await publish(js, f"{unique_name}.a", 2)  # after creation
    assert [m.data for m in await worker.fetch(5, max_wait=0.5)] == [b"0", b"1"]
    assert (await stream.info()).state.messages == 2


async def test_replay_by_start_time(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    await publish(js, f"{unique_name}.a", 3)
    third = (await stream.get_message(3)).time
    await publish(js, f"{unique_name}.a", 2, start=3)
    worker = await stream.consumers.add(
        jsm.ConsumerConfig(
            durable_name="t",
            deliver_policy=jsm.DeliverPolicy.BY_START_TIME,
            opt_start_time=third,
        )
    )
    msgs = await worker.fetch(10, max_wait=0.5)
    assert [m.data for m in msgs] == [b"2", b"3", b"4"]
    assert msgs[0].metadata.timestamp >= third - timedelta(microseconds=1)


async def test_replay_at_original_pace_delivers_everything_in_order(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    await publish(js, f"{unique_name}.a", 3)
    worker = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="o", replay_policy=jsm.ReplayPolicy.ORIGINAL)
    )
    assert worker.config.replay_policy is jsm.ReplayPolicy.ORIGINAL
    msgs = await worker.fetch(3, max_wait=5)
    assert [m.data for m in msgs] == [b"0", b"1", b"2"]
    stamps = [m.metadata.timestamp for m in msgs]
    assert stamps == sorted(stamps)


async def test_filter_subjects_select_messages(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    for subject in ("a", "b", "c", "a"):
        await js.nc.request(f"{unique_name}.{subject}", subject.encode(), timeout=5)
    several = await stream.consumers.add(
        jsm.ConsumerConfig(
            durable_name="ab", filter_subjects=[f"{unique_name}.a", f"{unique_name}.b"]
        )
    )
    assert [m.data for m in await several.fetch(10, max_wait=0.5)] == [b"a", b"b", b"a"]
    one = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="c", filter_subject=f"{unique_name}.c")
    )
    assert [m.data for m in await one.fetch(10, max_wait=0.5)] == [b"c"]


async def test_headers_only_delivers_sizes_not_payloads(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _pull_consumer(js, unique_name, headers_only=True)
    await js.nc.request(f"{unique_name}.a", b"x" * 100, timeout=5)
    (msg,) = await worker.fetch(1, max_wait=2)
    assert msg.data == b""
    assert msg.headers is not None and msg.headers["Nats-Msg-Size"] == "100"
