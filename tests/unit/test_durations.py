"""Durations: timedelta in Python, integer nanoseconds on the wire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsm._options import to_timedelta
from jsm.errors import ConfigValidationError, InvalidOptionError
from jsm.models import Model, Nanos, WireEnum, ns_to_timedelta, timedelta_to_ns
from jsm.units import MAX_DURATION


class Holder(Model):
    d: Nanos
    o: Nanos | None = None


class Color(WireEnum):
    RED = "red"


class Painted(Model):
    color: Color


@given(st.integers(min_value=0, max_value=(2**63 - 1) // 1000).map(lambda us: us * 1000))
def test_whole_microsecond_nanos_round_trip_exactly(ns: int) -> None:
    assert timedelta_to_ns(ns_to_timedelta(ns)) == ns
    assert Holder.model_validate_json(f'{{"d": {ns}}}').to_wire() == {"d": ns}


@given(st.timedeltas(min_value=-MAX_DURATION, max_value=MAX_DURATION))
def test_timedelta_round_trips_through_wire_json(value: timedelta) -> None:
    wire = Holder(d=value).to_wire_json()
    assert Holder.from_wire(wire).d == value


def test_sub_microsecond_remainder_is_dropped() -> None:
    # timedelta stores microseconds; 1,500 ns reads back as 1 µs (documented loss).
    assert Holder.model_validate_json('{"d": 1500}').d == timedelta(microseconds=1)
    assert Holder.model_validate_json('{"d": 1500}').to_wire() == {"d": 1000}


def test_python_ints_are_not_durations() -> None:
    with pytest.raises(ConfigValidationError, match=r"timedelta\(seconds=3600\)"):
        Holder(d=3600)  # type: ignore[arg-type]  # the point of the test


def test_none_fields_are_left_out_of_the_wire() -> None:
    assert Holder(d=timedelta(seconds=1)).to_wire() == {"d": 1_000_000_000}


def test_unknown_fields_survive_a_round_trip() -> None:
    wire = b'{"d":5000,"future":{"x":[1,2]}}'
    assert Holder.from_wire(wire).to_wire_json() == wire


def test_unknown_enum_values_survive_a_round_trip() -> None:
    painted = Painted.from_wire('{"color":"ultraviolet"}')
    assert painted.color == "ultraviolet"
    assert isinstance(painted.color, Color)
    assert painted.to_wire() == {"color": "ultraviolet"}
    assert Painted.from_wire('{"color":"red"}').color is Color.RED


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2, timedelta(seconds=2)),
        (0.5, timedelta(milliseconds=500)),
        (timedelta(seconds=3), timedelta(seconds=3)),
    ],
)
def test_call_site_durations(value: timedelta | float, expected: timedelta) -> None:
    assert to_timedelta(value, name="timeout") == expected


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), timedelta(0), "5", True])
def test_bad_call_site_durations_are_rejected(value: object) -> None:
    with pytest.raises(InvalidOptionError, match="timeout"):
        to_timedelta(value, name="timeout")  # type: ignore[arg-type]  # bad on purpose


def test_minimum_is_enforced_with_a_helpful_message() -> None:
    with pytest.raises(InvalidOptionError, match=r"at least 500ms \(got 200ms\)"):
        to_timedelta(0.2, name="timeout", minimum=timedelta(milliseconds=500))
