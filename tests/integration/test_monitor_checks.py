"""Health checks on a real server: each check OK, and WARNING/CRITICAL by its thresholds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import CheckKind, CheckStatus
from tests.integration.monitor_helpers import poll_status, stream_with

if TYPE_CHECKING:
    from jsm.testing import NatsServer

OK, WARNING, CRITICAL, UNKNOWN = (
    CheckStatus.OK,
    CheckStatus.WARNING,
    CheckStatus.CRITICAL,
    CheckStatus.UNKNOWN,
)


async def test_stream_ok_without_thresholds(js: jsm.Manager, unique_name: str) -> None:
    await stream_with(js, unique_name, messages=2)
    result = await js.monitor.stream(unique_name)
    assert result.status is OK, result.to_nagios()
    assert result.kind is CheckKind.STREAM and result.name == unique_name
    assert result.exit_code == 0
    assert result.to_nagios().startswith(f"OK STREAM {unique_name}: ")


async def test_stream_message_count_thresholds(js: jsm.Manager, unique_name: str) -> None:
    await stream_with(js, unique_name, messages=3)
    # fewer is worse: at or below the thresholds (jsm.go's msgs-warn / msgs-critical)
    assert (await js.monitor.stream(unique_name, msgs_warn=2, msgs_critical=1)).status is OK
    assert (await js.monitor.stream(unique_name, msgs_warn=3, msgs_critical=1)).status is WARNING
    low = await js.monitor.stream(unique_name, msgs_critical=3)
    assert low.status is CRITICAL and "3 messages" in low.criticals
    # more is worse when warn is below critical
    high = await js.monitor.stream(unique_name, msgs_warn=2, msgs_critical=10)
    assert high.status is WARNING
    assert (await js.monitor.stream(unique_name, msgs_warn=1, msgs_critical=3)).status is CRITICAL
    perf = {p.name: p for p in high.perf_data}
    assert perf["messages"].value == 3 and perf["messages"].warn == 2
    assert perf["messages"].crit == 10


async def test_stream_subjects_and_message_age(js: jsm.Manager, unique_name: str) -> None:
    await stream_with(js, unique_name, messages=4)
    assert (await js.monitor.stream(unique_name, subjects_critical=10)).status is OK
    assert (await js.monitor.stream(unique_name, subjects_warn=4)).status is WARNING
    assert (await js.monitor.stream(unique_name, subjects_critical=4)).status is CRITICAL
    fresh = await js.monitor.stream(unique_name, msg_age_critical=3600)
    assert fresh.status is OK
    age = next(p for p in fresh.perf_data if p.name == "message_age")
    assert age.unit == "s" and age.crit == 3600
    # a message stored before the check is older than a nanosecond
    stale = await js.monitor.stream(unique_name, msg_age_warn=1e-6, msg_age_critical=3600)
    assert stale.status is WARNING


async def test_stream_message_age_on_empty_stream(js: jsm.Manager, unique_name: str) -> None:
    await stream_with(js, unique_name)
    result = await js.monitor.stream(unique_name, msg_age_critical=60)
    assert result.status is CRITICAL
    assert any("no messages" in m for m in result.criticals)


async def test_stream_thresholds_from_metadata(js: jsm.Manager, unique_name: str) -> None:
    metadata = {"io.nats.monitor.msgs-critical": "5", "io.nats.monitor.subjects-warn": "2"}
    await stream_with(js, unique_name, messages=3, metadata=metadata)
    by_metadata = await js.monitor.stream(unique_name)
    assert by_metadata.status is CRITICAL
    assert "3 messages" in by_metadata.criticals and "3 subjects" in by_metadata.warnings
    # arguments override the metadata
    overridden = await js.monitor.stream(unique_name, msgs_critical=1, subjects_warn=10)
    assert overridden.status is OK, overridden.to_nagios()


async def test_stream_bad_metadata_is_critical(js: jsm.Manager, unique_name: str) -> None:
    await stream_with(js, unique_name, metadata={"io.nats.monitor.seen-critical": "soon"})
    result = await js.monitor.stream(unique_name)
    assert result.status is CRITICAL
    assert "io.nats.monitor.seen-critical" in result.criticals[0]


async def test_missing_things_are_critical_not_errors(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.monitor.stream(unique_name)
    assert stream.status is CRITICAL and "not found" in stream.criticals[0]
    consumer = await js.monitor.consumer(unique_name, "C")
    assert consumer.status is CRITICAL and f"stream '{unique_name}'" in consumer.criticals[0]
    await stream_with(js, unique_name)
    consumer = await js.monitor.consumer(unique_name, "C")
    assert consumer.status is CRITICAL and "consumer 'C'" in consumer.criticals[0]
    bucket = await js.monitor.kv(unique_name)
    assert bucket.status is CRITICAL and "not found" in bucket.criticals[0]


async def test_mirror_lag_and_activity(js: jsm.Manager, unique_name: str) -> None:
    origin = f"{unique_name}_O"
    await stream_with(js, origin, messages=5)
    mirror = f"{unique_name}_M"
    await js.streams.add(jsm.StreamConfig(name=mirror, mirror=jsm.StreamSource(name=origin)))

    async def check() -> jsm.CheckResult:
        return await js.monitor.stream(mirror, lag_critical=1, msgs_critical=4)

    caught_up = await poll_status(check, OK)
    perf = {p.name: p for p in caught_up.perf_data}
    assert perf["mirror_lag"].value == 0 and perf["mirror_lag"].crit == 1
    assert any(m.startswith(f"mirror {origin}") for m in caught_up.ok_messages)
    # lag_critical=0 makes any lag (even none) critical: the threshold is "at or above"
    assert (await js.monitor.stream(mirror, lag_critical=0)).status is CRITICAL
    # a mirror that has heard from its origin within an hour is active
    assert (await js.monitor.stream(mirror, seen_critical=3600)).status is OK


async def test_sources_count(js: jsm.Manager, unique_name: str) -> None:
    a, b = f"{unique_name}_A", f"{unique_name}_B"
    await stream_with(js, a, messages=1)
    await stream_with(js, b, messages=1)
    agg = f"{unique_name}_G"
    await js.streams.add(
        jsm.StreamConfig(name=agg, sources=[jsm.StreamSource(name=a), jsm.StreamSource(name=b)])
    )
    assert (await js.monitor.stream(agg, min_sources=2, max_sources=2)).status is OK
    few = await js.monitor.stream(agg, min_sources=3)
    assert few.status is CRITICAL and "2 sources (at least 3 expected)" in few.criticals
    assert (await js.monitor.stream(agg, max_sources=1)).status is CRITICAL
    assert (await js.monitor.stream(a, min_sources=1)).status is CRITICAL


async def test_consumer_outstanding_acks_and_redelivery(js: jsm.Manager, unique_name: str) -> None:
    stream = await stream_with(js, unique_name, messages=3)
    consumer = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="C", ack_policy=jsm.AckPolicy.EXPLICIT)
    )
    quiet = await js.monitor.consumer(unique_name, "C", outstanding_ack_critical=1)
    assert quiet.status is OK, quiet.to_nagios()
    never = await js.monitor.consumer(unique_name, "C", last_delivery_critical=60)
    assert never.status is CRITICAL and "no delivery yet" in never.criticals
    msgs = await consumer.fetch(2, max_wait=5)
    assert len(msgs) == 2
    busy = await js.monitor.consumer(unique_name, "C", outstanding_ack_critical=2)
    assert busy.status is CRITICAL and "ack pending: 2" in busy.criticals
    perf = {p.name: p.value for p in busy.perf_data}
    assert perf["ack_pending"] == 2 and perf["pending"] == 1
    assert "last_delivery" in perf
    assert (await js.monitor.consumer(unique_name, "C", unprocessed_critical=1)).status is CRITICAL
    assert (await js.monitor.consumer(unique_name, "C", last_delivery_critical=3600)).status is OK
    for msg in msgs:
        await msg.ack_sync()
    acked = await js.monitor.consumer(
        unique_name, "C", outstanding_ack_critical=1, last_ack_critical=3600
    )
    assert acked.status is OK, acked.to_nagios()


async def test_consumer_waiting_pulls_and_metadata(js: jsm.Manager, unique_name: str) -> None:
    stream = await stream_with(js, unique_name)
    consumer = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="C", metadata={"io.nats.monitor.waiting-critical": "1"})
    )
    assert (await js.monitor.consumer(unique_name, "C")).status is OK
    got: list[jsm.Msg] = []

    async def pull() -> None:
        got.extend(await consumer.fetch(1, max_wait=30))

    async def check() -> jsm.CheckResult:
        return await js.monitor.consumer(unique_name, "C")

    async with anyio.create_task_group() as tg:
        tg.start_soon(pull)
        waiting = await poll_status(check, CRITICAL)
        assert "waiting pulls: 1" in waiting.criticals
        overridden = await js.monitor.consumer(unique_name, "C", waiting_critical=5)
        assert overridden.status is OK
        await js.publish(f"{unique_name}.x", b"done")
    assert [m.data for m in got] == [b"done"]


async def test_consumer_paused_is_a_warning(js: jsm.Manager, unique_name: str) -> None:
    stream = await stream_with(js, unique_name)
    await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="C", pause_until=datetime.now(UTC) + timedelta(hours=1))
    )
    paused = await js.monitor.consumer(unique_name, "C")
    assert paused.status is WARNING and paused.warnings[0].startswith("paused")
    strict = await js.monitor.consumer(unique_name, "C", paused_critical=True)
    assert strict.status is CRITICAL


async def test_kv_bucket_and_key_presence(js: jsm.Manager, unique_name: str) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    await kv.put("present", b"1")
    await kv.put("gone", b"1")
    await kv.delete("gone")
    ok = await js.monitor.kv(unique_name, key="present")
    assert ok.status is OK and any(m.startswith("key 'present' present") for m in ok.ok_messages)
    missing = await js.monitor.kv(unique_name, key="absent")
    assert missing.status is CRITICAL and "key 'absent' not found" in missing.criticals[0]
    deleted = await js.monitor.kv(unique_name, key="gone")
    assert deleted.status is CRITICAL
    assert (await js.monitor.kv(unique_name, values_critical=1)).status is OK
    assert (await js.monitor.kv(unique_name, values_critical=3)).status is CRITICAL
    assert (await js.monitor.kv(unique_name, values_warn=1, values_critical=10)).status is WARNING


async def test_account_limits_usage(nats_server: NatsServer, unique_name: str) -> None:
    async with jsm.connect(nats_server.client_url) as js:
        info = await js.account_info()
        result = await js.monitor.account()
        assert result.status is OK, result.to_nagios()
        if info.limits.max_streams > 0:
            assert any(p.name == "streams_used_percent" for p in result.perf_data)


async def test_server_and_meta_need_the_system_account(nats_server_fresh: NatsServer) -> None:
    # A server of its own: the shared one's health also reflects other tests' churn
    # (nats-server 2.15 can leave a quickly re-created and deleted stream's directory
    # behind, and HEALTHZ then reports it as not recovered).
    async with jsm.connect(nats_server_fresh.client_url) as js:
        server = await js.monitor.server()
        assert server.status is UNKNOWN and "system account" in server.unknowns[0]
        meta = await js.monitor.meta()
        assert meta.status is UNKNOWN
    async with jsm.connect(nats_server_fresh.system_url) as sys:
        healthy = await sys.monitor.server(expect=1)
        assert healthy.status is OK, healthy.to_nagios()
        short = await sys.monitor.server(expect=2, timeout=3)
        assert short.status is CRITICAL and "1 of 2 servers answered" in short.criticals


async def test_bad_thresholds_raise_before_the_wire(js: jsm.Manager) -> None:
    with pytest.raises(jsm.errors.InvalidOptionError, match="msgs_warn"):
        await js.monitor.stream("S", msgs_warn=-1)
    with pytest.raises(jsm.errors.InvalidOptionError, match="seen_critical"):
        await js.monitor.stream("S", seen_critical=0)
    with pytest.raises(jsm.errors.InvalidOptionError, match="last_ack_critical"):
        await js.monitor.consumer("S", "C", last_ack_critical=-2.0)
    with pytest.raises(jsm.errors.InvalidOptionError, match="percentage"):
        await js.monitor.account(memory_warn=120)
    with pytest.raises(jsm.errors.InvalidOptionError, match="timeout"):
        await js.monitor.kv("B", timeout=0)
    with pytest.raises(jsm.errors.InvalidNameError):
        await js.monitor.stream("a.b")


async def test_result_renders_every_way(js: jsm.Manager, unique_name: str) -> None:
    await stream_with(js, unique_name, messages=2)
    result = await js.monitor.stream(unique_name, msgs_warn=5, msgs_critical=1)
    assert result.status is WARNING and result.exit_code == 1
    assert jsm.CheckResult.from_json(result.to_json()) == result
    assert json.loads(result.to_json())["status"] == 1
    assert " messages=2;5;1" in result.to_nagios().split(" | ")[1]
    assert f'jsm_monitor_stream_status_code{{item="{unique_name}"}} 1.0' in result.to_prometheus()


async def test_unreachable_jetstream_is_unknown(nats_server: NatsServer) -> None:
    # a domain nobody serves: no responders, so every check says it could not ask
    async with jsm.connect(nats_server.client_url, domain="nowhere", timeout=1) as js:
        checks = [
            await js.monitor.stream("S"),
            await js.monitor.consumer("S", "C"),
            await js.monitor.kv("B", key="k"),
            await js.monitor.account(),
        ]
    for result in checks:
        assert result.status is UNKNOWN, result.to_nagios()
        assert result.exit_code == 3 and result.unknowns
        assert result.to_nagios().startswith(f"UNKNOWN {result.kind.value.upper()} ")
    text = jsm.monitor.prometheus_text(checks)
    assert text.count("# TYPE jsm_monitor_") == 4
    assert 'jsm_monitor_kv_status_code{item="B"} 3.0' in text


async def test_source_never_seen_is_critical_until_it_appears(
    js: jsm.Manager, unique_name: str
) -> None:
    upstream = f"{unique_name}_U"
    agg = f"{unique_name}_G"
    await js.streams.add(jsm.StreamConfig(name=agg, sources=[jsm.StreamSource(name=upstream)]))
    assert (await js.monitor.stream(agg)).status is OK
    silent = await js.monitor.stream(agg, seen_critical=60)
    assert silent.status is CRITICAL
    assert f"source {upstream} last seen never" in silent.criticals
    counts = {p.name: p.value for p in silent.perf_data}
    assert (counts["sources_inactive"], counts["sources_lagged"], counts["sources_failing"]) == (
        1,
        0,
        0,
    )
    await stream_with(js, upstream, messages=2)

    async def check() -> jsm.CheckResult:
        return await js.monitor.stream(agg, seen_critical=60, lag_critical=1, msgs_critical=1)

    healthy = await poll_status(check, OK)
    assert f"source {upstream} lag 0" in healthy.ok_messages
