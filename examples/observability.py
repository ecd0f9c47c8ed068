"""Observability: one trace across a publisher, a worker and a service; a Prometheus exporter.

Run: python examples/observability.py [nats://127.0.0.1:4222]
(needs the otel and metrics extras and opentelemetry-sdk; nothing leaves this machine:
the spans are kept in memory and printed as a tree, and the exporter listens on loopback)
"""

from __future__ import annotations

import asyncio
import sys
import urllib.request
from typing import TYPE_CHECKING

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

import jsm
import jsm.metrics

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

STREAM = "EXAMPLE_OBS_ORDERS"


async def main(url: str) -> None:
    spans = InMemorySpanExporter()  # ConsoleSpanExporter() prints each span instead
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracer = provider.get_tracer("example")
    # Usually: trace.set_tracer_provider(provider) once, and jsm traces by default.
    async with (
        jsm.connect(url, tracing=provider) as shop,
        jsm.connect(url, tracing=provider) as warehouse,
    ):
        await shop.streams.add(jsm.StreamConfig(name=STREAM, subjects=["obs.orders.>"]))
        try:
            await trace_an_order(shop, warehouse, tracer)
            await export_metrics(url)
        finally:
            await shop.streams.delete(STREAM)
    print_tree(spans.get_finished_spans())


async def trace_an_order(shop: jsm.Manager, warehouse: jsm.Manager, tracer: Tracer) -> None:
    """The shop publishes an order; the warehouse handles it and asks the stock service."""
    stock = warehouse.services.add("stock", "1.0.0")

    @stock.endpoint("reserve", subject="obs.stock.reserve")
    async def reserve(item: bytes) -> bytes:
        return b"reserved " + item

    worker = await (await warehouse.streams.get(STREAM)).consumers.add(
        jsm.ConsumerConfig(durable_name="packer")
    )
    with tracer.start_as_current_span("checkout"):
        ack = await shop.publish("obs.orders.eu", b"book", msg_id="order-1")
    print(f"published order-1 as message {ack.seq} of {ack.stream}")

    @jsm.tracing.processor  # the handling is a process span, child of the publish
    async def pack(msg: jsm.Msg) -> None:
        answer = await warehouse.services.request("obs.stock.reserve", msg.data)
        print(f"packing {msg.data.decode()}: {answer.decode()}")
        await msg.ack()  # an event on the process span

    async with stock.run(), worker.consume() as messages:
        async for msg in messages:
            await pack(msg)
            break


async def export_metrics(url: str) -> None:
    """Serve /metrics for two natscli-style checks and scrape it once."""
    config = jsm.metrics.ExporterConfig.parse(
        f"""
checks:
  - name: orders
    kind: stream
    properties: {{stream_name: {STREAM}, messages_warn: 100, messages_critical: 1000}}
  - name: packer
    kind: consumer
    properties: {{stream_name: {STREAM}, consumer_name: packer, ack_outstanding_critical: 10}}
"""
    )
    async with jsm.metrics.Exporter(config, servers=url, host="127.0.0.1", port=0) as exporter:
        text = await asyncio.to_thread(_get, exporter.url)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.endswith("status_code"):
                print(f"metric {sample.name}{dict(sample.labels)} = {sample.value:g}")


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode())


def print_tree(finished: tuple[ReadableSpan, ...]) -> None:
    """Print the spans as trees: each under its parent, traces apart."""
    by_id = {span.context.span_id: span for span in finished if span.context is not None}
    children: dict[int | None, list[ReadableSpan]] = {}
    for span in finished:
        parent = span.parent.span_id if span.parent and span.parent.span_id in by_id else None
        children.setdefault(parent, []).append(span)

    def show(span: ReadableSpan, depth: int) -> None:
        kind = span.kind.name.lower()
        print(f"{'  ' * depth}{span.name} ({kind}){''.join(f' [{e.name}]' for e in span.events)}")
        for child in sorted(
            children.get(span.context.span_id if span.context else None, []), key=_start
        ):
            show(child, depth + 1)

    for root in sorted(children.get(None, []), key=_start):
        show(root, 0)


def _start(span: ReadableSpan) -> int:
    return span.start_time or 0


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "nats://127.0.0.1:4222"))
