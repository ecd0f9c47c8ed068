"""Prometheus metrics on real servers: the exporter scraped over HTTP(S), and the collector.

Scrapes go through urllib (in a worker thread) and are parsed with prometheus-client's
own text parser, as Prometheus would read them.
"""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import anyio
import pytest
import trustme
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

import jsm
import jsm.metrics
from jsm.testing import run_cluster

if TYPE_CHECKING:
    from jsm.testing import NatsServer

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    found = [value for (n, ls), value in samples.items() if n == name and wanted <= ls]
    assert len(found) == 1, (name, labels, sorted(n for n, _ in samples))
    return found[0]


async def _scrape(url: str, context: ssl.SSLContext | None = None) -> tuple[int, str]:
    def get() -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url, timeout=30, context=context) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    return await anyio.to_thread.run_sync(get)


def _config(stream: str, *, extra: str = "") -> jsm.metrics.ExporterConfig:
    return jsm.metrics.ExporterConfig.parse(
        f"""
checks:
  - name: orders
    kind: stream
    properties:
      stream_name: {stream}
      messages_critical: 100
      messages_warn: 50
  - name: worker
    kind: consumer
    properties:
      stream_name: {stream}
      consumer_name: worker
      ack_outstanding_critical: 10
  - name: config
    kind: kv
    properties:
      bucket: {stream}
      key: color
  - name: account
    kind: jetstream
    properties:
      memory_critical: 90
{extra}"""
    )


async def test_exporter_serves_check_metrics_over_http(
    nats_server: NatsServer, js: jsm.Manager, unique_name: str
) -> None:
    stream = await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    await stream.consumers.add(jsm.ConsumerConfig(durable_name="worker"))
    for n in range(3):
        await js.publish(f"{unique_name}.{n}", b"x")
    bucket = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    exporter = jsm.metrics.Exporter(
        _config(unique_name), servers=nats_server.client_url, host="127.0.0.1", port=0
    )
    async with exporter:
        assert exporter.port > 0 and exporter.url.endswith(f":{exporter.port}/metrics")
        status, text = await _scrape(exporter.url)
        assert status == 200
        samples = _samples(text)
        ns = "nats_server_check"
        assert _value(samples, f"{ns}_stream_status_code", item="orders", status="OK") == 0
        assert _value(samples, f"{ns}_stream_messages", item="orders") == 3
        assert _value(samples, f"{ns}_stream_messages_critical", item="orders") == 100
        assert _value(samples, f"{ns}_consumer_status_code", item="worker") == 0
        assert _value(samples, f"{ns}_consumer_ack_pending", item="worker") == 0
        # the key is missing: CRITICAL, and the value says so
        assert _value(samples, f"{ns}_kv_status_code", item="config", status="CRITICAL") == 2
        assert _value(samples, f"{ns}_jetstream_status_code", item="account") == 0

        await bucket.put("color", b"blue")
        status, text = await _scrape(exporter.url)
        assert _value(_samples(text), f"{ns}_kv_status_code", item="config", status="OK") == 0
        assert exporter.scrapes == 2

        assert (await _scrape(exporter.url.replace("/metrics", "/nope")))[0] == 404
        assert (await _scrape(exporter.url.replace("/metrics", "/")))[0] == 200
    await js.kv.delete(unique_name)


async def test_exporter_serves_https_and_reports_a_connection_it_cannot_open(
    nats_server: NatsServer, js: jsm.Manager, unique_name: str, tmp_path: object
) -> None:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    config = jsm.metrics.ExporterConfig.parse(
        "checks:\n  - {name: orders, kind: stream, properties: {stream_name: ORDERS}}\n"
    )
    exporter = jsm.metrics.Exporter(
        config,
        servers="nats://127.0.0.1:1",  # nothing listens there
        host="127.0.0.1",
        port=0,
        tls=server_context,
        namespace="jsm_checks",
    )
    async with exporter:
        assert exporter.url.startswith("https://")
        status, text = await _scrape(exporter.url, client_context)
        assert status == 200
        samples = _samples(text)
        assert _value(samples, "jsm_checks_stream_status_code", item="orders", status="CRITICAL")
        # a plain-HTTP client cannot talk to it, and the exporter goes on serving
        with pytest.raises(OSError):
            await _scrape(exporter.url.replace("https://", "http://"))
        assert (await _scrape(exporter.url, client_context))[0] == 200


async def test_exporter_opens_natscli_contexts_through_connect(
    nats_server: NatsServer, js: jsm.Manager, unique_name: str
) -> None:
    await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    config = jsm.metrics.ExporterConfig.parse(
        f"""
context: app
checks:
  - {{name: orders, kind: stream, properties: {{stream_name: {unique_name}}}}}
  - {{name: meta, kind: meta, context: system}}
"""
    )
    with pytest.raises(jsm.errors.InvalidOptionError, match="app, system"):
        jsm.metrics.Exporter(config, port=0)
    opened: list[str | None] = []

    def connect(context: str | None) -> jsm.connect:
        opened.append(context)
        url = nats_server.system_url if context == "system" else nats_server.client_url
        return jsm.connect(url)

    exporter = jsm.metrics.Exporter(config, connect=connect, host="127.0.0.1", port=0)
    async with exporter:
        for _ in range(2):
            samples = _samples((await _scrape(exporter.url))[1])
    assert sorted(opened, key=str) == ["app", "system"]  # opened once, kept
    assert _value(samples, "nats_server_check_stream_status_code", item="orders") == 0
    # asked through the system account; a lone server has no meta group leader
    assert _value(samples, "nats_server_check_meta_status_code", item="meta", status="CRITICAL")


async def test_a_stopped_cluster_node_turns_the_exporters_check_critical(unique_name: str) -> None:
    cluster = run_cluster(3, name="EXPORTER")
    async with cluster, jsm.connect(cluster.urls[0], timeout=10) as js:
        await js.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], num_replicas=3)
        )
        await js.publish(f"{unique_name}.1", b"x")
        config = jsm.metrics.ExporterConfig.parse(
            f"checks:\n  - {{name: orders, kind: stream, properties: {{stream_name: {unique_name}}}}}\n"
            "  - {name: meta, kind: meta, context: system}\n"
        )

        def connect(context: str | None) -> jsm.connect:
            urls = cluster.system_urls[0] if context == "system" else cluster.urls[0]
            return jsm.connect(urls, timeout=5)

        exporter = jsm.metrics.Exporter(config, connect=connect, host="127.0.0.1", port=0)

        async def statuses() -> tuple[float, float]:
            samples = _samples((await _scrape(exporter.url))[1])
            return (
                _value(samples, "nats_server_check_stream_status_code", item="orders"),
                _value(samples, "nats_server_check_meta_status_code", item="meta"),
            )

        async def until(wanted: tuple[float, float]) -> None:
            with anyio.fail_after(60):
                while True:
                    if await statuses() == wanted:
                        return
                    await anyio.sleep(0.5)

        async with exporter:
            await until((0, 0))
            await anyio.to_thread.run_sync(cluster.stop_node, 2)
            try:
                await until((2, 2))
                samples = _samples((await _scrape(exporter.url))[1])
                assert _value(samples, "nats_server_check_stream_peer_offline", item="orders") == 1
            finally:
                await anyio.to_thread.run_sync(cluster.start_node, 2)
            await until((0, 0))
        await js.streams.delete(unique_name)


async def test_collector_exports_checks_and_state_in_an_applications_registry(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="worker"))
    for n in range(5):
        await js.publish(f"{unique_name}.{n}", b"12345")
    (first,) = await worker.fetch(1, max_wait=5)
    await first.ack()
    collector = jsm.metrics.JetStreamCollector(
        js,
        checks=[
            jsm.metrics.Check(
                "orders", "stream", properties={"stream_name": unique_name, "messages_critical": 10}
            ),
            lambda manager: manager.monitor.consumer(unique_name, "worker"),
        ],
        streams=[unique_name],
    )
    registry = CollectorRegistry()
    registry.register(collector)
    assert generate_latest(registry) == b""  # nothing until the first refresh
    async with collector.running(interval=60):
        samples = _samples(generate_latest(registry).decode())
    assert _value(samples, "nats_server_check_stream_status_code", item="orders") == 2
    assert (
        _value(samples, "nats_server_check_consumer_status_code", item=f"{unique_name}.worker") == 0
    )
    assert _value(samples, "jsm_stream_messages", stream=unique_name) == 5
    assert _value(samples, "jsm_stream_last_seq", stream=unique_name) == 5
    assert _value(samples, "jsm_stream_consumers", stream=unique_name) == 1
    assert _value(samples, "jsm_stream_current_replicas", stream=unique_name) == 1
    state = {"stream": unique_name, "consumer": "worker"}
    assert _value(samples, "jsm_consumer_num_pending", **state) == 4
    assert _value(samples, "jsm_consumer_ack_floor_stream_seq", **state) == 1
    assert _value(samples, "jsm_consumer_paused", **state) == 0
    assert [r.status for r in collector.results] == [jsm.CheckStatus.CRITICAL, jsm.CheckStatus.OK]


async def test_collector_of_every_stream(js: jsm.Manager, unique_name: str) -> None:
    for suffix in ("A", "B"):
        await js.streams.add(
            jsm.StreamConfig(name=f"{unique_name}{suffix}", subjects=[f"{unique_name}.{suffix}"])
        )
    collector = jsm.metrics.JetStreamCollector(js, streams=True, state_namespace="app_js")
    await collector.refresh()
    registry = CollectorRegistry()
    registry.register(collector)
    samples = _samples(generate_latest(registry).decode())
    for suffix in ("A", "B"):
        assert _value(samples, "app_js_stream_messages", stream=f"{unique_name}{suffix}") == 0
