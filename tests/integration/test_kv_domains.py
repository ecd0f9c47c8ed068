"""Key-Value through a JetStream domain (a bucket in the leaf domain used from the hub) and
through an API prefix imported from another account."""

from __future__ import annotations

import anyio
import pytest

import jsm
from jsm import errors


async def exercise(js: jsm.Manager, bucket: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=bucket, history=5))
    prefix = js.api.subjects.prefix
    assert kv.put_prefix == f"{prefix}.$KV.{bucket}."
    first = await kv.put("app.color", b"blue")
    assert (await kv.get("app.color")).value == b"blue"
    second = await kv.update("app.color", b"red", first)
    with pytest.raises(errors.StreamWrongLastSequenceError):
        await kv.update("app.color", b"stale", first)
    assert (await kv.get("app.color", revision=first)).value == b"blue"
    with pytest.raises(errors.KeyExistsError):
        await kv.create("app.color", b"x")
    await kv.create("app.size", b"L")
    await kv.delete("app.size")
    assert await kv.create("app.size", b"XL") > second
    await kv.purge("app.size")
    assert await kv.keys() == ["app.color"]
    history = await kv.history("app.color")
    assert [e.value for e in history] == [b"blue", b"red"]
    async with kv.watch("app.>") as updates:
        with anyio.fail_after(10):
            entry = await anext(updates)
            assert entry is not None and entry.key == "app.color"
            assert await anext(updates) is not None  # the purge marker of app.size
            assert await anext(updates) is None
            await kv.put("app.shape", b"round")
            live = await anext(updates)
        assert live is not None and live.value == b"round"
    assert bucket in await js.kv.names().collect()
    assert (await js.kv.status(bucket)).values >= 3
    await js.kv.delete(bucket)
    with pytest.raises(errors.BucketNotFoundError):
        await js.kv.get(bucket)


async def test_bucket_in_the_leaf_domain_used_from_the_hub(
    js_leaf: jsm.Manager, unique_name: str
) -> None:
    await exercise(js_leaf, unique_name)


async def test_bucket_through_an_imported_api_prefix(
    js_imported: jsm.Manager, unique_name: str
) -> None:
    await exercise(js_imported, unique_name)


async def test_leaf_bucket_is_not_the_hubs(js_leaf: jsm.Manager, unique_name: str) -> None:
    kv = await js_leaf.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    await kv.put("k", b"leaf")
    hub = jsm.Manager(js_leaf.nc, domain="hub")
    with pytest.raises(errors.BucketNotFoundError):
        await hub.kv.get(unique_name)
