"""Object store tasks: a bucket, streamed puts and gets, metadata, links, list, watch, delete.

Run: python examples/objects.py [nats://127.0.0.1:4222]
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from pathlib import Path

import jsm
from jsm import errors

BUCKET = "EXAMPLE_FILES"


async def main(url: str) -> None:
    async with jsm.connect(url) as js:
        with contextlib.suppress(errors.ObjectStoreNotFoundError):
            await js.objects.delete(BUCKET)
        try:
            await tour(js)
        finally:
            with contextlib.suppress(errors.ObjectStoreNotFoundError):
                await js.objects.delete(BUCKET)


async def tour(js: jsm.Manager) -> None:
    store = await js.objects.create(
        jsm.ObjectStoreConfig(bucket=BUCKET, description="example files", max_bytes=8 << 20)
    )
    print(f"bucket {store.bucket} on stream {store.stream_name}")

    with tempfile.TemporaryDirectory() as folder:
        # A file is streamed in 128 KiB chunks: memory stays small whatever its size.
        source = Path(folder) / "report.bin"
        source.write_bytes(os.urandom(3 << 20))
        with source.open("rb") as file:
            info = await store.put(
                "reports/2026.bin",
                file,
                meta=jsm.ObjectMeta(description="yearly report", headers={"Owner": ["ops"]}),
            )
        print(f"put {info.name}: {info.size:,} bytes in {info.chunks} chunks, {info.digest}")

        # Read it back chunk by chunk; the digest is checked before the last chunk is given.
        received = 0
        async with store.get("reports/2026.bin") as reader:
            async for chunk in reader:
                received += len(chunk)
        print(f"got {received:,} bytes, digest verified: {reader.verified}")
        copy = Path(folder) / "copy.bin"
        await store.get_to_file("reports/2026.bin", copy)
        print(f"written to a file: {copy.read_bytes() == source.read_bytes()}")

    # Small objects as bytes; any (async) iterator of bytes works too.
    await store.put("notes.txt", b"remember the milk")
    print(f"notes: {(await store.get_bytes('notes.txt')).decode()!r}")

    # Metadata: describe, then rename.
    await store.update_meta("notes.txt", jsm.ObjectMeta(name="todo.txt", description="to do"))
    print(f"renamed: {(await store.info('todo.txt')).description!r}")

    # Links: get follows a link to an object.
    await store.add_link("latest-report", "reports/2026.bin")
    print(f"link resolves to {len(await store.get_bytes('latest-report')):,} bytes")

    # List and watch.
    print("objects:", sorted([entry.name async for entry in store.list()]))
    async with store.watch(updates_only=True) as updates:
        await store.delete("todo.txt")
        change = await anext(updates)
        if change is not None:
            print(f"watch saw {change.name} deleted={change.deleted}")

    # A put larger than the bucket fails and leaves nothing behind.
    try:
        await store.put("too-big", os.urandom(9 << 20))
    except errors.ApiError as err:
        print(f"too big: {err.description}")
    status = await store.status()
    print(f"bucket holds {status.size:,} bytes")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "nats://127.0.0.1:4222"))
