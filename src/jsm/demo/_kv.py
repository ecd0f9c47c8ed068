"""Demo section: a Key-Value bucket with revisions, a refused stale update and a watch."""

from __future__ import annotations

from typing import TYPE_CHECKING

import jsm

if TYPE_CHECKING:
    from collections.abc import Callable


async def kv_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Put and update keys, show a refused stale update, watch a change, list keys."""
    kv = await js.kv.create(jsm.KeyValueConfig(bucket="demo_config", history=5))
    first = await kv.put("app.color", b"blue")
    second = await kv.update("app.color", b"red", first)
    say(f"bucket {kv.bucket!r}: app.color blue at revision {first}, red at {second}")
    try:
        await kv.update("app.color", b"green", first)
    except jsm.errors.StreamWrongLastSequenceError:
        say(f"update at stale revision {first} refused; value stays red")
    async with kv.watch("app.>") as updates:
        async for entry in updates:
            if entry is None:
                await kv.put("app.size", b"XL")
            elif entry.key == "app.size":
                say(f"watch saw {entry.key} = {entry.value.decode()} (revision {entry.revision})")
                break
    history = [e.value.decode() for e in await kv.history("app.color")]
    say(f"keys {await kv.keys()}; history of app.color {history}")
    await js.kv.delete("demo_config")
