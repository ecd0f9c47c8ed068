"""Leaving consume(): buffered messages go back to the server at once; drain hands them out.

Each test's consumer has a 5-minute ack wait, so a second worker receiving the rest within
its pulls' waits proves the first one released them (nak) rather than stranding them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
import pytest

import jsm
from tests.integration.consumer_helpers import eventually
from tests.integration.release_helpers import (
    COUNT,
    assert_redelivered_at_once,
    live_tasks,
    long_ack_wait_worker,
    wait_until_buffered,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from jsm.testing import NatsServer

EXITS = ["break", "exception", "cancel", "asyncio-timeout", "stop", "stop-from-another-task"]
POLICIES = [jsm.AckPolicy.EXPLICIT, jsm.AckPolicy.ALL]


class _Boom(Exception):
    pass


async def _take_first(messages: jsm.MessageStream) -> jsm.Msg:
    """Take one message and ack it (it is the user's), then wait for the rest to be buffered."""
    first = await anext(messages)
    await first.ack_sync()
    await wait_until_buffered(messages, COUNT - 1)
    return first


async def _leave(worker: jsm.Consumer, how: str) -> jsm.MessageStream:
    """Consume one message, let the others fill the buffer, and leave the way ``how`` says.

    The loop asks for more than there is, so its pull request is still open when it ends:
    a release must not hand the messages back into it.
    """
    consume = worker.consume(max_messages=2 * COUNT)
    if how == "break":
        async with consume as messages:
            async for msg in messages:
                await msg.ack_sync()
                await wait_until_buffered(messages, COUNT - 1)
                break
    elif how == "exception":
        with pytest.raises(_Boom):
            async with consume as messages:
                await _take_first(messages)
                raise _Boom
    elif how == "cancel":
        with anyio.CancelScope() as scope:
            async with consume as messages:
                await _take_first(messages)
                scope.cancel()
                await anyio.sleep_forever()
        assert scope.cancelled_caught
    elif how == "asyncio-timeout":
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(None) as deadline, consume as messages:
                await _take_first(messages)
                deadline.reschedule(asyncio.get_running_loop().time())
                await anyio.sleep_forever()
    elif how == "stop":
        async with consume as messages:
            async for msg in messages:
                await msg.ack_sync()
                await wait_until_buffered(messages, COUNT - 1)
                await messages.stop()
            assert messages.buffered == 0
    else:
        await _stop_from_another_task(consume)
    return consume


async def _stop_from_another_task(consume: jsm.MessageStream) -> None:
    taken: list[jsm.Msg] = []
    async with consume as messages:
        go_on = anyio.Event()

        async def reader() -> None:
            async for msg in messages:
                taken.append(msg)
                await msg.ack_sync()
                await go_on.wait()

        async with anyio.create_task_group() as tg:
            tg.start_soon(reader)
            await wait_until_buffered(messages, COUNT - 1)
            await messages.stop()
            go_on.set()
    assert len(taken) == 1


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: f"ack-{p}")
@pytest.mark.parametrize("how", EXITS)
async def test_leaving_consume_releases_the_buffer_to_other_workers(
    js: jsm.Manager, unique_name: str, how: str, policy: jsm.AckPolicy
) -> None:
    worker = await long_ack_wait_worker(js, unique_name, ack_policy=policy)
    messages = await _leave(worker, how)
    await assert_redelivered_at_once(worker, list(range(2, COUNT + 1)))
    assert messages.released == COUNT - 1


async def test_leaving_consume_releases_the_buffer_in_a_cluster(
    cjs: jsm.Manager, unique_name: str
) -> None:
    """The naks travel to the consumer's leader after the end of interest, on another node."""
    worker = await long_ack_wait_worker(cjs, unique_name, replicas=3, storage=jsm.StorageType.FILE)
    await _move_leader_off(cjs, worker)
    messages = await _leave(worker, "break")
    await assert_redelivered_at_once(worker, list(range(2, COUNT + 1)))
    assert messages.released == COUNT - 1


async def _move_leader_off(js: jsm.Manager, worker: jsm.Consumer) -> None:
    """Make a node other than the one ``js`` is connected to lead the consumer."""
    here = js.nc._server_info["server_name"]  # nats-py keeps the server's INFO here
    consumers = (await js.streams.get(worker.stream_name)).consumers

    async def led_elsewhere() -> bool:
        cluster = (await worker.info()).cluster
        leader = cluster.leader if cluster is not None else None
        if leader == here:
            await consumers.leader_stepdown(worker.name)
        return leader is not None and leader != here

    await eventually(led_elsewhere, within=60)


async def test_messages_handed_out_stay_with_the_user(js: jsm.Manager, unique_name: str) -> None:
    """A message the loop handed out is not released: the user acks it, even after leaving."""
    worker = await long_ack_wait_worker(js, unique_name)
    async with worker.consume(max_messages=COUNT) as messages:
        kept = await anext(messages)
        await wait_until_buffered(messages, COUNT - 1)
    await assert_redelivered_at_once(worker, list(range(2, COUNT + 1)), held=1)
    assert kept.metadata.num_delivered == 1
    await kept.ack_sync()
    assert (await worker.info()).ack_floor.stream_seq == COUNT


async def test_leaving_consume_without_acks_releases_nothing(
    js: jsm.Manager, unique_name: str
) -> None:
    """With AckPolicy.NONE a delivery is final: the buffer is dropped, nothing comes back."""
    worker = await long_ack_wait_worker(js, unique_name, ack_policy=jsm.AckPolicy.NONE)
    async with worker.consume(max_messages=COUNT) as messages:
        await anext(messages)
        await wait_until_buffered(messages, COUNT - 1)
    assert messages.released == 0
    assert await worker.fetch(COUNT, no_wait=True) == []
    info = await worker.info()
    assert info.delivered.stream_seq == COUNT and info.num_pending == 0


async def test_drain_hands_out_every_buffered_message(js: jsm.Manager, unique_name: str) -> None:
    worker = await long_ack_wait_worker(js, unique_name)
    seen: list[int] = []
    async with worker.consume(max_messages=COUNT) as messages:
        async for msg in messages:
            if not seen:
                await wait_until_buffered(messages, COUNT - 1)
                await messages.drain()
            seen.append(msg.metadata.sequence.stream)
            await msg.ack_sync()
        assert messages.released == 0
    assert seen == list(range(1, COUNT + 1))
    info = await worker.info()
    assert info.num_ack_pending == 0 and info.num_redelivered == 0


async def test_leaving_during_drain_releases_what_is_left(
    js: jsm.Manager, unique_name: str
) -> None:
    worker = await long_ack_wait_worker(js, unique_name)
    async with worker.consume(max_messages=COUNT) as messages:
        await _take_first(messages)
        await messages.drain()
        for _ in range(4):
            await (await anext(messages)).ack_sync()
    assert messages.released == COUNT - 5
    await assert_redelivered_at_once(worker, list(range(6, COUNT + 1)))


async def test_leaving_consume_leaves_no_task_or_subscription(
    js: jsm.Manager, unique_name: str
) -> None:
    tasks = live_tasks()
    subscriptions = len(js.nc._subs)
    for index, how in enumerate(EXITS):
        worker = await long_ack_wait_worker(js, f"{unique_name}_{index}")
        await _leave(worker, how)
        await asyncio.sleep(0)
        assert live_tasks() - tasks == set(), how
        assert len(js.nc._subs) == subscriptions, how


async def test_leaving_after_the_connection_closed_does_not_hang(
    js: jsm.Manager, nats_server: NatsServer, unique_name: str
) -> None:
    await long_ack_wait_worker(js, unique_name)
    async with jsm.connect(nats_server.client_url) as other:
        worker = await (await other.streams.get(unique_name)).consumers.get("w")
        with anyio.fail_after(30):  # a guard against a hang, not a measurement
            async with worker.consume(max_messages=COUNT) as messages:
                await _take_first(messages)
                await other.nc.close()
        assert messages.released == 0  # nothing could be sent: they wait for ack_wait
    info = await (await js.streams.get(unique_name)).consumers.info("w")
    assert info.num_ack_pending == COUNT - 1


async def test_releasing_while_disconnected_does_not_hang_and_naks_after_reconnect(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    """The naks wait in the client's reconnect buffer; the server gets them on reconnect."""
    async with jsm.connect(
        nats_server_fresh.client_url, max_reconnect_attempts=-1, reconnect_time_wait=1
    ) as js:
        worker = await long_ack_wait_worker(js, unique_name, storage=jsm.StorageType.FILE)
        with anyio.fail_after(30):  # a guard against a hang, not a measurement
            async with worker.consume(max_messages=COUNT) as messages:
                await _take_first(messages)
                await anyio.to_thread.run_sync(nats_server_fresh.shutdown)
                await eventually(_disconnected(js))
        assert messages.released == COUNT - 1
        await anyio.to_thread.run_sync(nats_server_fresh.start)
        await assert_redelivered_at_once(worker, list(range(2, COUNT + 1)))


def _disconnected(js: jsm.Manager) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return not js.nc.is_connected

    return check


async def test_leaving_while_the_server_is_frozen_does_not_hang(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    """A server that stops answering (SIGSTOP) but keeps the connection open: leaving is
    bounded, and the naks reach the server once it runs again."""
    async with jsm.connect(nats_server_fresh.client_url) as js:
        worker = await long_ack_wait_worker(js, unique_name)
        with _frozen(nats_server_fresh) as freeze:
            with anyio.fail_after(30):  # a guard against a hang, not a measurement
                async with worker.consume(max_messages=2 * COUNT) as messages:
                    await _take_first(messages)
                    freeze()
            assert messages.released == COUNT - 1
        await assert_redelivered_at_once(worker, list(range(2, COUNT + 1)))


async def test_drain_while_the_server_is_frozen_ends_without_error(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    async with jsm.connect(nats_server_fresh.client_url) as js:
        worker = await long_ack_wait_worker(js, unique_name)
        with _frozen(nats_server_fresh) as freeze:
            with anyio.fail_after(60):  # nats-py gives up its round trip after 10 s
                async with worker.consume(max_messages=2 * COUNT) as messages:
                    await _take_first(messages)
                    freeze()
                    await messages.drain()
                    rest = [msg async for msg in messages]
        assert len(rest) == COUNT - 1
        for msg in rest:
            await msg.ack_sync()


@contextlib.contextmanager
def _frozen(server: NatsServer) -> Iterator[Callable[[], None]]:
    """Yield a function that freezes ``server`` (SIGSTOP); it runs again on the way out."""
    pid = server.pid
    assert pid is not None

    def freeze() -> None:
        os.kill(pid, signal.SIGSTOP)

    try:
        yield freeze
    finally:
        os.kill(pid, signal.SIGCONT)
