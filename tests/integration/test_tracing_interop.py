"""Traces across clients and processes: a context from another client, and when tracing is on.

A message published by nats.js (when node and ``@nats-io/transport-node`` are installed,
e.g. through ``NODE_PATH``; otherwise by nats-py, as any client following the W3C
convention writes it) continues its trace in jsm. The default (``tracing=None``) is
checked in subprocesses, which may set the process-wide tracer provider.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import anyio
import nats
import pytest

import jsm
from tests.conftest import _checked_manager
from tests.integration.tracing_helpers import Spans, context_of, parent_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import NatsServer

TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
SPAN_ID = 0x00F067AA0BA902B7
TRACEPARENT = f"00-{TRACE_ID:032x}-{SPAN_ID:016x}-01"

_NODE_PUBLISH = """
const { connect, headers } = require("@nats-io/transport-node");
(async () => {
  const [url, subject, traceparent] = process.argv.slice(1);
  const nc = await connect({ servers: url });
  const h = headers();
  h.set("traceparent", traceparent);
  h.set("tracestate", "vendor=nats-js");
  nc.publish(subject, "from nats.js", { headers: h });
  await nc.flush();
  await nc.close();
})().catch((err) => { console.error(err); process.exit(1); });
"""


def _nats_js() -> str | None:
    """The node executable, if it can load nats.js's transport."""
    node = shutil.which("node")
    if node is None:
        return None
    found = subprocess.run(
        [node, "-e", "require.resolve('@nats-io/transport-node')"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return node if found.returncode == 0 else None


@pytest.fixture
async def traced(nats_server: NatsServer, spans: Spans) -> AsyncIterator[jsm.Manager]:
    async for manager in _checked_manager(nats_server.client_url, tracing=spans.provider):
        yield manager


async def _publish_from_another_client(url: str, subject: str, headers: dict[str, str]) -> str:
    node = _nats_js()
    if node is not None:
        result = await anyio.run_process(
            [node, "-e", _NODE_PUBLISH, url, subject, headers["traceparent"]], check=False
        )
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        return "nats.js"
    nc = await nats.connect(url)
    try:
        await nc.publish(subject, b"from nats-py", headers=headers)
        await nc.flush()
    finally:
        await nc.close()
    return "nats-py"


async def test_a_trace_started_by_another_client_continues_in_jsm(
    nats_server: NatsServer, traced: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    stream = await traced.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"])
    )
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="worker"))
    headers = {"traceparent": TRACEPARENT, "tracestate": "vendor=nats-js"}
    client = await _publish_from_another_client(
        nats_server.client_url, f"{unique_name}.in", headers
    )
    (msg,) = await worker.fetch(1, max_wait=10)
    assert msg.data == f"from {client}".encode()
    with jsm.tracing.process(msg):
        await traced.publish(f"{unique_name}.out", b"next step")
        await msg.ack()

    receive = await spans.one(f"receive {unique_name}")
    process = await spans.one(f"process {unique_name}")
    onward = spans.named(f"publish {unique_name}")[-1]
    for span in (receive, process):
        assert (parent_of(span).trace_id, parent_of(span).span_id) == (TRACE_ID, SPAN_ID)
        assert parent_of(span).is_remote
    assert (
        str(parent_of(process).trace_state) == str(parent_of(receive).trace_state)
        and parent_of(process).trace_state.get("vendor") == "nats-js"
    )
    assert parent_of(onward).span_id == context_of(process).span_id
    (stored,) = await worker.fetch(1, max_wait=10)
    assert stored.headers is not None
    assert stored.headers["traceparent"].split("-")[1] == f"{TRACE_ID:032x}"
    await stored.ack()


async def test_a_capitalised_traceparent_header_is_read_as_well(
    nats_server: NatsServer, traced: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    # Go's propagation.HeaderCarrier over nats.Header writes canonical MIME names.
    stream = await traced.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"])
    )
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="worker"))
    nc = await nats.connect(nats_server.client_url)
    try:
        await nc.publish(f"{unique_name}.go", b"from go", headers={"Traceparent": TRACEPARENT})
        await nc.flush()
    finally:
        await nc.close()
    (msg,) = await worker.fetch(1, max_wait=10)
    with jsm.tracing.process(msg):
        await msg.ack()
    process = await spans.one(f"process {unique_name}")
    assert parent_of(process).trace_id == TRACE_ID


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_jsm_loads_neither_opentelemetry_nor_prometheus_client(
    nats_server: NatsServer,
) -> None:
    result = _run(
        """
        import asyncio, sys
        import jsm

        async def main(url):
            async with jsm.connect(url) as js:
                assert not js.tracing
                await js.account_info()

        asyncio.run(main(sys.argv[1]))
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("opentelemetry", "prometheus_client"))
        print(loaded)
        """,
        nats_server.client_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"


def test_tracing_is_on_by_default_once_a_tracer_provider_is_set(nats_server: NatsServer) -> None:
    result = _run(
        """
        import asyncio, sys
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        import jsm

        async def main(url):
            async with jsm.connect(url) as js:
                assert not js.tracing  # no provider yet: off, and free
            exporter = InMemorySpanExporter()
            provider = TracerProvider()
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            trace.set_tracer_provider(provider)
            async with jsm.connect(url) as js, jsm.connect(url, tracing=False) as off:
                assert js.tracing and not off.tracing
                await js.streams.add(jsm.StreamConfig(name="DEFAULT_ON", subjects=["on.>"]))
                await js.publish("on.1", b"x")
                await off.publish("on.2", b"y")
                await js.streams.delete("DEFAULT_ON")
            print([span.name for span in exporter.get_finished_spans()])

        asyncio.run(main(sys.argv[1]))
        """,
        nats_server.client_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "['publish DEFAULT_ON']"


def test_tracing_true_without_opentelemetry_is_refused_before_connecting() -> None:
    result = _run(
        """
        import sys

        class NoOpenTelemetry:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "opentelemetry":
                    raise ModuleNotFoundError(f"No module named {name!r}")
                return None

        sys.meta_path.insert(0, NoOpenTelemetry())
        import jsm

        try:
            jsm.connect("nats://127.0.0.1:1", tracing=True)
        except jsm.errors.InvalidOptionError as err:
            print(err)
        """
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pip install 'jsm[otel]'" in result.stdout


def test_a_bad_tracing_option_is_refused() -> None:
    with pytest.raises(jsm.errors.InvalidOptionError, match="TracerProvider"):
        jsm.connect("nats://127.0.0.1:1", tracing="yes")  # type: ignore[arg-type]  # the mistake tested
