"""A tracer provider of the OpenTelemetry SDK with an in-memory exporter, for tracing tests.

Each test gets its own provider (passed as ``jsm.connect(..., tracing=provider)``), so no
test sets the process-wide provider and the rest of the suite stays untraced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

if TYPE_CHECKING:
    from opentelemetry.trace import SpanContext

DEADLINE = 30.0


class Spans:
    """The spans one test's connections finished, with finders that wait for them."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = self.provider.get_tracer("tests")

    def finished(self) -> list[ReadableSpan]:
        """Every span ended so far, in the order they ended."""
        return list(self.exporter.get_finished_spans())

    def named(self, name: str) -> list[ReadableSpan]:
        """The ended spans called ``name``."""
        return [span for span in self.finished() if span.name == name]

    async def one(self, name: str) -> ReadableSpan:
        """Wait for exactly one span called ``name`` to end (some end in other tasks)."""
        found = await self.wait_for(name, 1)
        assert len(found) == 1, [span.name for span in self.finished()]
        return found[0]

    async def wait_for(self, name: str, count: int) -> list[ReadableSpan]:
        """Wait until ``count`` spans called ``name`` have ended (polled, with a deadline)."""
        with anyio.fail_after(DEADLINE):
            while True:
                found = self.named(name)
                if len(found) >= count:
                    return found
                await anyio.sleep(0.01)

    def shutdown(self) -> None:
        """Stop the provider (its processors flush and stop)."""
        self.provider.shutdown()


def context_of(span: ReadableSpan) -> SpanContext:
    """The span's own context (it always has one once ended)."""
    context = span.get_span_context()
    assert context is not None
    return context


def parent_of(span: ReadableSpan) -> SpanContext:
    """The span's parent context; fails the test for a root span."""
    assert span.parent is not None, f"{span.name} has no parent"
    return span.parent


def is_child(child: ReadableSpan, parent: ReadableSpan) -> bool:
    """Whether ``child``'s parent is ``parent``, in the same trace."""
    mine, theirs = parent_of(child), context_of(parent)
    return mine.trace_id == theirs.trace_id and mine.span_id == theirs.span_id
