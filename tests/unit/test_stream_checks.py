"""Local stream checks: contradictory settings, API levels, header blocks, snapshot headers."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import anyio
import pytest

import jsm
from jsm.errors import InvalidNameError, InvalidOptionError
from jsm.models import StreamState
from jsm.streams._checks import check_stream_config, required_api_level
from jsm.streams.messages import StoredMessage, parse_header_block
from jsm.streams.snapshot import _header, _read_header


def cfg(**fields: object) -> jsm.StreamConfig:
    return jsm.StreamConfig.model_validate({"name": "S", "subjects": ["s.>"]} | fields)


VALID = [
    cfg(),
    cfg(num_replicas=5, max_age=timedelta(milliseconds=100)),
    cfg(discard="new", discard_new_per_subject=True, max_msgs_per_subject=3),
    cfg(allow_msg_counter=True),
    cfg(persist_mode="async", allow_batched=True),
    cfg(subject_delete_marker_ttl=timedelta(seconds=1), allow_msg_ttl=True),
    jsm.StreamConfig(name="M", mirror=jsm.StreamSource(name="O"), mirror_direct=True),
    jsm.StreamConfig(
        name="M",
        mirror=jsm.StreamSource(
            name="O", external=jsm.ExternalStream(api="$JS.hub.API"), opt_start_seq=5
        ),
    ),
    cfg(sources=[jsm.StreamSource(name="A"), jsm.StreamSource(name="B")]),
    cfg(
        sources=[
            jsm.StreamSource(name="A"),
            jsm.StreamSource(name="A", external=jsm.ExternalStream(api="$JS.hub.API")),
        ]
    ),
]


@pytest.mark.parametrize("config", VALID, ids=[str(i) for i in range(len(VALID))])
def test_valid_configs_pass(config: jsm.StreamConfig) -> None:
    check_stream_config(config)


INVALID = [
    (cfg(num_replicas=6), "num_replicas must be 1 to 5"),
    (cfg(num_replicas=-1), "num_replicas"),
    (cfg(description="x" * 4097), "description"),
    (cfg(max_msgs=-2), "max_msgs"),
    (cfg(max_msg_size=2**31), "max_msg_size"),
    (cfg(max_age=timedelta(milliseconds=99)), "max_age"),
    (cfg(duplicate_window=timedelta(milliseconds=10)), "duplicate_window"),
    (cfg(max_age=timedelta(seconds=1), duplicate_window=timedelta(seconds=2)), "longer than"),
    (cfg(deny_purge=True, allow_rollup_hdrs=True), "deny_purge"),
    (cfg(discard_new_per_subject=True, discard="new"), "max_msgs_per_subject > 0"),
    (cfg(subject_delete_marker_ttl=timedelta(milliseconds=500)), "at least 1s"),
    (cfg(allow_msg_counter=True, discard="new"), "discard=new"),
    (cfg(allow_msg_counter=True, retention="interest"), "retention=limits"),
    (cfg(allow_msg_schedules=True, discard="new"), "discard=new"),
    (cfg(allow_msg_schedules=True, sources=[{"name": "A"}]), "sources"),
    (cfg(persist_mode="async", num_replicas=3), "one replica"),
    (cfg(persist_mode="async", allow_atomic=True), "allow_atomic"),
    (cfg(placement={"preferred": "n1"}), "preferred"),
    (jsm.StreamConfig(name="M", mirror=jsm.StreamSource(name="O"), first_seq=5), "first_seq"),
    (
        jsm.StreamConfig(name="M", mirror=jsm.StreamSource(name="O"), allow_atomic=True),
        "allow_atomic",
    ),
    (
        jsm.StreamConfig(
            name="M",
            mirror=jsm.StreamSource(name="O", opt_start_seq=1, opt_start_time=datetime.now(UTC)),
        ),
        "not both",
    ),
    (
        cfg(
            sources=[
                jsm.StreamSource(
                    name="A",
                    subject_transforms=[
                        jsm.SubjectTransform(src="a.>", dest="b.>"),
                        jsm.SubjectTransform(src="a.>", dest="c.>"),
                    ],
                )
            ]
        ),
        "same src",
    ),
    (
        cfg(
            sources=[
                jsm.StreamSource(
                    name="A",
                    filter_subject="a",
                    consumer=jsm.StreamConsumerSource(name="c", deliver_subject="d"),
                )
            ]
        ),
        "durable consumer",
    ),
]


@pytest.mark.parametrize(("config", "message"), INVALID, ids=[message for _, message in INVALID])
def test_contradictions_are_named(config: jsm.StreamConfig, message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        check_stream_config(config)


@pytest.mark.parametrize(
    "config",
    [
        cfg(subjects=["a..b"]),
        cfg(subjects=["a.>.b"]),
        cfg(republish={"dest": "a b"}),
        jsm.StreamConfig(name="M", mirror=jsm.StreamSource(name="bad.name")),
        cfg(sources=[jsm.StreamSource(name="A", external=jsm.ExternalStream(api="$JS.*.API"))]),
    ],
    ids=["empty-token", "inner-gt", "space", "mirror-name", "wildcard-api"],
)
def test_bad_subjects_and_names_are_refused(config: jsm.StreamConfig) -> None:
    with pytest.raises((InvalidNameError, InvalidOptionError)):
        check_stream_config(config)


@pytest.mark.parametrize(
    ("config", "level"),
    [
        (cfg(), 0),
        (cfg(allow_msg_ttl=True), 1),
        (cfg(allow_msg_counter=True), 2),
        (cfg(allow_atomic=True, allow_msg_ttl=True), 2),
        (cfg(persist_mode="async"), 2),
        (cfg(persist_mode="default"), 0),
        (cfg(allow_batched=True), 4),
    ],
    ids=["plain", "ttl", "counter", "atomic", "async", "default-persist", "batched"],
)
def test_required_api_level_follows_the_server(config: jsm.StreamConfig, level: int) -> None:
    assert required_api_level(config) == level


def test_header_blocks_parse() -> None:
    raw = b"NATS/1.0\r\nA: 1\r\nB-Long: two words\r\nA: 3\r\n\r\n"
    assert parse_header_block(raw) == {"A": "3", "B-Long": "two words"}
    assert parse_header_block(b"NATS/1.0\r\n\r\n") is None


def test_stored_messages_compare_by_value() -> None:
    when = datetime.now(UTC)
    one = StoredMessage(stream="S", subject="a", seq=1, data=b"x", headers=None, time=when)
    same = StoredMessage(stream="S", subject="a", seq=1, data=b"x", headers=None, time=when)
    other = StoredMessage(stream="S", subject="a", seq=2, data=b"x", headers=None, time=when)
    assert one == same and one != other
    assert "data=<1 bytes>" in repr(one)


async def test_snapshot_header_round_trips_and_rejects_damage() -> None:
    config = cfg(description="<x>")
    state = StreamState(messages=3, bytes=10, first_seq=1, last_seq=3, consumer_count=0)
    stream = anyio.wrap_file(io.BytesIO(_header(config, state) + b"payload"))
    read_config, read_state = await _read_header(stream)
    assert read_config == config and read_state == state
    assert await stream.read() == b"payload"
    for damaged in (b"", b"JSM-STREAM-SNAPSHOT 1\n\x00", _header(config, state)[:-5]):
        with pytest.raises(InvalidOptionError):
            await _read_header(anyio.wrap_file(io.BytesIO(damaged)))
