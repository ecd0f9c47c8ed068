"""Key-Value watch, keys, history and purge_deletes on a real server."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from jsm.testing import NatsServer


async def next_entry(updates: jsm.KeyWatcher) -> jsm.KeyValueEntry | None:
    with anyio.fail_after(10):
        return await anext(updates)


async def test_watch_sends_latest_values_then_the_marker_then_updates(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    await kv.put("a", b"1")
    await kv.put("a", b"2")
    await kv.put("b", b"1")
    await kv.delete("b")
    async with kv.watch() as updates:
        first, second = await next_entry(updates), await next_entry(updates)
        assert first is not None and second is not None
        assert (first.key, first.value) == ("a", b"2")
        assert (second.key, second.operation) == ("b", jsm.KeyValueOp.DEL)
        assert await next_entry(updates) is None
        assert updates.is_initial_done
        await kv.put("c", b"new")
        live = await next_entry(updates)
        assert live is not None and (live.key, live.value, live.delta) == ("c", b"new", 0)


async def test_watch_of_an_empty_bucket_sends_the_marker_at_once(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    async with kv.watch("nothing.>") as updates:
        assert await next_entry(updates) is None
        await kv.put("nothing.here", b"x")
        entry = await next_entry(updates)
        assert entry is not None and entry.key == "nothing.here"


async def test_watch_options(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    await kv.put("k", b"1")
    await kv.put("k", b"2")
    await kv.put("gone", b"x")
    await kv.delete("gone")
    async with kv.watch("k", include_history=True) as updates:
        values = [await next_entry(updates) for _ in range(3)]
    assert [e.value if e else None for e in values] == [b"1", b"2", None]
    assert [e.delta for e in values if e] == [1, 0]
    async with kv.watch(ignore_deletes=True, meta_only=True) as updates:
        entry = await next_entry(updates)
        assert entry is not None and (entry.key, entry.value) == ("k", b"")
        assert await next_entry(updates) is None
    async with kv.watch(updates_only=True) as updates:
        assert await next_entry(updates) is None
        await kv.put("k", b"3")
        entry = await next_entry(updates)
        assert entry is not None and entry.value == b"3"
    async with kv.watch(["k", "gone"]) as updates:
        seen = [await next_entry(updates) for _ in range(3)]
    assert [e.key if e else None for e in seen] == ["gone", "k", None]  # stream order


async def test_keys_with_filters(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    assert await kv.keys() == []
    for key in ("app.color", "app.size", "db.url", "old"):
        await kv.put(key, b"v")
    await kv.delete("old")
    assert sorted(await kv.keys()) == ["app.color", "app.size", "db.url"]
    assert sorted([key async for key in kv.keys("app.*")]) == ["app.color", "app.size"]
    assert sorted(await kv.keys(["db.>", "app.size"])) == ["app.size", "db.url"]


async def test_history_of_a_missing_key(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    with pytest.raises(errors.KeyNotFoundError):
        await kv.history("missing")


async def test_purge_deletes_by_age(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=10))
    for key in ("a", "b"):
        await kv.put(key, b"1")
        await kv.put(key, b"2")
        await kv.delete(key)
    await kv.put("kept", b"1")
    # Young markers stay, only the history before them goes.
    assert await kv.purge_deletes() == 0
    assert [e.operation for e in await kv.history("a")] == [jsm.KeyValueOp.DEL]
    # With no age limit every marker goes.
    assert await kv.purge_deletes(older_than=None) == 2
    with pytest.raises(errors.KeyNotFoundError):
        await kv.history("a")
    assert (await kv.status()).values == 1
    assert await kv.keys() == ["kept"]


async def test_watchers_and_listers_refuse_bad_use(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    with pytest.raises(errors.InvalidOptionError):
        kv.watch(include_history=True, updates_only=True)
    with pytest.raises(errors.InvalidNameError):
        kv.watch("a.>.b")
    with pytest.raises(errors.InvalidNameError):
        kv.keys([])
    watcher = kv.watch()
    with pytest.raises(errors.ClosedError):
        watcher.__aiter__()
    async with watcher:
        with pytest.raises(errors.ClosedError):
            await watcher.__aenter__()


async def test_watch_survives_a_server_restart(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    async with jsm.connect(
        nats_server_fresh.client_url, max_reconnect_attempts=-1, reconnect_time_wait=1
    ) as js:
        kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
        await kv.put("before", b"1")
        async with kv.watch(idle_heartbeat=1) as updates:
            assert (entry := await next_entry(updates)) is not None and entry.key == "before"
            assert await next_entry(updates) is None
            await anyio.to_thread.run_sync(nats_server_fresh.restart)
            await kv.put("after", b"2")
            with anyio.fail_after(30):
                entry = await anext(updates)
        assert entry is not None and (entry.key, entry.value) == ("after", b"2")
        await js.kv.delete(unique_name)


async def test_concurrent_gets_and_puts_get_their_own_replies(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    revisions = await asyncio.gather(*(kv.put(f"k.{i}", b"%d" % i) for i in range(50)))
    assert len(set(revisions)) == 50
    entries = await asyncio.gather(*(kv.get(f"k.{i}") for i in range(50)))
    assert [e.value for e in entries] == [b"%d" % i for i in range(50)]
    assert [e.revision for e in entries] == revisions


async def test_keys_of_a_bucket_holding_only_markers(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    await kv.put("a", b"1")
    await kv.delete("a")
    await kv.put("b", b"1")
    await kv.purge("b")
    assert await kv.keys() == []  # the marker still ends the initial values
    async with kv.watch(ignore_deletes=True) as updates:
        assert await next_entry(updates) is None
