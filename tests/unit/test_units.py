"""natscli durations and sizes as text: jsm.parse_duration and jsm.parse_size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jsm
from jsm.errors import InvalidOptionError
from jsm.units import MAX_DURATION, parse_duration, parse_size

DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", timedelta(0)),
        ("90s", timedelta(seconds=90)),
        ("2m", timedelta(minutes=2)),  # minutes, as in Go; months are "M"
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1.5h", timedelta(hours=1, minutes=30)),
        ("250ms", timedelta(milliseconds=250)),
        ("3us", timedelta(microseconds=3)),
        ("3µs", timedelta(microseconds=3)),
        ("1d", DAY),
        ("1D", DAY),
        ("1w", 7 * DAY),
        ("1M", 30 * DAY),
        ("1y", 365 * DAY),
        ("1Y1M", 395 * DAY),
        ("365d", 365 * DAY),
        ("8760h", 365 * DAY),
        ("-1m1d", -(DAY + timedelta(minutes=1))),
        ("+5s", timedelta(seconds=5)),
        (" 5s ", timedelta(seconds=5)),
        ("1ns", timedelta(0)),  # below timedelta's microsecond resolution
    ],
)
def test_natscli_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "-", "1", "-1", "1q", "abc", "1h x", "h", "1.2.3s", "1 h"])
def test_bad_durations_say_how_to_write_one(text: str) -> None:
    with pytest.raises(InvalidOptionError, match=r"invalid duration .*e\.g\. '90s'"):
        parse_duration(text)


def test_durations_beyond_int64_nanoseconds_are_refused() -> None:
    assert parse_duration("292y") < MAX_DURATION
    with pytest.raises(InvalidOptionError, match="longer than the server can hold"):
        parse_duration("293y")
    with pytest.raises(InvalidOptionError, match="longer than the server can hold"):
        parse_duration("-293y")


def test_a_duration_must_be_text() -> None:
    with pytest.raises(InvalidOptionError, match="duration string is expected"):
        parse_duration(5)  # type: ignore[arg-type]  # the point of the test


@given(
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10**6),
)
def test_composed_durations_add_up(days: int, hours: int, minutes: int, millis: int) -> None:
    text = f"{days}d{hours}h{minutes}m{millis}ms"
    expected = timedelta(days=days, hours=hours, minutes=minutes, milliseconds=millis)
    assert parse_duration(text) == expected
    assert parse_duration(f"-{text}") == -expected


@given(st.text(max_size=12))
def test_any_text_is_a_duration_or_an_invalid_option(text: str) -> None:
    try:
        value = parse_duration(text)
    except InvalidOptionError:
        return
    assert abs(value) <= MAX_DURATION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("1024", 1024),
        ("10B", 10),
        ("1K", 1024),
        ("1k", 1024),
        ("1KB", 1024),
        ("1KiB", 1024),
        ("2MB", 2 * 1024**2),
        ("10GB", 10 * 1024**3),
        ("1TiB", 1024**4),
        ("-1", -1),
        ("-5GB", -1),
        (" 7 ", 7),
    ],
)
def test_natscli_sizes(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "-", "-x", "1q", "abc", "1.5GB", "GB", "1 GB", "²"])
def test_bad_sizes_say_how_to_write_one(text: str) -> None:
    with pytest.raises(InvalidOptionError, match=r"invalid size .*e\.g\. '10GB'"):
        parse_size(text)


def test_sizes_beyond_int64_are_refused() -> None:
    with pytest.raises(InvalidOptionError, match="larger than the server can hold"):
        parse_size("9999999999TB")


@given(st.integers(min_value=0, max_value=2**23), st.sampled_from(["", "B", "K", "MB", "GiB"]))
def test_sizes_scale_by_1024(number: int, unit: str) -> None:
    shift = {"": 0, "B": 0, "K": 10, "MB": 20, "GiB": 30}[unit]
    assert parse_size(f"{number}{unit}") == number << shift


@given(st.text(max_size=12))
def test_any_text_is_a_size_or_an_invalid_option(text: str) -> None:
    try:
        value = parse_size(text)
    except InvalidOptionError:
        return
    assert -1 <= value < 2**63


def test_parsers_are_public() -> None:
    assert jsm.parse_duration is parse_duration
    assert jsm.parse_size is parse_size
