"""Hostile input to object stores: store configurations from any keywords, object names of
any text, sources of any kind, metadata (descriptions, headers, metadata, chunk sizes),
links, and reads of any name."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jsm
from tests.hostile.harness import attempt, attempt_sync, hostile_settings
from tests.hostile.strategies import (
    HEADER_NAME,
    HEADER_VALUE,
    TIMEOUT,
    TOKEN,
    WRONG_TYPES,
    duration,
    hostile_text,
    mostly,
    number,
)

if TYPE_CHECKING:
    from tests.hostile.harness import Health

pytestmark = pytest.mark.filterwarnings("ignore::jsm.JsmWarning")

NAME = hostile_text(
    st.one_of(
        TOKEN,
        st.text(min_size=1, max_size=20).filter(lambda n: "\x00" not in n),
        st.just("reports/2026/q1.pdf"),
    )
)
SOURCE = mostly(
    st.binary(max_size=3000),
    st.one_of(
        st.binary(max_size=3000).map(io.BytesIO),
        st.lists(st.binary(max_size=500), max_size=4),
        st.binary(max_size=100).map(bytearray),
        st.text(max_size=10),
        st.lists(st.text(max_size=3), min_size=1, max_size=2),
        WRONG_TYPES,
    ),
)
META_FIELDS = {
    "description": hostile_text(st.text(max_size=20)),
    "headers": mostly(
        st.none() | st.dictionaries(TOKEN, st.lists(TOKEN, min_size=1, max_size=2), max_size=2),
        st.dictionaries(HEADER_NAME, st.lists(HEADER_VALUE, max_size=2), max_size=3)
        | st.dictionaries(HEADER_NAME, HEADER_VALUE, max_size=2)
        | st.just({"X-Big": ["v" * 70_000]}),
    ),
    "metadata": mostly(
        st.none() | st.dictionaries(TOKEN, TOKEN, max_size=2),
        st.dictionaries(
            hostile_text().filter(lambda k: isinstance(k, str)), hostile_text(), max_size=3
        ),
    ),
    "chunk_size": number(st.sampled_from([None, 1, 100, 1000, 1024 * 1024, 1024 * 1024 + 1])),
}
STORE_FIELDS = {
    "description": hostile_text(st.text(max_size=20)),
    "ttl": duration(st.timedeltas(min_value=timedelta(0), max_value=jsm.MAX_DURATION)),
    "max_bytes": number(st.integers(min_value=-1, max_value=2**20)),
    "replicas": number(st.integers(min_value=1, max_value=5)),
    "compression": mostly(st.booleans(), hostile_text()),
}


async def _store(health: Health) -> jsm.ObjectStore:
    return await health.js.objects.create(
        jsm.ObjectStoreConfig(bucket=health.name, storage=jsm.StorageType.MEMORY)
    )


@given(data=st.data())
@hostile_settings(30)
async def test_object_stores_take_any_name_and_keywords(
    health: Health, data: st.DataObject
) -> None:
    js = health.js
    bucket = data.draw(hostile_text(TOKEN.map(lambda t: f"{health.name}_{t}")), label="bucket")
    fields = data.draw(st.fixed_dictionaries({}, optional=STORE_FIELDS), label="fields")
    timeout = data.draw(TIMEOUT, label="timeout")
    config = attempt_sync(
        jsm.ObjectStoreConfig, bucket=bucket, storage=jsm.StorageType.MEMORY, **fields
    )
    if isinstance(config, jsm.ObjectStoreConfig):
        store = await attempt(js.objects.create(config, timeout=timeout))
        if isinstance(store, jsm.ObjectStore):
            await attempt(store.status(timeout=timeout))
            await attempt(js.objects.update(config, timeout=timeout))
    await attempt(js.objects.get(bucket, timeout=timeout))
    await attempt(js.objects.status(bucket, timeout=timeout))
    await attempt(js.objects.delete(bucket, timeout=timeout))
    await health.check()


@given(data=st.data())
@hostile_settings(50)
async def test_objects_take_any_name_source_and_metadata(
    health: Health, data: st.DataObject
) -> None:
    store = await _store(health)
    name = data.draw(NAME, label="name")
    source = data.draw(SOURCE, label="source")
    meta_fields = data.draw(
        mostly(st.none(), st.fixed_dictionaries({}, optional=META_FIELDS)), label="meta"
    )
    timeout = data.draw(TIMEOUT, label="timeout")
    other = data.draw(NAME, label="other name")
    meta = attempt_sync(jsm.ObjectMeta, **meta_fields) if isinstance(meta_fields, dict) else None
    if isinstance(meta, jsm.JsmError):
        meta = None
    await attempt(store.put(name, source, meta=meta, timeout=timeout))
    await attempt(store.info(name, timeout=timeout))
    await attempt(store.get_bytes(name))
    await attempt(store.add_link(other, name, timeout=timeout))
    await attempt(store.add_bucket_link(other, health.name, timeout=timeout))
    if meta is not None:
        await attempt(store.update_meta(name, meta, timeout=timeout))
    await attempt(store.delete(other, timeout=timeout))
    await attempt(store.delete(name, timeout=timeout))
    await health.check()
