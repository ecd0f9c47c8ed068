"""Object store on the 3-node cluster: a replicated bucket, and a get that keeps reading
while the bucket's stream leader steps down."""

from __future__ import annotations

import hashlib

import anyio

import jsm
from tests.integration.consumer_helpers import eventually


def payload(size: int) -> bytes:
    block = hashlib.sha256(b"cluster").digest()
    return (block * (size // len(block) + 1))[:size]


async def leader(store: jsm.ObjectStore) -> str | None:
    try:
        cluster = (await store.status(timeout=1)).stream_info.cluster
    except jsm.errors.JsmTimeoutError:  # no answer while a new leader is elected
        return None
    return None if cluster is None else cluster.leader


async def test_replicated_get_survives_leader_stepdown(cjs: jsm.Manager, unique_name: str) -> None:
    store = await cjs.objects.create(jsm.ObjectStoreConfig(bucket=unique_name, replicas=3))
    assert (await store.status()).replicas == 3
    leaders: list[str] = []

    async def elected() -> bool:
        name = await leader(store)
        if name is not None:
            leaders.append(name)
        return name is not None

    await eventually(elected)
    data = payload(4 << 20)
    await store.put("obj", data, meta=jsm.ObjectMeta(chunk_size=16 * 1024))
    received: list[bytes] = []
    with anyio.fail_after(90):
        async with store.get("obj") as reader:
            async for chunk in reader:
                received.append(chunk)
                if len(received) == 10:
                    stream = await cjs.streams.get(store.stream_name)
                    await stream.leader_stepdown()
    assert reader.verified
    assert b"".join(received) == data
    await eventually(elected)
    assert leaders[-1] != leaders[0]
    await store.put("obj", data[:1000])
    assert await store.get_bytes("obj") == data[:1000]


async def test_a_replicated_bucket_lists_watches_and_reads_what_was_just_put(
    cjs: jsm.Manager, unique_name: str
) -> None:
    # Listing, watching and reading go through consumers that may live on a follower that
    # has not applied the newest entries yet; none of them may stop early because of it.
    for round_ in range(30):
        bucket = f"{unique_name}_{round_}"
        store = await cjs.objects.create(jsm.ObjectStoreConfig(bucket=bucket, replicas=3))
        try:
            data = payload(40_000)
            for index in range(5):
                await store.put(f"o{index}", data, meta=jsm.ObjectMeta(chunk_size=4096))
            assert await store.get_bytes("o4") == data
            assert sorted([info.name async for info in store.list()]) == [
                f"o{index}" for index in range(5)
            ]
            names = []
            async with store.watch() as updates:
                async for info in updates:
                    if info is None:
                        break
                    names.append(info.name)
            assert sorted(names) == [f"o{index}" for index in range(5)]
        finally:
            await cjs.objects.delete(bucket)
