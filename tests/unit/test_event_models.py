"""Event models: one per schema, generated, and every sample round-trips and validates."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsm import events
from jsm._errors_base import InvalidOptionError
from jsm._transport import Transport
from jsm.events import EVENT_TYPES, SCHEMA_FILES, Event, GenericEvent, parse_event
from tests.tools_helpers import ROOT, SCHEMAS, load_tool

if TYPE_CHECKING:
    from pathlib import Path

GENERATOR = load_tool("gen_events")
FILES: list[Path] = GENERATOR.schema_files()


def _sample(schema: dict[str, Any], *, full: bool, seed: int = 1) -> Any:
    """A value that satisfies ``schema``: every property when ``full``, else only required ones."""
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][seed % len(schema["enum"])]
    kind = schema.get("type")
    if kind == "string":
        return (
            "2026-11-25T06:00:00.123456789Z"
            if seed % 2
            else "x" * max(1, schema.get("minLength", 1))
        )
    if kind == "integer":
        return max(int(schema.get("minimum", 0)), min(seed + 6, int(schema.get("maximum", 2**62))))
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "array":
        items = schema.get("items", {"type": "string"})
        return [_sample(items, full=full, seed=seed)] if full else []
    if kind == "object":
        props = schema.get("properties", {})
        wanted = props if full else {k: props[k] for k in schema.get("required", [])}
        out = {k: _sample(v, full=full, seed=seed + i) for i, (k, v) in enumerate(wanted.items())}
        extra = schema.get("additionalProperties")
        if not props and isinstance(extra, dict) and full:
            out["k"] = _sample(extra, full=full, seed=seed)
        patterns = schema.get("patternProperties")
        if isinstance(patterns, dict) and full:
            (inner,) = patterns.values()
            out["X-Key"] = _sample(inner, full=full, seed=seed)
        return out
    return None


def test_generated_module_is_up_to_date() -> None:
    expected = GENERATOR.formatted(GENERATOR.render(FILES))
    actual = (ROOT / "src" / "jsm" / "events" / "_generated.py").read_text()
    assert actual == expected, "run: python tools/gen_events.py"


def test_every_schema_has_a_model() -> None:
    by_file = {rel: model for model, rel in SCHEMA_FILES.items()}
    expected = {str(p.relative_to(SCHEMAS)) for p in FILES}
    assert set(by_file) == expected
    assert len(FILES) >= 28
    for path in FILES:
        const = json.loads(path.read_text())["properties"].get("type", {}).get("const")
        if const is not None:
            assert EVENT_TYPES[const] is by_file[str(path.relative_to(SCHEMAS))]
            assert issubclass(EVENT_TYPES[const], Event)


@pytest.mark.parametrize("full", [True, False], ids=["full", "required"])
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_sample_round_trips_and_validates(path: Path, full: bool) -> None:
    schema = GENERATOR.load_schema(path)
    sample = _sample(schema, full=full)
    jsonschema.validate(sample, schema)  # the sample itself is valid
    model = {rel: m for m, rel in SCHEMA_FILES.items()}[str(path.relative_to(SCHEMAS))]
    parsed = model.from_wire(json.dumps(sample))
    dumped = parsed.to_wire()
    jsonschema.validate(dumped, schema)
    assert dumped == sample
    if issubclass(model, Event):
        event = parse_event(json.dumps(sample), subject="$JS.EVENT.ADVISORY.X")
        assert type(event) is model
        assert event.received_on == "$JS.EVENT.ADVISORY.X"
        assert event.time is not None or not sample.get("timestamp", "").startswith("2026")


def test_unknown_type_is_generic_not_an_error() -> None:
    event = parse_event(b'{"type":"io.nats.jetstream.advisory.v9.future","id":"a","extra":1}')
    assert isinstance(event, GenericEvent)
    assert event.type == "io.nats.jetstream.advisory.v9.future"
    assert event.id == "a"
    assert event.model_extra == {"extra": 1}
    assert event.problem is not None and "unknown event type" in event.problem


def test_event_that_does_not_fit_its_model_is_generic() -> None:
    event = parse_event(b'{"type":"io.nats.jetstream.advisory.v1.stream_action","id":"a"}')
    assert isinstance(event, GenericEvent)
    assert event.problem is not None and "StreamActionAdvisory" in event.problem


@pytest.mark.parametrize("data", [b"", b"not json", b"[1,2]", b'"x"', b"null"])
def test_garbage_is_generic(data: bytes) -> None:
    event = parse_event(data)
    assert isinstance(event, GenericEvent)
    assert event.problem


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(
    kind=st.sampled_from([*EVENT_TYPES, "other", ""]),
    body=st.dictionaries(st.text(max_size=10), json_values, max_size=6),
)
def test_parse_event_never_raises(kind: str, body: dict[str, Any]) -> None:
    event = parse_event(json.dumps({**body, "type": kind}))
    assert isinstance(event, Event)
    assert event.type == kind or isinstance(event, GenericEvent)


def test_timestamps_parse_with_nanoseconds() -> None:
    stamp = events.parse_timestamp("2026-11-25T06:00:00.123456789Z")
    assert stamp is not None and stamp.microsecond == 123456 and stamp.utcoffset() is not None
    assert events.parse_timestamp("") is None
    assert events.parse_timestamp("yesterday") is None


def test_bad_kinds_are_refused() -> None:
    manager = events.EventManager(Transport.__new__(Transport))
    with pytest.raises(InvalidOptionError, match="kinds"):
        manager.advisories(kinds=[3])  # type: ignore[list-item]  # deliberately wrong
    with pytest.raises(InvalidOptionError, match="Event classes"):
        manager.advisories(kinds=[events.Varz])  # type: ignore[list-item]  # not an Event
    with pytest.raises(InvalidOptionError, match="max_pending"):
        manager.advisories(max_pending=0)
    stream = manager.advisories(kinds=["stream_action", events.NakAdvisory], metrics=False)
    assert stream.subject == events.ADVISORY_SUBJECT
