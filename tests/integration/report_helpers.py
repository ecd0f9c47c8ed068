"""Helpers for the stream report integration tests: polling a report until it settles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

from jsm.errors import JetStreamUnavailableError, JsmTimeoutError, ServiceUnavailableError

if TYPE_CHECKING:
    from collections.abc import Callable

    import jsm
    from jsm import StreamReport


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
