"""Object stores on a real server: buckets, put/get in every source form, info, replace."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

import jsm
from jsm import errors
from jsm.models.objects import digest_value

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path


def payload(size: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


async def chunk_count(js: jsm.Manager, bucket: str) -> int:
    info = await (await js.streams.get(f"OBJ_{bucket}")).info(subjects_filter=f"$O.{bucket}.C.>")
    return sum((info.state.subjects or {}).values())


async def test_create_makes_the_stream_other_clients_expect(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(
        jsm.ObjectStoreConfig(
            bucket=unique_name,
            description="files",
            ttl=timedelta(hours=1),
            max_bytes=1 << 20,
            metadata={"owner": "ops"},
        )
    )
    assert store.bucket == unique_name
    config = (await js.streams.get(f"OBJ_{unique_name}")).config
    assert config.subjects == [f"$O.{unique_name}.C.>", f"$O.{unique_name}.M.>"]
    assert config.discard == jsm.DiscardPolicy.NEW
    assert config.allow_rollup_hdrs and config.allow_direct
    assert config.max_age == timedelta(hours=1)
    assert config.max_bytes == 1 << 20
    status = await store.status()
    assert status.bucket == unique_name
    assert status.description == "files"
    assert status.ttl == timedelta(hours=1)
    assert status.metadata is not None and status.metadata["owner"] == "ops"
    assert status.storage == jsm.StorageType.FILE
    assert not status.sealed and not status.compressed
    assert status.backing_store == "JetStream"


async def test_bucket_lifecycle_get_update_list_seal_delete(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    assert (await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))).bucket == (
        unique_name
    )
    assert (await js.objects.get(unique_name)).bucket == unique_name
    assert (await js.objects.bucket(unique_name)).bucket == unique_name
    updated = await js.objects.update(
        jsm.ObjectStoreConfig(bucket=unique_name, description="new", compression=True)
    )
    assert (await updated.status()).compressed
    assert unique_name in [name async for name in js.objects.names()]
    statuses = [s async for s in js.objects.list() if s.bucket == unique_name]
    assert [s.description for s in statuses] == ["new"]
    store = await js.objects.get(unique_name)
    await store.put("a", b"data")
    assert (await js.objects.seal(unique_name)).sealed
    assert (await store.status()).sealed
    with pytest.raises(errors.ApiError):
        await store.put("b", b"more")
    assert await store.get_bytes("a") == b"data"
    await js.objects.delete(unique_name)
    with pytest.raises(errors.ObjectStoreNotFoundError):
        await js.objects.get(unique_name)
    with pytest.raises(errors.ObjectStoreNotFoundError):
        await js.objects.delete(unique_name)
    with pytest.raises(errors.ObjectStoreNotFoundError):
        await store.info("a")


@pytest.mark.parametrize("size", [0, 1, 1000, 128 * 1024, 128 * 1024 + 1, 700_000])
async def test_put_and_get_bytes_round_trip(js: jsm.Manager, unique_name: str, size: int) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    data = payload(size)
    info = await store.put("file.bin", data)
    assert info.name == "file.bin"
    assert info.bucket == unique_name
    assert info.size == size
    assert info.chunks == -(-size // (128 * 1024))
    assert info.digest == digest_value(hashlib.sha256(data).digest())
    assert info.mtime is not None
    assert await store.get_bytes("file.bin") == data
    stored = await store.info("file.bin")
    assert stored.nuid == info.nuid and stored.digest == info.digest
    assert stored.chunk_size == 128 * 1024
    assert await chunk_count(js, unique_name) == info.chunks


async def test_get_streams_chunks_and_verifies(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    data = payload(50_000, seed=3)
    await store.put("x", data, meta=jsm.ObjectMeta(chunk_size=4096))
    async with store.get("x") as reader:
        assert reader.info is not None and reader.info.chunks == 13
        chunks = [chunk async for chunk in reader]
        assert reader.verified
        assert reader.received == len(data)
    assert [len(c) for c in chunks] == [4096] * 12 + [50_000 - 12 * 4096]
    assert b"".join(chunks) == data


def sync_pieces(data: bytes, step: int) -> Iterator[bytes]:
    for start in range(0, len(data), step):
        yield data[start : start + step]


async def async_pieces(data: bytes, step: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), step):
        yield data[start : start + step]


async def test_put_reads_files_and_iterators(
    js: jsm.Manager, unique_name: str, tmp_path: Path
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    data = payload(300_000, seed=7)
    path = tmp_path / "source.bin"
    path.write_bytes(data)
    with path.open("rb") as file:
        assert (await store.put("from-file", file)).size == len(data)
    assert (await store.put("from-bytesio", io.BytesIO(data))).size == len(data)
    assert (await store.put("from-iter", sync_pieces(data, 999))).size == len(data)
    assert (await store.put("from-aiter", async_pieces(data, 70_001))).size == len(data)
    assert (await store.put("from-bytearray", bytearray(data))).size == len(data)
    for name in ("from-file", "from-bytesio", "from-iter", "from-aiter", "from-bytearray"):
        info = await store.info(name)
        assert info.chunks == 3, name
        assert await store.get_bytes(name) == data, name


async def test_get_to_file_writes_the_object(
    js: jsm.Manager, unique_name: str, tmp_path: Path
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    data = payload(200_000, seed=9)
    await store.put("doc", data)
    target = tmp_path / "out.bin"
    info = await store.get_to_file("doc", target)
    assert info.size == len(data)
    assert target.read_bytes() == data
    assert not (tmp_path / "out.bin.part").exists()


async def test_put_replaces_the_previous_version_and_purges_its_chunks(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    first = await store.put("obj", payload(400_000, seed=1))
    second = await store.put(
        "obj",
        payload(10_000, seed=2),
        meta=jsm.ObjectMeta(description="v2", headers={"k": ["a", "b"]}, metadata={"m": "1"}),
    )
    assert first.nuid != second.nuid
    assert await store.get_bytes("obj") == payload(10_000, seed=2)
    assert await chunk_count(js, unique_name) == 1
    info = await store.info("obj")
    assert info.description == "v2"
    assert info.headers == {"k": ["a", "b"]}
    assert info.metadata == {"m": "1"}


async def test_missing_objects_raise_object_not_found(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    with pytest.raises(errors.ObjectNotFoundError) as caught:
        await store.info("nope")
    assert caught.value.bucket == unique_name and caught.value.name == "nope"
    with pytest.raises(errors.ObjectNotFoundError):
        await store.get_bytes("nope")
    with pytest.raises(errors.ObjectNotFoundError):
        async with store.get("nope"):
            pass


@pytest.mark.parametrize(
    "name",
    ["with spaces", "dots.in.name", "slashes/and/more", "ünïcödé ✓", "=+?&", "." * 3, "x" * 300],
    ids=["spaces", "dots", "slashes", "unicode", "symbols", "only-dots", "long"],
)
async def test_any_non_empty_name_round_trips(js: jsm.Manager, unique_name: str, name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put(name, name.encode())
    assert await store.get_bytes(name) == name.encode()
    assert [info.name async for info in store.list()] == [name]
    await store.delete(name)
    assert [info.name async for info in store.list()] == []


async def test_memory_buckets_and_sealing_through_the_handle(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(
        jsm.ObjectStoreConfig(bucket=unique_name, storage=jsm.StorageType.MEMORY, replicas=1)
    )
    await store.put("a", payload(200_000))
    status = await store.status()
    assert status.storage == jsm.StorageType.MEMORY
    assert status.size > 200_000
    sealed = await store.seal()
    assert sealed.sealed
    with pytest.raises(errors.ApiError):
        await store.delete("a")
    with pytest.raises(errors.ApiError):
        await store.update_meta("a", jsm.ObjectMeta(description="x"))
    assert await store.get_bytes("a") == payload(200_000)


async def test_a_reader_is_a_source_so_objects_stream_between_buckets(
    js: jsm.Manager, unique_name: str
) -> None:
    source = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    target = await js.objects.create(jsm.ObjectStoreConfig(bucket=f"{unique_name}_copy"))
    data = payload(1_000_000, seed=11)
    original = await source.put("obj", data, meta=jsm.ObjectMeta(chunk_size=50_000))
    async with source.get("obj") as reader:
        copied = await target.put("obj", reader)
    assert reader.verified
    assert copied.digest == original.digest
    assert copied.chunks == 8  # re-chunked at the default size
    assert await target.get_bytes("obj") == data
