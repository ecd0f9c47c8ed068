"""Any value in any field of the four configurations: a jsm error, or JSON the schema accepts.

Each property builds a configuration with one field set to an arbitrary value (any JSON
value, and Python values such as timedeltas, datetimes, bytes, sets, Decimals, enum
members and other models), then follows the path a create takes: the model, jsm's local
checks, the derived stream configuration for buckets, and the wire JSON. Every step may
refuse with a ``JsmError``; nothing else may escape (no pydantic ValidationError,
TypeError or OverflowError), and what would be sent must fit the server's schema.
(Pseudo-members such as ``RetentionPolicy("new")`` are left out: they are how a caller
sends a value this version's schema does not know yet, on purpose.)
"""

from __future__ import annotations

import json
import warnings
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

import jsm
from jsm.consumers._checks import check_consumer_config
from jsm.errors import ConfigValidationError
from jsm.kv._config import kv_stream_config
from jsm.objects.manager import object_stream_config
from jsm.streams._checks import check_stream_config
from jsm.units import MAX_DURATION

if TYPE_CHECKING:
    from collections.abc import Callable

    from jsm.models import Model

SCHEMAS = Path(__file__).resolve().parents[2] / "spec" / "schemas" / "jetstream" / "api" / "v1"
STREAM_SCHEMA = Draft7Validator(json.loads((SCHEMAS / "stream_configuration.json").read_text()))
CONSUMER_SCHEMA = Draft7Validator(json.loads((SCHEMAS / "consumer_configuration.json").read_text()))

# Numbers at the edges of the server's integer types, and floats that are not numbers.
EDGE_INTS = [0, 1, -1, -2, 2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64]
EDGE_FLOATS = [float("nan"), float("inf"), float("-inf"), 1e300, -0.0, 0.5, 1.0, 100.0]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(EDGE_INTS)
    | st.floats()
    | st.sampled_from(EDGE_FLOATS)
    | st.text(max_size=12)
    | st.sampled_from(["", "1h", "-1s", "300y", "100%", "101%", "limits", "file", "s2", ".", ">"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)

python_values = (
    json_values
    | st.timedeltas()
    | st.sampled_from([MAX_DURATION, -MAX_DURATION, timedelta.max, timedelta.min])
    | st.datetimes(timezones=st.none() | st.just(UTC) | st.just(timezone(timedelta(hours=-5))))
    | st.dates()
    | st.binary(max_size=8)
    | st.frozensets(st.integers(), max_size=2)
    | st.tuples(st.text(max_size=4))
    | st.decimals()
    | st.complex_numbers(max_magnitude=10)
    | st.sampled_from(
        [
            jsm.RetentionPolicy.INTEREST,
            jsm.StorageType.MEMORY,
            jsm.AckPolicy.ALL,
            jsm.DeliverPolicy.LAST,
            jsm.StreamSource(name="ORIGIN"),
            jsm.Placement(cluster="c1"),
            jsm.SubjectTransform(src="a.>", dest="b.>"),
            object(),
            str,
            Path("x"),
        ]
    )
)


def _build(model: type[Model], required: dict[str, Any], field: str, value: object) -> Model | None:
    """Build the model with ``field`` set, or return None if it refused with the jsm error."""
    try:
        return model(**(required | {field: value}))
    except ConfigValidationError:
        return None


def _refused_locally(check: Callable[[], object]) -> bool:
    """Run jsm's pre-send checks; a JsmError is a clean refusal, anything else escapes."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jsm.JsmWarning)  # risky-but-legal names warn
            check()
    except jsm.JsmError:
        return True
    return False


def _assert_fits(schema: Draft7Validator, config: Model) -> None:
    wire = json.loads(config.to_wire_json())
    errors = sorted(schema.iter_errors(wire), key=str)
    assert not errors, f"{errors[0].json_path}: {errors[0].message}"


def _assert_reads_back(config: Model) -> None:
    """The wire JSON reads back as a model that writes the same JSON."""
    wire = config.to_wire_json()
    assert type(config).model_validate_json(wire).to_wire_json() == wire


def _stream_path(config: jsm.StreamConfig) -> None:
    if not _refused_locally(lambda: check_stream_config(config)):
        _assert_fits(STREAM_SCHEMA, config)
        _assert_reads_back(config)


@given(st.sampled_from(sorted(jsm.StreamConfig.model_fields)), python_values)
@settings(max_examples=600, deadline=None)  # no wall-clock limit on a loaded machine
def test_any_value_in_a_stream_config_field(field: str, value: object) -> None:
    config = _build(jsm.StreamConfig, {"name": "S"}, field, value)
    if config is not None:
        assert isinstance(config, jsm.StreamConfig)
        _stream_path(config)


@given(st.sampled_from(sorted(jsm.ConsumerConfig.model_fields)), python_values)
@settings(max_examples=600, deadline=None)  # no wall-clock limit on a loaded machine
def test_any_value_in_a_consumer_config_field(field: str, value: object) -> None:
    config = _build(jsm.ConsumerConfig, {}, field, value)
    if config is None:
        return
    assert isinstance(config, jsm.ConsumerConfig)
    if not _refused_locally(lambda: check_consumer_config(config)):
        _assert_fits(CONSUMER_SCHEMA, config)
        _assert_reads_back(config)


@given(st.sampled_from(sorted(jsm.KeyValueConfig.model_fields)), python_values)
@settings(max_examples=400, deadline=None)  # no wall-clock limit on a loaded machine
def test_any_value_in_a_bucket_config_field(field: str, value: object) -> None:
    config = _build(jsm.KeyValueConfig, {"bucket": "b"}, field, value)
    if config is None:
        return
    assert isinstance(config, jsm.KeyValueConfig)
    config.to_wire_json()
    derived: list[jsm.StreamConfig] = []
    if not _refused_locally(lambda: derived.append(kv_stream_config(config))):
        _stream_path(derived[0])


@given(st.sampled_from(sorted(jsm.ObjectStoreConfig.model_fields)), python_values)
@settings(max_examples=300, deadline=None)  # no wall-clock limit on a loaded machine
def test_any_value_in_an_object_store_config_field(field: str, value: object) -> None:
    config = _build(jsm.ObjectStoreConfig, {"bucket": "b"}, field, value)
    if config is None:
        return
    assert isinstance(config, jsm.ObjectStoreConfig)
    config.to_wire_json()
    derived: list[jsm.StreamConfig] = []
    if not _refused_locally(lambda: derived.append(object_stream_config(config))):
        _stream_path(derived[0])


CONFIGS: list[tuple[type[Model], str]] = [
    (jsm.StreamConfig, '"name":"S"'),
    (jsm.ConsumerConfig, '"durable_name":"C"'),
    (jsm.KeyValueConfig, '"bucket":"b"'),
    (jsm.ObjectStoreConfig, '"bucket":"b"'),
]


@given(st.sampled_from(CONFIGS), st.data())
@settings(max_examples=600, deadline=None)  # no wall-clock limit on a loaded machine
def test_any_json_value_in_any_field_of_a_config_file(
    case: tuple[type[Model], str], data: st.DataObject
) -> None:
    # JSON keeps what a server may send (unknown enum values, sample_freq above 100), so
    # the property here is: the jsm error or a model that writes back the same.
    model, required = case
    field = data.draw(st.sampled_from(sorted(model.model_fields)))
    value = data.draw(json_values)
    text = f'{{{required},"{field}":{json.dumps(value)}}}'
    try:
        config = model.model_validate_json(text)
    except ConfigValidationError:
        return
    _assert_reads_back(config)
