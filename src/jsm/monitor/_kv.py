"""The KV check: bucket figures (value count thresholds) and key presence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm.monitor._thresholds import Direction, direction_of, judge

if TYPE_CHECKING:
    from jsm.models import StreamInfo
    from jsm.monitor._result import CheckResult

__all__ = ["judge_bucket"]


def judge_bucket(
    result: CheckResult,
    info: StreamInfo,
    *,
    values_warn: int | None,
    values_critical: int | None,
) -> None:
    """Judge a bucket's backing stream: it exists, and its value count against thresholds.

    With both thresholds, warn below critical means more values are worse; otherwise
    fewer values are worse (a bucket expected to hold at least so many).
    """
    values = info.state.messages
    result.perf(
        "values", values, warn=values_warn, crit=values_critical, help="Values in the bucket"
    )
    if values_warn is None and values_critical is None:
        result.ok(f"bucket present, {values} values")
        return
    judge(
        result,
        values,
        warn=values_warn,
        crit=values_critical,
        direction=direction_of(values_warn, values_critical, default=Direction.LOWER_IS_WORSE),
        message=f"{values} values",
    )
