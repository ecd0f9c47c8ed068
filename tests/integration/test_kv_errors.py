"""Key-Value errors speak of buckets, keys and revisions, never of the KV_ stream behind them."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from jsm.kv._config import kv_stream_config

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


def assert_speaks_of_bucket(err: BaseException, bucket: str) -> None:
    text = str(err)
    assert f"bucket {bucket!r}" in text, text
    assert f"KV_{bucket}" not in text, text


async def _first_entry(kv: jsm.KeyValue) -> object:
    async with kv.watch() as updates:
        async for entry in updates:
            return entry
    return None


async def test_watching_a_deleted_bucket_raises_bucket_not_found(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    await kv.put("a", b"1")
    await js.kv.delete(unique_name)
    for updates_only in (False, True):
        with pytest.raises(errors.BucketNotFoundError) as caught:
            async with kv.watch(updates_only=updates_only):
                pass
        assert_speaks_of_bucket(caught.value, unique_name)
        assert caught.value.err_code == 10059


async def test_a_running_watch_raises_bucket_not_found_when_the_bucket_is_deleted(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    await kv.put("a", b"1")
    seen: list[object] = []
    with anyio.fail_after(60), pytest.raises(errors.BucketNotFoundError) as caught:
        async with kv.watch(idle_heartbeat=1) as updates:
            async for entry in updates:
                seen.append(entry)
                if entry is None:
                    await js.kv.delete(unique_name)
    assert len(seen) == 2 and seen[1] is None
    assert_speaks_of_bucket(caught.value, unique_name)
    assert not isinstance(caught.value, errors.StreamNotFoundError | errors.ConsumerNotFoundError)


async def test_listing_history_and_cleanup_of_a_deleted_bucket_raise_bucket_not_found(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    await kv.put("a", b"1")
    await js.kv.delete(unique_name)

    async def keys() -> object:
        return await kv.keys()

    calls: list[Callable[[], Awaitable[object]]] = [
        keys,
        lambda: kv.history("a"),
        lambda: kv.purge_deletes(),
        lambda: _first_entry(kv),
        lambda: kv.status(),
    ]
    for call in calls:
        with pytest.raises(errors.BucketNotFoundError) as caught:
            await call()
        assert_speaks_of_bucket(caught.value, unique_name)


@pytest.mark.parametrize("direct", [True, False], ids=["direct-get", "leader-get"])
async def test_reads_of_a_deleted_bucket_raise_bucket_not_found(
    js: jsm.Manager, unique_name: str, direct: bool
) -> None:
    stream = kv_stream_config(jsm.KeyValueConfig(bucket=unique_name))
    await js.streams.add(stream.with_changes(allow_direct=direct))
    kv = await js.kv.get(unique_name)
    first = await kv.put("a", b"1")
    await js.kv.delete(unique_name)
    reads: list[Callable[[], Awaitable[object]]] = [
        lambda: kv.get("a"),
        lambda: kv.get("a", revision=first),
    ]
    for read in reads:
        with pytest.raises(errors.BucketNotFoundError) as caught:
            await read()
        assert_speaks_of_bucket(caught.value, unique_name)


async def test_writes_to_a_deleted_bucket_raise_bucket_not_found(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    revision = await kv.put("a", b"1")
    await js.kv.delete(unique_name)
    writes: list[Callable[[], Awaitable[object]]] = [
        lambda: kv.put("a", b"2"),
        lambda: kv.create("b", b"1"),
        lambda: kv.update("a", b"2", revision),
        lambda: kv.delete("a"),
        lambda: kv.purge("a", revision=revision),
    ]
    for write in writes:
        with pytest.raises(errors.BucketNotFoundError) as caught:
            await write()
        assert_speaks_of_bucket(caught.value, unique_name)


async def test_a_stale_update_names_the_key_and_both_revisions(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    first = await kv.put("color", b"blue")
    second = await kv.put("color", b"red")
    with pytest.raises(errors.StreamWrongLastSequenceError) as caught:
        await kv.update("color", b"green", first)
    text = str(caught.value)
    assert f"key 'color' in bucket {unique_name!r} is at revision {second}, not {first}" in text
    assert "nothing was written" in text and f"KV_{unique_name}" not in text
    assert (caught.value.code, caught.value.err_code) == (400, 10071)
    stale_writes: list[Callable[[], Awaitable[object]]] = [
        lambda: kv.delete("color", revision=first),
        lambda: kv.purge("color", revision=first),
    ]
    for stale in stale_writes:
        with pytest.raises(errors.StreamWrongLastSequenceError, match=f"not {first}"):
            await stale()
    with pytest.raises(errors.StreamWrongLastSequenceError) as caught:
        await kv.update("never", b"v", second)
    assert f"key 'never' in bucket {unique_name!r} has no entry" in str(caught.value)
    assert (await kv.get("color")).value == b"red"


async def test_creating_an_existing_key_names_the_key_and_its_revision(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    revision = await kv.put("color", b"blue")
    with pytest.raises(errors.KeyExistsError) as caught:
        await kv.create("color", b"red")
    assert (caught.value.bucket, caught.value.key, caught.value.revision) == (
        unique_name,
        "color",
        revision,
    )
    assert f"key 'color' already exists in bucket {unique_name!r} at revision {revision}" in str(
        caught.value
    )


async def test_recreating_a_bucket_with_other_settings_says_which_in_kv_terms(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=1))
    again = jsm.KeyValueConfig(
        bucket=unique_name, history=5, ttl=timedelta(hours=1), description="settings"
    )
    with pytest.raises(errors.StreamNameExistError) as caught:
        await js.kv.create(again)
    err = caught.value
    assert isinstance(err, errors.BadRequestError) and err.err_code == 10058
    text = str(err)
    assert text.startswith(f"bucket {unique_name!r} exists with other settings"), text
    assert "history 5 ≠ 1" in text and "ttl 3600s ≠ none" in text
    assert "description 'settings' ≠ none" in text
    assert "js.kv.update" in text and f"KV_{unique_name}" not in text
    assert "max_msgs_per_subject" not in text
    # the same settings again is fine; update changes them
    assert (await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))).bucket == unique_name
    assert (await (await js.kv.update(again)).status()).history == 5


async def test_a_missing_bucket_is_named_by_the_manager(js: jsm.Manager, unique_name: str) -> None:
    for call in (
        lambda: js.kv.get(unique_name),
        lambda: js.kv.delete(unique_name),
        lambda: js.kv.update(jsm.KeyValueConfig(bucket=unique_name)),
    ):
        with pytest.raises(errors.BucketNotFoundError) as caught:
            await call()
        assert_speaks_of_bucket(caught.value, unique_name)
