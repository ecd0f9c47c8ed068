"""Consumer checks of priority groups on a real server: pinned clients and pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jsm
from jsm import CheckStatus
from tests.integration.consumer_helpers import make_stream, publish


async def _pinned(js: jsm.Manager, name: str, metadata: dict[str, str] | None) -> jsm.Consumer:
    stream = await make_stream(js, name)
    config = jsm.ConsumerConfig(
        durable_name="g",
        priority_groups=["jobs"],
        priority_policy=jsm.PriorityPolicy.PINNED_CLIENT,
        priority_timeout=timedelta(minutes=1),
        metadata=metadata,
    )
    return await stream.consumers.add(config)


async def test_pinned_metadata_wants_a_pinned_client(js: jsm.Manager, unique_name: str) -> None:
    consumer = await _pinned(js, unique_name, {"io.nats.monitor.pinned": "true"})
    before = await js.monitor.consumer(unique_name, "g")
    assert before.status is CheckStatus.CRITICAL, before.to_nagios()
    assert before.criticals == ["group jobs has no pinned client"]
    # an argument overrides the metadata
    relaxed = await js.monitor.consumer(unique_name, "g", pinned_expected=False)
    assert relaxed.status is CheckStatus.OK, relaxed.to_nagios()

    await publish(js, f"{unique_name}.a", 1)
    got = await consumer.fetch(1, max_wait=2, group="jobs")
    assert len(got) == 1 and consumer.pin_id is not None
    after = await js.monitor.consumer(unique_name, "g")
    assert after.status is CheckStatus.OK, after.to_nagios()
    assert f"group jobs pinned to {consumer.pin_id}" in after.ok_messages


async def test_bad_pinned_metadata_is_critical(js: jsm.Manager, unique_name: str) -> None:
    await _pinned(js, unique_name, {"io.nats.monitor.pinned": "maybe"})
    result = await js.monitor.consumer(unique_name, "g")
    assert result.criticals == ["metadata io.nats.monitor.pinned='maybe' is not true or false"]
    assert "group jobs has no pinned client" in result.ok_messages


async def test_pause_is_critical_when_asked(js: jsm.Manager, unique_name: str) -> None:
    await _pinned(js, unique_name, None)
    stream = await js.streams.get(unique_name)
    await stream.consumers.pause("g", datetime.now(UTC) + timedelta(minutes=5))
    assert (await js.monitor.consumer(unique_name, "g")).status is CheckStatus.WARNING
    critical = await js.monitor.consumer(unique_name, "g", paused_critical=True)
    assert critical.status is CheckStatus.CRITICAL
    assert critical.criticals[0].startswith("paused (")
