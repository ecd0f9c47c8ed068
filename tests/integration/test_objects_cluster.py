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
