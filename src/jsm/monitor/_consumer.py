"""The consumer check: outstanding acks, waiting pulls, pending, redeliveries, activity, pause."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from jsm.models import PriorityPolicy
from jsm.monitor._thresholds import Direction, judge

if TYPE_CHECKING:
    from jsm.models import ConsumerInfo
    from jsm.monitor._result import CheckResult

__all__ = ["CONSUMER_METADATA", "ConsumerThresholds", "judge_consumer"]

CONSUMER_METADATA: dict[str, tuple[str, type]] = {
    "io.nats.monitor.outstanding-ack-critical": ("outstanding_ack_critical", int),
    "io.nats.monitor.waiting-critical": ("waiting_critical", int),
    "io.nats.monitor.unprocessed-critical": ("unprocessed_critical", int),
    "io.nats.monitor.last-delivery-critical": ("last_delivery_critical", timedelta),
    "io.nats.monitor.last-ack-critical": ("last_ack_critical", timedelta),
    "io.nats.monitor.redelivery-critical": ("redelivery_critical", int),
}
"""The consumer metadata keys (as jsm.go reads them) and their options."""


@dataclasses.dataclass(frozen=True)
class ConsumerThresholds:
    """What a consumer check judges by; ``None`` leaves a figure unjudged."""

    outstanding_ack_critical: int | None = None
    waiting_critical: int | None = None
    unprocessed_critical: int | None = None
    redelivery_critical: int | None = None
    last_delivery_critical: timedelta | None = None
    last_ack_critical: timedelta | None = None
    paused_critical: bool = False
    pinned_expected: bool = False


def judge_consumer(
    result: CheckResult, info: ConsumerInfo, limits: ConsumerThresholds, *, now: datetime
) -> None:
    """Judge a consumer's info against ``limits`` into ``result``."""
    counts = (
        ("ack_pending", "ack pending", info.num_ack_pending, limits.outstanding_ack_critical),
        ("pull_waiting", "waiting pulls", info.num_waiting, limits.waiting_critical),
        ("pending", "unprocessed", info.num_pending, limits.unprocessed_critical),
        ("redelivered", "redelivered", info.num_redelivered, limits.redelivery_critical),
    )
    for perf, label, value, limit_count in counts:
        result.perf(perf, value, crit=limit_count, help=f"Messages {label}")
        if limit_count is not None:
            judge(
                result,
                value,
                warn=None,
                crit=limit_count,
                direction=Direction.HIGHER_IS_WORSE,
                message=f"{label}: {value}",
            )
    ages = (
        ("last_delivery", "delivery", info.delivered.last_active, limits.last_delivery_critical),
        ("last_ack", "ack", info.ack_floor.last_active, limits.last_ack_critical),
    )
    for perf, label, last, limit in ages:
        limit_s = None if limit is None else limit.total_seconds()
        if last is not None:
            age = max((now - last).total_seconds(), 0.0)
            result.perf(perf, age, unit="s", crit=limit_s, help=f"Seconds since the last {label}")
        if limit_s is None:
            continue
        if last is None:
            result.critical(f"no {label} yet")
        else:
            judge(
                result,
                age,
                warn=None,
                crit=limit_s,
                direction=Direction.HIGHER_IS_WORSE,
                message=f"last {label} {age:.1f}s ago",
            )
    _pause_and_pins(result, info, limits)


def _pause_and_pins(result: CheckResult, info: ConsumerInfo, limits: ConsumerThresholds) -> None:
    if info.paused:
        remaining = info.pause_remaining.total_seconds() if info.pause_remaining else 0.0
        message = f"paused ({remaining:.0f}s remaining)"
        (result.critical if limits.paused_critical else result.warning)(message)
    if info.config.priority_policy is PriorityPolicy.PINNED_CLIENT:
        states = {g.group: g.pinned_client_id for g in info.priority_groups or []}
        for group in info.config.priority_groups or []:
            pinned = states.get(group)
            if pinned:
                result.ok(f"group {group} pinned to {pinned}")
            elif limits.pinned_expected:
                result.critical(f"group {group} has no pinned client")
            else:
                result.ok(f"group {group} has no pinned client")
