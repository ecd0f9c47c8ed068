"""Values a configuration takes, through a real server: text durations, sample_freq, and
bad values refused before anything is sent (edit, copy, update)."""

from __future__ import annotations

from datetime import timedelta

import pytest

import jsm
from jsm.errors import ConfigValidationError


def config(name: str, **fields: object) -> jsm.StreamConfig:
    return jsm.StreamConfig.model_validate({"name": name, "subjects": [f"{name}.>"]} | fields)


async def test_text_durations_reach_the_server_as_natscli_means_them(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await js.streams.add(config(unique_name, max_age="8760h", duplicate_window="1m30s"))
    info = await stream.info()
    assert info.config.max_age == timedelta(days=365)
    assert info.config.duplicate_window == timedelta(seconds=90)
    await stream.edit(max_age="1y")  # the same span: nothing changes
    assert (await stream.info()).config.max_age == timedelta(days=365)


@pytest.mark.parametrize(
    ("given", "sent"), [(100, "100%"), (25, "25%"), ("50", "50"), ("75%", "75%")]
)
async def test_sample_freq_reads_back_as_sent(
    js: jsm.Manager, unique_name: str, given: object, sent: str
) -> None:
    stream = await js.streams.add(config(unique_name))
    wanted = jsm.ConsumerConfig(durable_name="sampled", sample_freq=given)  # type: ignore[arg-type]  # an int is accepted at run time
    consumer = await stream.consumers.add(wanted)
    assert consumer.cached_info.config.sample_freq == sent
    assert (await consumer.info()).config.sample_freq == sent
    # Adding the same configuration again is idempotent: the server sees no change.
    again = await stream.consumers.add(wanted)
    assert again.cached_info.created == consumer.cached_info.created


async def test_edit_with_a_bad_value_is_refused_before_sending(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await js.streams.add(config(unique_name, max_age=timedelta(hours=1)))
    with pytest.raises(ConfigValidationError, match=r"max_age.*timedelta\(seconds=60\)"):
        await stream.edit(max_age=60)
    with pytest.raises(ConfigValidationError, match="292 years"):
        await stream.edit(max_age=timedelta(days=365 * 300))
    with pytest.raises(ConfigValidationError, match="max_msgs"):
        await stream.edit(max_msgs=None)
    assert (await stream.info()).config.max_age == timedelta(hours=1)


async def test_copy_with_a_bad_value_creates_nothing(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(config(unique_name))
    with pytest.raises(ConfigValidationError, match="max_bytes"):
        await stream.copy(f"{unique_name}_COPY", subjects=["copy.>"], max_bytes=float("nan"))
    assert await js.streams.names().collect() == [unique_name]


async def test_consumer_edit_with_a_bad_value_is_refused(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(config(unique_name))
    consumer = await stream.consumers.add(jsm.ConsumerConfig(durable_name="c"))
    with pytest.raises(ConfigValidationError, match="ack_wait"):
        await consumer.edit(ack_wait=30)
    with pytest.raises(ConfigValidationError, match="sample_freq"):
        await consumer.edit(sample_freq=150)
    await consumer.edit(sample_freq=10)
    assert (await consumer.info()).config.sample_freq == "10%"


async def test_bucket_configs_take_text_durations(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, ttl="1h"))  # type: ignore[arg-type]  # text is accepted at run time
    assert (await kv.status()).ttl == timedelta(hours=1)
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name, ttl="2d"))  # type: ignore[arg-type]  # text is accepted at run time
    assert (await store.status()).ttl == timedelta(days=2)
