"""Ordered consumers (ADR-17): in-order replay that recreates itself after losing its consumer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream, publish

if TYPE_CHECKING:
    from jsm.testing import NatsServer


async def _take(messages: jsm.OrderedConsumer, count: int) -> list[bytes]:
    got: list[bytes] = []
    with anyio.fail_after(30):
        async for msg in messages:
            got.append(msg.data)
            if len(got) == count:
                break
    return got


async def test_ordered_consumer_replays_everything_in_order(
    js: jsm.Manager, unique_name: str
) -> None:
    await make_stream(js, unique_name)
    await publish(js, f"{unique_name}.a", 30)
    async with js.ordered_consumer(unique_name, max_messages=7) as messages:
        assert await _take(messages, 30) == [str(i).encode() for i in range(30)]
        await publish(js, f"{unique_name}.a", 5, start=30)
        assert await _take(messages, 5) == [str(i).encode() for i in range(30, 35)]
    stream = await js.streams.get(unique_name)
    assert await stream.consumers.names().collect() == []  # its consumer is cleaned up


async def test_ordered_consumer_start_options_and_filters(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    for index in range(6):
        subject = f"{unique_name}.{'a' if index % 2 == 0 else 'b'}"
        await js.nc.request(subject, str(index).encode(), timeout=5)
    async with js.ordered_consumer(unique_name, start_seq=4) as messages:
        assert await _take(messages, 3) == [b"3", b"4", b"5"]
    start = (await stream.get_message(5)).time
    async with js.ordered_consumer(unique_name, start_time=start) as messages:
        assert await _take(messages, 2) == [b"4", b"5"]
    async with js.ordered_consumer(unique_name, filter_subjects=[f"{unique_name}.b"]) as messages:
        assert await _take(messages, 3) == [b"1", b"3", b"5"]
    async with js.ordered_consumer(
        unique_name,
        deliver_policy=jsm.DeliverPolicy.LAST_PER_SUBJECT,
        filter_subjects=[f"{unique_name}.a", f"{unique_name}.b"],
    ) as messages:
        assert sorted(await _take(messages, 2)) == [b"4", b"5"]
    async with js.ordered_consumer(unique_name, replay=jsm.ReplayPolicy.ORIGINAL) as messages:
        assert len(await _take(messages, 6)) == 6


async def test_ordered_consumer_recovers_after_its_consumer_is_deleted(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    await publish(js, f"{unique_name}.a", 10)
    async with js.ordered_consumer(unique_name, max_messages=5, idle_heartbeat=1) as messages:
        assert await _take(messages, 4) == [str(i).encode() for i in range(4)]
        first = messages.consumer_name
        assert first is not None
        await stream.consumers.delete(first)
        await publish(js, f"{unique_name}.a", 10, start=10)
        assert await _take(messages, 16) == [str(i).encode() for i in range(4, 20)]
        assert messages.recreated >= 1 and messages.consumer_name != first


async def test_ordered_consumer_survives_server_restart(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    async with jsm.connect(
        nats_server_fresh.client_url, max_reconnect_attempts=-1, reconnect_time_wait=1
    ) as js:
        await make_stream(js, unique_name, storage=jsm.StorageType.FILE)
        await publish(js, f"{unique_name}.a", 10)
        async with js.ordered_consumer(unique_name, max_messages=4, idle_heartbeat=1) as messages:
            assert await _take(messages, 5) == [str(i).encode() for i in range(5)]
            await anyio.to_thread.run_sync(nats_server_fresh.restart)
            await publish(js, f"{unique_name}.a", 5, start=10)
            assert await _take(messages, 10) == [str(i).encode() for i in range(5, 15)]


async def test_ordered_consumer_rejects_bad_options(js: jsm.Manager, unique_name: str) -> None:
    with pytest.raises(errors.InvalidOptionError, match="not both"):
        js.ordered_consumer(unique_name, start_seq=1, start_time=datetime.now(UTC))
    with pytest.raises(errors.InvalidOptionError, match="max_messages"):
        js.ordered_consumer(unique_name, max_messages=0)
    with pytest.raises(errors.InvalidNameError):
        js.ordered_consumer("bad.name")
    with pytest.raises(errors.StreamNotFoundError):
        async with js.ordered_consumer(f"{unique_name}_missing"):
            pass


@pytest.mark.parametrize("filters", ["orders.>", 1.5, b"orders.>"], ids=repr)
async def test_ordered_consumer_filter_subjects_must_be_a_list(
    js: jsm.Manager, unique_name: str, filters: object
) -> None:
    # A str was split into one filter per character; a number raised TypeError.
    with pytest.raises(errors.InvalidOptionError, match=r"list of subjects.*\[subject\]"):
        js.ordered_consumer(unique_name, filter_subjects=filters)  # type: ignore[arg-type]  # wrong on purpose
