"""The retry policy: which error replies are transient, and the backoff's bounds."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from jsm.api._retry import (
    TRANSIENT_ERR_CODES,
    Retry,
    attempt_span,
    is_transient_reply,
    transient_error,
)
from jsm.errors import ClusterNotAvailError, InvalidOptionError

ERRORS = json.loads((Path(__file__).parents[2] / "spec" / "errors.json").read_text())
UNAVAILABLE = sorted(e["error_code"] for e in ERRORS if e["code"] == 503)


def reply(code: int, err_code: int, description: str = "x") -> bytes:
    error = {"code": code, "err_code": err_code, "description": description}
    return json.dumps(
        {"type": "io.nats.jetstream.api.v1.pub_ack_response", "error": error}
    ).encode()


@pytest.mark.parametrize("err_code", UNAVAILABLE, ids=str)
def test_only_election_codes_among_the_503s_are_transient(err_code: int) -> None:
    # 10077 "maximum bytes exceeded" (a full stream), 10023 (no resources), 10039 (JetStream
    # off for the account) ... are final: retrying cannot make them succeed.
    assert is_transient_reply(reply(503, err_code)) is (err_code in (10008, 10163))


def test_the_transient_codes_are_in_the_servers_table() -> None:
    known = {e["error_code"]: e["constant"] for e in ERRORS}
    assert {code: known[code] for code in TRANSIENT_ERR_CODES} == {
        10008: "JSClusterNotAvailErr",
        10163: "JSStreamExpectedLastSeqPerSubjectNotReady",
    }


@pytest.mark.parametrize(
    "data",
    [b"", b'{"stream":"S","seq":1}', b"not json", b'{"error":"text"}', b'["error"]'],
    ids=["empty", "ack", "garbage", "error-string", "list"],
)
def test_anything_but_an_error_object_is_not_transient(data: bytes) -> None:
    assert not is_transient_reply(data)


def test_transient_error_is_typed_and_keeps_its_context() -> None:
    error = transient_error(
        reply(503, 10008, "JetStream system temporarily unavailable"), context="c"
    )
    assert isinstance(error, ClusterNotAvailError) and error.context == "c"


def test_a_try_waits_a_third_of_the_timeout_but_not_under_half_a_second() -> None:
    assert attempt_span(30.0) == 10.0
    assert attempt_span(1.0) == 0.5


def test_backoff_stays_capped_however_long_a_publish_retries() -> None:
    retry = Retry(base_delay=0.05, max_delay=1.0)
    assert all(0.5 <= retry.delay(n) <= 1.0 for n in (6, 100, 10_000))
    assert 0.025 <= retry.delay(1) <= 0.05
    assert Retry().enabled and not Retry(attempts=1).enabled


def test_retries_last_until_the_deadline_unless_capped() -> None:
    assert Retry().attempts is None and all(Retry().allows(n) for n in (1, 5, 10_000))
    assert Retry(attempts=3).allows(2) and not Retry(attempts=3).allows(3)
    assert not Retry(attempts=1).allows(1)


@pytest.mark.parametrize("attempts", [0, -1, True, 2.5, "3"], ids=repr)
def test_bad_attempts_are_refused(attempts: object) -> None:
    with pytest.raises(InvalidOptionError, match="attempts"):
        Retry(attempts=attempts)  # type: ignore[arg-type]  # the bad value is the point


@pytest.mark.parametrize(
    "delays",
    [
        {"base_delay": None},
        {"max_delay": "1s"},
        {"base_delay": timedelta(seconds=1)},
        {"max_delay": float("inf")},
        {"base_delay": float("inf"), "max_delay": float("inf")},
        {"base_delay": True},
        {"base_delay": float("nan")},
    ],
    ids=["none", "text", "timedelta", "inf", "both-inf", "bool", "nan"],
)
def test_retry_delays_must_be_finite_numbers_of_seconds(delays: dict[str, object]) -> None:
    # None, text and timedeltas raised TypeError from the comparison; an infinite delay
    # passed and made a retry wait out the whole deadline.
    with pytest.raises(InvalidOptionError, match="Retry"):
        Retry(**delays)  # type: ignore[arg-type]  # wrong on purpose
