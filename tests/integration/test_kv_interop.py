"""Interoperability with nats-py's own Key-Value client, both ways (nats-py used only here)."""

from __future__ import annotations

import anyio
import nats.js.api
import nats.js.errors
import pytest

import jsm


async def test_bucket_written_by_jsm_is_read_by_nats_py(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    first = await kv.put("app.color", b"blue")
    second = await kv.put("app.color", b"red")
    await kv.create("app.size", b"L")
    await kv.delete("app.size")
    await kv.put("gone", b"x")
    await kv.purge("gone")

    theirs = await js.nc.jetstream().key_value(unique_name)
    entry = await theirs.get("app.color")
    assert (entry.value, entry.revision) == (b"red", second)
    assert (await theirs.get("app.color", revision=first)).value == b"blue"
    with pytest.raises(nats.js.errors.KeyNotFoundError):
        await theirs.get("app.size")
    with pytest.raises(nats.js.errors.KeyNotFoundError):
        await theirs.get("gone")
    assert await theirs.keys() == ["app.color"]
    history = await theirs.history("app.size")
    assert [e.operation for e in history] == [None, "DEL"]
    third = await theirs.update("app.color", b"green", last=second)
    assert (await kv.get("app.color")).revision == third


async def test_bucket_written_by_nats_py_is_read_by_jsm(js: jsm.Manager, unique_name: str) -> None:
    theirs = await js.nc.jetstream().create_key_value(
        nats.js.api.KeyValueConfig(bucket=unique_name, history=5)
    )
    first = await theirs.put("app.color", b"blue")
    second = await theirs.put("app.color", b"red")
    await theirs.put("app.size", b"L")
    await theirs.delete("app.size")
    await theirs.put("gone", b"x")
    await theirs.purge("gone")

    kv = await js.kv.get(unique_name)
    entry = await kv.get("app.color")
    assert (entry.value, entry.revision) == (b"red", second)
    assert (await kv.get("app.color", revision=first)).value == b"blue"
    with pytest.raises(jsm.errors.KeyDeletedError):
        await kv.get("app.size")
    with pytest.raises(jsm.errors.KeyDeletedError) as purged:
        await kv.get("gone")
    assert purged.value.operation == "PURGE"
    assert await kv.keys() == ["app.color"]
    assert [e.operation for e in await kv.history("app.size")] == [
        jsm.KeyValueOp.PUT,
        jsm.KeyValueOp.DEL,
    ]
    assert await kv.create("app.size", b"XL") > second  # over nats-py's delete marker
    async with kv.watch("app.>") as updates:
        with anyio.fail_after(10):
            seen = [await anext(updates) for _ in range(3)]
            assert seen[-1] is None
            await theirs.put("app.color", b"green")
            live = await anext(updates)
    assert [e.key for e in seen if e] == ["app.color", "app.size"]
    assert live is not None and (live.key, live.value) == ("app.color", b"green")


async def test_keys_outside_adr8_are_refused_by_other_clients_too(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    theirs = await js.nc.jetstream().key_value(unique_name)
    for key in ("a#b", "é", "a:b", "a*", ".a", "a."):
        with pytest.raises(jsm.errors.InvalidNameError):
            await kv.put(key, b"v")
        with pytest.raises(nats.js.errors.InvalidKeyError):
            await theirs.put(key, b"v")
    assert (await kv.status()).values == 0
