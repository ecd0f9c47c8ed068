"""Merge what each server says about the streams it holds into one report across accounts.

Every server of a cluster reports the streams it holds a replica of, each from its own
point of view; only the stream's leader knows how current the other replicas are. For
each (account, stream) the leader's view is kept; a stream no server leads is listed
as missing and keeps the first view seen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from jsm.models import StreamInfo
from jsm.report._build import replication_rows, stream_row
from jsm.report.report import StreamReport

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jsm.models import JszReply

__all__ = ["StreamView", "report_from_views", "views_from_jsz"]


class StreamView(NamedTuple):
    """One server's view of one stream of one account."""

    server: str
    account: str
    info: StreamInfo


def _is_leader_view(view: StreamView) -> bool:
    cluster = view.info.cluster
    return cluster is not None and cluster.leader == view.server


def report_from_views(views: Iterable[StreamView]) -> StreamReport:
    """A report with one row per (account, domain, stream), from the leaders' views."""
    chosen: dict[tuple[str, str | None, str], StreamView] = {}
    for view in views:
        key = (view.account, view.info.domain, view.info.config.name)
        if key not in chosen or (_is_leader_view(view) and not _is_leader_view(chosen[key])):
            chosen[key] = view
    streams = [stream_row(v.info, account=v.account) for v in chosen.values()]
    replication = [
        row for v in chosen.values() for row in replication_rows(v.info, account=v.account)
    ]
    leaderless = sorted(
        {name for (*_, name), v in chosen.items() if v.info.cluster and not v.info.cluster.leader}
    )
    return StreamReport(streams=streams, replication=replication, missing=leaderless).sorted(
        "account"
    )


def views_from_jsz(replies: Iterable[JszReply]) -> list[StreamView]:
    """Every stream detail of every account in JSZ replies (asked with streams and config).

    A detail without its configuration or state (JSZ asked without ``config``) is skipped.
    """
    views: list[StreamView] = []
    for reply in replies:
        domain = reply.data.config.domain if reply.data.config else None
        for account in reply.data.account_details or []:
            for detail in account.streams or []:
                if detail.config is None or detail.state is None or detail.created is None:
                    continue
                info = StreamInfo(
                    config=detail.config,
                    created=detail.created,
                    state=detail.state,
                    domain=domain or None,
                    cluster=detail.cluster,
                    mirror=detail.mirror,
                    sources=detail.sources,
                )
                views.append(StreamView(reply.server.name, account.name, info))
    return views
