"""Bad values given to any jsm model raise ConfigValidationError, inside the JsmError tree."""

from __future__ import annotations

import inspect
import math
import pickle
import socket
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

import jsm
import jsm.events
import jsm.models
from jsm.errors import ConfigValidationError, InvalidOptionError
from jsm.models import Model

if TYPE_CHECKING:
    from collections.abc import Callable

BAD_CALLS: list[tuple[str, Callable[[], object], tuple[int | str, ...], str]] = [
    (
        "int-as-duration",
        lambda: jsm.StreamConfig(name="S", max_age=60),  # type: ignore[arg-type]  # bad on purpose
        ("max_age",),
        r"timedelta\(seconds=60\)",
    ),
    (
        "none-count",
        lambda: jsm.StreamConfig(name="S", max_msgs=None),  # type: ignore[arg-type]  # bad on purpose
        ("max_msgs",),
        "leave max_msgs out",
    ),
    (
        "nan-count",
        lambda: jsm.StreamConfig(name="S", max_msgs=math.nan),  # type: ignore[arg-type]  # bad on purpose
        ("max_msgs",),
        "finite",
    ),
    (
        "inf-size",
        lambda: jsm.StreamConfig(name="S", max_bytes=math.inf),  # type: ignore[arg-type]  # bad on purpose
        ("max_bytes",),
        "finite",
    ),
    (
        "int64-overflow",
        lambda: jsm.StreamConfig(name="S", max_msgs=2**63),
        ("max_msgs",),
        "less than or equal to 9223372036854775807",
    ),
    ("missing-name", lambda: jsm.StreamConfig(), ("name",), "name is required"),  # type: ignore[call-arg]  # bad on purpose
    (
        "typo-enum",
        lambda: jsm.StreamConfig(name="S", retention="work_queue"),  # type: ignore[arg-type]  # a typo
        ("retention",),
        "'workqueue'",
    ),
    (
        "nested-source",
        lambda: jsm.StreamConfig(name="S", sources=[{"name": 5}]),  # type: ignore[list-item]  # bad on purpose
        ("sources", 0, "name"),
        r"sources\[0\]\.name",
    ),
    (
        "sample-freq-over-100",
        lambda: jsm.ConsumerConfig(sample_freq=101),  # type: ignore[arg-type]  # an int is accepted at run time
        ("sample_freq",),
        "0 to 100",
    ),
    (
        "text-duration",
        lambda: jsm.ConsumerConfig(ack_wait="soon"),  # type: ignore[arg-type]  # text is accepted at run time
        ("ack_wait",),
        "invalid duration 'soon'",
    ),
    (
        "kv-none-bucket",
        lambda: jsm.KeyValueConfig(bucket=None),  # type: ignore[arg-type]  # bad on purpose
        ("bucket",),
        "bucket",
    ),
    (
        "kv-history-text",
        lambda: jsm.KeyValueConfig(bucket="b", history="lots"),  # type: ignore[arg-type]  # bad on purpose
        ("history",),
        "valid integer",
    ),
    (
        "object-store-nan-ttl",
        lambda: jsm.ObjectStoreConfig(bucket="b", ttl=math.nan),  # type: ignore[arg-type]  # bad on purpose
        ("ttl",),
        "timedelta",
    ),
    (
        "object-meta-chunk",
        lambda: jsm.ObjectMeta(chunk_size=0),
        ("chunk_size",),
        "greater than 0",
    ),
    (
        "placement-tags",
        lambda: jsm.Placement(tags="a"),  # type: ignore[arg-type]  # bad on purpose
        ("tags",),
        "valid list",
    ),
    (
        "model-validate",
        lambda: jsm.ConsumerConfig.model_validate({"max_deliver": "x"}),
        ("max_deliver",),
        "max_deliver",
    ),
    (
        "model-validate-json",
        lambda: jsm.StreamConfig.model_validate_json('{"name":"S","max_age":"1 fortnight"}'),
        ("max_age",),
        "max_age",
    ),
    (
        "model-validate-strings",
        lambda: jsm.StreamConfig.model_validate_strings({"name": "S", "max_msgs": "x"}),
        ("max_msgs",),
        "max_msgs",
    ),
    (
        "from-json-huge-nanos",
        lambda: jsm.StreamConfig.from_json('{"name":"S","max_age":100000000000000000000}'),
        ("max_age",),
        "292 years",
    ),
    (
        "from-wire-not-json",
        lambda: jsm.StreamInfo.from_wire(b"not json"),
        (),
        "not valid JSON",
    ),
    (
        "consumer-from-json",
        lambda: jsm.ConsumerConfig.from_json('{"max_ack_pending":1.5}'),
        ("max_ack_pending",),
        "max_ack_pending",
    ),
    (
        "with-changes",
        lambda: jsm.StreamConfig(name="S").with_changes(max_age=60),
        ("max_age",),
        "timedelta",
    ),
    (
        "consumer-with-changes",
        lambda: jsm.ConsumerConfig().with_changes(ack_wait=-1.0),
        ("ack_wait",),
        "ack_wait",
    ),
]


@pytest.mark.parametrize(
    ("call", "loc", "match"),
    [case[1:] for case in BAD_CALLS],
    ids=[case[0] for case in BAD_CALLS],
)
def test_bad_values_raise_a_jsm_validation_error(
    call: Callable[[], object], loc: tuple[int | str, ...], match: str
) -> None:
    with pytest.raises(ConfigValidationError, match=match) as caught:
        call()
    error = caught.value
    assert isinstance(error, jsm.JsmError)
    assert isinstance(error, InvalidOptionError) and isinstance(error, ValueError)
    assert error.errors()[0]["loc"] == loc
    assert error.error_count() == len(error.details) >= 1
    assert {"loc", "msg", "type", "input"} <= set(error.errors()[0])


def test_the_message_names_the_model_and_every_field() -> None:
    with pytest.raises(ConfigValidationError) as caught:
        jsm.StreamConfig(name="S", max_msgs="x", max_bytes=None, storage="tape")  # type: ignore[arg-type]  # bad on purpose
    error = caught.value
    assert error.model == "StreamConfig"
    assert str(error).startswith("invalid StreamConfig: ")
    for field in ("max_msgs", "max_bytes", "storage"):
        assert field in str(error)
    assert [item["input"] for item in error.errors()] == ["x", None, "tape"]


def test_a_long_list_of_problems_is_cut_short() -> None:
    with pytest.raises(ConfigValidationError, match=r"\(and 2 more\)") as caught:
        jsm.StreamConfig.model_validate(
            {
                "name": 1,
                **dict.fromkeys(
                    [
                        "max_msgs",
                        "max_bytes",
                        "max_consumers",
                        "max_msgs_per_subject",
                        "num_replicas",
                        "max_msg_size",
                    ],
                    "x",
                ),
            }
        )
    assert caught.value.error_count() == 7


def test_catching_jsm_error_is_enough() -> None:
    caught: list[jsm.JsmError] = []
    for call in (
        lambda: jsm.StreamConfig(name="S", max_age=60),  # type: ignore[arg-type]  # bad on purpose
        lambda: jsm.ConsumerConfig(sample_freq=100.5),  # type: ignore[arg-type]  # bad on purpose
        lambda: jsm.KeyValueConfig.model_validate_json(b"{"),
        lambda: jsm.ObjectStoreConfig(bucket="b", max_bytes=[1]),  # type: ignore[arg-type]  # bad on purpose
    ):
        try:
            call()
        except jsm.JsmError as err:
            caught.append(err)
    assert len(caught) == 4


def test_the_error_pickles_with_its_details() -> None:
    with socket.socket() as sock, pytest.raises(ConfigValidationError) as caught:
        jsm.StreamConfig(name="S", max_msgs=sock)  # type: ignore[arg-type]  # an unpicklable input
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is ConfigValidationError
    assert str(copy) == str(caught.value) and copy.args == caught.value.args
    assert copy.model == "StreamConfig"
    assert copy.errors()[0]["loc"] == ("max_msgs",)
    assert copy.errors()[0]["input"] == repr(caught.value.errors()[0]["input"])


def _public_models() -> list[type[Model]]:
    found: dict[str, type[Model]] = {}
    for module in (jsm, jsm.models, jsm.events):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) and issubclass(value, Model) and value.model_fields:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[key] for key in sorted(found)]


PUBLIC_MODELS = _public_models()


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=lambda m: m.__name__)
def test_every_public_model_raises_the_jsm_error(model: type[Model]) -> None:
    with pytest.raises(ConfigValidationError):
        model.model_validate(5)
    with pytest.raises(ConfigValidationError):
        model.model_validate_json(b"[")
    with pytest.raises(ConfigValidationError):
        model.from_wire(b'"a string"')
    for field, info in model.model_fields.items():
        if info.annotation in (Any, Any | None):
            continue  # a field documented to take any JSON value (EndpointStats.data)
        with pytest.raises(ConfigValidationError) as caught:
            model(**{field: object()})
        assert (field,) in [item["loc"][:1] for item in caught.value.errors()]


def test_replies_with_negative_durations_still_parse() -> None:
    # The server writes -1 for "never active"; reply models keep reading it.
    peer = jsm.PeerInfo.from_wire(b'{"name":"n2","current":true,"active":-1000}')
    assert peer.active == timedelta(microseconds=-1)


def test_unknown_enum_values_are_kept_from_json_and_by_name_in_python() -> None:
    assert jsm.StreamConfig.from_json('{"name":"S","retention":"lottery"}').retention == "lottery"
    config = jsm.StreamConfig(name="S", retention=jsm.RetentionPolicy("lottery"))
    assert config.to_wire()["retention"] == "lottery"
    assert config.with_changes(max_msgs=5).retention == "lottery"


@pytest.mark.parametrize(
    ("model", "where"),
    [
        (jsm.StreamConfig(name="S", description="x\ud800"), "description"),
        (jsm.StreamConfig(name="S", metadata={"team": "\udcff"}), "metadata.team"),
        (
            jsm.ConsumerConfig(durable_name="c", filter_subjects=["a", "b\ud800"]),
            "filter_subjects[1]",
        ),
    ],
    ids=["field", "dict-value", "list-item"],
)
def test_text_that_cannot_be_sent_names_its_field(model: Model, where: str) -> None:
    # pydantic's PydanticSerializationError escaped when the model was sent.
    with pytest.raises(ConfigValidationError, match="lone surrogate") as caught:
        model.to_wire_json()
    assert f"invalid {type(model).__name__}: {where}" in str(caught.value)
    assert caught.value.details[0]["type"] == "string_unicode"
