"""Priority groups (ADR-42): pinned client with Nats-Pin-Id and unpin, overflow, prioritized."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import eventually, make_stream, publish


async def _grouped(
    js: jsm.Manager, name: str, policy: jsm.PriorityPolicy, **fields: object
) -> tuple[jsm.Stream, jsm.Consumer]:
    stream = await make_stream(js, name)
    config = jsm.ConsumerConfig.model_validate(
        {"durable_name": "g", "priority_groups": ["jobs"], "priority_policy": policy} | fields
    )
    return stream, await stream.consumers.add(config)


async def test_pinned_client_keeps_the_messages_until_unpinned(
    js: jsm.Manager, unique_name: str
) -> None:
    stream, first = await _grouped(
        js, unique_name, jsm.PriorityPolicy.PINNED_CLIENT, priority_timeout=timedelta(minutes=1)
    )
    second = await stream.consumers.get("g")  # another client: its own handle and pin
    await publish(js, f"{unique_name}.a", 6)
    got = await first.fetch(2, max_wait=2, group="jobs")
    assert [m.data for m in got] == [b"0", b"1"]
    pin = first.pin_id
    assert pin is not None and got[0].headers is not None
    assert got[0].headers["Nats-Pin-Id"] == pin
    assert await second.fetch(2, max_wait=0.5, group="jobs") == []  # not pinned: nothing
    assert [m.data for m in await first.fetch(2, max_wait=2, group="jobs")] == [b"2", b"3"]
    info = await first.info()
    assert info.priority_groups is not None
    assert info.priority_groups[0].pinned_client_id == pin
    await stream.consumers.unpin("g", "jobs")
    taken = await second.fetch(2, max_wait=2, group="jobs")
    assert [m.data for m in taken] == [b"4", b"5"]
    assert second.pin_id is not None and second.pin_id != pin
    assert await first.fetch(1, max_wait=0.5, group="jobs") == []  # stale pin: 423
    assert first.pin_id is None


async def test_overflow_serves_only_above_the_pending_mark(
    js: jsm.Manager, unique_name: str
) -> None:
    _, worker = await _grouped(js, unique_name, jsm.PriorityPolicy.OVERFLOW)
    await publish(js, f"{unique_name}.a", 3)
    assert await worker.fetch(3, max_wait=0.5, group="jobs", min_pending=10) == []
    got = await worker.fetch(3, max_wait=2, group="jobs", min_pending=2)
    assert got and got[0].data == b"0"


async def test_prioritized_pulls_with_a_priority(js: jsm.Manager, unique_name: str) -> None:
    _, worker = await _grouped(js, unique_name, jsm.PriorityPolicy.PRIORITIZED)
    await publish(js, f"{unique_name}.a", 2)
    got: list[bytes] = []
    async with worker.consume(max_messages=2, group="jobs", priority=0) as messages:
        with anyio.fail_after(10):
            async for msg in messages:
                got.append(msg.data)
                await msg.ack()
                if len(got) == 2:
                    break
    assert got == [b"0", b"1"]


async def test_prioritized_serves_the_lower_priority_number_first(
    js: jsm.Manager, unique_name: str
) -> None:
    _, worker = await _grouped(js, unique_name, jsm.PriorityPolicy.PRIORITIZED)
    results: dict[str, list[jsm.Msg]] = {}

    async def pull(label: str, priority: int) -> None:
        results[label] = await worker.fetch(1, max_wait=2, group="jobs", priority=priority)

    async def waiting(count: int) -> bool:
        return (await worker.info()).num_waiting == count

    async with anyio.create_task_group() as tg:
        tg.start_soon(pull, "low", 5)
        await eventually(lambda: waiting(1))
        tg.start_soon(pull, "high", 0)
        await eventually(lambda: waiting(2))
        await publish(js, f"{unique_name}.a", 1)
    assert [m.data for m in results["high"]] == [b"0"]
    assert results["low"] == []


async def test_group_is_checked_against_the_consumer(js: jsm.Manager, unique_name: str) -> None:
    stream, worker = await _grouped(js, unique_name, jsm.PriorityPolicy.OVERFLOW)
    with pytest.raises(errors.InvalidOptionError, match="priority groups"):
        await worker.fetch(1)
    with pytest.raises(errors.InvalidOptionError, match="priority groups"):
        worker.consume(group="other")
    plain = await stream.consumers.add(jsm.ConsumerConfig(durable_name="plain"))
    with pytest.raises(errors.InvalidOptionError, match="no priority groups"):
        await plain.fetch(1, group="jobs")


@pytest.mark.parametrize(
    "options",
    [{"priority": 10}, {"priority": -1}, {"min_pending": -1}, {"min_ack_pending": 1.5}],
    ids=["priority-10", "priority-negative", "min-pending", "min-ack-pending-fraction"],
)
async def test_consume_checks_the_priority_options_at_the_call(
    js: jsm.Manager, unique_name: str, options: dict[str, object]
) -> None:
    # They were checked only when the loop built its first pull, inside the block.
    _, worker = await _grouped(js, unique_name, jsm.PriorityPolicy.PRIORITIZED)
    with pytest.raises(errors.InvalidOptionError, match=next(iter(options))):
        worker.consume(group="jobs", **options)  # type: ignore[arg-type]  # wrong on purpose
