"""Durations as text (natscli's syntax, everywhere), and the limits of the server's int64."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jsm
from jsm._options import to_timedelta
from jsm.errors import ConfigValidationError, InvalidOptionError
from jsm.monitor import parse_duration as monitor_duration
from jsm.units import MAX_DURATION, parse_duration

TEXT = [
    ("8760h", timedelta(days=365)),
    ("365d", timedelta(days=365)),
    ("1y", timedelta(days=365)),
    ("2m", timedelta(minutes=2)),
    ("2M", timedelta(days=60)),
    ("1h30m", timedelta(hours=1, minutes=30)),
    ("90s", timedelta(seconds=90)),
    ("1.5h", timedelta(minutes=90)),
    ("250ms", timedelta(milliseconds=250)),
    ("0", timedelta(0)),
]


@pytest.mark.parametrize(("text", "expected"), TEXT, ids=[t for t, _ in TEXT])
def test_text_durations_read_as_the_nats_cli_reads_them(text: str, expected: timedelta) -> None:
    assert jsm.StreamConfig(name="S", max_age=text).max_age == expected  # type: ignore[arg-type]  # text is accepted at run time
    assert jsm.ConsumerConfig(backoff=[text]).backoff == [expected]  # type: ignore[list-item]  # text is accepted at run time
    assert jsm.KeyValueConfig(bucket="b", ttl=text).ttl == expected  # type: ignore[arg-type]  # text is accepted at run time
    assert jsm.ObjectStoreConfig(bucket="b", ttl=text).ttl == expected  # type: ignore[arg-type]  # text is accepted at run time
    # from JSON text too: a stream.json written by hand may say "1y"
    assert jsm.StreamConfig.from_json(f'{{"name":"S","max_age":"{text}"}}').max_age == expected


@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.sampled_from(["ms", "s", "m", "h", "d", "w", "y"])),
        min_size=1,
        max_size=4,
    ).map(lambda parts: "".join(f"{n}{unit}" for n, unit in parts))
)
@settings(deadline=None)  # no wall-clock limit on a loaded machine
def test_model_text_matches_parse_duration(text: str) -> None:
    config = jsm.StreamConfig(name="S", duplicate_window=text)  # type: ignore[arg-type]  # text is accepted at run time
    assert config.duplicate_window == parse_duration(text)
    assert jsm.StreamConfig.from_json(config.to_json()) == config


def test_text_the_server_cannot_hold_is_refused() -> None:
    with pytest.raises(ConfigValidationError, match="292 years"):
        jsm.StreamConfig(name="S", max_age="300y")  # type: ignore[arg-type]  # text is accepted at run time


@pytest.mark.parametrize(
    "value",
    [timedelta(days=365 * 293), timedelta.max, MAX_DURATION + timedelta(microseconds=1)],
    ids=["293-years", "timedelta-max", "just-over"],
)
def test_durations_beyond_int64_nanoseconds_are_refused(value: timedelta) -> None:
    with pytest.raises(ConfigValidationError, match="292 years") as caught:
        jsm.StreamConfig(name="S", max_age=value)
    assert caught.value.errors()[0]["loc"] == ("max_age",)
    with pytest.raises(ConfigValidationError, match="292 years"):
        jsm.ConsumerConfig(backoff=[timedelta(seconds=1), value])


def test_the_longest_duration_fits_and_round_trips() -> None:
    config = jsm.StreamConfig(name="S", max_age=MAX_DURATION)
    assert jsm.StreamConfig.from_json(config.to_json()).max_age == MAX_DURATION
    assert config.to_wire()["max_age"] <= 2**63 - 1


@pytest.mark.parametrize(
    "nanos", [2**63, 10**30, -(2**63) - 1], ids=["int64-max+1", "1e30", "min-1"]
)
def test_wire_nanoseconds_beyond_int64_are_refused(nanos: int) -> None:
    with pytest.raises(ConfigValidationError, match="292 years"):
        jsm.StreamConfig.from_json(f'{{"name":"S","max_age":{nanos}}}')


def test_wire_nanoseconds_must_be_integers() -> None:
    with pytest.raises(ConfigValidationError, match="integer nanoseconds"):
        jsm.StreamConfig.from_json('{"name":"S","max_age":1.5e9}')


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"max_age": timedelta(seconds=-1)}, "max_age"),
        ({"duplicate_window": "-2m"}, "duplicate_window"),
        ({"subject_delete_marker_ttl": timedelta(microseconds=-1)}, "subject_delete_marker_ttl"),
        ({"consumer_limits": {"inactive_threshold": timedelta(hours=-1)}}, "consumer_limits"),
    ],
    ids=["max-age", "window-text", "marker-ttl", "consumer-limits"],
)
def test_negative_stream_durations_are_refused(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigValidationError, match="must not be negative") as caught:
        jsm.StreamConfig.model_validate({"name": "S"} | fields)
    assert caught.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize(
    "field", ["max_expires", "idle_heartbeat", "inactive_threshold", "priority_timeout"]
)
def test_negative_consumer_durations_are_refused(field: str) -> None:
    # The server would quietly store 0 instead, so the config would not read back the same.
    with pytest.raises(ConfigValidationError, match="must not be negative"):
        jsm.ConsumerConfig.model_validate({field: timedelta(seconds=-5)})


def test_ack_wait_must_be_positive_and_backoff_not_negative() -> None:
    with pytest.raises(ConfigValidationError, match="ack_wait: must be positive"):
        jsm.ConsumerConfig(ack_wait=timedelta(0))
    with pytest.raises(ConfigValidationError, match="must not be negative"):
        jsm.ConsumerConfig(backoff=[timedelta(seconds=1), timedelta(seconds=-1)])
    assert jsm.ConsumerConfig(backoff=[timedelta(0)]).backoff == [timedelta(0)]


def test_negative_bucket_ttls_are_refused() -> None:
    with pytest.raises(ConfigValidationError, match="ttl"):
        jsm.KeyValueConfig(bucket="b", ttl=timedelta(seconds=-1))
    with pytest.raises(ConfigValidationError, match="limit_marker_ttl"):
        jsm.KeyValueConfig(bucket="b", limit_marker_ttl="-1s")  # type: ignore[arg-type]  # text is accepted at run time
    with pytest.raises(ConfigValidationError, match="ttl"):
        jsm.ObjectStoreConfig(bucket="b", ttl=timedelta(days=-1))


@pytest.mark.parametrize(
    "value",
    [3600, 1.5, True, b"1h", Decimal(60), [1], "3600"],
    ids=["int", "float", "bool", "bytes", "decimal", "list", "bare-number-text"],
)
def test_python_values_that_are_not_durations_are_refused(value: object) -> None:
    with pytest.raises(ConfigValidationError, match="max_age"):
        jsm.StreamConfig(name="S", max_age=value)  # type: ignore[arg-type]  # bad on purpose


def test_python_ints_keep_the_timedelta_hint() -> None:
    with pytest.raises(ConfigValidationError, match=r"timedelta\(seconds=3600\)"):
        jsm.StreamConfig(name="S", max_age=3600)  # type: ignore[arg-type]  # bad on purpose


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (timedelta(days=365 * 300), "292 years"),
        (1e300, "292 years"),
        (float(2**70), "292 years"),
        (-1e300, "must be positive"),
        ("1h", r"jsm\.parse_duration\('1h'\)"),
    ],
    ids=["300-years", "1e300-seconds", "2^70-seconds", "minus-1e300", "text"],
)
def test_call_site_durations_the_server_cannot_hold_are_refused(value: object, match: str) -> None:
    with pytest.raises(InvalidOptionError, match=match):
        to_timedelta(value, name="timeout")  # type: ignore[arg-type]  # bad on purpose


def test_call_site_durations_up_to_the_limit_are_accepted() -> None:
    assert to_timedelta(MAX_DURATION, name="timeout") == MAX_DURATION
    assert to_timedelta(9e9, name="timeout") == timedelta(seconds=9e9)


@pytest.mark.parametrize("text", ["8760h", "365d", "1y", "2M", "1h30m", "90s", "1.5h"])
def test_monitor_thresholds_read_text_as_jsm_parse_duration(text: str) -> None:
    assert monitor_duration(text) == parse_duration(text)


@pytest.mark.parametrize("text", ["1e300", "300y", "-1h", "0s", "nan"])
def test_monitor_thresholds_refuse_durations_out_of_range(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        monitor_duration(text)
