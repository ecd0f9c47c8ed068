"""Bad input to consumers: clear, typed errors that name the stream and consumer."""

from __future__ import annotations

from datetime import timedelta

import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream, publish


async def test_filter_outside_the_stream_subjects_is_refused(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    with pytest.raises(errors.InvalidOptionError, match="matches none") as caught:
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="f", filter_subject="other.>"))
    assert unique_name in str(caught.value)
    with pytest.raises(errors.InvalidOptionError, match=r"other\.a"):
        await stream.consumers.add(
            jsm.ConsumerConfig(durable_name="f", filter_subjects=[f"{unique_name}.a", "other.a"])
        )
    assert await stream.consumers.names().collect() == []
    ok = await stream.consumers.add(jsm.ConsumerConfig(durable_name="f", filter_subject="*.a"))
    assert ok.config.filter_subject == "*.a"


async def test_consumer_on_a_missing_stream(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    await stream.delete()
    with pytest.raises(errors.StreamNotFoundError, match=unique_name):
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="x"))
    with pytest.raises(errors.StreamNotFoundError):
        await stream.consumers.names().collect()


async def test_local_checks_create_nothing(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    with pytest.raises(errors.InvalidOptionError, match="opt_start_seq"):
        await stream.consumers.add(
            jsm.ConsumerConfig(durable_name="x", deliver_policy=jsm.DeliverPolicy.BY_START_SEQUENCE)
        )
    with pytest.raises(errors.InvalidOptionError, match="pull consumers"):
        await stream.consumers.add(
            jsm.ConsumerConfig(durable_name="x", deliver_subject="d.x", max_waiting=10)
        )
    with pytest.raises(errors.InvalidNameError):
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="bad.name"))
    with pytest.raises(errors.InvalidOptionError, match="name"):
        await stream.consumers.update(jsm.ConsumerConfig())
    with pytest.raises(errors.InvalidNameError):
        await stream.consumers.get("a b")
    assert await stream.consumers.names().collect() == []


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"batch": 0}, "batch"),
        ({"batch": 1, "max_wait": 0.001}, "max_wait"),
        ({"batch": 1, "max_bytes": 0}, "max_bytes"),
        ({"batch": 1, "max_wait": 1, "heartbeat": 0.8}, "half of max_wait"),
        ({"batch": 1, "heartbeat": 0.1}, "heartbeat"),
    ],
    ids=["zero-batch", "tiny-wait", "zero-bytes", "big-heartbeat", "tiny-heartbeat"],
)
async def test_fetch_options_are_checked_before_the_wire(
    js: jsm.Manager, unique_name: str, options: dict[str, object], match: str
) -> None:
    stream = await make_stream(js, unique_name)
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
    batch = options.pop("batch")
    with pytest.raises(errors.InvalidOptionError, match=match):
        await worker.fetch(batch, **options)  # type: ignore[arg-type]  # options vary by case


async def test_pull_beyond_the_consumer_limits_names_the_limit(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    worker = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="w", max_batch=5, max_expires=timedelta(seconds=2))
    )
    with pytest.raises(errors.InvalidOptionError, match="MaxRequestBatch"):
        await worker.fetch(10, max_wait=1)
    with pytest.raises(errors.InvalidOptionError, match="MaxRequestExpires"):
        await worker.fetch(1, max_wait=5)
    with pytest.raises(errors.InvalidOptionError, match="max_batch"):
        async with worker.consume(max_messages=10, expires=1) as messages:
            async for _ in messages:
                pass


async def test_bad_ack_options(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
    await publish(js, f"{unique_name}.a", 1)
    (msg,) = await worker.fetch(1, max_wait=2)
    with pytest.raises(errors.InvalidOptionError, match="delay"):
        await msg.nak(delay=-1)
    assert not msg.is_acked
    await msg.ack()
