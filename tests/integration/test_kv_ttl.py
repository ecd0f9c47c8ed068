"""Per-key TTLs and limit markers (ADR-48) on a real server."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import eventually


async def test_limit_marker_ttl_configures_the_stream(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(
        jsm.KeyValueConfig(bucket=unique_name, limit_marker_ttl=timedelta(seconds=5))
    )
    config = kv.cached_info.config
    assert config.allow_msg_ttl
    assert config.subject_delete_marker_ttl == timedelta(seconds=5)
    assert (await kv.status()).limit_marker_ttl == timedelta(seconds=5)


async def test_key_created_with_a_ttl_expires_and_watchers_see_the_marker(
    js: jsm.Manager, unique_name: str
) -> None:
    # The server keeps a message at least as long as the bucket's marker TTL.
    kv = await js.kv.create(
        jsm.KeyValueConfig(bucket=unique_name, history=3, limit_marker_ttl=timedelta(seconds=1))
    )
    await kv.put("stays", b"v")
    async with kv.watch("short") as updates:
        with anyio.fail_after(20):
            assert await anext(updates) is None
            revision = await kv.create("short", b"v", ttl=timedelta(seconds=1))
            created = await anext(updates)
            assert created is not None and created.revision == revision
            marker = await anext(updates)
    assert marker is not None and marker.key == "short"
    assert marker.operation == jsm.KeyValueOp.PURGE  # Nats-Marker-Reason: MaxAge
    with pytest.raises(errors.KeyNotFoundError):  # the marker, or nothing once it expired
        await kv.get("short")
    assert await kv.keys() == ["stays"]
    assert await kv.create("short", b"again") > marker.revision


async def test_purge_with_a_ttl_removes_the_marker_later(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(
        jsm.KeyValueConfig(bucket=unique_name, history=3, limit_marker_ttl=timedelta(seconds=1))
    )
    await kv.put("k", b"1")
    await kv.purge("k", ttl=1)
    assert [e.operation for e in await kv.history("k")] == [jsm.KeyValueOp.PURGE]

    async def marker_gone() -> bool:
        try:
            await kv.history("k")
        except errors.KeyNotFoundError:
            return True
        return False

    await eventually(marker_gone)
    assert (await kv.status()).values == 0


async def test_ttls_need_a_bucket_with_limit_markers(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    with pytest.raises(errors.InvalidOptionError, match="limit_marker_ttl"):
        await kv.create("k", b"v", ttl=timedelta(seconds=5))
    with pytest.raises(errors.InvalidOptionError, match="limit_marker_ttl"):
        await kv.purge("k", ttl=timedelta(seconds=5))
    marked = await js.kv.create(
        jsm.KeyValueConfig(bucket=f"{unique_name}_m", limit_marker_ttl=timedelta(seconds=5))
    )
    with pytest.raises(errors.InvalidOptionError, match="at least 1s"):
        await marked.create("k", b"v", ttl=0.5)
    assert (await kv.status()).values == 0
    assert (await marked.status()).values == 0
