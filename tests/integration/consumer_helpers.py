"""Helpers shared by the consumer integration tests: streams, publishing, polling."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

import jsm

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


async def make_stream(
    js: jsm.Manager,
    name: str,
    *,
    subjects: list[str] | None = None,
    storage: jsm.StorageType = jsm.StorageType.MEMORY,
    replicas: int = 1,
    **fields: object,
) -> jsm.Stream:
    """Create a stream capturing ``<name>.>`` (or ``subjects``)."""
    config = jsm.StreamConfig(
        name=name,
        subjects=subjects or [f"{name}.>"],
        storage=storage,
        num_replicas=replicas,
        **fields,  # type: ignore[arg-type]  # test-only pass-through of StreamConfig fields
    )
    return await js.streams.add(config)


async def publish(js: jsm.Manager, subject: str, count: int, *, start: int = 0) -> None:
    """Publish ``count`` messages ``b"0"``, ``b"1"``, … with acks, in order."""
    for index in range(start, start + count):
        reply = await js.nc.request(subject, str(index).encode(), timeout=5)
        assert b'"error"' not in reply.data, reply.data


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 20.0) -> None:
    """Poll ``check`` until it holds, failing after ``within`` seconds (no fixed sleeps)."""
    with anyio.fail_after(within):
        while True:
            if await check():
                return
            await anyio.sleep(0.05)
