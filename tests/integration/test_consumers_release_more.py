"""Release on exit beyond consume(): push subscriptions, abandoned fetches, ordered consumers.

As in test_consumers_release.py, consumers have a 5-minute ack wait, so a second worker
receiving the rest within its waits proves the first one released them.
"""

from __future__ import annotations

import asyncio

import anyio
import pytest

import jsm
from tests.integration.consumer_helpers import eventually, make_stream, publish
from tests.integration.release_helpers import (
    ACK_WAIT,
    COUNT,
    assert_redelivered_at_once,
    live_tasks,
    long_ack_wait_worker,
    wait_until_delivered,
)


class _Boom(Exception):
    pass


async def _push_worker(
    js: jsm.Manager, name: str, *, ack_policy: jsm.AckPolicy = jsm.AckPolicy.EXPLICIT
) -> jsm.Consumer:
    stream = await make_stream(js, name)
    await publish(js, f"{name}.a", COUNT)
    return await stream.consumers.add(
        jsm.ConsumerConfig(
            durable_name="p",
            deliver_subject=f"deliver.{name}",
            deliver_group="workers",
            ack_policy=ack_policy,
            ack_wait=ACK_WAIT,
        )
    )


async def _push_receive_all(pushed: jsm.Consumer, count: int) -> list[jsm.Msg]:
    """Worker B on the push consumer: receive and ack ``count`` messages."""
    got: list[jsm.Msg] = []
    with anyio.fail_after(60):  # far below the ack wait: only a release brings them this soon
        async with pushed.push() as messages:
            async for msg in messages:
                got.append(msg)
                await msg.ack_sync()
                if len(got) == count:
                    break
    return got


async def _leave_push(pushed: jsm.Consumer, how: str) -> jsm.PushStream:
    """Take one message, wait until the server delivered the rest, and leave as ``how`` says."""
    push = pushed.push()
    with anyio.CancelScope() as scope:
        try:
            async with push as messages:
                await (await anext(messages)).ack_sync()
                await wait_until_delivered(pushed, COUNT - 1)
                if how == "exception":
                    raise _Boom
                if how == "cancel":
                    scope.cancel()
                    await anyio.sleep_forever()
                if how == "stop":
                    await messages.stop()
                    assert [m async for m in messages] == []
        except _Boom:
            pass
    return push


@pytest.mark.parametrize("how", ["exit", "exception", "cancel", "stop"])
async def test_leaving_push_releases_its_buffer_to_the_queue_group(
    js: jsm.Manager, unique_name: str, how: str
) -> None:
    pushed = await _push_worker(js, unique_name)
    messages = await _leave_push(pushed, how)
    got = await _push_receive_all(pushed, COUNT - 1)
    assert sorted(m.metadata.sequence.stream for m in got) == list(range(2, COUNT + 1))
    assert {m.metadata.num_delivered for m in got} == {2}
    assert (await pushed.info()).num_ack_pending == 0
    assert messages.released == COUNT - 1


async def test_push_drain_hands_out_everything_received(js: jsm.Manager, unique_name: str) -> None:
    pushed = await _push_worker(js, unique_name)
    seen: list[int] = []
    async with pushed.push() as messages:
        async for msg in messages:
            if not seen:
                await wait_until_delivered(pushed, COUNT)
                await messages.drain()
            seen.append(msg.metadata.sequence.stream)
            await msg.ack_sync()
        assert messages.released == 0
    assert seen == list(range(1, COUNT + 1))
    info = await pushed.info()
    assert info.num_ack_pending == 0 and info.num_redelivered == 0


async def test_leaving_push_without_acks_releases_nothing(
    js: jsm.Manager, unique_name: str
) -> None:
    pushed = await _push_worker(js, unique_name, ack_policy=jsm.AckPolicy.NONE)
    async with pushed.push() as messages:
        await anext(messages)

        async def delivered() -> bool:
            return (await pushed.info()).delivered.stream_seq == COUNT

        await eventually(delivered)
    assert messages.released == 0


async def test_cancelled_fetch_releases_what_it_received(js: jsm.Manager, unique_name: str) -> None:
    worker = await long_ack_wait_worker(js, unique_name)
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            # More than there is: the fetch holds all COUNT messages and waits for more.
            tg.start_soon(lambda: worker.fetch(COUNT + 5, max_wait=60))
            await wait_until_delivered(worker, COUNT)
            scope.cancel()
    await assert_redelivered_at_once(worker, list(range(1, COUNT + 1)))


async def test_fetch_cancelled_by_asyncio_timeout_releases_what_it_received(
    js: jsm.Manager, unique_name: str
) -> None:
    worker = await long_ack_wait_worker(js, unique_name)
    fetching = asyncio.ensure_future(worker.fetch(COUNT + 5, max_wait=60))
    await wait_until_delivered(worker, COUNT)
    fetching.cancel()
    with pytest.raises(asyncio.CancelledError):
        await fetching
    await assert_redelivered_at_once(worker, list(range(1, COUNT + 1)))


async def test_abandoned_pulls_leave_no_task_or_subscription(
    js: jsm.Manager, unique_name: str
) -> None:
    tasks = live_tasks()
    subscriptions = len(js.nc._subs)
    worker = await long_ack_wait_worker(js, unique_name)
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: worker.fetch(COUNT + 5, max_wait=60))
            await wait_until_delivered(worker, COUNT)
            scope.cancel()
    for index, how in enumerate(["exit", "exception", "cancel", "stop"]):
        await _leave_push(await _push_worker(js, f"{unique_name}_{index}"), how)
    await asyncio.sleep(0)
    assert live_tasks() - tasks == set()
    assert len(js.nc._subs) == subscriptions


@pytest.mark.parametrize("how", ["break", "exception", "cancel"])
async def test_leaving_an_ordered_consumer_leaves_nothing_to_release(
    js: jsm.Manager, unique_name: str, how: str
) -> None:
    """Ordered consumers take no acks: leaving drops the buffer and deletes the consumer."""
    stream = await make_stream(js, unique_name)
    await publish(js, f"{unique_name}.a", COUNT)
    tasks = live_tasks()
    with anyio.CancelScope() as scope:
        try:
            async with js.ordered_consumer(unique_name, max_messages=COUNT) as messages:
                async for _ in messages:
                    if how == "exception":
                        raise _Boom
                    if how == "cancel":
                        scope.cancel()
                        await anyio.sleep_forever()
                    break
        except _Boom:
            pass
    assert await stream.consumers.names().collect() == []
    await asyncio.sleep(0)
    assert live_tasks() - tasks == set()
