"""Interoperability with nats-py's object store, both ways, on one real server.

nats-py's own JetStream modules appear here only, as the other client.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import nats
import nats.js.api
import nats.js.errors
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nats.aio.client import Client

    from jsm.testing import NatsServer


def payload(size: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


@pytest.fixture
async def other(nats_server: NatsServer) -> AsyncIterator[Client]:
    nc = await nats.connect(nats_server.client_url)
    try:
        yield nc
    finally:
        await nc.close()


async def test_nats_py_reads_what_jsm_puts(
    js: jsm.Manager, other: Client, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    data = payload(700_000, seed=1)
    put = await store.put(
        "report.pdf",
        data,
        meta=jsm.ObjectMeta(description="quarterly", headers={"Content-Type": ["application/pdf"]}),
    )
    await store.put("tiny", b"t")
    await store.add_link("shortcut", "report.pdf")
    theirs = await other.jetstream().object_store(unique_name)
    result = await theirs.get("report.pdf")
    assert result.data == data
    info = result.info
    assert (info.name, info.bucket, info.nuid) == ("report.pdf", unique_name, put.nuid)
    assert (info.size, info.chunks, info.digest) == (len(data), 6, put.digest)
    assert info.description == "quarterly"
    assert info.headers == {"Content-Type": ["application/pdf"]}
    assert info.options is not None and info.options.max_chunk_size == 128 * 1024
    assert (await theirs.get("shortcut")).data == data  # nats-py follows jsm's link
    listed = sorted(entry.name for entry in await theirs.list())
    assert listed == ["report.pdf", "shortcut", "tiny"]
    await store.delete("tiny")
    with pytest.raises(nats.js.errors.ObjectNotFoundError):
        await theirs.get_info("tiny")
    status = await theirs.status()
    assert status.bucket == unique_name


async def test_jsm_reads_what_nats_py_puts(
    js: jsm.Manager, other: Client, unique_name: str
) -> None:
    theirs = await other.jetstream().create_object_store(
        unique_name, nats.js.api.ObjectStoreConfig(description="made by nats-py")
    )
    data = payload(500_000, seed=2)
    meta = nats.js.api.ObjectMeta(
        name="photo.jpg", description="a photo", headers={"Content-Type": ["image/jpeg"]}
    )
    their_info = await theirs.put("photo.jpg", data, meta=meta)
    await theirs.put("empty", b"")
    store = await js.objects.get(unique_name)
    assert (await store.status()).description == "made by nats-py"
    assert await store.get_bytes("photo.jpg") == data
    info = await store.info("photo.jpg")
    assert (info.nuid, info.size, info.chunks) == (their_info.nuid, len(data), 4)
    assert info.digest == their_info.digest
    assert info.description == "a photo"
    assert info.headers == {"Content-Type": ["image/jpeg"]}
    assert info.mtime is not None  # from the stored message, not from the JSON
    assert await store.get_bytes("empty") == b""
    assert sorted([i.name async for i in store.list()]) == ["empty", "photo.jpg"]
    await theirs.delete("empty")
    with pytest.raises(errors.ObjectNotFoundError):
        await store.info("empty")
    # jsm replaces nats-py's object; nats-py reads jsm's version and jsm purged the old chunks.
    await store.put("photo.jpg", data[:1000])
    assert (await theirs.get("photo.jpg")).data == data[:1000]
    stream = await js.streams.get(f"OBJ_{unique_name}")
    subjects = (await stream.info(subjects_filter=f"$O.{unique_name}.C.>")).state.subjects
    assert subjects == {f"$O.{unique_name}.C.{(await store.info('photo.jpg')).nuid}": 1}
