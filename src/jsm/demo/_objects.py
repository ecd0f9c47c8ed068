"""Demo section: an object store holding a file streamed in chunks, with a rename and a link."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import jsm

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable


async def _generated(size: int) -> AsyncIterator[bytes]:
    block = hashlib.sha256(b"demo").digest() * 2048  # 64 KiB
    for _ in range(size // len(block)):
        yield block


async def objects_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Put a 4 MiB object from an iterator, read it back verified, rename, link, list, delete."""
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket="DEMO_FILES"))
    info = await store.put("videos/intro.mp4", _generated(4 << 20))
    say(
        f"put {info.name}: {info.size:,} bytes in {info.chunks} chunks ({(info.digest or '')[:20]}...)"
    )
    async with store.get("videos/intro.mp4") as reader:
        received = sum([len(chunk) async for chunk in reader])
    say(f"read back {received:,} bytes, digest verified: {reader.verified}")
    await store.update_meta("videos/intro.mp4", jsm.ObjectMeta(name="videos/welcome.mp4"))
    await store.add_link("latest", "videos/welcome.mp4")
    say(f"the link 'latest' reads {len(await store.get_bytes('latest')):,} bytes")
    names = sorted([entry.name async for entry in store.list()])
    say(f"objects after a rename and a link: {', '.join(names)}")
    await js.objects.delete("DEMO_FILES")
