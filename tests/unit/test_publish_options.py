"""Publish options turned into headers, checked before the wire (pure, no server)."""

from __future__ import annotations

import pickle
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jsm
from jsm import errors
from jsm.publish._options import build_headers, check_payload, check_publish_subject, ttl_header


@given(st.integers(min_value=1000, max_value=10**9))
def test_ttl_header_is_a_duration_the_server_reads(millis: int) -> None:
    value = ttl_header(timedelta(milliseconds=millis))
    if millis % 1000 == 0:
        assert value == f"{millis // 1000}s"
    else:
        assert value == f"{millis}ms"


@pytest.mark.parametrize(
    "bad",
    [0.5, 0, -1, timedelta(milliseconds=999), "forever", "", float("nan"), True],
    ids=["half-second", "zero", "negative", "999ms", "word", "empty", "nan", "bool"],
)
def test_ttl_below_a_second_or_not_a_duration_is_refused(bad: object) -> None:
    with pytest.raises(errors.InvalidOptionError, match="ttl"):
        ttl_header(bad)  # type: ignore[arg-type]  # wrong on purpose


def test_ttl_never_and_seconds() -> None:
    assert ttl_header("never") == "never"
    assert ttl_header(90) == "90s"
    assert ttl_header(1.5) == "1500ms"


@pytest.mark.parametrize(
    "fields",
    [
        {"last_sequence": -1},
        {"last_subject_sequence": -5},
        {"last_sequence": 1.0},
        {"last_sequence": True},
        {"last_sequence": "3"},
        {"stream": ""},
        {"last_msg_id": "  "},
        {"last_subject": "a.b"},
        {"last_subject": "a..b", "last_subject_sequence": 1},
    ],
    ids=lambda f: ",".join(f"{k}={v!r}" for k, v in f.items()),
)
def test_invalid_expectations_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(errors.JsmError, match="Expect"):
        jsm.Expect(**fields)  # type: ignore[arg-type]  # wrong on purpose


def test_expectations_become_headers() -> None:
    expect = jsm.Expect(
        stream="S", last_sequence=0, last_subject_sequence=4, last_subject="a.*", last_msg_id="m"
    )
    assert build_headers({"X": "1"}, msg_id="id", expect=expect, rollup="all", ttl=2) == {
        "X": "1",
        "Nats-Msg-Id": "id",
        "Nats-Expected-Stream": "S",
        "Nats-Expected-Last-Sequence": "0",
        "Nats-Expected-Last-Subject-Sequence": "4",
        "Nats-Expected-Last-Subject-Sequence-Subject": "a.*",
        "Nats-Expected-Last-Msg-Id": "m",
        "Nats-TTL": "2s",
        "Nats-Rollup": "all",
    }
    assert build_headers(None) is None
    assert build_headers({}, rollup=jsm.Rollup.SUBJECT) == {"Nats-Rollup": "sub"}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"msg_id": ""}, "msg_id"),
        ({"rollup": "everything"}, "rollup"),
        ({"expect": {"stream": "S"}}, "jsm.Expect"),
    ],
    ids=["empty-msg-id", "bad-rollup", "dict-expect"],
)
def test_bad_options_are_refused(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(errors.InvalidOptionError, match=match):
        build_headers(None, **kwargs)  # type: ignore[arg-type]  # wrong on purpose


def test_headers_must_be_strings() -> None:
    with pytest.raises(errors.InvalidOptionError, match="str to str"):
        build_headers({"X": 1})  # type: ignore[dict-item]  # wrong on purpose


@pytest.mark.parametrize(
    "subject", ["a.*", "a.>", ">", "a..b", "", "a b", ".a", "a.", "a.\t"], ids=repr
)
def test_publish_subjects_are_concrete(subject: str) -> None:
    with pytest.raises(errors.InvalidNameError):
        check_publish_subject(subject)


def test_payload_checks() -> None:
    assert check_payload(bytearray(b"ab"), 10, subject="s") == b"ab"
    with pytest.raises(errors.InvalidOptionError, match="max_payload of 10 bytes"):
        check_payload(b"x" * 11, 10, subject="s")
    with pytest.raises(errors.InvalidOptionError, match="encode"):
        check_payload("text", 10, subject="s")  # type: ignore[arg-type]  # wrong on purpose


def test_publish_failed_error_pickles() -> None:
    err = errors.PublishFailedError("2 failed", 2, (errors.JsmTimeoutError("late"),))
    back = pickle.loads(pickle.dumps(err))
    assert (back.message, back.failed, str(back.errors[0])) == ("2 failed", 2, "late")
    assert repr(back) == "PublishFailedError('2 failed')"
