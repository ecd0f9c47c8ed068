"""Object stores through a JetStream domain (hub + leaf) and through an imported API prefix."""

from __future__ import annotations

import hashlib

import pytest

import jsm
from jsm import errors


def payload(size: int) -> bytes:
    block = hashlib.sha256(b"domains").digest()
    return (block * (size // len(block) + 1))[:size]


async def exercise(js: jsm.Manager, bucket: str) -> None:
    """Every object-store operation, through ``js``'s subject mapping."""
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=bucket, description="mapped"))
    assert (await js.objects.get(bucket)).bucket == bucket
    assert bucket in [name async for name in js.objects.names()]
    data = payload(300_000)
    first = await store.put("big", data, meta=jsm.ObjectMeta(description="first"))
    assert first.chunks == 3
    assert await store.get_bytes("big") == data
    await store.put("big", data[:1000])
    assert await store.get_bytes("big") == data[:1000]
    assert (await store.info("big")).size == 1000
    await store.put("small", b"s")
    await store.update_meta("small", jsm.ObjectMeta(name="renamed", description="moved"))
    assert (await store.info("renamed")).description == "moved"
    with pytest.raises(errors.ObjectNotFoundError):
        await store.info("small")
    await store.add_link("link", "big")
    assert await store.get_bytes("link") == data[:1000]
    names = sorted([info.name async for info in store.list()])
    assert names == ["big", "link", "renamed"]
    async with store.watch() as updates:
        seen = []
        async for info in updates:
            if info is None:
                break
            seen.append(info.name)
    assert sorted(seen) == ["big", "link", "renamed"]
    await store.delete("renamed")
    with pytest.raises(errors.ObjectNotFoundError):
        await store.get_bytes("renamed")
    assert await store.purge_orphans() == 0
    assert (await store.status()).description == "mapped"
    await js.objects.delete(bucket)


async def test_objects_work_through_a_domain(js_leaf: jsm.Manager, unique_name: str) -> None:
    await exercise(js_leaf, unique_name)


async def test_objects_work_through_an_api_prefix(
    js_imported: jsm.Manager, unique_name: str
) -> None:
    await exercise(js_imported, unique_name)
