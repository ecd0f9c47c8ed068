"""The account check: how much of its JetStream limits an account uses."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from jsm.monitor._thresholds import Direction, judge

if TYPE_CHECKING:
    from jsm.models import AccountInfo, AccountLimits
    from jsm.monitor._result import CheckResult

__all__ = ["AccountThresholds", "judge_account"]


@dataclasses.dataclass(frozen=True)
class AccountThresholds:
    """Usage percentages of each limit that warn or are critical (``None``: unjudged)."""

    memory_warn: float | None = 75.0
    memory_critical: float | None = 90.0
    storage_warn: float | None = 75.0
    storage_critical: float | None = 90.0
    streams_warn: float | None = 75.0
    streams_critical: float | None = 90.0
    consumers_warn: float | None = 75.0
    consumers_critical: float | None = 90.0


def judge_account(result: CheckResult, info: AccountInfo, limits: AccountThresholds) -> None:
    """Judge the account's usage of its limits (and of each tier's) into ``result``."""
    _usage(result, "", info.memory, info.storage, info.streams, info.consumers, info.limits, limits)
    for tier, usage in sorted((info.tiers or {}).items()):
        _usage(
            result,
            f"{tier.lower()}_",
            usage.memory,
            usage.storage,
            usage.streams,
            usage.consumers,
            usage.limits,
            limits,
        )
    if not result.messages:
        result.ok("no JetStream limits")


def _usage(
    result: CheckResult,
    prefix: str,
    memory: int,
    storage: int,
    streams: int,
    consumers: int,
    account: AccountLimits,
    limits: AccountThresholds,
) -> None:
    figures = (
        ("memory", memory, account.max_memory, limits.memory_warn, limits.memory_critical),
        ("storage", storage, account.max_storage, limits.storage_warn, limits.storage_critical),
        ("streams", streams, account.max_streams, limits.streams_warn, limits.streams_critical),
        (
            "consumers",
            consumers,
            account.max_consumers,
            limits.consumers_warn,
            limits.consumers_critical,
        ),
    )
    for name, used, limit, warn, crit in figures:
        if limit <= 0:  # -1: unlimited; 0: not set in a tiered account
            continue
        percent = used * 100.0 / limit
        result.perf(
            f"{prefix}{name}_used_percent",
            round(percent, 3),
            unit="%",
            warn=warn,
            crit=crit,
            help=f"Percent of the {name} limit used",
        )
        label = f"{prefix.replace('_', ' ')}{name}"
        judge(
            result,
            percent,
            warn=warn,
            crit=crit,
            direction=Direction.HIGHER_IS_WORSE,
            message=f"{label} {percent:.1f}% of {limit} used",
        )
