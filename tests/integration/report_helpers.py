"""Helpers for the stream report integration tests: polling a report until it settles."""

from __future__ import annotations

import contextlib
from functools import partial
from typing import TYPE_CHECKING, TypeVar

import anyio

import jsm
from jsm.errors import (
    JetStreamUnavailableError,
    JsmTimeoutError,
    ServiceUnavailableError,
    StreamNotFoundError,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from jsm import StreamReport

T = TypeVar("T")


async def report_until(
    js: jsm.Manager,
    settled: Callable[[StreamReport], bool],
    *,
    within: float = 20.0,
    **options: object,
) -> StreamReport:
    """Ask for reports until ``settled(report)`` holds; fail after ``within`` seconds."""
    last: StreamReport | None = None
    try:
        with anyio.fail_after(within):
            while True:
                try:
                    last = await js.report.streams(**options)  # type: ignore[arg-type]  # test pass-through
                except (JsmTimeoutError, JetStreamUnavailableError, ServiceUnavailableError):
                    pass  # a cluster electing a meta leader answers late or not at all
                else:
                    if settled(last):
                        return last
                await anyio.sleep(0.1)
    except TimeoutError:
        shown = last.to_json(indent=1) if last is not None else "no report"
        raise AssertionError(f"report did not settle within {within}s:\n{shown}") from None


def lag_settled(report: StreamReport, stream: str, expected_upstreams: int) -> bool:
    """Whether ``stream`` shows ``expected_upstreams`` rows, all active with zero lag."""
    rows = report.upstreams(stream)
    return len(rows) == expected_upstreams and all(
        r.lag == 0 and r.active is not None and r.error is None for r in rows
    )


async def _retrying(call: Callable[[], Awaitable[T]], *, within: float = 30.0) -> T:
    """Run ``call``, retrying while a cluster that just lost or regained a node is settling."""
    with anyio.fail_after(within):
        while True:
            try:
                return await call()
            except (JsmTimeoutError, JetStreamUnavailableError, ServiceUnavailableError):
                await anyio.sleep(0.2)


async def cluster_manager(urls: list[str]) -> AsyncIterator[jsm.Manager]:
    """A manager on the cluster's first node that deletes the streams its test made.

    Setup and cleanup retry through the brief unavailability that follows a node restart.
    """
    async with jsm.connect(urls, timeout=10, dont_randomize=True) as js:
        before = set(await _retrying(js.streams.names().collect))
        yield js
        for name in set(await _retrying(js.streams.names().collect)) - before:
            await _retrying(partial(_delete, js, name))


async def _delete(js: jsm.Manager, name: str) -> None:
    with contextlib.suppress(StreamNotFoundError):  # a timed-out earlier attempt deleted it
        await js.streams.delete(name)
