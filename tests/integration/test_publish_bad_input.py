"""Bad input to js.publish / js.increment: typed errors before the wire, stream refusals typed."""

from __future__ import annotations

from datetime import timedelta

import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream


@pytest.mark.parametrize(
    "subject", ["orders.*", "orders.>", ">", "orders..eu", "", "orders eu", "orders."], ids=repr
)
async def test_publish_subject_must_be_concrete(js: jsm.Manager, subject: str) -> None:
    with pytest.raises(errors.InvalidNameError):
        await js.publish(subject, b"x")
    with pytest.raises(errors.InvalidNameError):
        await js.increment(subject)


async def test_oversize_payload_is_refused_before_the_wire(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    with pytest.raises(errors.InvalidOptionError, match="max_payload"):
        await js.publish(f"{unique_name}.a", b"x" * (js.nc.max_payload + 1))
    assert (await stream.info()).state.messages == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ttl": 0.5}, "at least 1s"),
        ({"ttl": "soon"}, "never"),
        ({"ttl": -3}, "positive"),
        ({"msg_id": ""}, "msg_id"),
        ({"rollup": "subject"}, "rollup"),
        ({"expect": {"last_sequence": 1}}, "jsm.Expect"),
        ({"headers": {"X": 1}}, "str to str"),
        ({"timeout": 0.1}, "timeout"),
    ],
    ids=[
        "short-ttl",
        "word-ttl",
        "negative-ttl",
        "empty-id",
        "rollup",
        "dict",
        "header",
        "timeout",
    ],
)
async def test_bad_options_are_refused(
    js: jsm.Manager, unique_name: str, kwargs: dict[str, object], match: str
) -> None:
    stream = await make_stream(js, unique_name, allow_msg_ttl=True, allow_rollup_hdrs=True)
    with pytest.raises(errors.InvalidOptionError, match=match):
        await js.publish(f"{unique_name}.a", b"x", **kwargs)  # type: ignore[arg-type]  # wrong on purpose
    assert (await stream.info()).state.messages == 0


async def test_invalid_expectations_fail_when_built(js: jsm.Manager) -> None:
    with pytest.raises(errors.InvalidOptionError, match="non-negative"):
        jsm.Expect(last_sequence=-1)
    with pytest.raises(errors.InvalidOptionError, match="non-negative"):
        jsm.Expect(last_subject_sequence=True)


async def test_bad_increments(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name, allow_msg_counter=True)
    for by in (1.5, "2", True):
        with pytest.raises(errors.InvalidOptionError, match="integer"):
            await js.increment(f"{unique_name}.c", by)  # type: ignore[arg-type]  # wrong on purpose


async def test_stream_side_limits_are_typed(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name, max_msg_size=64, duplicate_window=timedelta(seconds=5))
    with pytest.raises(errors.StreamMessageExceedsMaximumError):
        await js.publish(f"{unique_name}.a", b"x" * 65)
    with pytest.raises(errors.MessageTTLDisabledError):
        await js.publish(f"{unique_name}.a", b"1", ttl="never")


@pytest.mark.parametrize(
    "headers", [b"X-A: 1", "X-A: 1", [("X-A", "1")], 7], ids=["bytes", "str", "pairs", "int"]
)
async def test_headers_that_are_not_a_mapping_are_refused(
    js: jsm.Manager, unique_name: str, headers: object
) -> None:
    stream = await make_stream(js, unique_name, allow_atomic=True)
    subject = f"{unique_name}.a"
    with pytest.raises(errors.InvalidOptionError, match="mapping"):
        await js.publish(subject, b"x", headers=headers)  # type: ignore[arg-type]  # wrong on purpose
    async with js.publisher() as pub:
        with pytest.raises(errors.InvalidOptionError, match="mapping"):
            await pub.publish(subject, b"x", headers=headers)  # type: ignore[arg-type]  # wrong on purpose
    with pytest.raises(errors.InvalidOptionError, match="mapping"):
        async with js.batch() as batch:
            await batch.add(subject, b"x", headers=headers)  # type: ignore[arg-type]  # wrong on purpose
    assert (await stream.info()).state.messages == 0
    assert (await js.publish(subject, b"x")).seq == 1


@pytest.mark.parametrize("subject", ["\ud800", "a.\udcff.b", "é.\ud83d"], ids=repr)
async def test_subjects_with_a_lone_surrogate_are_refused(
    js: jsm.Manager, unique_name: str, subject: str
) -> None:
    # A lone surrogate cannot be encoded: nats-py raised UnicodeEncodeError.
    await make_stream(js, unique_name, allow_atomic=True)
    with pytest.raises(errors.InvalidNameError, match="surrogate"):
        await js.publish(subject, b"x")
    with pytest.raises(errors.InvalidNameError, match="surrogate"):
        await js.increment(subject)
    async with js.publisher() as pub:
        with pytest.raises(errors.InvalidNameError, match="surrogate"):
            await pub.publish(subject, b"x")
    with pytest.raises(errors.InvalidNameError, match="surrogate"):
        async with js.batch() as batch:
            await batch.add(subject, b"x")
    assert (await js.publish(f"{unique_name}.a", b"x")).seq == 1


@pytest.mark.parametrize("subject", [bytearray(b"x"), ["x"], {"x": 1}], ids=repr)
async def test_the_publisher_refuses_subjects_that_are_not_text(
    js: jsm.Manager, subject: object
) -> None:
    # An unhashable subject raised TypeError from the pipeline's cache of checked subjects.
    async with js.publisher() as pub:
        with pytest.raises(errors.InvalidNameError, match="non-empty string"):
            await pub.publish(subject, b"x")  # type: ignore[arg-type]  # wrong on purpose
