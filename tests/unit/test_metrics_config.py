"""The exporter's checks config: natscli's format read, every mistake refused at load."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

import jsm
from jsm.metrics import Check, ExporterConfig

if TYPE_CHECKING:
    from pathlib import Path

NATSCLI_CONFIG = """
context: ngs
checks:
  - name: orders
    kind: stream
    reuse_connection: true
    properties:
      stream_name: ORDERS
      cluster_expected_peers: 3
      cluster_seen_critical: 10
      messages_warn: 0
      messages_critical: 1000
      sources_seen_critical: "5m"
  - name: worker
    kind: consumer
    context: other
    properties:
      stream_name: ORDERS
      consumer_name: worker
      ack_outstanding_critical: 100
      last_ack_critical: 60.5
      pinned: true
  - name: config
    kind: kv
    properties: {bucket: CONFIG, key: color, values_warning: -1, values_critical: 0}
  - name: account
    kind: jetstream
    properties: {memory_warning: 75, memory_critical: -1}
  - name: meta
    kind: meta
    properties: {expect_servers: 3, lag_critical: 0, seen_critical: 30}
"""


def test_a_natscli_config_is_read_into_monitor_arguments() -> None:
    config = ExporterConfig.parse(NATSCLI_CONFIG)
    assert config.context == "ngs"
    stream, consumer, kv, account, meta = config.checks
    assert [c.kind for c in config.checks] == ["stream", "consumer", "kv", "jetstream", "meta"]
    assert (consumer.context, stream.context) == ("other", None)
    # a 0 (Go's zero value) leaves the argument to js.monitor and the metadata
    assert stream._arguments == {
        "stream_name": "ORDERS",
        "peer_expect": 3,
        "peer_seen_critical": timedelta(seconds=10),
        "msgs_critical": 1000,
        "seen_critical": timedelta(minutes=5),
    }
    assert consumer._arguments == {
        "stream_name": "ORDERS",
        "consumer_name": "worker",
        "outstanding_ack_critical": 100,
        "last_ack_critical": timedelta(seconds=60.5),
        "pinned_expected": True,
    }
    # -1 switches a threshold off where 0 is a real one
    assert kv._arguments == {
        "bucket": "CONFIG",
        "key": "color",
        "values_warn": None,
        "values_critical": 0,
    }
    # natscli leaves unnamed account thresholds off (js.monitor's own defaults are 75/90)
    assert account._arguments["memory_warn"] == 75.0
    assert account._arguments["memory_critical"] is None
    assert account._arguments["storage_critical"] is None
    assert meta._arguments == {"expect": 3, "seen_critical": timedelta(seconds=30)}


def test_json_and_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "checks.json"
    path.write_text('{"checks": [{"name": "a", "kind": "kv", "properties": {"bucket": "B"}}]}')
    (check,) = ExporterConfig.load(path).checks
    assert (check.name, check.kind, check.properties) == ("a", "kv", {"bucket": "B"})
    with pytest.raises(jsm.errors.InvalidOptionError, match="cannot read"):
        ExporterConfig.load(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("checks: []", "at least one check"),
        ("- just a list", "mapping with 'checks'"),
        ("checks: {}", "must be a list"),
        ("checks: [1]", "check #1 must be a mapping"),
        ("checks: [{name: a, kind: server}]", "natscli check jsm does not run"),
        ("checks: [{name: a, kind: streams}]", "unknown kind 'streams'"),
        ("checks: [{kind: kv}]", "non-empty name"),
        ("checks: [{name: a, kind: kv}]", "property bucket is required"),
        ("checks: [{name: a, kind: stream, properties: {stream: X}}]", "unknown property 'stream'"),
        (
            "checks: [{name: a, kind: consumer, properties: {stream_name: S}}]",
            "consumer_name is required",
        ),
        (
            "checks: [{name: a, kind: stream, properties: {stream_name: S, messages_critical: -5}}]",
            "non-negative integer",
        ),
        (
            "checks: [{name: a, kind: stream, properties: {stream_name: S, cluster_seen_critical: soon}}]",
            "cluster_seen_critical",
        ),
        (
            "checks: [{name: a, kind: jetstream, properties: {memory_warning: 120}}]",
            "percentage",
        ),
        (
            "checks: [{name: a, kind: jetstream, properties: {check_replicas: true}}]",
            "add a 'stream'",
        ),
        ("checks: [{name: a, kind: consumer, properties: {pinned: yes please}}]", "true or false"),
        (
            "checks: [{name: a, kind: kv, properties: {bucket: B}, colour: red}]",
            "unknown key colour",
        ),
        ("checks: [{name: a, kind: kv, reuse_connection: 1, properties: {bucket: B}}]", "reuse"),
        ("checks: [{name: a, kind: kv, properties: {bucket: B}}]\nextra: 1", "unknown key extra"),
        (
            "checks: [{name: a, kind: kv, properties: {bucket: B}}, {name: a, kind: kv, properties: {bucket: C}}]",
            "two kv checks are named 'a'",
        ),
        ("checks: [", "not valid YAML"),
    ],
)
def test_a_bad_config_is_refused_with_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(jsm.errors.InvalidOptionError, match=message):
        ExporterConfig.parse(text, source="checks.yaml")


def test_checks_of_one_name_and_different_kinds_may_coexist() -> None:
    config = ExporterConfig(
        [
            Check("orders", "stream", properties={"stream_name": "ORDERS"}),
            Check("orders", "kv", properties={"bucket": "ORDERS"}),
        ]
    )
    assert [repr(c) for c in config.checks] == [
        "<jsm.metrics.Check 'orders' kind=stream>",
        "<jsm.metrics.Check 'orders' kind=kv>",
    ]


def test_collector_and_exporter_options_are_checked() -> None:
    class NotAManager:
        pass

    with pytest.raises(jsm.errors.InvalidOptionError, match="Prometheus metric name"):
        jsm.metrics.JetStreamCollector(NotAManager(), namespace="9 lives")  # type: ignore[arg-type]  # checked before use
    with pytest.raises(jsm.errors.InvalidOptionError, match="streams must be"):
        jsm.metrics.JetStreamCollector(NotAManager(), streams="ORDERS")  # type: ignore[arg-type]  # the mistake tested
    config = ExporterConfig([Check("a", "kv", properties={"bucket": "B"})])
    with pytest.raises(jsm.errors.InvalidOptionError, match="port"):
        jsm.metrics.Exporter(config, port=70_000)
    with pytest.raises(jsm.errors.InvalidOptionError, match="ExporterConfig"):
        jsm.metrics.Exporter("checks.yaml")  # type: ignore[arg-type]  # the mistake tested
