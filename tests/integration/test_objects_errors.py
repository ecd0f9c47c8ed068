"""Object-store errors speak of object stores and objects, never of the OBJ_ stream behind them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from jsm.subjects import object_meta_subject

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


def assert_speaks_of_store(err: BaseException, bucket: str) -> None:
    text = str(err)
    assert f"object store {bucket!r}" in text, text
    assert f"OBJ_{bucket}" not in text and "stream" not in text, text


async def _first_update(store: jsm.ObjectStore, *, updates_only: bool) -> object:
    async with store.watch(updates_only=updates_only) as updates:
        async for info in updates:
            return info
    return None


async def test_operations_on_a_deleted_object_store_raise_object_store_not_found(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("a.txt", b"hello")
    await js.objects.delete(unique_name)

    async def listed() -> object:
        return [info async for info in store.list()]

    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: store.put("b.txt", b"data"),
        lambda: store.get_bytes("a.txt"),
        lambda: store.info("a.txt"),
        lambda: store.delete("a.txt"),
        lambda: store.update_meta("a.txt", jsm.ObjectMeta(description="x")),
        lambda: store.add_link("l", "a.txt"),
        listed,
        lambda: _first_update(store, updates_only=False),
        lambda: _first_update(store, updates_only=True),
        lambda: store.status(),
        lambda: store.seal(),
        lambda: store.purge_orphans(),
        lambda: js.objects.get(unique_name),
        lambda: js.objects.delete(unique_name),
        lambda: js.objects.update(jsm.ObjectStoreConfig(bucket=unique_name)),
    ]
    for call in calls:
        with pytest.raises(errors.ObjectStoreNotFoundError) as caught:
            await call()
        assert_speaks_of_store(caught.value, unique_name)
        assert (caught.value.code, caught.value.err_code) == (404, 10059)


async def test_a_running_watch_raises_object_store_not_found_when_the_bucket_is_deleted(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("a.txt", b"hello")
    with anyio.fail_after(60), pytest.raises(errors.ObjectStoreNotFoundError) as caught:
        async with store.watch() as updates:
            async for info in updates:
                if info is None:
                    await js.objects.delete(unique_name)
    assert_speaks_of_store(caught.value, unique_name)


async def test_a_reader_raises_object_store_not_found_when_the_bucket_is_deleted(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    data = bytes(range(256)) * 2000  # 2,000 chunks of 256 bytes: more than a reader buffers
    await store.put("big", data, meta=jsm.ObjectMeta(chunk_size=256))
    with anyio.fail_after(60), pytest.raises(errors.ObjectStoreNotFoundError) as caught:
        async with store.get("big") as reader:
            async for _ in reader:
                if reader.received == 256:
                    await js.objects.delete(unique_name)
    assert_speaks_of_store(caught.value, unique_name)
    assert not reader.verified and reader.received < len(data)


async def test_recreating_an_object_store_with_other_settings_says_which(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    again = jsm.ObjectStoreConfig(bucket=unique_name, description="files", max_bytes=1 << 20)
    with pytest.raises(errors.StreamNameExistError) as caught:
        await js.objects.create(again)
    text = str(caught.value)
    assert text.startswith(f"object store {unique_name!r} exists with other settings"), text
    assert "description 'files' ≠ none" in text and f"max_bytes {1 << 20} ≠ -1" in text
    assert "js.objects.update" in text and f"OBJ_{unique_name}" not in text
    assert caught.value.err_code == 10058
    assert (await js.objects.update(again)).bucket == unique_name


async def test_a_link_to_an_invalid_bucket_name_written_elsewhere_is_a_link_error(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    foreign = {
        "name": "odd",
        "bucket": unique_name,
        "nuid": "n" * 22,
        "size": 0,
        "chunks": 0,
        "options": {"link": {"bucket": "not.a bucket", "name": "x"}},
    }
    await js.publish(
        object_meta_subject(unique_name, "odd"),
        json.dumps(foreign).encode(),
        headers={"Nats-Rollup": "sub"},
    )
    with pytest.raises(errors.ObjectLinkError, match="not a bucket name"):
        await store.get_bytes("odd")


@pytest.mark.parametrize("target", [None, 7, b"report"], ids=repr)
async def test_a_link_target_that_is_neither_a_name_nor_an_info_is_refused(
    js: jsm.Manager, unique_name: str, target: object
) -> None:
    # It raised AttributeError reading target.bucket.
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("report", b"x")
    with pytest.raises(errors.InvalidOptionError, match="target"):
        await store.add_link("link", target)  # type: ignore[arg-type]  # wrong on purpose
    assert (await store.add_link("link", "report")).is_link


@pytest.mark.parametrize("name", ["\ud800", "report-\udcff.pdf"], ids=repr)
async def test_an_object_name_with_a_lone_surrogate_is_refused(
    js: jsm.Manager, unique_name: str, name: str
) -> None:
    # The name is UTF-8 encoded (then base64url) into the metadata subject: it raised
    # UnicodeEncodeError.
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    for call in (store.put(name, b"x"), store.info(name), store.delete(name)):
        with pytest.raises(errors.InvalidNameError, match="surrogate"):
            await call
    with pytest.raises(errors.InvalidNameError, match="surrogate"):
        await store.add_link(name, "target")
    assert [info async for info in store.list()] == []


@pytest.mark.parametrize(
    ("meta", "where"),
    [
        (jsm.ObjectMeta(description="x\ud800"), "description"),
        (jsm.ObjectMeta(metadata={"k": "\udcff"}), "metadata.k"),
        (jsm.ObjectMeta(headers={"X-A": ["\ud800"]}), "headers['X-A'][0]"),
    ],
    ids=["description", "metadata", "header"],
)
async def test_metadata_that_is_not_utf8_is_refused_before_anything_is_stored(
    js: jsm.Manager, unique_name: str, meta: jsm.ObjectMeta, where: str
) -> None:
    # It was stored as a JSON escape no reader accepts: every later read of the object,
    # and every listing of the bucket, raised UnexpectedReplyError.
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    with pytest.raises(errors.ConfigValidationError) as caught:
        await store.put("report", b"x", meta=meta)
    assert f"{where}: holds a lone surrogate" in str(caught.value)
    await store.put("other", b"y")
    with pytest.raises(errors.ConfigValidationError, match="lone surrogate"):
        await store.update_meta("other", meta)
    assert [info.name async for info in store.list()] == ["other"]
    assert (await js.streams.info(f"OBJ_{unique_name}")).state.messages == 2  # a chunk, a meta
