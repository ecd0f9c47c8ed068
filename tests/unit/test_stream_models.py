"""StreamConfig and StreamInfo: JSON round trips, the schema, and the server's exact bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from jsonschema import Draft7Validator

from jsm.errors import ConfigValidationError, InvalidOptionError
from jsm.models import (
    RetentionPolicy,
    SourceInfo,
    StorageType,
    StreamConfig,
    StreamInfo,
    StreamInfoResponse,
    StreamSource,
)
from jsm.models.stream import go_json_escape
from tests.stream_strategies import stream_configs

SCHEMAS = Path(__file__).resolve().parents[2] / "spec" / "schemas" / "jetstream" / "api" / "v1"
CONFIG_SCHEMA = Draft7Validator(json.loads((SCHEMAS / "stream_configuration.json").read_text()))

# Replies captured from nats-server 2.15.1 (STREAM.INFO), kept verbatim.
SERVER_REPLIES = [
    b'{"type":"io.nats.jetstream.api.v1.stream_info_response","total":0,"offset":0,"limit":0,"config":{"name":"FULL","description":"d \\u003cx\\u003e \\u0026 y","subjects":["full.\\u003e"],"retention":"limits","max_consumers":10,"max_msgs":100,"max_bytes":100000,"max_age":3600000000000,"max_msgs_per_subject":5,"max_msg_size":1024,"discard":"old","storage":"file","num_replicas":1,"no_ack":true,"duplicate_window":60000000000,"placement":{"tags":["a"]},"compression":"s2","first_seq":10,"subject_transform":{"src":"full.\\u003e","dest":"x.full.\\u003e"},"republish":{"src":"x.\\u003e","dest":"rp.\\u003e","headers_only":true},"allow_direct":true,"mirror_direct":false,"sealed":false,"deny_delete":true,"deny_purge":false,"allow_rollup_hdrs":true,"consumer_limits":{"inactive_threshold":5000000000,"max_ack_pending":100},"allow_msg_ttl":true,"subject_delete_marker_ttl":2000000000,"allow_atomic":true,"allow_msg_schedules":true,"allow_batched":true,"metadata":{"_nats.level":"5","_nats.req.level":"4","_nats.ver":"2.15.1","k":"v"}},"created":"2026-11-25T02:30:03.499918646Z","state":{"messages":0,"bytes":0,"first_seq":10,"first_ts":"0001-01-01T00:00:00Z","last_seq":9,"last_ts":"0001-01-01T00:00:00Z","consumer_count":0},"cluster":{"leader":"probe"},"ts":"2026-11-25T02:30:03.502356239Z"}',
    b'{"type":"io.nats.jetstream.api.v1.stream_info_response","total":0,"offset":0,"limit":0,"config":{"name":"SRC","retention":"limits","max_consumers":-1,"max_msgs":-1,"max_bytes":-1,"max_age":0,"max_msgs_per_subject":-1,"max_msg_size":-1,"discard":"old","storage":"file","num_replicas":1,"sources":[{"name":"MIN","opt_start_seq":2,"subject_transforms":[{"src":"min.\\u003e","dest":"s.\\u003e"}],"external":{"api":"$JS.hub.API","deliver":""}}],"compression":"none","allow_direct":false,"mirror_direct":false,"sealed":false,"deny_delete":false,"deny_purge":false,"allow_rollup_hdrs":false,"consumer_limits":{},"allow_msg_ttl":false,"metadata":{"_nats.level":"5","_nats.req.level":"0","_nats.ver":"2.15.1"}},"created":"2026-11-25T02:29:46.648118154Z","state":{"messages":0,"bytes":0,"first_seq":0,"first_ts":"0001-01-01T00:00:00Z","last_seq":0,"last_ts":"0001-01-01T00:00:00Z","consumer_count":0},"sources":[{"name":"MIN","external":{"api":"$JS.hub.API","deliver":""},"lag":0,"active":-1,"subject_transforms":[{"src":"min.\\u003e","dest":"s.\\u003e"}]}],"ts":"2026-11-25T02:29:46.649266378Z"}',
    b'{"type":"io.nats.jetstream.api.v1.stream_info_response","total":0,"offset":0,"limit":0,"config":{"name":"M3","retention":"limits","max_consumers":-1,"max_msgs":-1,"max_bytes":-1,"max_age":0,"max_msgs_per_subject":-1,"max_msg_size":-1,"discard":"old","storage":"file","num_replicas":1,"mirror":{"name":"AS","opt_start_time":"2025-01-01T00:00:00.1+02:00"},"compression":"none","allow_direct":false,"mirror_direct":false,"sealed":false,"deny_delete":false,"deny_purge":false,"allow_rollup_hdrs":false,"consumer_limits":{},"allow_msg_ttl":false,"metadata":{"_nats.level":"5","_nats.req.level":"0","_nats.ver":"2.15.1"}},"created":"2026-11-25T02:30:03.73966126Z","state":{"messages":0,"bytes":0,"first_seq":0,"first_ts":"0001-01-01T00:00:00Z","last_seq":0,"last_ts":"0001-01-01T00:00:00Z","consumer_count":0},"mirror":{"name":"AS","lag":0,"active":-1,"error":{"code":404,"err_code":10059,"description":"stream not found"}},"ts":"2026-11-25T02:30:03.740835813Z"}',
]


def _raw_config(reply: bytes) -> str:
    """The reply's ``config`` object re-encoded compactly, in order, with Go's escapes."""
    config = json.loads(reply)["config"]
    return go_json_escape(json.dumps(config, separators=(",", ":"), ensure_ascii=False))


@given(stream_configs())
@settings(max_examples=150)
def test_random_configs_round_trip_through_json(config: StreamConfig) -> None:
    text = config.to_json()
    again = StreamConfig.from_json(text)
    assert again == config
    assert again.to_json() == text


@given(stream_configs())
@settings(max_examples=150)
def test_random_configs_validate_against_the_schema(config: StreamConfig) -> None:
    errors = sorted(CONFIG_SCHEMA.iter_errors(json.loads(config.to_json())), key=str)
    assert not errors, errors[0].message


@pytest.mark.parametrize("reply", SERVER_REPLIES, ids=["full", "sources", "mirror"])
def test_server_config_is_written_back_byte_for_byte(reply: bytes) -> None:
    info = StreamInfoResponse.from_wire(reply)
    assert info.config.to_json() == _raw_config(reply)
    assert StreamConfig.from_json(info.config.to_json()).to_json() == _raw_config(reply)


def test_every_schema_field_is_a_model_field() -> None:
    schema_fields = set(CONFIG_SCHEMA.schema["properties"])
    assert len(schema_fields) == 38
    assert schema_fields == set(StreamConfig.model_fields)


def test_defaults_are_the_servers_always_sent_values() -> None:
    wire = StreamConfig(name="S").to_wire()
    assert wire == {
        "name": "S",
        "retention": "limits",
        "max_consumers": -1,
        "max_msgs": -1,
        "max_bytes": -1,
        "max_age": 0,
        "max_msgs_per_subject": -1,
        "discard": "old",
        "storage": "file",
        "num_replicas": 1,
        "compression": "none",
        "allow_direct": False,
        "mirror_direct": False,
        "sealed": False,
        "deny_delete": False,
        "deny_purge": False,
        "allow_rollup_hdrs": False,
        "consumer_limits": {},
        "allow_msg_ttl": False,
    }


def test_durations_are_nanoseconds_in_json_only() -> None:
    config = StreamConfig.from_json('{"name":"S","max_age":3600000000000,"duplicate_window":1500}')
    assert config.max_age == timedelta(hours=1)
    assert config.duplicate_window == timedelta(microseconds=1)  # sub-µs remainder dropped
    with pytest.raises(ConfigValidationError, match=r"timedelta\(seconds=3600\)"):
        StreamConfig(name="S", max_age=3600)  # type: ignore[arg-type]  # the error under test


def test_unknown_field_in_a_user_file_is_named() -> None:
    with pytest.raises(InvalidOptionError, match="'max_agee'"):
        StreamConfig.from_json('{"name":"S","max_agee":1}')
    with pytest.raises(InvalidOptionError, match=r"mirror\.'nmae'"):
        StreamConfig.from_json('{"name":"S","mirror":{"name":"O","nmae":"x"}}')


def test_unknown_fields_are_kept_when_allowed_and_from_the_server() -> None:
    text = '{"name":"S","future_flag":true}'
    assert (
        StreamConfig.from_json(text, allow_unknown=True).to_json().endswith(',"future_flag":true}')
    )
    reply = SERVER_REPLIES[0].replace(b'"allow_batched":true', b'"allow_batched":true,"z_new":7')
    assert StreamInfoResponse.from_wire(reply).config.model_extra == {"z_new": 7}


def test_unknown_enum_values_survive_a_round_trip() -> None:
    config = StreamConfig.from_json('{"name":"S","retention":"lottery","storage":"tape"}')
    assert config.retention not in list(RetentionPolicy)
    assert config.retention == "lottery" and config.storage == "tape"
    assert '"retention":"lottery"' in config.to_json()
    assert config.storage not in (StorageType.FILE, StorageType.MEMORY)


def test_bad_json_and_bad_types_are_invalid_options() -> None:
    with pytest.raises(ConfigValidationError, match="invalid StreamConfig: not valid JSON"):
        StreamConfig.from_json("{not json")
    with pytest.raises(InvalidOptionError, match="max_msgs"):
        StreamConfig.from_json('{"name":"S","max_msgs":"many"}')


def test_go_escapes_apply_to_strings_and_keys() -> None:
    config = StreamConfig(name="S", description="a<b>&c\u2028", metadata={"<k>": "&"})
    text = config.to_json()
    assert "\\u003c" in text and "<" not in text and "&" not in text and "\u2028" not in text
    assert StreamConfig.from_json(text) == config


def test_timestamps_are_written_as_go_writes_them() -> None:
    when = datetime(2025, 1, 1, 0, 0, 0, 100000, tzinfo=timezone(timedelta(hours=2)))
    config = StreamConfig(name="S", mirror=StreamSource(name="O", opt_start_time=when))
    assert '"opt_start_time":"2025-01-01T00:00:00.1+02:00"' in config.to_json()
    utc = StreamSource(name="O", opt_start_time=datetime(2025, 1, 1, tzinfo=UTC))
    assert utc.to_wire()["opt_start_time"] == "2025-01-01T00:00:00Z"


def test_with_changes_validates_and_leaves_the_original() -> None:
    config = StreamConfig(name="S", subjects=["s.>"])
    changed = config.with_changes(max_age=timedelta(days=1), description="x")
    assert changed.max_age == timedelta(days=1) and config.max_age == timedelta(0)
    assert changed.subjects == ["s.>"]
    with pytest.raises(InvalidOptionError, match="max_age"):
        config.with_changes(max_age=5)


def test_indented_json_is_the_same_document() -> None:
    config = StreamConfig(name="S", subjects=["a.>"], description="<&>")
    pretty = config.to_json(indent=2)
    assert "\n  " in pretty and "<" not in pretty
    assert StreamConfig.from_json(pretty) == config


def test_stream_info_parses_state_cluster_and_sources() -> None:
    info = StreamInfo.model_validate_json(SERVER_REPLIES[1])
    assert info.state.first_ts is not None and info.state.first_ts.year == 1
    source = info.sources[0] if info.sources else None
    assert isinstance(source, SourceInfo)
    assert source.active is None and not source.is_active
    assert source.external is not None and source.external.api == "$JS.hub.API"
    mirror = StreamInfo.model_validate_json(SERVER_REPLIES[2]).mirror
    assert mirror is not None and mirror.error is not None and mirror.error.err_code == 10059
    clustered = StreamInfo.model_validate_json(SERVER_REPLIES[0])
    assert clustered.cluster is not None and clustered.cluster.leader == "probe"


@pytest.mark.parametrize(
    "stamp",
    ["2025-01-01T00:00:00.123456789Z", "2025-01-01T00:00:00.1234567+05:30", "2025-01-01T00:00:00Z"],
    ids=["nanos", "tenth-of-micro-offset", "whole-second"],
)
def test_nanosecond_timestamps_are_written_back_unchanged(stamp: str) -> None:
    text = f'{{"name":"S","mirror":{{"name":"O","opt_start_time":"{stamp}"}}}}'
    config = StreamConfig.from_json(text)
    assert f'"opt_start_time":"{stamp}"' in config.to_json()
    assert f'"opt_start_time":"{stamp}"' in config.with_changes(description="d").to_json()
    when = config.mirror.opt_start_time if config.mirror else None
    assert when is not None and when.microsecond in (123456, 0)
