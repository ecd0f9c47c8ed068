"""Key-Value on a real server: buckets, and get/put/create/update/delete/purge of keys."""

from __future__ import annotations

from datetime import timedelta

import pytest

import jsm
from jsm import errors


async def test_bucket_stream_follows_adr8(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(
        jsm.KeyValueConfig(
            bucket=unique_name, history=5, ttl=timedelta(minutes=1), max_value_size=1024
        )
    )
    assert kv.bucket == unique_name
    config = (await js.streams.info(f"KV_{unique_name}")).config
    assert config.subjects == [f"$KV.{unique_name}.>"]
    assert config.max_msgs_per_subject == 5
    assert config.allow_rollup_hdrs and config.deny_delete and config.allow_direct
    assert config.discard == jsm.DiscardPolicy.NEW
    assert config.max_age == timedelta(minutes=1)
    assert config.duplicate_window == timedelta(minutes=1)  # the TTL, being under 2 minutes
    assert config.max_msg_size == 1024
    assert config.max_msgs == -1 and config.max_consumers == -1


async def test_create_get_and_delete_buckets(js: jsm.Manager, unique_name: str) -> None:
    created = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    again = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))  # same config: fine
    assert again.stream_name == created.stream_name == f"KV_{unique_name}"
    found = await js.kv.get(unique_name)
    assert found.bucket == unique_name
    assert (await js.kv.bucket(unique_name)).bucket == unique_name
    assert unique_name in await js.kv.names().collect()
    statuses = {s.bucket: s async for s in js.kv.list()}
    assert statuses[unique_name].history == 1
    await js.kv.delete(unique_name)
    with pytest.raises(errors.BucketNotFoundError):
        await js.kv.get(unique_name)
    with pytest.raises(errors.BucketNotFoundError):
        await js.kv.delete(unique_name)


async def test_update_and_create_or_update(js: jsm.Manager, unique_name: str) -> None:
    with pytest.raises(errors.BucketNotFoundError):
        await js.kv.update(jsm.KeyValueConfig(bucket=unique_name))
    await js.kv.create_or_update(jsm.KeyValueConfig(bucket=unique_name, history=2))
    kv = await js.kv.create_or_update(
        jsm.KeyValueConfig(bucket=unique_name, history=10, description="more")
    )
    status = await kv.status()
    assert status.history == 10
    assert status.stream_info.config.description == "more"
    assert status.backing_store == "JetStream"
    assert status.values == 0 and status.bytes == 0
    assert not status.is_compressed
    assert status.ttl == timedelta(0)


async def test_put_get_and_revisions(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=3))
    first = await kv.put("app.color", b"blue")
    second = await kv.put("app.color", b"red")
    assert second > first
    entry = await kv.get("app.color")
    assert entry.value == b"red"
    assert entry.revision == second
    assert entry.key == "app.color" and entry.bucket == unique_name
    assert entry.operation == jsm.KeyValueOp.PUT and not entry.is_deleted
    assert entry.created.tzinfo is not None
    old = await kv.get("app.color", revision=first)
    assert old.value == b"blue"
    with pytest.raises(errors.KeyNotFoundError):
        await kv.get("app.other")
    other = await kv.put("app.other", b"x")
    with pytest.raises(errors.KeyNotFoundError):  # that revision is another key's
        await kv.get("app.color", revision=other)


async def test_create_only_when_absent_or_deleted(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    revision = await kv.create("k", b"1")
    with pytest.raises(errors.KeyExistsError) as caught:
        await kv.create("k", b"2")
    assert caught.value.revision == revision
    assert (await kv.get("k")).value == b"1"
    await kv.delete("k")
    with pytest.raises(errors.KeyDeletedError):
        await kv.get("k")
    again = await kv.create("k", b"3")  # over the delete marker (ADR-8)
    assert (await kv.get("k")).revision == again
    await kv.purge("k")
    assert await kv.create("k", b"4") > again


async def test_update_at_a_revision(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    revision = await kv.put("k", b"1")
    newer = await kv.update("k", b"2", revision)
    with pytest.raises(errors.StreamWrongLastSequenceError):
        await kv.update("k", b"stale", revision)
    entry = await kv.get("k")
    assert (entry.value, entry.revision) == (b"2", newer)


async def test_delete_keeps_history_and_purge_drops_it(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=10))
    for value in (b"a", b"b", b"c"):
        await kv.put("k", value)
    await kv.delete("k")
    history = await kv.history("k")
    assert [e.operation for e in history] == [jsm.KeyValueOp.PUT] * 3 + [jsm.KeyValueOp.DEL]
    assert [e.value for e in history[:3]] == [b"a", b"b", b"c"]
    await kv.purge("k")
    history = await kv.history("k")
    assert [e.operation for e in history] == [jsm.KeyValueOp.PURGE]
    with pytest.raises(errors.KeyDeletedError) as caught:
        await kv.get("k")
    assert caught.value.operation == "PURGE"


async def test_delete_and_purge_at_a_revision(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    revision = await kv.put("k", b"1")
    await kv.put("k", b"2")
    with pytest.raises(errors.StreamWrongLastSequenceError):
        await kv.delete("k", revision=revision)
    with pytest.raises(errors.StreamWrongLastSequenceError):
        await kv.purge("k", revision=revision)
    assert (await kv.get("k")).value == b"2"
    await kv.delete("k", revision=(await kv.get("k")).revision)
    with pytest.raises(errors.KeyNotFoundError):
        await kv.get("k")


async def test_bucket_without_direct_gets_reads_through_the_leader(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=2))
    stream = await js.streams.get(kv.stream_name)
    await stream.edit(allow_direct=False)
    kv = await js.kv.get(unique_name)
    revision = await kv.put("k", b"v")
    assert (await kv.get("k")).value == b"v"
    assert (await kv.get("k", revision=revision)).value == b"v"
    await kv.delete("k")
    with pytest.raises(errors.KeyDeletedError):
        await kv.get("k")
    with pytest.raises(errors.KeyNotFoundError):
        await kv.get("never")


async def test_creating_an_existing_bucket_differently_fails(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=1))
    with pytest.raises(errors.StreamNameExistError):
        await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    assert (await js.kv.status(unique_name)).history == 1
