"""Pure pieces at the wire's edge: line and header sizes, violation parsing, redaction."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsm import errors
from jsm._connection_log import redact, secrets_of
from jsm._limits import (
    check_control_line,
    check_max_control_line,
    header_block_size,
    pub_line_length,
    sub_line_length,
    subject_budget,
)
from jsm._permissions import parse_violation, subscription_matches

_TOKEN = st.text(alphabet="abcXYZ019-_!#$%&'*+.^`|~", min_size=1, max_size=20)
_VALUE = st.text(
    alphabet=st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]), max_size=40
)


def _nats_py_header_block(headers: dict[str, str]) -> bytes:
    # The block as nats-py 2.x writes it: version line, "name: value" lines, blank line.
    lines = [b"NATS/1.0"] + [f"{k}: {v.strip()}".encode() for k, v in headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n"


@given(st.dictionaries(_TOKEN, _VALUE, max_size=6))
def test_header_block_size_is_what_nats_py_writes(headers: dict[str, str]) -> None:
    assert header_block_size(headers) == len(_nats_py_header_block(headers))


@pytest.mark.parametrize(
    ("subject", "reply", "header_size", "total", "line"),
    [
        ("a.b", "", 0, 5, "a.b  5"),
        ("a.b", "_INBOX.x.y", 0, 0, "a.b _INBOX.x.y 0"),
        ("a.b", "r", 12, 112, "a.b r 12 112"),
        ("ä.b", "", 0, 1, "ä.b  1"),
    ],
    ids=["pub", "request", "hpub", "utf8"],
)
def test_pub_line_length_counts_what_follows_the_verb(
    subject: str, reply: str, header_size: int, total: int, line: str
) -> None:
    assert pub_line_length(subject, reply, header_size, total) == len(line.encode())


def test_a_subject_within_the_budget_always_fits() -> None:
    budget = subject_budget(4096, 52, 1_048_576)
    worst = pub_line_length("s" * budget, "r" * 52, 1_048_576, 1_048_576)
    assert worst == 4096
    assert sub_line_length("s" * 4000, "") < 4096 < sub_line_length("s" * 4080, "")


def test_an_overlong_line_names_the_subject_and_the_limit() -> None:
    with pytest.raises(errors.InvalidNameError, match=r"4097 bytes.*at most 4096"):
        check_control_line(4097, 4096, what="publish to", subject="x" * 5000)
    check_control_line(4096, 4096, what="publish to", subject="x")


@pytest.mark.parametrize(
    "headers",
    [
        {"a b": "v"},
        {"": "v"},
        {"a:": "v"},
        {"é": "v"},
        {"a": "x\ny"},
        {"a": "x\r"},
        {"a": "\ud800"},
    ],
    ids=repr,
)
def test_bad_headers_are_invalid_options(headers: dict[str, str]) -> None:
    with pytest.raises(errors.InvalidOptionError):
        header_block_size(headers)


@pytest.mark.parametrize("value", [4096, 256, 1 << 20], ids=repr)
def test_good_max_control_lines_are_kept(value: int) -> None:
    assert check_max_control_line(value) == value


@pytest.mark.parametrize(
    ("text", "operation", "subject"),
    [
        ('nats: permissions violation for publish to "orders.x"', "publish", "orders.x"),
        ('nats: permissions violation for subscription to "_inbox.a.*"', "subscribe", "_inbox.a.*"),
        (
            'Permissions Violation for Subscription to "foo" using queue "q"',
            "subscribe",
            "foo",
        ),
        ('nats: permissions violation for publish with reply of "r.1"', "reply", "r.1"),
    ],
    ids=["publish", "subscribe", "queue", "reply"],
)
def test_violations_are_parsed(text: str, operation: str, subject: str) -> None:
    violation = parse_violation(Exception(text))
    assert violation is not None
    assert (violation.operation, violation.subject) == (operation, subject)


def test_other_errors_are_not_violations() -> None:
    assert parse_violation(Exception("nats: stale connection")) is None


@pytest.mark.parametrize(
    ("pattern", "subject", "matches"),
    [
        ("_inbox.a.*", "_inbox.a.tok", True),
        ("_inbox.a.*", "_inbox.a.tok.more", False),
        ("_inbox.>", "_inbox.a.tok", True),
        ("_inbox.>", "_inbox", False),
        ("a.b", "a.b", True),
        ("a.b", "a.c", False),
    ],
)
def test_subscription_patterns_match_like_the_server(
    pattern: str, subject: str, matches: bool
) -> None:
    assert subscription_matches(pattern, subject) is matches


def test_secrets_are_masked_in_log_text() -> None:
    found = secrets_of(
        ["nats://alice:s3cret@h:4222", "nats://tok3n@h2:4222"],
        {"password": "pw-1", "token": "tk-2", "nkeys_seed_str": "SUAB"},
    )
    assert set(found) == {"s3cret", "tok3n", "pw-1", "tk-2", "SUAB"}
    text = "could not connect to nats://alice:s3cret@h:4222 with tk-2 and SUAB"
    cleaned = redact(text, found)
    assert cleaned == "could not connect to nats://***@h:4222 with *** and ***"
