"""The stream check: replicas, mirror and sources, message count and age, subjects."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from jsm.monitor._thresholds import Direction, direction_of, judge

if TYPE_CHECKING:
    from jsm.models import ClusterInfo, SourceInfo, StreamInfo
    from jsm.monitor._result import CheckResult

__all__ = ["STREAM_METADATA", "StreamThresholds", "judge_stream"]

STREAM_METADATA: dict[str, tuple[str, type]] = {
    "io.nats.monitor.peer-expect": ("peer_expect", int),
    "io.nats.monitor.peer-lag-critical": ("peer_lag_critical", int),
    "io.nats.monitor.peer-seen-critical": ("peer_seen_critical", timedelta),
    "io.nats.monitor.lag-critical": ("lag_critical", int),
    "io.nats.monitor.seen-critical": ("seen_critical", timedelta),
    "io.nats.monitor.min-sources": ("min_sources", int),
    "io.nats.monitor.max-sources": ("max_sources", int),
    "io.nats.monitor.msgs-warn": ("msgs_warn", int),
    "io.nats.monitor.msgs-critical": ("msgs_critical", int),
    "io.nats.monitor.subjects-warn": ("subjects_warn", int),
    "io.nats.monitor.subjects-critical": ("subjects_critical", int),
    "io.nats.monitor.msg-age-warn": ("msg_age_warn", timedelta),
    "io.nats.monitor.msg-age-critical": ("msg_age_critical", timedelta),
}
"""The stream metadata keys (as jsm.go reads them, plus message age) and their options."""


@dataclasses.dataclass(frozen=True)
class StreamThresholds:
    """What a stream check judges by; ``None`` leaves a figure unjudged."""

    peer_expect: int | None = None
    peer_lag_critical: int | None = None
    peer_seen_critical: timedelta | None = None
    lag_critical: int | None = None
    seen_critical: timedelta | None = None
    min_sources: int | None = None
    max_sources: int | None = None
    msgs_warn: int | None = None
    msgs_critical: int | None = None
    subjects_warn: int | None = None
    subjects_critical: int | None = None
    msg_age_warn: timedelta | None = None
    msg_age_critical: timedelta | None = None


def _secs(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def judge_stream(
    result: CheckResult, info: StreamInfo, limits: StreamThresholds, *, now: datetime
) -> None:
    """Judge a stream's info against ``limits`` into ``result``."""
    _replicas(result, info, limits)
    _messages(result, info, limits, now)
    if info.mirror is not None:
        _upstream(result, "mirror", [info.mirror], limits)
    if info.sources or limits.min_sources is not None or limits.max_sources is not None:
        _source_count(result, info, limits)
        if info.sources:
            _upstream(result, "source", info.sources, limits)


def _replicas(result: CheckResult, info: StreamInfo, limits: StreamThresholds) -> None:
    cluster: ClusterInfo | None = info.cluster
    expected = limits.peer_expect
    if expected is None:
        expected = info.config.num_replicas or 1
    if cluster is None or (cluster.leader is None and not cluster.replicas):
        if expected > 1:
            result.critical(f"stream is not clustered (expected {expected} replicas)")
        return
    replicas = cluster.replicas or []
    offline = [p.name for p in replicas if p.offline]
    seen = (1 if cluster.leader else 0) + len(replicas) - len(offline)
    lagged = [
        p.name
        for p in replicas
        if limits.peer_lag_critical is not None and (p.lag or 0) > limits.peer_lag_critical
    ]
    inactive = [
        p.name
        for p in replicas
        if limits.peer_seen_critical is not None and p.active > limits.peer_seen_critical
    ]
    result.perf("peer_expected", expected, help="Replicas the stream should have")
    result.perf("peer_seen", seen, crit=expected, help="Replicas seen online (leader included)")
    result.perf("peer_lagged", len(lagged), help="Replicas lagging more than the threshold")
    result.perf("peer_offline", len(offline), help="Replicas reported offline")
    if not cluster.leader:
        result.critical("no leader")
    if offline:
        result.critical(f"{len(offline)} replicas offline: {', '.join(sorted(offline))}")
    if seen != expected:
        result.critical(f"expected {expected} replicas, {seen} seen")
    elif not offline:
        result.ok(f"{seen} replicas")
    if lagged:
        result.critical(f"{len(lagged)} replicas lagged: {', '.join(sorted(lagged))}")
    elif limits.peer_lag_critical is not None:
        result.ok("replicas are current")
    if inactive:
        result.critical(f"{len(inactive)} replicas inactive: {', '.join(sorted(inactive))}")
    elif limits.peer_seen_critical is not None:
        result.ok("replicas are active")


def _messages(
    result: CheckResult, info: StreamInfo, limits: StreamThresholds, now: datetime
) -> None:
    state = info.state
    if limits.msgs_warn is not None or limits.msgs_critical is not None:
        result.perf(
            "messages",
            state.messages,
            warn=limits.msgs_warn,
            crit=limits.msgs_critical,
            help="Messages stored in the stream",
        )
        judge(
            result,
            state.messages,
            warn=limits.msgs_warn,
            crit=limits.msgs_critical,
            direction=direction_of(
                limits.msgs_warn, limits.msgs_critical, default=Direction.LOWER_IS_WORSE
            ),
            message=f"{state.messages} messages",
        )
    if limits.subjects_warn is not None or limits.subjects_critical is not None:
        subjects = state.num_subjects or 0
        result.perf(
            "subjects",
            subjects,
            warn=limits.subjects_warn,
            crit=limits.subjects_critical,
            help="Subjects stored in the stream",
        )
        judge(
            result,
            subjects,
            warn=limits.subjects_warn,
            crit=limits.subjects_critical,
            direction=direction_of(
                limits.subjects_warn, limits.subjects_critical, default=Direction.HIGHER_IS_WORSE
            ),
            message=f"{subjects} subjects",
        )
    if limits.msg_age_warn is not None or limits.msg_age_critical is not None:
        if state.last_ts is None or state.messages == 0:
            result.critical("no messages (message age unknown)")
            return
        age = max((now - state.last_ts).total_seconds(), 0.0)
        warn, crit = _secs(limits.msg_age_warn), _secs(limits.msg_age_critical)
        result.perf(
            "message_age", age, unit="s", warn=warn, crit=crit, help="Age of the last message"
        )
        judge(
            result,
            age,
            warn=warn,
            crit=crit,
            direction=Direction.HIGHER_IS_WORSE,
            message=f"last message {age:.1f}s ago",
        )


def _source_count(result: CheckResult, info: StreamInfo, limits: StreamThresholds) -> None:
    count = len(info.sources or [])
    result.perf("sources", count, help="Sources the stream takes messages from")
    if limits.min_sources is not None and count < limits.min_sources:
        result.critical(f"{count} sources (at least {limits.min_sources} expected)")
    elif limits.max_sources is not None and count > limits.max_sources:
        result.critical(f"{count} sources (at most {limits.max_sources} expected)")
    else:
        result.ok(f"{count} sources")


def _upstream(
    result: CheckResult, kind: str, upstreams: list[SourceInfo], limits: StreamThresholds
) -> None:
    lagged = inactive = failing = 0
    for up in upstreams:
        label = f"{kind} {up.name}"
        active = up.active.total_seconds() if up.active is not None else None
        if kind == "mirror":
            result.perf(
                "mirror_lag",
                up.lag,
                crit=limits.lag_critical,
                help="Operations the mirror is behind",
            )
            if active is not None:
                result.perf(
                    "mirror_active",
                    active,
                    unit="s",
                    crit=_secs(limits.seen_critical),
                    help="Seconds since the mirror last heard from its origin",
                )
        healthy = True
        if up.error is not None:
            result.critical(f"{label} error: {up.error.description or up.error.code}")
            healthy = False
            failing += 1
        if limits.lag_critical is not None and up.lag >= limits.lag_critical:
            result.critical(f"{label} lag {up.lag}")
            healthy = False
            lagged += 1
        if limits.seen_critical is not None and (
            active is None or up.active is None or up.active >= limits.seen_critical
        ):
            seen = "never" if active is None else f"{active:.1f}s ago"
            result.critical(f"{label} last seen {seen}")
            healthy = False
            inactive += 1
        if healthy:
            result.ok(f"{label} lag {up.lag}")
    if kind == "source":
        result.perf("sources_lagged", lagged, help="Sources at or above the lag threshold")
        result.perf("sources_inactive", inactive, help="Sources silent past the seen threshold")
        result.perf("sources_failing", failing, help="Sources reporting an error")
