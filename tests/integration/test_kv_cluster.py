"""Key-Value on the 3-node cluster: a replicated bucket, and a watch that keeps going while
the bucket's stream leader steps down."""

from __future__ import annotations

import anyio

import jsm
from tests.integration.consumer_helpers import eventually


async def leader(kv: jsm.KeyValue) -> str | None:
    try:
        cluster = (await kv.status(timeout=1)).stream_info.cluster
    except jsm.errors.JsmTimeoutError:  # no answer while a new leader is elected
        return None
    return None if cluster is None else cluster.leader


async def test_replicated_bucket_watch_survives_leader_stepdown(
    cjs: jsm.Manager, unique_name: str
) -> None:
    kv = await cjs.kv.create(jsm.KeyValueConfig(bucket=unique_name, replicas=3, history=2))
    info = kv.cached_info
    assert info.config.num_replicas == 3
    leaders: list[str] = []

    async def elected() -> bool:
        name = await leader(kv)
        if name is not None:
            leaders.append(name)
        return name is not None

    async def moved_from(old: str) -> bool:
        name = await leader(kv)
        return name is not None and name != old

    await eventually(elected)
    for index in range(10):
        await kv.put(f"k.{index}", b"before")
    seen: list[tuple[str, bytes]] = []
    with anyio.fail_after(90):
        async with kv.watch("k.>") as updates:
            async for entry in updates:
                if entry is None:
                    assert len(seen) == 10
                    stream = await cjs.streams.get(kv.stream_name)
                    await stream.leader_stepdown()
                    # The step-down reply can come before the old leader drops its
                    # interest, and a write it receives meanwhile is dropped without a
                    # reply (an unknown outcome no client can retry safely without a
                    # msg id): write once another node leads.
                    await eventually(lambda: moved_from(leaders[0]))
                    for index in range(10, 20):
                        await kv.put(f"k.{index}", b"after")
                    continue
                seen.append((entry.key, entry.value))
                if len(seen) == 20:
                    break
    assert seen == [(f"k.{i}", b"before" if i < 10 else b"after") for i in range(20)]
    await eventually(elected)
    assert leaders[-1] != leaders[0]
    assert (await kv.get("k.19")).value == b"after"


async def test_keys_and_watch_of_a_replicated_bucket_include_the_latest_writes(
    cjs: jsm.Manager, unique_name: str
) -> None:
    # A watcher's consumer may be placed on a follower that has not applied the latest
    # writes yet; its own "nothing pending" must not end the initial values early.
    for round_ in range(50):
        bucket = f"{unique_name}_{round_}"
        kv = await cjs.kv.create(jsm.KeyValueConfig(bucket=bucket, replicas=3))
        try:
            for index in range(10):
                await kv.put(f"k.{index}", b"v")
            assert sorted(await kv.keys()) == [f"k.{index}" for index in range(10)]
            seen = []
            async with kv.watch("k.>") as updates:
                async for entry in updates:
                    if entry is None:
                        break
                    seen.append(entry.key)
            assert len(seen) == 10
        finally:
            await cjs.kv.delete(bucket)
