"""Key-Value pure parts: the bucket's stream configuration (ADR-8), operations from headers
(ADR-48), entries, statuses, errors, and the key/bucket validators against ADR-8's rules."""

from __future__ import annotations

import json
import pickle
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator

import jsm
from jsm import errors
from jsm.kv._config import kv_stream_config
from jsm.kv._read import operation_of
from jsm.kv._write import check_value, revision_header, ttl_header
from jsm.models import (
    ExternalStream,
    KeyValueConfig,
    KeyValueEntry,
    KeyValueOp,
    StreamSource,
    SubjectTransform,
)
from jsm.subjects import check_bucket_name, check_kv_key

SCHEMAS = Path(__file__).resolve().parents[2] / "spec" / "schemas" / "jetstream" / "api" / "v1"
CONFIG_SCHEMA = Draft7Validator(json.loads((SCHEMAS / "stream_configuration.json").read_text()))

# ADR-8's rules, written out as the ADR states them.
ADR8_KEY = re.compile(r"\A[-/_=\.a-zA-Z0-9]+\Z")
ADR8_BUCKET = re.compile(r"\A[a-zA-Z0-9_-]+\Z")


def test_default_bucket_matches_adr8_example() -> None:
    stream = kv_stream_config(KeyValueConfig(bucket="CONFIGURATION", history=5, compression=True))
    wire = json.loads(stream.to_json())
    assert wire["name"] == "KV_CONFIGURATION"
    assert wire["subjects"] == ["$KV.CONFIGURATION.>"]
    assert wire["max_msgs_per_subject"] == 5
    assert wire["max_msgs"] == -1 and wire["max_bytes"] == -1 and wire["max_age"] == 0
    assert wire["max_msg_size"] == -1 and wire["max_consumers"] == -1
    assert wire["discard"] == "new" and wire["storage"] == "file"
    assert wire["duplicate_window"] == 120_000_000_000
    assert wire["allow_rollup_hdrs"] and wire["deny_delete"] and wire["allow_direct"]
    assert wire["compression"] == "s2"
    assert "allow_msg_ttl" not in wire or not wire["allow_msg_ttl"]
    CONFIG_SCHEMA.validate(wire)


def test_short_ttl_sets_the_duplicate_window_and_markers_allow_ttls() -> None:
    stream = kv_stream_config(
        KeyValueConfig(
            bucket="b",
            ttl=timedelta(seconds=30),
            limit_marker_ttl=timedelta(seconds=5),
            storage=jsm.StorageType.MEMORY,
            replicas=3,
            max_bytes=1000,
            metadata={"team": "x"},
        )
    )
    assert stream.duplicate_window == stream.max_age == timedelta(seconds=30)
    assert stream.allow_msg_ttl and stream.subject_delete_marker_ttl == timedelta(seconds=5)
    assert stream.storage == jsm.StorageType.MEMORY and stream.num_replicas == 3
    assert stream.max_bytes == 1000 and stream.metadata == {"team": "x"}
    CONFIG_SCHEMA.validate(json.loads(stream.to_json()))


def test_mirror_is_prefixed_and_direct_without_subjects() -> None:
    for name in ("ORIGIN", "KV_ORIGIN"):
        stream = kv_stream_config(
            KeyValueConfig(bucket="M", mirror=StreamSource(name=name, filter_subject="$KV.x.>"))
        )
        assert stream.mirror is not None and stream.mirror.name == "KV_ORIGIN"
        assert stream.mirror.filter_subject == "$KV.x.>"
        assert stream.mirror_direct and stream.subjects is None
        CONFIG_SCHEMA.validate(json.loads(stream.to_json()))


def test_sources_rewrite_other_buckets_into_this_one() -> None:
    own = SubjectTransform(src="$KV.a.>", dest="$KV.x.>")
    stream = kv_stream_config(
        KeyValueConfig(
            bucket="AGG",
            sources=[
                StreamSource(name="A"),
                StreamSource(name="KV_B", external=ExternalStream(api="$JS.hub.API")),
                StreamSource(name="AGG", external=ExternalStream(api="$JS.hub.API")),
                StreamSource(name="RAW", subject_transforms=[own]),
            ],
        )
    )
    assert stream.subjects == ["$KV.AGG.>"]
    sources = stream.sources or []
    assert [s.name for s in sources] == ["KV_A", "KV_B", "KV_AGG", "RAW"]
    assert [[(t.src, t.dest) for t in s.subject_transforms or []] for s in sources] == [
        [("$KV.A.>", "$KV.AGG.>")],
        [("$KV.B.>", "$KV.AGG.>")],
        [],  # the same bucket in another domain keeps its subjects
        [("$KV.a.>", "$KV.x.>")],  # given transforms are used as they are
    ]
    CONFIG_SCHEMA.validate(json.loads(stream.to_json()))


def test_config_round_trips_through_wire_json() -> None:
    config = KeyValueConfig(
        bucket="b", ttl=timedelta(minutes=5), limit_marker_ttl=timedelta(seconds=2), future=1
    )
    wire = config.to_wire()
    assert wire["ttl"] == 300_000_000_000 and wire["limit_marker_ttl"] == 2_000_000_000
    assert KeyValueConfig.from_wire(config.to_wire_json()) == config


@pytest.mark.parametrize(
    ("headers", "operation"),
    [
        (None, KeyValueOp.PUT),
        ({}, KeyValueOp.PUT),
        ({"X": "1"}, KeyValueOp.PUT),
        ({"KV-Operation": "DEL"}, KeyValueOp.DEL),
        ({"KV-Operation": "PURGE"}, KeyValueOp.PURGE),
        ({"Nats-Marker-Reason": "MaxAge"}, KeyValueOp.PURGE),
        ({"Nats-Marker-Reason": "Purge"}, KeyValueOp.PURGE),
        ({"Nats-Marker-Reason": "Remove"}, KeyValueOp.DEL),
        ({"KV-Operation": "NEWOP"}, KeyValueOp("NEWOP")),
    ],
    ids=repr,
)
def test_operation_from_headers(headers: dict[str, str] | None, operation: KeyValueOp) -> None:
    assert operation_of(headers) == operation


def test_entry_value_semantics() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    entry = KeyValueEntry(bucket="b", key="k", value=b"v", revision=3, created=when)
    same = KeyValueEntry(bucket="b", key="k", value=b"v", revision=3, created=when)
    assert entry == same and entry != object()
    assert not entry.is_deleted and entry.delta == 0
    assert "revision=3" in repr(entry) and "<1 bytes>" in repr(entry)
    marker = KeyValueEntry(
        bucket="b", key="k", value=b"", revision=4, created=when, operation=KeyValueOp.DEL
    )
    assert marker.is_deleted and marker != entry


@pytest.mark.parametrize(
    "error",
    [
        errors.KeyNotFoundError("b", "k"),
        errors.KeyDeletedError("b", "k", 7, "PURGE"),
        errors.KeyExistsError("b", "k", 3),
        errors.BucketNotFoundError(404, 10059, "bucket not found", context="bucket 'b'"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_kv_errors_pickle_and_say_what_to_do(error: errors.JsmError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) and repr(copy) == repr(error)
    assert "'b'" in str(error)


def test_kv_error_hierarchy() -> None:
    assert issubclass(errors.KeyDeletedError, errors.KeyNotFoundError)
    assert issubclass(errors.BucketNotFoundError, errors.NotFoundError)
    assert "update(" in str(errors.KeyExistsError("b", "k"))


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=12))
def test_key_validator_is_adr8(key: str) -> None:
    expected = bool(ADR8_KEY.match(key)) and not key.startswith(".") and not key.endswith(".")
    expected = expected and ".." not in key  # an empty token is no subject the server takes
    try:
        check_kv_key(key)
    except errors.InvalidNameError:
        accepted = False
    else:
        accepted = True
    assert accepted == expected


@given(st.text(max_size=12))
def test_bucket_validator_is_adr8(bucket: str) -> None:
    try:
        check_bucket_name(bucket)
    except errors.InvalidNameError:
        accepted = False
    else:
        accepted = True
    assert accepted == bool(ADR8_BUCKET.match(bucket))


@pytest.mark.parametrize(
    "fields",
    [{"history": 0}, {"history": 65}, {"replicas": 6}, {"max_value_size": -2}, {"bucket": "a.b"}],
    ids=repr,
)
def test_out_of_range_configs_are_refused(fields: dict[str, object]) -> None:
    config = KeyValueConfig.model_validate({"bucket": "b"} | fields)
    with pytest.raises((errors.InvalidOptionError, errors.InvalidNameError)):
        kv_stream_config(config)


@pytest.mark.parametrize(
    ("ttl", "header"),
    [
        (timedelta(seconds=1), "1s"),
        (timedelta(hours=1), "3600s"),
        (1.5, "1500ms"),
        (timedelta(seconds=2, milliseconds=250), "2250ms"),
    ],
    ids=repr,
)
def test_ttl_header_values(ttl: timedelta | float, header: str) -> None:
    allowed = kv_stream_config(KeyValueConfig(bucket="b", limit_marker_ttl=timedelta(seconds=1)))
    assert ttl_header(ttl, allowed, "b") == header


def test_write_checks() -> None:
    plain = kv_stream_config(KeyValueConfig(bucket="b", max_value_size=4))
    assert check_value(bytearray(b"abcd"), plain, "b") == b"abcd"
    assert check_value(memoryview(b"ab"), plain, "b") == b"ab"
    with pytest.raises(errors.InvalidOptionError, match="at most 4"):
        check_value(b"abcde", plain, "b")
    with pytest.raises(errors.InvalidOptionError, match="limit_marker_ttl"):
        ttl_header(5, plain, "b")
    assert revision_header(0) == "0" and revision_header(7) == "7"
    for bad in (-1, True, 1.0):
        with pytest.raises(errors.InvalidOptionError):
            revision_header(bad)  # type: ignore[arg-type]  # the mistake under test
