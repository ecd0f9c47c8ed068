"""Consumer management on a real server: create actions, info, list/names, pause, delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream, publish


async def test_durable_consumer_is_created_found_and_listed(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    config = jsm.ConsumerConfig(
        durable_name="worker",
        description="does work",
        ack_wait=timedelta(seconds=10),
        max_deliver=5,
        metadata={"team": "a"},
    )
    worker = await stream.consumers.add(config)
    assert worker.name == "worker" and worker.stream_name == unique_name
    assert worker.config.ack_wait == timedelta(seconds=10)
    assert (await stream.consumers.add(config)).name == "worker"  # same config: fine
    found = await stream.consumers.get("worker")
    assert found.config.description == "does work"
    assert found.config.metadata is not None and found.config.metadata["team"] == "a"
    assert await stream.consumers.names().collect() == ["worker"]
    assert [info.name async for info in stream.consumers.list()] == ["worker"]
    assert await stream.consumers.names() == ["worker"]  # awaiting gives the first page


async def test_add_with_a_different_config_fails_and_update_changes_it(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    await stream.consumers.add(jsm.ConsumerConfig(durable_name="w", max_deliver=3))
    with pytest.raises(errors.ConsumerAlreadyExistsError) as caught:
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="w", max_deliver=4))
    assert "'w'" in str(caught.value) and unique_name in str(caught.value)
    updated = await stream.consumers.update(jsm.ConsumerConfig(durable_name="w", max_deliver=4))
    assert updated.config.max_deliver == 4
    with pytest.raises(errors.ConsumerDoesNotExistError):
        await stream.consumers.update(jsm.ConsumerConfig(durable_name="missing"))
    again = await stream.consumers.add_or_update(jsm.ConsumerConfig(durable_name="new"))
    assert again.name == "new"
    assert (
        await stream.consumers.add_or_update(jsm.ConsumerConfig(durable_name="new"))
    ).name == "new"


async def test_single_filter_uses_the_extended_create_subject(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    seen: list[str] = []

    async def spy(msg: object) -> None:
        seen.append(getattr(msg, "subject", ""))

    sub = await js.nc.subscribe("$JS.API.CONSUMER.CREATE.>", cb=spy)
    try:
        await stream.consumers.add(
            jsm.ConsumerConfig(name="one", filter_subject=f"{unique_name}.a.>")
        )
        await stream.consumers.add(
            jsm.ConsumerConfig(name="two", filter_subjects=[f"{unique_name}.a", f"{unique_name}.b"])
        )
        await stream.consumers.add(
            jsm.ConsumerConfig(name="three", filter_subjects=[f"{unique_name}.c"])
        )
        await js.nc.flush()
    finally:
        await sub.unsubscribe()
    assert seen == [
        f"$JS.API.CONSUMER.CREATE.{unique_name}.one.{unique_name}.a.>",
        f"$JS.API.CONSUMER.CREATE.{unique_name}.two",
        f"$JS.API.CONSUMER.CREATE.{unique_name}.three",
    ]


async def test_ephemeral_consumer_gets_a_server_name(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    ephemeral = await stream.consumers.add(
        jsm.ConsumerConfig(inactive_threshold=timedelta(seconds=30))
    )
    assert ephemeral.name and ephemeral.config.durable_name is None
    assert ephemeral.config.inactive_threshold == timedelta(seconds=30)
    assert ephemeral.name in await stream.consumers.names().collect()


async def test_get_and_delete_of_a_missing_consumer_raise_consumer_not_found(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    with pytest.raises(errors.ConsumerNotFoundError) as caught:
        await stream.consumers.get("nope")
    assert "'nope'" in str(caught.value) and unique_name in str(caught.value)
    assert "stream.consumers.add(" in str(caught.value)  # says what to create
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="gone"))
    await worker.delete()
    with pytest.raises(errors.ConsumerNotFoundError):
        await stream.consumers.delete("gone")
    with pytest.raises(errors.ConsumerNotFoundError):
        await worker.info()


async def test_consumer_info_tracks_delivery_and_acks(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    await publish(js, f"{unique_name}.x", 3)
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
    assert worker.cached_info.num_pending == 3
    msgs = await worker.fetch(2, max_wait=2)
    for msg in msgs:
        await msg.ack_sync()
    info = await worker.info()
    assert info.delivered.stream_seq == 2 and info.ack_floor.stream_seq == 2
    assert info.num_pending == 1 and info.num_ack_pending == 0
    assert worker.cached_info is info


async def test_pause_and_resume(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    await stream.consumers.add(jsm.ConsumerConfig(durable_name="p"))
    until = datetime.now(UTC) + timedelta(hours=1)
    reply = await stream.consumers.pause("p", until)
    assert reply.paused and reply.pause_until is not None
    assert abs(reply.pause_until - until) < timedelta(seconds=1)
    assert (await stream.consumers.info("p")).is_paused
    await publish(js, f"{unique_name}.x", 1)
    worker = await stream.consumers.get("p")
    assert await worker.fetch(1, max_wait=0.5) == []  # paused: nothing delivered
    resumed = await stream.consumers.resume("p")
    assert not resumed.paused
    assert len(await worker.fetch(1, max_wait=2)) == 1
    with pytest.raises(errors.InvalidOptionError, match="timezone-aware"):
        await stream.consumers.pause("p", datetime(2030, 1, 1))


async def test_paused_at_creation(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    until = datetime.now(UTC) + timedelta(minutes=5)
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="p", pause_until=until))
    assert worker.cached_info.is_paused


async def test_many_consumers_page_through_list_and_names(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    for index in range(260):  # CONSUMER.LIST pages hold 256
        await stream.consumers.add(jsm.ConsumerConfig(durable_name=f"c{index:03d}"))
    names = await stream.consumers.names().collect()
    assert len(names) == 260
    infos = [info async for info in stream.consumers.list()]
    assert sorted(info.name for info in infos) == sorted(names)
    assert len(await stream.consumers.list()) == 256


async def test_edit_changes_one_field_and_keeps_the_rest(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    worker = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="e", description="keep me", max_deliver=3)
    )
    assert await worker.edit(max_deliver=7) is worker
    assert worker.config.max_deliver == 7 and worker.config.description == "keep me"
    assert (await stream.consumers.info("e")).config.max_deliver == 7
    with pytest.raises(errors.InvalidOptionError, match="rename"):
        await worker.edit(durable_name="other")
    with pytest.raises(errors.InvalidOptionError, match="max_delivr"):
        await worker.edit(max_delivr=1)
