"""Key-Value store: a bucket with history, optimistic updates, deletes, a watch and TTLs.

Run: python examples/kv.py [nats://127.0.0.1:4222]
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import timedelta

import jsm
from jsm import errors

BUCKETS = ("example_config", "example_sessions")


async def main(url: str) -> None:
    async with jsm.connect(url) as js:
        await cleanup(js)
        try:
            await tour(js)
            await sessions(js)
        finally:
            await cleanup(js)


async def tour(js: jsm.Manager) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket="example_config", history=5))
    print(f"bucket {kv.bucket!r} is stream {kv.stream_name}")

    # put returns the revision; get returns an entry with value, revision and time.
    first = await kv.put("app.color", b"blue")
    entry = await kv.get("app.color")
    print(f"app.color = {entry.value.decode()} (revision {entry.revision})")

    # update only succeeds at the revision you read: concurrent writers cannot clobber.
    await kv.update("app.color", b"red", first)
    try:
        await kv.update("app.color", b"green", first)
    except errors.StreamWrongLastSequenceError:
        print("a stale update was refused; the value is still red")

    # create only succeeds when the key has no value.
    await kv.create("app.size", b"L")
    try:
        await kv.create("app.size", b"XL")
    except errors.KeyExistsError as err:
        print(f"create refused: {err}")

    # Watch: the current values, then None once they are all in, then live changes.
    async with kv.watch("app.>") as updates:
        async for change in updates:
            if change is None:
                print("initial values done; changing app.size")
                await kv.delete("app.size")
                continue
            print(f"  {change.operation.value:<5} {change.key} = {change.value.decode()!r}")
            if change.operation is jsm.KeyValueOp.DEL:
                break

    history = await kv.history("app.color")
    print(f"history of app.color: {[e.value.decode() for e in history]}")
    print(f"keys: {await kv.keys()}")
    status = await kv.status()
    print(f"{status.values} values, {status.bytes} bytes, history {status.history}")


async def sessions(js: jsm.Manager) -> None:
    # Per-key TTLs need limit markers (ADR-48): expired keys leave a marker watchers see.
    kv = await js.kv.create(
        jsm.KeyValueConfig(bucket="example_sessions", limit_marker_ttl=timedelta(seconds=1))
    )
    async with kv.watch() as updates:
        async for change in updates:
            if change is None:  # an empty bucket: the initial values are done at once
                await kv.create("session.42", b"alice", ttl=timedelta(seconds=1))
            elif change.is_deleted:
                print(f"session.42 expired ({change.operation.value} marker)")
                break


async def cleanup(js: jsm.Manager) -> None:
    for bucket in BUCKETS:
        with contextlib.suppress(errors.BucketNotFoundError):
            await js.kv.delete(bucket)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "nats://127.0.0.1:4222"))
