"""Bad input to Key-Value: typed errors, raised before the wire where possible, and the
store left unchanged."""

from __future__ import annotations

import pytest

import jsm
from jsm import errors

BAD_BUCKETS = ["", "a.b", "a b", "a*", "a>", "ä", "a/b", "a:b"]
BAD_KEYS = ["", ".a", "a.", "a..b", "a b", "a*", ">", "a.>", "ä", "a\tb", "a#b", "$x"]


@pytest.mark.parametrize("bucket", BAD_BUCKETS, ids=repr)
async def test_invalid_bucket_names_are_refused_locally(js: jsm.Manager, bucket: str) -> None:
    with pytest.raises(errors.InvalidNameError):
        await js.kv.create(jsm.KeyValueConfig(bucket=bucket))
    with pytest.raises(errors.InvalidNameError):
        await js.kv.get(bucket)
    with pytest.raises(errors.InvalidNameError):
        await js.kv.delete(bucket)
    assert await js.streams.names().collect() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"history": 0},
        {"history": 65},
        {"replicas": 6},
        {"replicas": 0},
        {"max_value_size": 0},
        {"max_bytes": -5},
        {"mirror": jsm.StreamSource(name="X"), "sources": [jsm.StreamSource(name="Y")]},
    ],
    ids=lambda fields: ",".join(fields),
)
async def test_out_of_range_settings_create_nothing(
    js: jsm.Manager, unique_name: str, fields: dict[str, object]
) -> None:
    config = jsm.KeyValueConfig.model_validate({"bucket": unique_name} | fields)
    with pytest.raises(errors.InvalidOptionError):
        await js.kv.create(config)
    assert await js.streams.names().collect() == []


async def test_a_config_of_the_wrong_type_is_refused(js: jsm.Manager, unique_name: str) -> None:
    with pytest.raises(errors.InvalidOptionError, match="KeyValueConfig"):
        await js.kv.create(jsm.StreamConfig(name=unique_name))  # type: ignore[arg-type]  # the mistake under test


async def test_invalid_keys_are_refused_and_nothing_is_stored(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    for key in BAD_KEYS:
        for call in (
            kv.put(key, b"v"),
            kv.create(key, b"v"),
            kv.update(key, b"v", 1),
            kv.delete(key),
            kv.purge(key),
            kv.get(key),
            kv.history(key),
        ):
            with pytest.raises(errors.InvalidNameError):
                await call
    for bad_filter in ("a..b", "a.>.b", "a*b", ""):
        with pytest.raises(errors.InvalidNameError):
            kv.watch(bad_filter)
    assert (await kv.status()).values == 0


async def test_values_over_the_size_limit(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, max_value_size=1024))
    await kv.put("k", b"ok")
    with pytest.raises(errors.InvalidOptionError, match="max_value_size"):
        await kv.put("k", b"x" * 1025)
    # A handle made before the bucket shrank its limit meets the server's own check.
    await js.kv.update(jsm.KeyValueConfig(bucket=unique_name, max_value_size=16))
    with pytest.raises(errors.StreamMessageExceedsMaximumError):
        await kv.put("k", b"x" * 100)
    assert (await kv.get("k")).value == b"ok"
    assert (await kv.status()).values == 1


async def test_stale_revisions_and_bad_values(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    first = await kv.put("k", b"1")
    second = await kv.put("k", b"2")
    with pytest.raises(errors.StreamWrongLastSequenceError) as caught:
        await kv.update("k", b"stale", first)
    assert caught.value.err_code == 10071
    assert f"bucket {unique_name!r}" in str(caught.value)
    with pytest.raises(errors.StreamWrongLastSequenceError):
        await kv.update("new", b"v", second)  # the key has no value at all
    for revision in (-1, True, "3"):
        with pytest.raises(errors.InvalidOptionError):
            await kv.update("k", b"v", revision)  # type: ignore[arg-type]  # the mistake under test
    with pytest.raises(errors.InvalidOptionError):
        await kv.get("k", revision=0)
    with pytest.raises(errors.InvalidOptionError, match="bytes"):
        await kv.put("k", "text")  # type: ignore[arg-type]  # the mistake under test
    entry = await kv.get("k")
    assert (entry.value, entry.revision) == (b"2", second)
    assert [e.value for e in await kv.history("k")] == [b"1", b"2"]


async def test_operations_on_a_deleted_bucket(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    await js.kv.delete(unique_name)
    with pytest.raises(errors.BucketNotFoundError):
        await kv.put("k", b"v")
    with pytest.raises(errors.BucketNotFoundError):
        await kv.status()
    with pytest.raises(errors.BucketNotFoundError):
        await js.kv.status(unique_name)
