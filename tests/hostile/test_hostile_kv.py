"""Hostile input to Key-Value buckets: bucket configurations from any keywords, keys and
key patterns of any text, values of any kind, revisions, TTLs, history, purges and
watches with any option."""

from __future__ import annotations

import string
from datetime import timedelta
from typing import TYPE_CHECKING

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jsm
from tests.hostile.harness import attempt, attempt_sync, capped, hostile_settings
from tests.hostile.strategies import (
    PAYLOAD,
    TIMEOUT,
    TOKEN,
    duration,
    hostile_subject,
    hostile_text,
    mostly,
    number,
    wildcards,
)

if TYPE_CHECKING:
    from tests.hostile.harness import Health

pytestmark = pytest.mark.filterwarnings("ignore::jsm.JsmWarning")

KEY_TOKEN = st.text(alphabet=string.ascii_letters + string.digits + "-/_=", min_size=1, max_size=6)
KEY = hostile_subject(st.lists(KEY_TOKEN, min_size=1, max_size=3).map(".".join))
PATTERN = hostile_subject(wildcards(st.lists(KEY_TOKEN, min_size=1, max_size=2).map(".".join)))
PATTERNS = mostly(PATTERN, st.lists(PATTERN, max_size=3))
REVISION = number(st.integers(min_value=0, max_value=30))
TTL = mostly(st.none() | st.integers(min_value=1, max_value=60), duration())

BUCKET_FIELDS = {
    "description": hostile_text(st.text(max_size=20)),
    "max_value_size": number(st.integers(min_value=-1, max_value=2**20)),
    "history": number(st.integers(min_value=1, max_value=64)),
    "ttl": duration(st.timedeltas(min_value=timedelta(0), max_value=jsm.MAX_DURATION)),
    "max_bytes": number(st.integers(min_value=-1, max_value=2**20)),
    "replicas": number(st.integers(min_value=1, max_value=5)),
    "compression": mostly(st.booleans(), hostile_text()),
    "limit_marker_ttl": duration(st.timedeltas(min_value=timedelta(seconds=1))),
    "metadata": mostly(
        st.none() | st.dictionaries(TOKEN, TOKEN, max_size=2),
        st.dictionaries(
            hostile_text().filter(lambda k: isinstance(k, str)), hostile_text(), max_size=3
        ),
    ),
}


async def _bucket(health: Health) -> jsm.KeyValue:
    return await health.js.kv.create_or_update(
        jsm.KeyValueConfig(
            bucket=health.name,
            history=5,
            storage=jsm.StorageType.MEMORY,
            limit_marker_ttl=timedelta(seconds=1),
        )
    )


@given(data=st.data())
@hostile_settings(40)
async def test_buckets_take_any_name_and_keywords(health: Health, data: st.DataObject) -> None:
    js = health.js
    bucket = data.draw(hostile_text(TOKEN.map(lambda t: f"{health.name}_{t}")), label="bucket")
    fields = data.draw(st.fixed_dictionaries({}, optional=BUCKET_FIELDS), label="fields")
    timeout = data.draw(TIMEOUT, label="timeout")
    config = attempt_sync(
        jsm.KeyValueConfig, bucket=bucket, storage=jsm.StorageType.MEMORY, **fields
    )
    if isinstance(config, jsm.KeyValueConfig):
        kv = await attempt(js.kv.create(config, timeout=timeout))
        if isinstance(kv, jsm.KeyValue):
            await attempt(kv.status(timeout=timeout))
            await attempt(kv.put("k", b"v", timeout=timeout))
            await attempt(js.kv.update(config, timeout=timeout))
    await attempt(js.kv.get(bucket, timeout=timeout))
    await attempt(js.kv.status(bucket, timeout=timeout))
    await attempt(js.kv.delete(bucket, timeout=timeout))
    await health.check()


@given(data=st.data())
@hostile_settings(60)
async def test_key_operations_take_any_key_value_revision_and_ttl(
    health: Health, data: st.DataObject
) -> None:
    kv = await _bucket(health)
    key = data.draw(KEY, label="key")
    value = data.draw(PAYLOAD, label="value")
    revision = data.draw(REVISION, label="revision")
    ttl = data.draw(TTL, label="ttl")
    timeout = data.draw(TIMEOUT, label="timeout")
    call = data.draw(
        st.sampled_from(["put", "create", "update", "get", "delete", "purge", "history"]),
        label="call",
    )
    if call == "put":
        await attempt(kv.put(key, value, timeout=timeout))
    elif call == "create":
        await attempt(kv.create(key, value, ttl=ttl, timeout=timeout))
    elif call == "update":
        await attempt(kv.update(key, value, revision, timeout=timeout))
    elif call == "get":
        await attempt(kv.get(key, revision=None if revision == 0 else revision, timeout=timeout))
    elif call == "delete":
        await attempt(kv.delete(key, revision=None if revision == 0 else revision, timeout=timeout))
    elif call == "purge":
        await attempt(
            kv.purge(key, revision=None if revision == 0 else revision, ttl=ttl, timeout=timeout)
        )
    else:
        await attempt(kv.history(key, timeout=timeout))
    await health.check()


@given(data=st.data())
@hostile_settings(40)
async def test_listing_and_watching_take_any_pattern_and_option(
    health: Health, data: st.DataObject
) -> None:
    kv = await _bucket(health)
    if (await kv.status()).values < 3:
        for key in ("a", "b.c", "b.d"):
            await kv.put(key, b"x")
    patterns = data.draw(PATTERNS, label="patterns")
    timeout = data.draw(TIMEOUT, label="timeout")
    older_than = data.draw(mostly(st.none(), duration()), label="older_than")
    flags = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "include_history": mostly(st.booleans(), hostile_text()),
                "ignore_deletes": mostly(st.booleans(), hostile_text()),
                "updates_only": mostly(st.booleans(), hostile_text()),
                "meta_only": mostly(st.booleans(), hostile_text()),
                "idle_heartbeat": mostly(st.none(), duration()),
            },
        ),
        label="watch options",
    )
    lister = attempt_sync(kv.keys, patterns, timeout=timeout)
    if isinstance(lister, jsm.KeyLister):
        await attempt(lister)
    watcher = attempt_sync(kv.watch, patterns, **{k: capped(v) for k, v in flags.items()})
    if isinstance(watcher, jsm.KeyWatcher):

        async def watch() -> None:
            async with watcher as updates:
                with anyio.move_on_after(1):
                    async for entry in updates:
                        if entry is None:
                            break

        await attempt(watch())
    await attempt(kv.purge_deletes(older_than=older_than, timeout=timeout))
    await health.check()
