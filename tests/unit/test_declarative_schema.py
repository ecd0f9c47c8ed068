"""The schema checker behind state files: the packaged schemas, and agreement with jsonschema."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from jsm.declarative._schema import CONSUMER_SCHEMA, STREAM_SCHEMA, load_schema, schema_errors
from tests.stream_strategies import stream_configs
from tests.unit.test_consumer_models import consumer_configs

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "src" / "jsm" / "declarative" / "schemas"
SPEC = ROOT / "spec" / "schemas" / "jetstream" / "api" / "v1"

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**64), 2**64) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)


@pytest.mark.parametrize("name", [STREAM_SCHEMA, CONSUMER_SCHEMA])
def test_the_packaged_schemas_are_the_spec_files(name: str) -> None:
    assert (PACKAGED / name).read_bytes() == (SPEC / name).read_bytes()


def _agrees(document: object, name: str) -> None:
    schema = load_schema(name)
    ours = schema_errors(document, schema)
    theirs = list(Draft7Validator(schema).iter_errors(document))
    assert bool(ours) == bool(theirs), (ours, [e.message for e in theirs])


@given(
    config=stream_configs(),
    key=st.sampled_from(
        ["", "max_age", "name", "mirror", "sources", "metadata", "typo", "retention"]
    ),
    value=_json,
)
@settings(deadline=None)  # the machine is shared; time is not what is tested
def test_stream_documents_get_jsonschemas_verdict(config: object, key: str, value: object) -> None:
    document = config.to_wire()  # type: ignore[attr-defined]  # a StreamConfig from the strategy
    _agrees(document, STREAM_SCHEMA)
    if key:
        _agrees(document | {key: value}, STREAM_SCHEMA)


@given(
    config=consumer_configs(),
    key=st.sampled_from(
        ["", "deliver_policy", "opt_start_seq", "ack_wait", "backoff", "metadata", "anything"]
    ),
    value=_json,
)
@settings(deadline=None)
def test_consumer_documents_get_jsonschemas_verdict(
    config: object, key: str, value: object
) -> None:
    document = config.to_wire()  # type: ignore[attr-defined]  # a ConsumerConfig from the strategy
    _agrees(document, CONSUMER_SCHEMA)
    if key:
        _agrees(document | {key: value}, CONSUMER_SCHEMA)


def test_every_failure_is_reported_with_its_field() -> None:
    document = {
        "name": "ORDERS",
        "max_age": -5,
        "storage": "disk",
        "sources": [{"name": "A"}, {"filter_subject": "x"}],
        "metadata": {"team": 7},
        "mirorr": {},
    }
    errors = dict(schema_errors(document, load_schema(STREAM_SCHEMA)))
    assert errors["max_age"] == "must be at least 0 (got -5)"
    assert errors["storage"] == 'must be one of "file", "memory" (got "disk")'
    assert errors["sources[1].name"] == "is required"
    assert errors["metadata.team"] == "must be a string (got 7)"
    assert errors["mirorr"] == "is not a known field (check its spelling)"
    assert errors["retention"] == "is required"


def test_a_start_sequence_policy_without_its_sequence_names_the_missing_field() -> None:
    document = {
        "deliver_policy": "by_start_sequence",
        "ack_policy": "explicit",
        "replay_policy": "instant",
    }
    assert schema_errors(document, load_schema(CONSUMER_SCHEMA), "config") == [
        ("config.opt_start_seq", "is required")
    ]
