"""Micro protocol replies: what a jsm service writes is schema-valid; others' replies parse."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from jsm.models import EndpointInfo, EndpointStats, ServiceInfo, ServicePing, ServiceStats
from tests.integration.service_helpers import schema_errors

names = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)
versions = st.builds("{}.{}.{}".format, *(st.integers(0, 99),) * 3)
metadata = st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)
counts = st.integers(0, 2**63 - 1)
stats_entries = st.builds(
    EndpointStats,
    name=names,
    subject=st.from_regex(r"[a-z]{1,5}(\.[a-z]{1,5}){0,2}", fullmatch=True),
    queue_group=st.just("q"),
    num_requests=counts,
    num_errors=counts,
    last_error=st.text(max_size=10),
    processing_time=counts,
    average_processing_time=counts,
    data=st.none() | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(names, names, versions, metadata, times, st.lists(stats_entries, max_size=3))
def test_stats_replies_are_schema_valid_and_round_trip(
    name: str,
    ident: str,
    version: str,
    meta: dict[str, str],
    started: datetime,
    entries: list[EndpointStats],
) -> None:
    stats = ServiceStats(
        name=name, id=ident, version=version, metadata=meta, started=started, endpoints=entries
    )
    wire = stats.to_reply()
    assert schema_errors("STATS", wire) == []
    assert ServiceStats.from_wire(wire) == stats
    for entry in json.loads(wire)["endpoints"]:
        assert "data" in entry and "queue_group" in entry  # nats-py's parser needs both


@given(names, names, versions, metadata, st.text(max_size=20))
def test_ping_and_info_replies_are_schema_valid_and_round_trip(
    name: str, ident: str, version: str, meta: dict[str, str], description: str
) -> None:
    ping = ServicePing(name=name, id=ident, version=version, metadata=meta)
    assert schema_errors("PING", ping.to_reply()) == []
    assert ServicePing.from_wire(ping.to_reply()) == ping
    endpoint = EndpointInfo(name=name, subject="a.b", queue_group="q", metadata=meta)
    info = ServiceInfo(
        name=name,
        id=ident,
        version=version,
        metadata=meta,
        description=description,
        endpoints=[endpoint],
    )
    assert schema_errors("INFO", info.to_reply()) == []
    assert ServiceInfo.from_wire(info.to_reply()) == info


def test_started_is_written_with_a_fixed_fraction_in_utc() -> None:
    whole = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    stats = ServiceStats(name="a", id="b", version="1.0.0", started=whole)
    assert json.loads(stats.to_reply())["started"] == "2025-01-02T03:04:05.000000Z"


def test_replies_of_other_implementations_parse() -> None:
    go = (
        '{"name":"calc","id":"x1","version":"1.0.0","metadata":null,'
        '"type":"io.nats.micro.v1.stats_response","started":"2025-01-02T03:04:05.123456789Z",'
        '"endpoints":[{"name":"add","subject":"calc.add","queue_group":"q","num_requests":2,'
        '"num_errors":0,"last_error":"","processing_time":1500,"average_processing_time":750,'
        '"data":{"extra":true},"newer_field":1}]}'
    )
    stats = ServiceStats.from_wire(go)
    assert stats.started == datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert stats.endpoints[0].data == {"extra": True}
    assert stats.endpoints[0].model_extra == {"newer_field": 1}
    nats_py = '{"type":"io.nats.micro.v1.info_response","id":"y","name":"n","version":"1.0.0","description":null,"endpoints":[],"metadata":{}}'
    assert ServiceInfo.from_wire(nats_py).description is None
    assert EndpointStats.from_wire('{"name":"a","subject":"a","last_error":null}').last_error == ""
    bare = ServicePing.from_wire('{"name":"n","id":"i","version":"0.1.0"}')
    assert (bare.type, bare.metadata) == ("io.nats.micro.v1.ping_response", None)
