"""Threshold logic of the health checks: durations, metadata, directions, judging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsm import CheckKind, CheckResult, CheckStatus
from jsm.errors import InvalidOptionError
from jsm.monitor import parse_duration
from jsm.monitor._thresholds import (
    Direction,
    MetadataError,
    check_count,
    check_duration,
    check_percent,
    direction_of,
    judge,
    read_metadata,
)


def _result() -> CheckResult:
    return CheckResult(name="X", kind=CheckKind.STREAM)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90),
        ("1.5", 1.5),
        ("30s", 30),
        ("5m", 300),
        ("1h30m", 5400),
        ("2d", 172800),
        ("1w", 604800),
        ("250ms", 0.25),
        (" 10s ", 10),
    ],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "s", "5x", "1h 30m", "-5s", "0", "0s", "inf", "nan", "m5"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@given(st.integers(0, 99), st.integers(0, 59), st.integers(1, 59))
def test_parse_duration_of_composed_units(hours: int, minutes: int, seconds: int) -> None:
    text = f"{hours}h{minutes}m{seconds}s"
    assert parse_duration(text) == timedelta(hours=hours, minutes=minutes, seconds=seconds)


def test_count_percent_and_duration_options_are_checked() -> None:
    assert check_count(None, name="n") is None
    assert check_count(0, name="n") == 0
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(InvalidOptionError, match="msgs_warn must be a non-negative integer"):
            check_count(bad, name="msgs_warn")  # type: ignore[arg-type]
    assert check_percent(75, name="p") == 75.0
    for bad_pct in (-0.1, 100.5, False, "50"):
        with pytest.raises(InvalidOptionError, match="memory_warn must be a percentage"):
            check_percent(bad_pct, name="memory_warn")  # type: ignore[arg-type]
    assert check_duration(1.5, name="d") == timedelta(seconds=1.5)
    assert check_duration(None, name="d") is None
    with pytest.raises(InvalidOptionError, match="last_ack_critical"):
        check_duration(-1, name="last_ack_critical")


KEYS: dict[str, tuple[str, type]] = {
    "io.nats.monitor.msgs-warn": ("msgs_warn", int),
    "io.nats.monitor.msg-age-critical": ("msg_age_critical", timedelta),
}


def test_read_metadata() -> None:
    assert read_metadata(None, KEYS) == {}
    assert read_metadata({"other": "x"}, KEYS) == {}
    found = read_metadata(
        {"io.nats.monitor.msgs-warn": " 10 ", "io.nats.monitor.msg-age-critical": "1h"}, KEYS
    )
    assert found == {"msgs_warn": 10, "msg_age_critical": timedelta(hours=1)}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("io.nats.monitor.msgs-warn", "ten"),
        ("io.nats.monitor.msgs-warn", "-1"),
        ("io.nats.monitor.msg-age-critical", "soon"),
    ],
)
def test_read_metadata_names_the_bad_key(key: str, value: str) -> None:
    with pytest.raises(MetadataError, match=key):
        read_metadata({key: value}, KEYS)


def test_direction_of() -> None:
    higher, lower = Direction.HIGHER_IS_WORSE, Direction.LOWER_IS_WORSE
    assert direction_of(10, 20, default=lower) is higher
    assert direction_of(20, 10, default=higher) is lower
    assert direction_of(None, 5, default=lower) is lower
    assert direction_of(5, 5, default=higher) is higher


SMALL = st.integers(0, 1000)


@given(SMALL, SMALL, SMALL)
def test_judging_higher_is_worse(value: int, warn: int, crit: int) -> None:
    result = _result()
    judge(result, value, warn=warn, crit=crit, direction=Direction.HIGHER_IS_WORSE, message="m")
    if value >= crit:
        assert result.status is CheckStatus.CRITICAL
    elif value >= warn:
        assert result.status is CheckStatus.WARNING
    else:
        assert result.status is CheckStatus.OK
    assert result.messages == ["m"]


@given(SMALL, SMALL, SMALL)
def test_judging_lower_is_worse(value: int, warn: int, crit: int) -> None:
    result = _result()
    judge(result, value, warn=warn, crit=crit, direction=Direction.LOWER_IS_WORSE, message="m")
    if value <= crit:
        assert result.status is CheckStatus.CRITICAL
    elif value <= warn:
        assert result.status is CheckStatus.WARNING
    else:
        assert result.status is CheckStatus.OK


@given(SMALL, st.none() | SMALL, st.none() | SMALL)
def test_a_value_never_gets_better_as_it_worsens(
    value: int, warn: int | None, crit: int | None
) -> None:
    direction = direction_of(warn, crit, default=Direction.HIGHER_IS_WORSE)
    worse = value + 1 if direction is Direction.HIGHER_IS_WORSE else max(value - 1, 0)
    first, second = _result(), _result()
    judge(first, value, warn=warn, crit=crit, direction=direction, message="a")
    judge(second, worse, warn=warn, crit=crit, direction=direction, message="b")
    assert second.status >= first.status


def test_no_thresholds_is_ok() -> None:
    result = _result()
    judge(result, 10**9, warn=None, crit=None, direction=Direction.HIGHER_IS_WORSE, message="m")
    assert result.status is CheckStatus.OK
