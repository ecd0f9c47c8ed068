"""Local consumer checks, create subjects, pull-status classification and option parsing."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsm import errors
from jsm.consumers._checks import (
    check_consumer_config,
    check_filters_in_stream,
    create_subject,
    subjects_overlap,
)
from jsm.consumers.consume import default_heartbeat, default_threshold
from jsm.consumers.pull import Status, classify, status_error
from jsm.models import ConsumerConfig, DeliverPolicy, PriorityPolicy

BAD_CONFIGS = [
    ({"deliver_policy": "by_start_sequence"}, "opt_start_seq"),
    ({"deliver_policy": "by_start_time"}, "opt_start_time"),
    ({"opt_start_seq": 5}, "by_start_sequence"),
    ({"opt_start_time": datetime(2020, 1, 1, tzinfo=UTC)}, "by_start_time"),
    ({"deliver_policy": "last_per_subject"}, "filter"),
    ({"filter_subject": "a", "filter_subjects": ["b"]}, "not both"),
    ({"filter_subjects": ["a", "a"]}, "twice"),
    ({"filter_subject": "a.>.b"}, "filter subject"),
    ({"name": "a", "durable_name": "b"}, "differ"),
    ({"max_waiting": 5, "deliver_subject": "d"}, "pull consumers"),
    ({"max_batch": 5, "deliver_subject": "d"}, "pull consumers"),
    ({"flow_control": True}, "push consumers"),
    ({"idle_heartbeat": timedelta(seconds=1)}, "push consumers"),
    ({"deliver_group": "q"}, "push consumers"),
    ({"deliver_subject": "d", "flow_control": True}, "idle_heartbeat"),
    ({"deliver_subject": "d.*"}, "deliver_subject"),
    ({"priority_policy": PriorityPolicy.OVERFLOW}, "priority_groups"),
    ({"priority_groups": ["g"]}, "priority_policy"),
    (
        {"priority_groups": ["g"], "priority_policy": "overflow", "priority_timeout": timedelta(1)},
        "pinned_client",
    ),
    ({"backoff": [timedelta(seconds=1)] * 3, "max_deliver": 3}, "greater than"),
]


@pytest.mark.parametrize(
    ("fields", "match"), BAD_CONFIGS, ids=[f"{i}-{m}" for i, (_, m) in enumerate(BAD_CONFIGS)]
)
def test_contradictory_configs_are_refused_locally(fields: dict[str, object], match: str) -> None:
    config = ConsumerConfig.model_validate(fields)
    with pytest.raises((errors.InvalidOptionError, errors.InvalidNameError), match=match):
        check_consumer_config(config)


@pytest.mark.parametrize("name", ["a.b", "a b", "a*", "a>"], ids=["dot", "space", "star", "gt"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(errors.InvalidNameError):
        check_consumer_config(ConsumerConfig(durable_name=name))


def test_good_configs_pass() -> None:
    for config in (
        ConsumerConfig(),
        ConsumerConfig(
            durable_name="d", deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=3
        ),
        ConsumerConfig(
            name="p", deliver_subject="d", flow_control=True, idle_heartbeat=timedelta(1)
        ),
        ConsumerConfig(priority_groups=["g"], priority_policy=PriorityPolicy.PINNED_CLIENT),
        ConsumerConfig(backoff=[timedelta(seconds=1)], max_deliver=2),
    ):
        check_consumer_config(config)


def test_only_configs_are_accepted() -> None:
    with pytest.raises(errors.InvalidOptionError, match="ConsumerConfig"):
        check_consumer_config({"durable_name": "x"})  # type: ignore[arg-type]  # the point


@pytest.mark.parametrize(
    ("config", "subject"),
    [
        (ConsumerConfig(), "CONSUMER.CREATE.S"),
        (ConsumerConfig(durable_name="d"), "CONSUMER.CREATE.S.d"),
        (ConsumerConfig(name="n", filter_subject="a.>"), "CONSUMER.CREATE.S.n.a.>"),
        (ConsumerConfig(name="n", filter_subjects=["a"]), "CONSUMER.CREATE.S.n"),
        (ConsumerConfig(filter_subject="a"), "CONSUMER.CREATE.S"),
    ],
    ids=["ephemeral", "durable", "one-filter", "filter-list", "ephemeral-filter"],
)
def test_create_subject(config: ConsumerConfig, subject: str) -> None:
    assert create_subject("S", config) == subject


@pytest.mark.parametrize(
    ("status", "description", "kind"),
    [
        ("100", "Idle Heartbeat", Status.HEARTBEAT),
        ("404", "No Messages", Status.DONE),
        ("408", "Request Timeout", Status.DONE),
        ("408", "Interest Expired", Status.DONE),
        ("409", "Message Size Exceeds MaxBytes", Status.DONE),
        ("409", "Leadership Change", Status.RESET),
        ("409", "Server Shutdown", Status.RESET),
        ("409", "Exceeded MaxWaiting", Status.WARN),
        ("423", "Nats-Wrong-Pin-Id", Status.PIN),
        ("503", "", Status.NO_RESPONDERS),
        ("409", "Consumer Deleted", Status.ERROR),
        ("409", "Consumer is push based", Status.ERROR),
        ("409", "Exceeded MaxRequestBatch of 10", Status.ERROR),
        ("400", "Bad Request", Status.ERROR),
    ],
    ids=lambda value: str(value).replace(" ", "-"),
)
def test_pull_statuses_are_classified(status: str, description: str, kind: Status) -> None:
    assert classify(status, description) is kind


@pytest.mark.parametrize(
    ("description", "error"),
    [
        ("Consumer Deleted", errors.ConsumerNotFoundError),
        ("Consumer is push based", errors.WrongConsumerTypeError),
        ("Exceeded MaxRequestExpires of 1s", errors.InvalidOptionError),
        ("Bad Request", errors.InvalidOptionError),
    ],
    ids=["deleted", "push", "limit", "bad"],
)
def test_status_errors_name_the_consumer(description: str, error: type[Exception]) -> None:
    raised = status_error("409", description, stream="ORDERS", consumer="w")
    assert isinstance(raised, error)
    assert "'w'" in str(raised) and "'ORDERS'" in str(raised)


def test_adr37_defaults() -> None:
    cap, floor = timedelta(seconds=30), timedelta(milliseconds=500)
    assert default_heartbeat(timedelta(seconds=30), cap, floor) == timedelta(seconds=15)
    assert default_heartbeat(timedelta(minutes=5), cap, floor) == cap
    assert default_heartbeat(timedelta(seconds=1), cap, floor) == floor
    assert default_threshold(500) == 250
    assert default_threshold(1) == 0


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ("a.b", "a.b", True),
        ("a.*", "a.b", True),
        ("a.>", "a.b.c", True),
        ("*.b", "a.*", True),
        (">", "x", True),
        ("a.b", "a.c", False),
        ("a.>", "a", False),
        ("a.*", "a.b.c", False),
        ("a", "a.b", False),
    ],
    ids=lambda value: str(value),
)
def test_subjects_overlap(first: str, second: str, overlap: bool) -> None:
    assert subjects_overlap(first, second) is overlap
    assert subjects_overlap(second, first) is overlap


def test_filters_are_checked_against_the_stream_subjects() -> None:
    check_filters_in_stream(ConsumerConfig(filter_subject="o.eu.>"), "S", ["o.>"])
    check_filters_in_stream(ConsumerConfig(filter_subject="x"), "S", None)
    with pytest.raises(errors.InvalidOptionError, match="'S'"):
        check_filters_in_stream(ConsumerConfig(filter_subjects=["o.a", "p.a"]), "S", ["o.>"])


_TOKENS = st.sampled_from(["a", "b", "*"])
_CONCRETE = [".".join(p) for n in (1, 2, 3) for p in itertools.product("ab", repeat=n)]


@st.composite
def _patterns(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(_TOKENS, min_size=1, max_size=3))
    if draw(st.booleans()):
        tokens.append(">")
    return ".".join(tokens)


def _matches(pattern: str, subject: str) -> bool:
    want, have = pattern.split("."), subject.split(".")
    for index, token in enumerate(want):
        if token == ">":
            return len(have) > index
        if index >= len(have) or (token != "*" and token != have[index]):
            return False
    return len(want) == len(have)


@given(_patterns(), _patterns())
def test_overlap_means_some_subject_matches_both(first: str, second: str) -> None:
    # Patterns of at most 3 tokens plus '>' : witnesses up to 4 tokens suffice.
    witnesses = _CONCRETE + [f"{s}.a" for s in _CONCRETE if s.count(".") == 2]
    expected = any(_matches(first, s) and _matches(second, s) for s in witnesses)
    assert subjects_overlap(first, second) is expected
