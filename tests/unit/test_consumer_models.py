"""ConsumerConfig and ConsumerInfo: JSON round trips, the schema, and the server's exact bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from jsm.errors import ConfigValidationError, InvalidOptionError
from jsm.models import (
    AckPolicy,
    ConsumerConfig,
    ConsumerCreateResponse,
    ConsumerInfo,
    DeliverPolicy,
    PriorityPolicy,
    PullRequest,
    ReplayPolicy,
)
from jsm.models.stream import go_json_escape

SCHEMAS = Path(__file__).resolve().parents[2] / "spec" / "schemas" / "jetstream" / "api" / "v1"
CONFIG_SCHEMA = Draft7Validator(json.loads((SCHEMAS / "consumer_configuration.json").read_text()))
INFO_SCHEMA = Draft7Validator(json.loads((SCHEMAS / "consumer_info_response.json").read_text()))
PULL_SCHEMA = Draft7Validator(json.loads((SCHEMAS / "consumer_getnext_request.json").read_text()))

# Replies captured from nats-server 2.15.1 (CONSUMER.CREATE), kept verbatim.
SERVER_REPLIES = [
    b'{"type":"io.nats.jetstream.api.v1.consumer_create_response","stream_name":"S","name":"D","created":"2026-11-25T03:22:40.536297877Z","config":{"durable_name":"D","name":"D","description":"x","deliver_policy":"by_start_sequence","opt_start_seq":1,"ack_policy":"explicit","ack_wait":1000000000,"max_deliver":5,"backoff":[1000000000,2000000000],"filter_subjects":["s.a","s.b"],"replay_policy":"instant","sample_freq":"50%","max_waiting":5,"max_ack_pending":10,"headers_only":true,"max_batch":10,"max_expires":10000000000,"max_bytes":1000,"inactive_threshold":10000000000,"num_replicas":1,"mem_storage":true,"metadata":{"_nats.level":"5","_nats.req.level":"1","_nats.ver":"2.15.1","a":"b"},"pause_until":"2030-01-01T00:00:00Z","priority_groups":["g"],"priority_policy":"pinned_client","priority_timeout":10000000000},"delivered":{"consumer_seq":0,"stream_seq":0},"ack_floor":{"consumer_seq":0,"stream_seq":0},"num_ack_pending":0,"num_redelivered":0,"num_waiting":0,"num_pending":0,"paused":true,"pause_remaining":97879039463476810,"ts":"2026-11-25T03:22:40.536522438Z","priority_groups":[{"group":"g","pinned_ts":"0001-01-01T00:00:00Z"}]}',
    b'{"type":"io.nats.jetstream.api.v1.consumer_create_response","stream_name":"S","name":"P","created":"2026-11-25T03:22:40.538045074Z","config":{"name":"P","deliver_policy":"by_start_time","opt_start_time":"2020-01-01T00:00:00Z","ack_policy":"explicit","ack_wait":30000000000,"max_deliver":-1,"filter_subject":"s.a","replay_policy":"original","rate_limit_bps":10000,"max_ack_pending":1000,"flow_control":true,"deliver_subject":"dd","deliver_group":"q","idle_heartbeat":5000000000,"inactive_threshold":5000000000,"num_replicas":0,"metadata":{"_nats.level":"5","_nats.req.level":"0","_nats.ver":"2.15.1"}},"delivered":{"consumer_seq":0,"stream_seq":0},"ack_floor":{"consumer_seq":0,"stream_seq":0},"num_ack_pending":0,"num_redelivered":0,"num_waiting":0,"num_pending":0,"ts":"2026-11-25T03:22:40.538157425Z"}',
    b'{"type":"io.nats.jetstream.api.v1.consumer_create_response","stream_name":"S","name":"ZrdDo5g1","created":"2026-11-25T03:22:40.539174002Z","config":{"deliver_policy":"all","ack_policy":"none","max_deliver":-1,"replay_policy":"instant","max_waiting":512,"inactive_threshold":5000000000,"num_replicas":0,"metadata":{"_nats.level":"5","_nats.req.level":"0","_nats.ver":"2.15.1"}},"delivered":{"consumer_seq":0,"stream_seq":0},"ack_floor":{"consumer_seq":0,"stream_seq":0},"num_ack_pending":0,"num_redelivered":0,"num_waiting":0,"num_pending":0,"ts":"2026-11-25T03:22:40.53935936Z"}',
]

_names = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_-", min_size=1, max_size=16)
_subjects = st.lists(_names, min_size=1, max_size=3).map(".".join)
_durations = st.integers(min_value=1, max_value=10**9).map(lambda us: timedelta(microseconds=us))
_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_small = st.integers(min_value=1, max_value=10**6)
T = TypeVar("T")


def _opt(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


@st.composite
def consumer_configs(draw: st.DrawFn) -> ConsumerConfig:
    """Any configuration the schema allows, with the start options its deliver policy needs."""
    policy = draw(st.sampled_from(list(DeliverPolicy)))
    return ConsumerConfig(
        durable_name=draw(_opt(_names)),
        name=draw(_opt(_names)),
        description=draw(_opt(st.text(max_size=30))),
        deliver_policy=policy,
        opt_start_seq=draw(_small) if policy is DeliverPolicy.BY_START_SEQUENCE else None,
        opt_start_time=draw(_times) if policy is DeliverPolicy.BY_START_TIME else None,
        ack_policy=draw(st.sampled_from(list(AckPolicy))),
        ack_wait=draw(_opt(_durations)),
        max_deliver=draw(_opt(st.integers(min_value=-1, max_value=100))),
        backoff=draw(_opt(st.lists(_durations, min_size=1, max_size=3))),
        filter_subject=draw(_opt(_subjects)),
        filter_subjects=draw(_opt(st.lists(_subjects, min_size=1, max_size=3))),
        replay_policy=draw(st.sampled_from(list(ReplayPolicy))),
        rate_limit_bps=draw(_opt(_small)),
        sample_freq=draw(_opt(st.sampled_from(["100%", "50", "1%"]))),
        max_waiting=draw(_opt(_small)),
        max_ack_pending=draw(_opt(st.integers(min_value=-1, max_value=10**6))),
        flow_control=draw(_opt(st.booleans())),
        headers_only=draw(_opt(st.booleans())),
        max_batch=draw(_opt(_small)),
        max_expires=draw(_opt(_durations)),
        max_bytes=draw(_opt(_small)),
        deliver_subject=draw(_opt(_subjects)),
        deliver_group=draw(_opt(_names)),
        idle_heartbeat=draw(_opt(_durations)),
        inactive_threshold=draw(_opt(_durations)),
        num_replicas=draw(st.integers(min_value=0, max_value=5)),
        mem_storage=draw(_opt(st.booleans())),
        metadata=draw(_opt(st.dictionaries(_names, st.text(max_size=10), max_size=3))),
        pause_until=draw(_opt(_times)),
        priority_groups=draw(_opt(st.lists(_names, min_size=1, max_size=2))),
        priority_policy=draw(_opt(st.sampled_from(list(PriorityPolicy)))),
        priority_timeout=draw(_opt(_durations)),
    )


def _raw_config(reply: bytes) -> str:
    config = json.loads(reply)["config"]
    return go_json_escape(json.dumps(config, separators=(",", ":"), ensure_ascii=False))


@given(consumer_configs())
@settings(max_examples=150)
def test_random_configs_round_trip_through_json(config: ConsumerConfig) -> None:
    text = config.to_json()
    again = ConsumerConfig.from_json(text)
    assert again == config
    assert again.to_json() == text


@given(consumer_configs())
@settings(max_examples=150)
def test_random_configs_validate_against_the_schema(config: ConsumerConfig) -> None:
    errors = sorted(CONFIG_SCHEMA.iter_errors(json.loads(config.to_json())), key=str)
    assert not errors, errors[0].message


@pytest.mark.parametrize("reply", SERVER_REPLIES, ids=["pull-full", "push", "ephemeral"])
def test_server_config_is_written_back_byte_for_byte(reply: bytes) -> None:
    info = ConsumerCreateResponse.from_wire(reply)
    assert info.config.to_json() == _raw_config(reply)
    assert ConsumerConfig.from_json(info.config.to_json()).to_json() == _raw_config(reply)


@pytest.mark.parametrize("reply", SERVER_REPLIES, ids=["pull-full", "push", "ephemeral"])
def test_server_info_validates_and_reads_typed(reply: bytes) -> None:
    info = ConsumerCreateResponse.from_wire(reply)
    wire = json.loads(info.to_wire_json()) | {
        "type": "io.nats.jetstream.api.v1.consumer_info_response"
    }
    assert not list(INFO_SCHEMA.iter_errors(wire))
    assert isinstance(info, ConsumerInfo)
    assert info.delivered.stream_seq == 0
    assert info.config.deliver_policy in DeliverPolicy


def test_full_reply_keeps_every_detail() -> None:
    info = ConsumerCreateResponse.from_wire(SERVER_REPLIES[0])
    assert info.config.backoff == [timedelta(seconds=1), timedelta(seconds=2)]
    assert info.config.priority_policy is PriorityPolicy.PINNED_CLIENT
    assert info.is_paused
    assert info.priority_groups is not None and info.priority_groups[0].group == "g"
    assert info.config.consumer_name == "D"
    push = ConsumerCreateResponse.from_wire(SERVER_REPLIES[1]).config
    assert push.is_push and push.idle_heartbeat == timedelta(seconds=5)


def test_every_schema_field_is_a_model_field() -> None:
    schema_fields = set(CONFIG_SCHEMA.schema["properties"])
    assert len(schema_fields) == 35
    assert schema_fields == set(ConsumerConfig.model_fields)


def test_defaults_are_the_servers_always_sent_values() -> None:
    assert ConsumerConfig().to_wire() == {
        "deliver_policy": "all",
        "ack_policy": "explicit",
        "replay_policy": "instant",
        "num_replicas": 0,
    }


def test_unknown_enum_values_and_fields_survive_a_round_trip() -> None:
    text = '{"deliver_policy":"someday","ack_policy":"explicit","replay_policy":"instant","num_replicas":0,"new_knob":7}'
    config = ConsumerConfig.from_json(text, allow_unknown=True)
    assert config.deliver_policy == "someday"
    assert config.to_json() == text


def test_from_json_reports_unknown_fields_and_bad_values() -> None:
    with pytest.raises(InvalidOptionError, match="new_knob"):
        ConsumerConfig.from_json('{"new_knob":1}')
    with pytest.raises(InvalidOptionError, match="ack_wait"):
        ConsumerConfig.from_json('{"ack_wait":"soon"}')


def test_durations_must_be_timedeltas_in_python() -> None:
    with pytest.raises(ConfigValidationError, match="timedelta"):
        ConsumerConfig(ack_wait=30)  # type: ignore[arg-type]  # the point of the test


def test_with_changes_validates_and_leaves_the_original() -> None:
    config = ConsumerConfig(durable_name="d")
    changed = config.with_changes(max_deliver=3, ack_wait=timedelta(seconds=2))
    assert changed.max_deliver == 3 and config.max_deliver is None
    with pytest.raises(InvalidOptionError, match="max_delivr"):
        config.with_changes(max_delivr=3)
    with pytest.raises(InvalidOptionError, match="ack_wait"):
        config.with_changes(ack_wait="x")


def test_pull_request_matches_its_schema() -> None:
    body = PullRequest(
        batch=10, expires=timedelta(seconds=30), idle_heartbeat=timedelta(seconds=15), id="p"
    )
    wire = json.loads(body.to_wire_json())
    assert wire == {
        "expires": 30_000_000_000,
        "batch": 10,
        "idle_heartbeat": 15_000_000_000,
        "id": "p",
    }
    assert not list(PULL_SCHEMA.iter_errors(wire))
