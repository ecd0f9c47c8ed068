"""The server and meta checks: HEALTHZ of every server and the meta group's peers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import timedelta

    from jsm.models import HealthzReply, MetaClusterInfo
    from jsm.monitor._result import CheckResult

__all__ = ["judge_healthz", "judge_meta"]


def judge_healthz(result: CheckResult, replies: list[HealthzReply], *, expect: int | None) -> None:
    """Judge each server's HEALTHZ answer; fewer answers than ``expect`` is critical."""
    healthy = [r.server.name for r in replies if r.data.ok]
    result.perf("servers", len(replies), crit=expect, help="Servers that answered")
    result.perf("servers_unhealthy", len(replies) - len(healthy), help="Servers not healthy")
    for reply in replies:
        if not reply.data.ok:
            reason = reply.data.error or reply.data.status
            for err in reply.data.errors or []:
                what = "/".join(x for x in (err.account, err.stream, err.consumer) if x)
                reason += f"; {what}: {err.error}" if what else f"; {err.error}"
            result.critical(f"server {reply.server.name}: {reason}")
    if expect is not None and len(replies) < expect:
        result.critical(f"{len(replies)} of {expect} servers answered")
    if healthy:
        result.ok(f"{len(healthy)} servers healthy")


def judge_meta(
    result: CheckResult,
    meta: MetaClusterInfo | None,
    *,
    expect: int | None,
    lag_critical: int | None,
    seen_critical: timedelta | None,
) -> None:
    """Judge the meta group: a leader, the expected peers, none offline, lagging or silent."""
    if meta is None or not meta.leader:
        result.critical("no meta leader")
        return
    peers = meta.replicas or []
    offline = sorted(p.name for p in peers if p.offline)
    lagged = sorted(
        p.name for p in peers if lag_critical is not None and (p.lag or 0) > lag_critical
    )
    inactive = sorted(
        p.name for p in peers if seen_critical is not None and p.active > seen_critical
    )
    size = expect if expect is not None else meta.cluster_size
    seen = 1 + len(peers) - len(offline)
    result.perf("peers", seen, crit=size, help="Meta group peers online (leader included)")
    result.perf("peers_offline", len(offline), help="Meta group peers offline")
    result.perf("peers_lagged", len(lagged), help="Meta group peers lagging")
    if offline:
        result.critical(f"{len(offline)} meta peers offline: {', '.join(offline)}")
    if seen < size:
        result.critical(f"expected {size} meta peers, {seen} seen")
    if lagged:
        result.critical(f"{len(lagged)} meta peers lagged: {', '.join(lagged)}")
    if inactive:
        result.critical(f"{len(inactive)} meta peers inactive: {', '.join(inactive)}")
    if not result.criticals:
        result.ok(f"leader {meta.leader}, {seen} peers")
