"""The connection check: how long connecting, a server round trip and an API request take."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import timedelta

    from jsm.monitor._result import CheckResult

__all__ = ["judge_time"]


def judge_time(
    result: CheckResult,
    name: str,
    what: str,
    seconds: float,
    *,
    warn: timedelta | None,
    critical: timedelta | None,
) -> None:
    """Judge one measured time: at or above ``critical`` is CRITICAL, above ``warn`` a WARNING."""
    warn_s = None if warn is None else warn.total_seconds()
    crit_s = None if critical is None else critical.total_seconds()
    result.perf(
        name, round(seconds, 6), unit="s", warn=warn_s, crit=crit_s, help=f"{what} in seconds"
    )
    if crit_s is not None and seconds >= crit_s:
        result.critical(f"{what} took {seconds:.3f}s (critical at {crit_s:g}s)")
    elif warn_s is not None and seconds >= warn_s:
        result.warning(f"{what} took {seconds:.3f}s (warning at {warn_s:g}s)")
    else:
        result.ok(f"{what} {seconds:.3f}s")
