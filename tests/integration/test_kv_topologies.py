"""Mirrored and sourced buckets (ADR-8 topologies): reads served by the mirror, writes to
the origin, aggregates rewriting keys, and a mirror in the leaf domain of a hub bucket."""

from __future__ import annotations

import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import eventually


async def wait_for_values(kv: jsm.KeyValue, count: int) -> None:
    async def copied() -> bool:
        return (await kv.status()).values >= count

    await eventually(copied)


async def test_mirror_reads_locally_and_writes_to_its_origin(
    js: jsm.Manager, unique_name: str
) -> None:
    origin = await js.kv.create(jsm.KeyValueConfig(bucket=f"{unique_name}_O", history=3))
    mirror = await js.kv.create(
        jsm.KeyValueConfig(
            bucket=f"{unique_name}_M", mirror=jsm.StreamSource(name=f"{unique_name}_O")
        )
    )
    config = mirror.cached_info.config
    assert config.mirror is not None and config.mirror.name == f"KV_{unique_name}_O"
    assert config.mirror_direct and not config.subjects
    assert mirror.put_prefix == f"$KV.{unique_name}_O."
    await origin.put("a", b"1")
    await mirror.put("b", b"2")  # goes to the origin
    assert (await origin.get("b")).value == b"2"
    await wait_for_values(mirror, 2)
    # The origin goes away: the mirror still answers reads, and writes have nowhere to go.
    await js.kv.delete(f"{unique_name}_O")
    assert (await mirror.get("a")).value == b"1"
    assert (await mirror.get("b")).value == b"2"
    assert sorted(await mirror.keys()) == ["a", "b"]
    with pytest.raises(errors.BucketNotFoundError, match=f"bucket '{unique_name}_O' not found"):
        await mirror.put("c", b"3")


async def test_sourced_bucket_rewrites_keys_into_itself(js: jsm.Manager, unique_name: str) -> None:
    east = await js.kv.create(jsm.KeyValueConfig(bucket=f"{unique_name}_E"))
    west = await js.kv.create(jsm.KeyValueConfig(bucket=f"{unique_name}_W"))
    merged = await js.kv.create(
        jsm.KeyValueConfig(
            bucket=f"{unique_name}_ALL",
            sources=[
                jsm.StreamSource(name=f"{unique_name}_E"),
                jsm.StreamSource(name=f"KV_{unique_name}_W", filter_subject=None),
            ],
        )
    )
    sources = merged.cached_info.config.sources or []
    assert [s.name for s in sources] == [f"KV_{unique_name}_E", f"KV_{unique_name}_W"]
    transforms = [(t.src, t.dest) for s in sources for t in s.subject_transforms or []]
    assert transforms == [
        (f"$KV.{unique_name}_E.>", f"$KV.{unique_name}_ALL.>"),
        (f"$KV.{unique_name}_W.>", f"$KV.{unique_name}_ALL.>"),
    ]
    await east.put("east.1", b"e")
    await west.put("west.1", b"w")
    await merged.put("local", b"l")  # an aggregate made this way is writable
    await wait_for_values(merged, 3)
    assert sorted(await merged.keys()) == ["east.1", "local", "west.1"]
    assert (await merged.get("west.1")).value == b"w"


async def test_leaf_mirror_of_a_hub_bucket_writes_through_the_hub_domain(
    js_leaf: jsm.Manager, unique_name: str
) -> None:
    hub = jsm.Manager(js_leaf.nc, domain="hub")
    origin_name = f"{unique_name}_HUB"
    origin = await hub.kv.create(jsm.KeyValueConfig(bucket=origin_name, history=2))
    try:
        mirror = await js_leaf.kv.create(
            jsm.KeyValueConfig(
                bucket=f"{unique_name}_LEAF",
                mirror=jsm.StreamSource(
                    name=origin_name, external=jsm.ExternalStream(api="$JS.hub.API")
                ),
            )
        )
        assert mirror.put_prefix == f"$JS.hub.API.$KV.{origin_name}."
        await origin.put("a", b"from hub")
        await mirror.put("b", b"from leaf")
        assert (await origin.get("b")).value == b"from leaf"
        await wait_for_values(mirror, 2)
        assert (await mirror.get("a")).value == b"from hub"
        assert (await mirror.get("b")).value == b"from leaf"
        again = await js_leaf.kv.get(f"{unique_name}_LEAF")
        assert again.put_prefix == mirror.put_prefix
    finally:
        await hub.kv.delete(origin_name)
