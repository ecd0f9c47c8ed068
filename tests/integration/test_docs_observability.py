"""What docs/observability.md's scripts print: one trace on the console, and the metrics.

tests/docs runs every page's blocks; here the two complete scripts also run as a reader
would (each in its own process, so the console exporter's output can be read) and what
they print is checked.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.integration.docs_helpers import ROOT, python_blocks, run_script

if TYPE_CHECKING:
    from pathlib import Path

    from jsm.testing import NatsServer

PAGE = ROOT / "docs" / "observability.md"


def _blocks() -> list[str]:
    return python_blocks(PAGE)


def _run(block: str, url: str, tmp_path: Path, index: int) -> str:
    return run_script(block, url, tmp_path / f"observability_{index}.py")


def _console_spans(text: str) -> list[dict[str, object]]:
    """The JSON objects the SDK's console exporter printed, one per span."""
    decoder = json.JSONDecoder()
    spans, position = [], 0
    while (start := text.find("{", position)) != -1:
        span, position = decoder.raw_decode(text, start)
        spans.append(span)
    return spans


def test_the_console_setup_prints_one_trace(nats_server: NatsServer, tmp_path: Path) -> None:
    setup = next(b for b in _blocks() if "SimpleSpanProcessor(ConsoleSpanExporter())" in b)
    spans = {
        str(span["name"]): span
        for span in _console_spans(_run(setup, nats_server.client_url, tmp_path, 0))
    }
    publish, receive, process = (
        spans[f"{op} DOCS_OBS"] for op in ("publish", "receive", "process")
    )
    checkout = spans["checkout"]
    context_of = {name: span["context"] for name, span in spans.items()}
    assert publish["parent_id"] == context_of["checkout"]["span_id"]  # type: ignore[index]
    for child in (receive, process):
        assert child["parent_id"] == context_of["publish DOCS_OBS"]["span_id"]  # type: ignore[index]
    assert len({span["context"]["trace_id"] for span in (checkout, publish, receive, process)}) == 1  # type: ignore[index]
    assert [event["name"] for event in process["events"]] == ["ack"]  # type: ignore[attr-defined]
    assert process["kind"] == "SpanKind.CONSUMER"


def test_the_collector_script_prints_metrics(nats_server: NatsServer, tmp_path: Path) -> None:
    script = next(b for b in _blocks() if "JetStreamCollector" in b and b.startswith("import "))
    out = _run(script, nats_server.client_url, tmp_path, 1)
    assert 'nats_server_check_stream_status_code{item="orders",status="OK"} 0.0' in out
    assert 'jsm_stream_messages{stream="DOCS_METRICS"} 1.0' in out
