"""Demo section: one trace from a publish to its worker, and a Prometheus scrape."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

import jsm

if TYPE_CHECKING:
    from collections.abc import Callable

STREAM = "DEMO_OBS"
_NEEDED = ("opentelemetry.sdk", "prometheus_client")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


async def observability_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Trace an order from the publisher through a process span; scrape a stream check."""
    missing = [module for module in _NEEDED if not _installed(module)]
    if missing:
        say(f"needs {', '.join(missing)}: pip install 'jsm[otel,metrics]' opentelemetry-sdk")
        return
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from jsm.metrics import Exporter, ExporterConfig

    url = js.nc.connected_url
    server = f"nats://{url.hostname}:{url.port}" if url is not None else "nats://127.0.0.1:4222"
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    async with jsm.connect(server, tracing=provider) as traced:
        stream = await traced.streams.add(
            jsm.StreamConfig(name=STREAM, subjects=["demo.obs.>"], storage=jsm.StorageType.MEMORY)
        )
        worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="packer"))
        await traced.publish("demo.obs.order", b"one book")
        (msg,) = await worker.fetch(1, max_wait=5)
        with jsm.tracing.process(msg):
            await msg.ack()
        for span in spans.get_finished_spans():
            context, parent = span.context, span.parent
            me = f"{context.span_id:016x}"[:8] if context else "?"
            child_of = f", child of {parent.span_id:016x}"[:19] if parent else ""
            events = "".join(f" [{event.name}]" for event in span.events)
            say(f"span {me} {span.name!r} ({span.kind.name.lower()}){child_of}{events}")
        config = ExporterConfig.parse(
            f"checks: [{{name: obs, kind: stream, properties: {{stream_name: {STREAM}}}}}]"
        )
        exporter = Exporter(config, servers=server, host="127.0.0.1", port=0)
        async with exporter:
            text = (await exporter.scrape()).decode()
        status = next(
            line for line in text.splitlines() if line.startswith("nats_server_check_stream_status")
        )
        say(f"exporter at {exporter.url}: {status}")
        await traced.streams.delete(STREAM)
    provider.shutdown()
