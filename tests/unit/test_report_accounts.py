"""Merging per-server stream views into one report across accounts (leader's view wins)."""

from __future__ import annotations

import json
from typing import Any

from jsm import ReplicaState
from jsm.models import StreamInfo
from jsm.report._accounts import StreamView, report_from_views


def _info(
    name: str, leader: str | None, replicas: list[dict[str, Any]], messages: int
) -> StreamInfo:
    return StreamInfo.from_wire(
        json.dumps(
            {
                "config": {"name": name, "subjects": [f"{name}.>"], "num_replicas": 3},
                "created": "2026-11-25T07:00:00Z",
                "state": {
                    "messages": messages,
                    "bytes": 0,
                    "first_seq": 0,
                    "last_seq": 0,
                    "consumer_count": 0,
                },
                "cluster": {"name": "C1", "leader": leader, "replicas": replicas},
            }
        )
    )


def test_the_leaders_view_wins_and_accounts_stay_apart() -> None:
    stale = [{"name": "n1", "current": False}, {"name": "n3", "current": False}]
    fresh = [{"name": "n2", "current": True}, {"name": "n3", "current": True}]
    views = [
        StreamView("n2", "APP", _info("ORDERS", "n1", stale, 5)),
        StreamView("n1", "APP", _info("ORDERS", "n1", fresh, 6)),
        StreamView("n3", "APP", _info("ORDERS", "n1", stale, 5)),
        StreamView("n1", "IMP", _info("ORDERS", "n1", fresh, 1)),
    ]
    report = report_from_views(views)
    assert [(r.account, r.name) for r in report.streams] == [("APP", "ORDERS"), ("IMP", "ORDERS")]
    app = report.stream("ORDERS", account="APP")
    assert app.messages == 6 and app.is_healthy
    assert [(r.name, r.state) for r in app.replicas] == [
        ("n1", ReplicaState.LEADER),
        ("n2", ReplicaState.CURRENT),
        ("n3", ReplicaState.CURRENT),
    ]
    assert report.stream("ORDERS", account="IMP").messages == 1
    assert report.filter(account="IMP").streams == [report.stream("ORDERS", account="IMP")]
    assert report.missing == []


def test_a_stream_without_a_leader_is_missing() -> None:
    offline = [{"name": "n1", "current": False, "offline": True}]
    report = report_from_views([StreamView("n2", "APP", _info("LOST", None, offline, 0))])
    assert report.missing == ["LOST"]
    assert report.stream("LOST").offline == ["n1"]
