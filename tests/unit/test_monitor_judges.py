"""Judging stream and consumer infos (as the server sends them) against thresholds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from jsm import CheckKind, CheckResult, CheckStatus
from jsm.models import ConsumerInfo, HealthzReply, MetaClusterInfo, StreamInfo
from jsm.monitor._consumer import CONSUMER_METADATA, ConsumerThresholds, judge_consumer
from jsm.monitor._stream import STREAM_METADATA, StreamThresholds, judge_stream
from jsm.monitor._system import judge_healthz, judge_meta
from jsm.monitor.manager import PINNED_METADATA, _flag, _merge

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _stream(
    *,
    replicas: int = 1,
    peers: list[dict[str, Any]] | None = None,
    leader: str | None = "n1",
    messages: int = 3,
    mirror: dict[str, Any] | None = None,
) -> StreamInfo:
    wire: dict[str, Any] = {
        "config": {"name": "S", "subjects": ["s.>"], "num_replicas": replicas},
        "created": "2026-01-01T00:00:00Z",
        "state": {
            "messages": messages,
            "bytes": 10,
            "first_seq": 1,
            "last_seq": messages,
            "consumer_count": 0,
            "last_ts": "2026-01-01T11:59:00Z",
        },
    }
    if peers is not None or leader is not None:
        wire["cluster"] = {"name": "c", "leader": leader, "replicas": peers or []}
    if mirror is not None:
        wire["mirror"] = mirror
    return StreamInfo.from_wire(json.dumps(wire))


def _peer(name: str, *, offline: bool = False, lag: int = 0) -> dict[str, Any]:
    return {
        "name": name,
        "current": not offline and lag == 0,
        "active": 10**9,
        "offline": offline,
        "lag": lag,
    }


def _judged(info: StreamInfo, **limits: Any) -> CheckResult:
    result = CheckResult(name="S", kind=CheckKind.STREAM)
    judge_stream(result, info, StreamThresholds(**limits), now=NOW)
    return result


def test_three_replicas_all_current_is_ok() -> None:
    result = _judged(_stream(replicas=3, peers=[_peer("n2"), _peer("n3")]))
    assert result.status is CheckStatus.OK, result.to_nagios()
    perf = {p.name: p.value for p in result.perf_data}
    assert perf["peer_seen"] == 3 and perf["peer_offline"] == 0


def test_an_offline_replica_is_critical() -> None:
    result = _judged(_stream(replicas=3, peers=[_peer("n2"), _peer("n3", offline=True)]))
    assert result.status is CheckStatus.CRITICAL
    assert "1 replicas offline: n3" in result.criticals
    assert "expected 3 replicas, 2 seen" in result.criticals


def test_no_leader_and_lagging_replicas() -> None:
    info = _stream(replicas=3, leader=None, peers=[_peer("n2", lag=50), _peer("n3")])
    result = _judged(info, peer_lag_critical=10)
    assert "no leader" in result.criticals
    assert "1 replicas lagged: n2" in result.criticals


@given(st.integers(1, 5), st.integers(0, 4))
def test_replicas_seen_against_expected(expected: int, offline: int) -> None:
    peers = [_peer(f"p{i}", offline=i < offline) for i in range(expected - 1)]
    result = _judged(_stream(replicas=expected, peers=peers))
    really_offline = min(offline, expected - 1)
    assert (result.status is CheckStatus.OK) == (really_offline == 0)


def test_mirror_lag_and_activity() -> None:
    mirror = {"name": "O", "lag": 7, "active": 5 * 10**9}
    lagging = _judged(_stream(mirror=mirror), lag_critical=5)
    assert lagging.status is CheckStatus.CRITICAL and "mirror O lag 7" in lagging.criticals
    assert _judged(_stream(mirror=mirror), lag_critical=8).status is CheckStatus.OK
    silent = _judged(_stream(mirror=mirror), seen_critical=timedelta(seconds=1))
    assert silent.status is CheckStatus.CRITICAL
    perf = {p.name: p for p in silent.perf_data}
    assert perf["mirror_lag"].value == 7 and perf["mirror_active"].value == 5


def test_message_age_is_measured_from_now() -> None:
    result = _judged(_stream(), msg_age_warn=timedelta(seconds=30))
    assert result.status is CheckStatus.WARNING
    age = next(p for p in result.perf_data if p.name == "message_age")
    assert age.value == 60 and age.unit == "s" and age.warn == 30


def test_arguments_override_metadata_and_bad_metadata_is_critical() -> None:
    metadata = {"io.nats.monitor.msgs-warn": "5", "io.nats.monitor.msgs-critical": "oops"}
    result = CheckResult(name="S", kind=CheckKind.STREAM)
    merged = _merge(metadata, STREAM_METADATA, {"msgs_warn": 1}, result)
    assert merged == {"msgs_warn": 1}
    assert result.criticals == [
        "metadata io.nats.monitor.msgs-critical='oops' is not a valid non-negative integer: "
        "invalid literal for int() with base 10: 'oops'"
    ]
    quiet = CheckResult(name="S", kind=CheckKind.STREAM)
    assert _merge(metadata, STREAM_METADATA, {"msgs_critical": None}, quiet) == {
        "msgs_warn": 5,
        "msgs_critical": None,
    }
    assert quiet.status is CheckStatus.OK
    # a count of 0 in metadata switches the threshold off (jsm.go's reading); an argument of 0 does not
    zero = {"io.nats.monitor.msgs-critical": "0", "io.nats.monitor.lag-critical": "0"}
    assert _merge(zero, STREAM_METADATA, {}, quiet) == {}
    assert _merge(zero, STREAM_METADATA, {"lag_critical": 0}, quiet) == {"lag_critical": 0}


def _consumer(**fields: Any) -> ConsumerInfo:
    wire: dict[str, Any] = {
        "stream_name": "S",
        "name": "C",
        "created": "2026-01-01T00:00:00Z",
        "config": {"durable_name": "C", "ack_policy": "explicit"},
        "delivered": {"consumer_seq": 5, "stream_seq": 5, "last_active": "2026-01-01T11:58:00Z"},
        "ack_floor": {"consumer_seq": 2, "stream_seq": 2},
        "num_ack_pending": 3,
        "num_redelivered": 1,
        "num_waiting": 0,
        "num_pending": 4,
        **fields,
    }
    return ConsumerInfo.from_wire(json.dumps(wire))


def test_consumer_thresholds() -> None:
    def judged(**limits: Any) -> CheckResult:
        result = CheckResult(name="S.C", kind=CheckKind.CONSUMER)
        judge_consumer(result, _consumer(), ConsumerThresholds(**limits), now=NOW)
        return result

    assert judged().status is CheckStatus.OK
    assert "ack pending: 3" in judged(outstanding_ack_critical=3).criticals
    assert judged(outstanding_ack_critical=4).status is CheckStatus.OK
    assert "unprocessed: 4" in judged(unprocessed_critical=2).criticals
    assert "redelivered: 1" in judged(redelivery_critical=1).criticals
    late = judged(last_delivery_critical=timedelta(seconds=60))
    assert "last delivery 120.0s ago" in late.criticals
    assert "no ack yet" in judged(last_ack_critical=timedelta(hours=1)).criticals


def test_a_paused_consumer_warns() -> None:
    info = _consumer(paused=True, pause_remaining=30 * 10**9)
    result = CheckResult(name="S.C", kind=CheckKind.CONSUMER)
    judge_consumer(result, info, ConsumerThresholds(), now=NOW)
    assert result.warnings == ["paused (30s remaining)"]
    critical = CheckResult(name="S.C", kind=CheckKind.CONSUMER)
    judge_consumer(critical, info, ConsumerThresholds(paused_critical=True), now=NOW)
    assert critical.status is CheckStatus.CRITICAL


def test_metadata_keys_follow_the_naming_scheme() -> None:
    for key in [*STREAM_METADATA, *CONSUMER_METADATA]:
        assert key.startswith("io.nats.monitor.") and key == key.lower()
        option = key.removeprefix("io.nats.monitor.").replace("-", "_")
        assert option in {o for o, _ in [*STREAM_METADATA.values(), *CONSUMER_METADATA.values()]}


def _healthz(name: str, data: dict[str, Any]) -> HealthzReply:
    return HealthzReply.from_wire(
        json.dumps({"server": {"name": name, "id": "N" + name}, "data": data})
    )


def test_healthz_judging() -> None:
    healthy = [_healthz("a", {"status": "ok", "status_code": 200}), _healthz("b", {"status": "ok"})]
    result = CheckResult(name="servers", kind=CheckKind.SERVER)
    judge_healthz(result, healthy, expect=2)
    assert result.status is CheckStatus.OK and result.ok_messages == ["2 servers healthy"]
    sick = _healthz(
        "c",
        {
            "status": "unavailable",
            "status_code": 503,
            "error": "JetStream stream 'A > S' is not current",
            "errors": [{"type": 5, "account": "A", "stream": "S", "error": "not current"}],
        },
    )
    result = CheckResult(name="servers", kind=CheckKind.SERVER)
    judge_healthz(result, [*healthy, sick], expect=4)
    assert result.criticals == [
        "server c: JetStream stream 'A > S' is not current; A/S: not current",
        "3 of 4 servers answered",
    ]
    perf = {p.name: p.value for p in result.perf_data}
    assert perf == {"servers": 3, "servers_unhealthy": 1}


def _meta(leader: str | None, peers: list[dict[str, Any]], size: int = 3) -> MetaClusterInfo:
    wire = {"name": "c", "leader": leader, "replicas": peers, "cluster_size": size}
    return MetaClusterInfo.from_wire(json.dumps(wire))


def test_meta_judging() -> None:
    def judged(meta: MetaClusterInfo | None, **limits: Any) -> CheckResult:
        result = CheckResult(name="meta", kind=CheckKind.META)
        options: dict[str, Any] = {"expect": None, "lag_critical": None, "seen_critical": None}
        judge_meta(result, meta, **{**options, **limits})
        return result

    good = _meta("n1", [_peer("n2"), _peer("n3")])
    assert judged(good).status is CheckStatus.OK
    assert judged(good).ok_messages == ["leader n1, 3 peers"]
    assert judged(None).criticals == ["no meta leader"]
    assert judged(_meta(None, [])).criticals == ["no meta leader"]
    down = judged(_meta("n1", [_peer("n2"), _peer("n3", offline=True)]))
    assert down.criticals == ["1 meta peers offline: n3", "expected 3 meta peers, 2 seen"]
    assert "expected 5 meta peers, 3 seen" in judged(good, expect=5).criticals
    lagging = judged(_meta("n1", [_peer("n2", lag=9), _peer("n3")]), lag_critical=3)
    assert lagging.criticals == ["1 meta peers lagged: n2"]
    silent = judged(good, seen_critical=timedelta(milliseconds=10))
    assert silent.criticals == ["2 meta peers inactive: n2, n3"]


def test_pinned_flag_from_metadata() -> None:
    result = CheckResult(name="S.C", kind=CheckKind.CONSUMER)
    assert _flag(None, PINNED_METADATA, result) is False
    assert _flag({PINNED_METADATA: " True "}, PINNED_METADATA, result) is True
    assert _flag({PINNED_METADATA: "false"}, PINNED_METADATA, result) is False
    assert result.status is CheckStatus.OK
    assert _flag({PINNED_METADATA: "sometimes"}, PINNED_METADATA, result) is False
    assert result.criticals == ["metadata io.nats.monitor.pinned='sometimes' is not true or false"]


def test_pinned_groups() -> None:
    config = {
        "durable_name": "C",
        "ack_policy": "explicit",
        "priority_policy": "pinned_client",
        "priority_groups": ["a", "b"],
        "priority_timeout": 60 * 10**9,
    }
    groups = [{"group": "a", "pinned_client_id": "ID1", "pinned_ts": "2026-01-01T11:00:00Z"}]
    info = _consumer(config=config, priority_groups=groups)

    def judged(expected: bool) -> CheckResult:
        result = CheckResult(name="S.C", kind=CheckKind.CONSUMER)
        judge_consumer(result, info, ConsumerThresholds(pinned_expected=expected), now=NOW)
        return result

    relaxed = judged(False)
    assert relaxed.status is CheckStatus.OK
    assert "group a pinned to ID1" in relaxed.ok_messages
    assert judged(True).criticals == ["group b has no pinned client"]
