"""Demo section: a stream's life, from creation to a GDPR erase, a mirror and a backup."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

import jsm

if TYPE_CHECKING:
    from collections.abc import Callable


async def streams_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Create a stream, read and erase messages, mirror it, back it up and restore it."""
    orders = await js.streams.add(
        jsm.StreamConfig(name="DEMO_ORDERS", subjects=["demo.orders.>"], allow_direct=True)
    )
    say(
        f"created {orders.name} ({orders.config.storage} storage, {orders.config.num_replicas} replica)"
    )
    for index in range(5):
        await js.nc.request(f"demo.orders.{'eu' if index % 2 else 'us'}", b"order %d" % index)
    message = await orders.get_message(last_by_subject="demo.orders.eu")
    say(f"last EU order: seq {message.seq}, {message.data.decode()!r}")
    await orders.edit(max_age=timedelta(days=30))
    say(f"max_age is now {(await orders.info()).config.max_age}")
    await orders.delete_message(2, erase=True)
    say("seq 2 erased (overwritten on disk)")
    mirror = await js.streams.add(
        jsm.StreamConfig(name="DEMO_MIRROR", mirror=jsm.StreamSource(name=orders.name))
    )
    with anyio.fail_after(10):
        while (copied := (await mirror.info()).state.messages) < 4:  # noqa: ASYNC110 - polls the server
            await anyio.sleep(0.05)
    say(f"mirror {mirror.name} caught up: {copied} messages")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.snapshot"
        backup = await orders.snapshot(path)
        restored = await js.streams.restore(
            path, name="DEMO_RESTORED", subjects=["demo.restored.>"]
        )
    say(f"backup of {backup.size:,} bytes restored as {restored.name}")
    names = await js.streams.names().collect()
    say(f"streams now: {', '.join(sorted(names))}")
    for name in ("DEMO_RESTORED", "DEMO_MIRROR", "DEMO_ORDERS"):
        await js.streams.delete(name)
    say("cleaned up")
