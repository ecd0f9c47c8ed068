"""OpenTelemetry tracing through NATS headers (the ``otel`` extra: opentelemetry-api).

A traced connection makes spans that follow OpenTelemetry's messaging conventions for
``js.publish`` and the publisher pipeline (one span per message, ended by its ack),
deliveries to consumers (``next``, ``fetch``, ``consume``, ``push``, ordered), service
requests (a server span per request, a client span per ``js.services.request``) and KV
and object-store operations, and carries the W3C trace context in message headers
with the globally configured propagator, so a trace goes on across jsm, nats.go,
nats.js or any client that follows the convention. The caller opts in to a process
span around its own handling of a message with :func:`process` or :func:`processor`.

Tracing is on when an OpenTelemetry tracer provider is set before connecting;
``jsm.connect(..., tracing=False)`` turns it off and ``tracing=True`` forces it on.
Off, each hook point costs one attribute check and opentelemetry is not imported.
See docs/observability.md.
"""

from __future__ import annotations

from jsm.tracing._process import process as process
from jsm.tracing._process import processor as processor

__all__ = ["process", "processor"]
