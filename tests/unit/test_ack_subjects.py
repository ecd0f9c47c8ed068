"""Parsing ack reply subjects into message metadata (ADR-15)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsm.errors import InvalidAckSubjectError
from jsm.subjects import SequencePair, parse_ack_subject

NAME = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=".*>/\\"),
    min_size=1,
    max_size=20,
)
UINT = st.integers(min_value=0, max_value=2**63 - 1)


def test_v1_subject() -> None:
    meta = parse_ack_subject("$JS.ACK.ORDERS.worker.2.41.7.1700000000123456789.5")
    assert (meta.stream, meta.consumer, meta.num_delivered) == ("ORDERS", "worker", 2)
    assert meta.sequence == SequencePair(consumer=7, stream=41)
    assert meta.num_pending == 5
    assert meta.domain is None and meta.account_hash is None
    assert meta.timestamp == datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    ("subject", "domain"),
    [
        ("$JS.ACK._.ACCHASH.ORDERS.worker.1.3.3.1700000000000000000.0", None),
        ("$JS.ACK.hub.ACCHASH.ORDERS.worker.1.3.3.1700000000000000000.0", "hub"),
        ("$JS.ACK.hub.ACCHASH.ORDERS.worker.1.3.3.1700000000000000000.0.rNd", "hub"),
        ("$JS.ACK.hub.ACCHASH.ORDERS.worker.1.3.3.1700000000000000000.0.rNd.more", "hub"),
    ],
    ids=["no-domain", "domain", "random-token", "future-tokens"],
)
def test_v2_subjects(subject: str, domain: str | None) -> None:
    meta = parse_ack_subject(subject)
    assert meta.domain == domain
    assert meta.account_hash == "ACCHASH"
    assert meta.stream == "ORDERS" and meta.consumer == "worker"
    assert meta.sequence == SequencePair(consumer=3, stream=3)


@pytest.mark.parametrize(
    "subject",
    [
        "",
        "orders.new",
        "$JS.ACK.S.C.1.2.3.4",
        "$JS.ACK.d.h.S.C.1.2.3.4.5"[:-2],
        "$JS.ACK.a.b.S.C.1.2.3.4",
        "$JS.NAK.S.C.1.2.3.4.5",
        "$JS.ACK.S.C.x.2.3.4.5",
        "$JS.ACK.S.C.-1.2.3.4.5",
        "$JS.ACK.S.C.+1.2.3.4.5",
        "$JS.ACK..C.1.2.3.4.5",
    ],
)
def test_malformed_subjects_are_rejected(subject: str) -> None:
    with pytest.raises(InvalidAckSubjectError, match="ack subject"):
        parse_ack_subject(subject)


@given(
    stream=NAME,
    consumer=NAME,
    numbers=st.tuples(UINT, UINT, UINT, UINT, UINT),
    domain=st.one_of(st.none(), NAME),
    account=NAME,
    v2=st.booleans(),
)
def test_parse_recovers_every_field(
    stream: str,
    consumer: str,
    numbers: tuple[int, int, int, int, int],
    domain: str | None,
    account: str,
    v2: bool,
) -> None:
    delivered, sseq, cseq, stamp, pending = numbers
    tail = f"{stream}.{consumer}.{delivered}.{sseq}.{cseq}.{stamp}.{pending}"
    head = f"$JS.ACK.{domain or '_'}.{account}." if v2 else "$JS.ACK."
    meta = parse_ack_subject(head + tail)
    assert (meta.stream, meta.consumer) == (stream, consumer)
    assert (meta.num_delivered, meta.num_pending, meta.timestamp_ns) == (delivered, pending, stamp)
    assert meta.sequence == SequencePair(consumer=cseq, stream=sseq)
    assert meta.domain == (domain if v2 and domain != "_" else None)
    assert meta.account_hash == (account if v2 else None)
