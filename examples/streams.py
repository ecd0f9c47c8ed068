"""Common stream tasks: create, inspect, edit, read and delete messages, mirror, back up, restore.

Run: python examples/streams.py [nats://127.0.0.1:4222]
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import jsm
from jsm import errors

NAMES = ("EXAMPLE_ORDERS", "EXAMPLE_ORDERS_MIRROR", "EXAMPLE_ORDERS_RESTORED")


async def main(url: str) -> None:
    async with jsm.connect(url) as js:
        await cleanup(js)
        try:
            await tour(js)
        finally:
            await cleanup(js)


async def tour(js: jsm.Manager) -> None:
    # Create a stream; adding the same config again is harmless.
    config = jsm.StreamConfig(
        name="EXAMPLE_ORDERS",
        subjects=["example.orders.>"],
        max_age=timedelta(days=7),
        allow_direct=True,
    )
    orders = await js.streams.add(config)
    await js.streams.add(config)
    print(f"created {orders.name}: {orders.cached_info.config.duplicate_window} dedupe window")

    # The configuration as a stream.json file (durations in nanoseconds), and back.
    text = orders.config.to_json(indent=2)
    same = jsm.StreamConfig.from_json(text) == orders.config
    print(f"stream.json has {len(text.splitlines())} lines and reads back the same: {same}")

    for index in range(6):
        region = "eu" if index % 2 == 0 else "us"
        await js.nc.request(f"example.orders.{region}", f"order {index}".encode(), timeout=5)

    # Read messages back: by sequence, the last on a subject, several at once.
    first = await orders.get_message(1)
    last_us = await orders.get_message(last_by_subject="example.orders.us")
    print(f"seq 1: {first.data.decode()!r}; last US order is seq {last_us.seq}")
    batch = await orders.get_messages_batch(3, start_seq=2)
    print(f"batch from seq 2: {[m.seq for m in batch]}")
    latest = await orders.get_last_messages_for(["example.orders.>"])
    print(f"latest per subject: {sorted((m.subject, m.seq) for m in latest)}")

    # Change one setting; remove one message for good (GDPR); trim the rest.
    await orders.edit(max_age=timedelta(days=30), description="all orders")
    await orders.delete_message(3, erase=True)
    try:
        await orders.get_message(3)
    except errors.NoMessageFoundError:
        print("message 3 is erased")
    purged = await orders.purge(subject="example.orders.eu", keep=1)
    info = await orders.info(subjects_filter=">")
    print(f"purged {purged}; now {info.state.messages} messages: {info.state.subjects}")

    # A mirror follows its origin and reports its lag.
    mirror = await js.streams.add(
        jsm.StreamConfig(name="EXAMPLE_ORDERS_MIRROR", mirror=jsm.StreamSource(name=orders.name))
    )
    for _ in range(100):
        mirror_info = await mirror.info()
        if mirror_info.state.messages == info.state.messages:
            break
        await asyncio.sleep(0.05)
    if mirror_info.mirror is not None:
        print(f"mirror holds {mirror_info.state.messages} messages, lag {mirror_info.mirror.lag}")

    # Back up to a file and restore under another name.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.snapshot"
        backup = await orders.snapshot(path)
        print(f"snapshot: {backup.size:,} bytes in {backup.chunks} chunk(s)")
        restored = await js.streams.restore(
            path, name="EXAMPLE_ORDERS_RESTORED", subjects=["example.restored.>"]
        )
        print(f"restored {restored.name} with {restored.cached_info.state.messages} messages")

    async for stream_info in js.streams.list(subject="example.>"):
        print(f"listed {stream_info.config.name}: {stream_info.state.messages} messages")


async def cleanup(js: jsm.Manager) -> None:
    for name in NAMES:
        with contextlib.suppress(errors.StreamNotFoundError):
            await js.streams.delete(name)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "nats://127.0.0.1:4222"))
