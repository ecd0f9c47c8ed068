"""Stream report values: building rows from StreamInfo, sorting, filtering, JSON round trip."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jsm
from jsm import ReplicaState, ReplicationKind, StreamReport, StreamRow
from jsm.models import StreamInfo
from jsm.report import SORT_KEYS, domain_of_prefix, subjects_overlap
from jsm.report._build import replication_rows, stream_row
from tests.report_helpers import replication_rows as replication_strategy
from tests.report_helpers import stream_rows


@st.composite
def reports(draw: st.DrawFn) -> StreamReport:
    streams = draw(st.lists(stream_rows(), max_size=6, unique_by=lambda r: (r.name, r.account)))
    replication = [
        draw(replication_strategy(row.name, row.account))
        for row in streams
        for _ in range(draw(st.integers(0, 2)))
    ]
    missing = draw(st.lists(st.text(min_size=1, max_size=8), max_size=3, unique=True))
    return StreamReport(streams=streams, replication=replication, missing=missing)


@given(reports())
def test_json_round_trip_keeps_the_report(report: StreamReport) -> None:
    assert StreamReport.from_json(report.to_json()) == report
    assert StreamReport.from_json(report.to_json(indent=2).encode()) == report


@given(reports(), st.sampled_from(SORT_KEYS), st.booleans())
def test_sorting_orders_rows_and_keeps_everything(
    report: StreamReport, by: jsm.report.SortKey, reverse: bool
) -> None:
    ordered = report.sorted(by, reverse=reverse)
    assert sorted(map(repr, ordered.streams)) == sorted(map(repr, report.streams))
    assert sorted(map(repr, ordered.replication)) == sorted(map(repr, report.replication))
    known = [
        getattr(r, {"lost": "lost_messages", "replicas": "num_replicas"}.get(by, by))
        for r in ordered.streams
    ]
    if by in ("lagged", "offline"):
        known = [len(v) for v in known]
    if by == "storage":
        known = [v.value for v in known]
    present = [v for v in known if v is not None]
    assert present == sorted(present, reverse=reverse)
    assert known[: len(present)] == present  # unknown values last
    keys = [(r.name, r.account) for r in ordered.streams]
    positions = [keys.index((x.stream, x.account)) for x in ordered.replication]
    assert positions == sorted(positions)


def test_sorting_by_messages_largest_first() -> None:
    report = StreamReport(
        streams=[StreamRow(name="B", messages=5), StreamRow(name="A", messages=9)]
    )
    assert [r.name for r in report.sorted("messages", reverse=True).streams] == ["A", "B"]
    assert [r.name for r in report.sorted().streams] == ["A", "B"]


def test_sorting_by_an_unknown_column_says_which_exist() -> None:
    with pytest.raises(jsm.errors.InvalidOptionError, match="use one of: name, account"):
        StreamReport().sorted("size")  # type: ignore[arg-type]  # the mistake under test


@given(reports(), st.sampled_from(["a.>", "a.b", "b.x", "c.*.e", ">", "zz"]))
def test_subject_filter_keeps_overlapping_streams(report: StreamReport, subject: str) -> None:
    kept = report.filter(subject=subject)
    for row in report.streams:
        overlaps = any(subjects_overlap(subject, s) for s in row.subjects)
        assert (row in kept.streams) == overlaps
    names = {r.name for r in kept.streams}
    assert all(r.stream in names for r in kept.replication)


@given(reports(), st.sampled_from(["APP", "IMP", "NOPE"]))
def test_account_and_name_filters(report: StreamReport, account: str) -> None:
    by_account = report.filter(account=account)
    assert by_account.streams == [r for r in report.streams if r.account == account]
    assert all(r.account == account for r in by_account.replication)
    some = {r.name for r in report.streams[:2]} | set(report.missing[:1])
    narrowed = report.filter(names=some)
    assert narrowed.streams == [r for r in report.streams if r.name in some]
    assert narrowed.missing == [m for m in report.missing if m in some]
    assert report.filter(subject="a.b").missing == report.missing


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("a.b", "a.b", True),
        ("a.*", "a.b", True),
        ("a.>", "a.b.c", True),
        ("a.>", "a", False),
        ("a.*", "a.b.c", False),
        ("*.b", "a.*", True),
        ("a.b", "a.c", False),
        (">", "x", True),
    ],
)
def test_subjects_overlap(left: str, right: str, expected: bool) -> None:
    assert subjects_overlap(left, right) is expected
    assert subjects_overlap(right, left) is expected


def test_domain_of_prefix() -> None:
    assert domain_of_prefix("$JS.leaf.API") == "leaf"
    assert domain_of_prefix("JS.APP.API") is None
    assert domain_of_prefix(None) is None


CLUSTERED_INFO = {
    "config": {
        "name": "ORDERS",
        "subjects": ["orders.>"],
        "storage": "memory",
        "num_replicas": 3,
        "placement": {"cluster": "C1", "tags": ["ssd"]},
        "metadata": {"_nats.level": "5", "_nats.req.level": "1"},
        "sources": [
            {"name": "EU", "filter_subject": "eu.>"},
            {"name": "US", "external": {"api": "$JS.us.API", "deliver": ""}},
        ],
    },
    "created": "2026-11-25T07:00:00Z",
    "state": {
        "messages": 10,
        "bytes": 1000,
        "first_seq": 1,
        "last_seq": 12,
        "num_deleted": 2,
        "lost": {"msgs": [3, 4], "bytes": 40},
        "consumer_count": 4,
    },
    "cluster": {
        "name": "C1",
        "leader": "n2",
        "replicas": [
            {"name": "n3", "current": False, "offline": True, "active": 9_000_000_000, "lag": 7},
            {"name": "n1", "current": True, "active": 1_000_000, "lag": 0},
        ],
    },
    "sources": [
        {"name": "EU", "lag": 3, "active": 2_000_000_000, "filter_subject": "eu.>"},
        {
            "name": "US",
            "external": {"api": "$JS.us.API"},
            "lag": 0,
            "active": -1,
            "error": {"code": 404, "err_code": 10059, "description": "stream not found"},
        },
    ],
}


def test_rows_from_a_clustered_stream_info() -> None:
    info = StreamInfo.from_wire(json.dumps(CLUSTERED_INFO))
    row = stream_row(info, account="APP")
    assert (row.name, row.account, row.cluster, row.storage) == ("ORDERS", "APP", "C1", "memory")
    assert (row.messages, row.bytes, row.consumers, row.deleted) == (10, 1000, 4, 2)
    assert (row.lost_messages, row.lost_bytes) == (2, 40)
    assert (row.api_level, row.required_api_level, row.num_replicas) == (5, 1, 3)
    assert row.placement is not None and row.placement.tags == ["ssd"]
    assert [(r.name, r.state, r.lag) for r in row.replicas] == [
        ("n2", ReplicaState.LEADER, 0),
        ("n1", ReplicaState.CURRENT, 0),
        ("n3", ReplicaState.OFFLINE, 7),
    ]
    assert row.offline == ["n3"] and row.lagged == [] and not row.is_healthy
    assert row.replicas[2].active == timedelta(seconds=9)
    assert row.sources == ["EU", "US"]
    eu, us = replication_rows(info, account="APP")
    assert (eu.kind, eu.upstream, eu.lag, eu.active) == (
        ReplicationKind.SOURCE,
        "EU",
        3,
        timedelta(seconds=2),
    )
    assert eu.filters == ["eu.> untransformed"] and not eu.is_external
    assert (us.api_prefix, us.domain, us.active, us.is_external) == ("$JS.us.API", "us", None, True)
    assert us.error_text == "stream not found (err_code 10059)"


def test_a_stream_without_metadata_or_cluster_info() -> None:
    info = StreamInfo.from_wire(
        json.dumps(CLUSTERED_INFO | {"cluster": None, "sources": None}).replace(
            '"_nats.level": "5", "_nats.req.level": "1"', '"x": "y"'
        )
    )
    row = stream_row(info)
    assert row.api_level is None and row.required_api_level is None
    assert row.replicas == [] and row.leader is None and row.account is None
    assert replication_rows(info) == []


def test_looking_up_rows() -> None:
    info = StreamInfo.from_wire(json.dumps(CLUSTERED_INFO))
    report = StreamReport(streams=[stream_row(info)], replication=replication_rows(info))
    assert report.stream("ORDERS").messages == 10
    assert [r.upstream for r in report.upstreams("ORDERS")] == ["EU", "US"]
    with pytest.raises(KeyError, match="NOPE"):
        report.stream("NOPE")


def test_text_tables_show_replicas_replication_and_missing() -> None:
    info = StreamInfo.from_wire(json.dumps(CLUSTERED_INFO))
    report = StreamReport(
        streams=[stream_row(info, account="APP")],
        replication=replication_rows(info),
        missing=["GONE"],
    )
    text = report.to_text()
    stream_line = next(line for line in text.splitlines() if line.startswith("APP > ORDERS"))
    assert "n2*, n1, n3! (offline)" in stream_line and "1 (server 5)" in stream_line
    assert "cluster: C1 tags: ssd" in stream_line and "2 (40 B)" in stream_line
    assert "Replication Report" in text
    us_line = next(line for line in text.splitlines() if "$JS.us.API" in line)
    assert "never" in us_line and "stream not found (err_code 10059)" in us_line
    assert text.rstrip().endswith("Missing streams (no leader answered): GONE")
    assert "Replication Report" not in StreamReport(streams=report.streams).to_text()


def test_leader_counts_and_cluster_filter() -> None:
    report = StreamReport(
        streams=[
            StreamRow(name="A", leader="n1", cluster="C1"),
            StreamRow(name="B", leader="n2", cluster="C1"),
            StreamRow(name="C", leader="n2", cluster="C2"),
            StreamRow(name="D"),
        ]
    )
    assert report.leader_counts == {"n2": 2, "n1": 1}
    assert [r.name for r in report.filter(cluster="C1").streams] == ["A", "B"]
