"""Helpers of the health-check tests: a stream with messages, polling a check's status."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

import jsm

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


async def stream_with(
    js: jsm.Manager,
    name: str,
    *,
    messages: int = 0,
    subject_prefix: str | None = None,
    metadata: dict[str, str] | None = None,
    replicas: int = 1,
) -> jsm.Stream:
    """Create stream ``name`` on ``<prefix>.>`` and publish ``messages`` to distinct subjects."""
    prefix = subject_prefix or name
    stream = await js.streams.add(
        jsm.StreamConfig(
            name=name, subjects=[f"{prefix}.>"], metadata=metadata, num_replicas=replicas
        )
    )
    for i in range(messages):
        await js.publish(f"{prefix}.s{i}", b"x")
    return stream


async def poll_status(
    check: Callable[[], Awaitable[jsm.CheckResult]],
    want: jsm.CheckStatus,
    *,
    within: float = 30,
    also: Callable[[jsm.CheckResult], bool] | None = None,
) -> jsm.CheckResult:
    """Run ``check`` until its status is ``want`` (and ``also`` holds); return that result."""
    last: jsm.CheckResult | None = None
    try:
        with anyio.fail_after(within):
            while True:
                last = await check()
                if last.status is want and (also is None or also(last)):
                    return last
                await anyio.sleep(0.2)
    except TimeoutError:
        raise AssertionError(
            f"check never became {want.name}; last: {last.to_nagios() if last else None}"
        ) from None
