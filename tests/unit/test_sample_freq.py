"""ConsumerConfig.sample_freq: an int percentage or the server's text form, 0 to 100."""

from __future__ import annotations

import pytest

import jsm
from jsm.errors import ConfigValidationError


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (100, "100%"),
        (0, "0%"),
        (7, "7%"),
        ("50%", "50%"),
        ("50", "50"),
        ("100", "100"),
        (None, None),
    ],
    ids=["int-100", "int-0", "int-7", "text-percent", "text-number", "text-100", "unset"],
)
def test_sample_freq_takes_an_int_or_text(given: object, kept: str | None) -> None:
    config = jsm.ConsumerConfig(sample_freq=given)  # type: ignore[arg-type]  # an int is accepted at run time
    assert config.sample_freq == kept
    assert config.to_wire().get("sample_freq") == kept
    assert jsm.ConsumerConfig.from_json(config.to_json()) == config


@pytest.mark.parametrize(
    "value",
    [101, -1, "101%", "-5%", "abc", "50.5%", "%", "", " 50%", 50.0, True],
    ids=[
        "101",
        "minus-1",
        "text-101",
        "text-minus",
        "word",
        "fraction",
        "bare-percent",
        "empty",
        "space",
        "float",
        "bool",
    ],
)
def test_sample_freq_outside_0_to_100_is_refused(value: object) -> None:
    with pytest.raises(ConfigValidationError, match="sample_freq") as caught:
        jsm.ConsumerConfig(sample_freq=value)  # type: ignore[arg-type]  # bad on purpose
    assert caught.value.errors()[0]["loc"] == ("sample_freq",)


def test_a_value_the_server_stored_is_read_as_it_is() -> None:
    # nats-server accepts any non-negative integer (treating more than 100 as 100), so a
    # consumer another client made with "150%" still reads; Python callers get 0 to 100.
    info = jsm.ConsumerConfig.from_json('{"sample_freq":"150%"}')
    assert info.sample_freq == "150%"
    with pytest.raises(ConfigValidationError, match="0 to 100"):
        jsm.ConsumerConfig(sample_freq="150%")
