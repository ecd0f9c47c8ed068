"""Health checks through a JetStream domain (hub → leaf) and an imported API prefix."""

from __future__ import annotations

import pytest

import jsm
from jsm import CheckStatus
from tests.integration.monitor_helpers import poll_status, stream_with


async def _exercise(js: jsm.Manager, name: str, prefix: str) -> None:
    stream = await stream_with(js, name, messages=2, subject_prefix=prefix)
    consumer = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="C", ack_policy=jsm.AckPolicy.EXPLICIT)
    )
    ok = await js.monitor.stream(name, msgs_critical=1, subjects_critical=5)
    assert ok.status is CheckStatus.OK, ok.to_nagios()
    assert (await js.monitor.stream(name, msgs_critical=2)).status is CheckStatus.CRITICAL
    msgs = await consumer.fetch(2, max_wait=5)
    assert len(msgs) == 2
    busy = await js.monitor.consumer(name, "C", outstanding_ack_critical=2)
    assert busy.status is CheckStatus.CRITICAL and "ack pending: 2" in busy.criticals
    for msg in msgs:
        await msg.ack_sync()
    done = await js.monitor.consumer(name, "C", outstanding_ack_critical=1, last_ack_critical=3600)
    assert done.status is CheckStatus.OK, done.to_nagios()
    missing = await js.monitor.consumer(name, "nope")
    assert missing.status is CheckStatus.CRITICAL

    bucket = f"B{name}"
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=bucket))
    await kv.put("k", b"v")
    assert (await js.monitor.kv(bucket, key="k")).status is CheckStatus.OK
    assert (await js.monitor.kv(bucket, key="absent")).status is CheckStatus.CRITICAL
    assert (await js.monitor.kv(f"{bucket}X")).status is CheckStatus.CRITICAL

    account = await js.monitor.account()
    assert account.status is CheckStatus.OK, account.to_nagios()


async def test_checks_through_a_domain(js_leaf: jsm.Manager, unique_name: str) -> None:
    assert js_leaf.domain == "leaf"
    await _exercise(js_leaf, unique_name, unique_name)


async def test_checks_through_an_api_prefix(js_imported: jsm.Manager, unique_name: str) -> None:
    assert js_imported.api_prefix
    await _exercise(js_imported, unique_name, f"imp.{unique_name}")


async def test_mirror_check_through_a_domain(js_leaf: jsm.Manager, unique_name: str) -> None:
    origin = f"{unique_name}_O"
    await stream_with(js_leaf, origin, messages=3)
    mirror = f"{unique_name}_M"
    await js_leaf.streams.add(jsm.StreamConfig(name=mirror, mirror=jsm.StreamSource(name=origin)))
    result = await poll_status(
        lambda: js_leaf.monitor.stream(mirror, lag_critical=1, msgs_critical=2), CheckStatus.OK
    )
    assert {p.name: p.value for p in result.perf_data}["mirror_lag"] == 0


@pytest.mark.parametrize("kind", ["server", "meta"])
async def test_system_checks_are_unknown_outside_the_system_account(
    js_imported: jsm.Manager, kind: str
) -> None:
    check = js_imported.monitor.server if kind == "server" else js_imported.monitor.meta
    result = await check(timeout=1)
    assert result.status is CheckStatus.UNKNOWN and result.exit_code == 3
    assert result.to_nagios().startswith(f"UNKNOWN {kind.upper()} ")
