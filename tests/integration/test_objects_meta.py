"""Object metadata on a real server: update and rename, delete, links, list, watch, digests."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from jsm.testing import NatsServer


def payload(size: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


async def chunk_subjects(js: jsm.Manager, bucket: str) -> dict[str, int]:
    info = await (await js.streams.get(f"OBJ_{bucket}")).info(subjects_filter=f"$O.{bucket}.C.>")
    return dict(info.state.subjects or {})


async def meta_subjects(js: jsm.Manager, bucket: str) -> dict[str, int]:
    info = await (await js.streams.get(f"OBJ_{bucket}")).info(subjects_filter=f"$O.{bucket}.M.>")
    return dict(info.state.subjects or {})


def meta_subject(bucket: str, name: str) -> str:
    return f"$O.{bucket}.M.{base64.urlsafe_b64encode(name.encode()).decode()}"


async def test_update_meta_changes_description_headers_and_metadata(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    put = await store.put("doc", b"hello", meta=jsm.ObjectMeta(description="old"))
    updated = await store.update_meta(
        "doc",
        jsm.ObjectMeta(
            description="new", headers={"Content-Type": ["text/plain"]}, metadata={"a": "b"}
        ),
    )
    info = await store.info("doc")
    for seen in (updated, info):
        assert seen.description == "new"
        assert seen.headers == {"Content-Type": ["text/plain"]}
        assert seen.metadata == {"a": "b"}
        assert (seen.nuid, seen.digest, seen.size) == (put.nuid, put.digest, put.size)
    assert await store.get_bytes("doc") == b"hello"
    assert await meta_subjects(js, unique_name) == {meta_subject(unique_name, "doc"): 1}


async def test_rename_moves_the_metadata_and_keeps_the_data(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("old name", payload(300_000))
    await store.update_meta("old name", jsm.ObjectMeta(name="new name"))
    assert await store.get_bytes("new name") == payload(300_000)
    with pytest.raises(errors.ObjectNotFoundError):
        await store.info("old name")
    assert await meta_subjects(js, unique_name) == {meta_subject(unique_name, "new name"): 1}
    assert sum((await chunk_subjects(js, unique_name)).values()) == 3


async def test_rename_onto_a_live_object_is_refused_but_onto_a_deleted_one_works(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("a", b"A")
    await store.put("b", b"B")
    with pytest.raises(errors.ObjectExistsError) as caught:
        await store.update_meta("a", jsm.ObjectMeta(name="b"))
    assert caught.value.name == "b"
    assert await store.get_bytes("a") == b"A" and await store.get_bytes("b") == b"B"
    await store.delete("b")
    await store.update_meta("a", jsm.ObjectMeta(name="b"))
    assert await store.get_bytes("b") == b"A"


async def test_update_meta_of_a_missing_or_deleted_object_fails(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    with pytest.raises(errors.ObjectNotFoundError):
        await store.update_meta("ghost", jsm.ObjectMeta(description="x"))
    await store.put("gone", b"x")
    await store.delete("gone")
    with pytest.raises(errors.ObjectNotFoundError):
        await store.update_meta("gone", jsm.ObjectMeta(description="x"))


async def test_delete_purges_chunks_and_marks_the_metadata(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    put = await store.put("doc", payload(400_000), meta=jsm.ObjectMeta(description="d"))
    await store.delete("doc")
    assert await chunk_subjects(js, unique_name) == {}
    with pytest.raises(errors.ObjectNotFoundError):
        await store.info("doc")
    with pytest.raises(errors.ObjectNotFoundError):
        await store.get_bytes("doc")
    marker = await store.info("doc", include_deleted=True)
    assert marker.deleted and marker.size == 0 and marker.chunks == 0 and marker.digest is None
    assert marker.nuid == put.nuid and marker.description == "d"
    await store.delete("doc")  # deleting again does nothing
    with pytest.raises(errors.ObjectNotFoundError):
        await store.delete("never")
    await store.put("doc", b"back")
    assert await store.get_bytes("doc") == b"back"


async def test_links_to_objects_are_followed_on_get(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    other = await js.objects.create(jsm.ObjectStoreConfig(bucket=f"{unique_name}_o"))
    target = await other.put("target", payload(200_000, seed=1))
    await store.put("local", b"local data")
    link = await store.add_link("to-other", target)
    assert link.is_link and link.link == jsm.ObjectLink(bucket=other.bucket, name="target")
    assert link.size == 0 and link.digest is None
    assert await store.get_bytes("to-other") == payload(200_000, seed=1)
    async with store.get("to-other") as reader:
        assert reader.info is not None and reader.info.name == "target"
        assert reader.info.bucket == other.bucket
        assert b"".join([chunk async for chunk in reader]) == payload(200_000, seed=1)
    await store.add_link("to-local", "local")
    assert await store.get_bytes("to-local") == b"local data"
    stored = await store.info("to-local")  # info does not follow links
    assert stored.link == jsm.ObjectLink(bucket=unique_name, name="local")
    await store.add_link("to-local", target)  # a link may be replaced by a link
    assert await store.get_bytes("to-local") == payload(200_000, seed=1)
    with pytest.raises(errors.ObjectLinkError):
        await store.add_link("chain", "to-other")  # no links to links
    await other.delete("target")
    with pytest.raises(errors.ObjectNotFoundError, match="does not exist"):
        await store.get_bytes("to-other")


async def test_links_to_missing_or_deleted_objects_are_refused(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("obj", b"x")
    stale = await store.info("obj")
    with pytest.raises(errors.ObjectNotFoundError):
        await store.add_link("link", "missing")
    await store.delete("obj")
    with pytest.raises(errors.ObjectNotFoundError):
        await store.add_link("link", stale)
    with pytest.raises(errors.ObjectStoreNotFoundError):
        await store.add_bucket_link("blink", "NoSuchBucket")
    with pytest.raises(errors.ObjectNotFoundError):
        await store.info("link")
    with pytest.raises(errors.ObjectNotFoundError):
        await store.info("blink")
    await store.put("live", b"y")
    await store.put("other", b"z")
    with pytest.raises(errors.ObjectExistsError):
        await store.add_link("live", "other")  # a link may not replace a live object
    assert await store.get_bytes("live") == b"y"


async def test_bucket_links_point_at_buckets(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    other = await js.objects.create(jsm.ObjectStoreConfig(bucket=f"{unique_name}_o"))
    link = await store.add_bucket_link("dir", other)
    assert link.link == jsm.ObjectLink(bucket=other.bucket)
    assert (await store.info("dir")).link == jsm.ObjectLink(bucket=other.bucket)
    with pytest.raises(errors.ObjectLinkError, match="whole bucket"):
        await store.get_bytes("dir")
    await store.add_bucket_link("dir2", other.bucket)
    assert (await store.info("dir2")).link == jsm.ObjectLink(bucket=other.bucket)


async def test_list_gives_every_live_object(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    assert [info async for info in store.list()] == []
    for name in ("a", "b", "c"):
        await store.put(name, name.encode())
    await store.put("a", b"again")
    await store.delete("b")
    listed = {info.name: info async for info in store.list()}
    assert sorted(listed) == ["a", "c"]
    assert listed["a"].size == 5 and listed["a"].mtime is not None
    with_deleted = sorted([(i.name, i.deleted) async for i in store.list(include_deleted=True)])
    assert with_deleted == [("a", False), ("b", True), ("c", False)]


async def test_watch_gives_current_values_a_marker_then_changes(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("a", b"1")
    await store.put("a", b"22")
    await store.put("b", b"3")
    with anyio.fail_after(10):
        async with store.watch() as updates:
            initial = []
            async for info in updates:
                if info is None:
                    break
                initial.append((info.name, info.size))
            assert sorted(initial) == [("a", 2), ("b", 1)]
            await store.put("c", b"4444")
            await store.delete("b")
            changes = []
            async for info in updates:
                assert info is not None
                changes.append((info.name, info.deleted))
                if len(changes) == 2:
                    break
    assert changes == [("c", False), ("b", True)]


async def test_watch_options_history_updates_only_ignore_deletes(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    with anyio.fail_after(10):
        async with store.watch() as empty:
            assert await anext(empty) is None  # an empty bucket: the marker at once
        await store.put("a", b"1")
        await store.put("a", b"22")
        await store.put("gone", b"x")
        await store.delete("gone")
        async with store.watch(include_history=True) as history:
            sizes = []
            async for info in history:
                if info is None:
                    break
                sizes.append((info.name, info.size, info.deleted))
        # rollups keep one metadata message per object, so "history" is the latest of each
        assert sorted(sizes) == [("a", 2, False), ("gone", 0, True)]
        async with store.watch(ignore_deletes=True) as live:
            names = []
            async for info in live:
                if info is None:
                    break
                names.append(info.name)
        assert names == ["a"]
        async with store.watch(updates_only=True) as fresh:
            await store.put("z", b"new")
            info = await anext(fresh)
            assert info is not None and info.name == "z"
    with pytest.raises(errors.InvalidOptionError):
        store.watch(include_history=True, updates_only=True)


async def test_a_corrupted_chunk_fails_the_digest_check(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    data = payload(300_000, seed=8)
    info = await store.put("obj", data)
    stream = await js.streams.get(f"OBJ_{unique_name}")
    chunk_subject = f"$O.{unique_name}.C.{info.nuid}"
    first = await stream.get_message(next_by_subject=chunk_subject)
    await stream.delete_message(first.seq)
    await js.nc.request(chunk_subject, b"X" * len(first.data), timeout=5)  # a forged chunk
    received = []
    with pytest.raises(errors.DigestMismatchError) as caught:
        async with store.get("obj") as reader:
            async for chunk in reader:
                received.append(chunk)
    assert not reader.verified
    assert caught.value.expected == info.digest
    assert caught.value.actual != info.digest
    assert caught.value.received == len(data)
    assert len(received) == 2  # the last chunk is withheld once the hash fails
    with pytest.raises(errors.DigestMismatchError):
        await store.get_bytes("obj")


async def test_a_rewritten_digest_fails_the_check_and_get_to_file_leaves_no_file(
    js: jsm.Manager, unique_name: str, tmp_path: object
) -> None:
    import pathlib

    assert isinstance(tmp_path, pathlib.Path)
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    info = await store.put("obj", payload(1000))
    wire = info.to_wire() | {"digest": "SHA-256=" + base64.urlsafe_b64encode(bytes(32)).decode()}
    await js.nc.request(
        meta_subject(unique_name, "obj"),
        json.dumps(wire).encode(),
        headers={"Nats-Rollup": "sub"},
        timeout=5,
    )
    target = tmp_path / "out.bin"
    with pytest.raises(errors.DigestMismatchError):
        await store.get_to_file("obj", target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


async def test_a_short_object_fails_the_check(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    info = await store.put("obj", payload(300_000))
    stream = await js.streams.get(f"OBJ_{unique_name}")
    last = await stream.get_message(last_by_subject=f"$O.{unique_name}.C.{info.nuid}")
    await stream.delete_message(last.seq)
    with pytest.raises(errors.DigestMismatchError) as caught:
        await store.get_bytes("obj")
    assert caught.value.received == 2 * 128 * 1024


async def test_a_reader_fails_when_the_object_is_deleted_under_it(
    js: jsm.Manager, nats_server: NatsServer, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("obj", payload(4 << 20), meta=jsm.ObjectMeta(chunk_size=4096))
    async with jsm.connect(nats_server.client_url, timeout=1) as impatient:
        reading = await impatient.objects.get(unique_name)
        with pytest.raises(errors.ObjectNotFoundError, match="while being read"):
            async with reading.get("obj") as reader:
                async for _ in reader:
                    if reader.received == 4096:
                        await store.delete("obj")
        assert not reader.verified
        assert 0 < reader.received < 4 << 20


async def test_leaving_a_list_early_removes_its_consumer(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    for index in range(5):
        await store.put(f"o{index}", b"x")
    async with contextlib.aclosing(store.list()) as listing:
        async for _ in listing:
            break
    stream = await js.streams.get(f"OBJ_{unique_name}")
    assert await stream.consumers.names().collect() == []
