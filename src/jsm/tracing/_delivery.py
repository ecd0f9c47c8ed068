"""Spans of messages delivered by consumers: receive, the opt-in process span, settlement.

A receive span is made when a message reaches the caller (``next``/``fetch`` returning,
an ``async for`` step of ``consume``, ``push`` or an ordered consumer), never while it
waits in a buffer, as the messaging conventions ask. :func:`jsm.tracing.process` opens
the process span; acks, naks and terms are settle events on it (or, outside one, on
the span current when they are sent, if any): a span per ack would double what
tracing costs per message.

Where spans go: a span about one message is a child of the message's creation context
when the message carries one, so a consumer continues its producer's trace, and it
links to that context and to the ambient span, if any; a message without context
gets a child of the ambient span. A fetch of several messages is one receive span,
child of the ambient span, linked to each message's creation context.
Imported only when tracing is on.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind

from jsm.tracing import _names as attr
from jsm.tracing._spans import fail

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from opentelemetry.context import Context
    from opentelemetry.trace import Span, SpanContext

    from jsm.consumers.message import Msg
    from jsm.tracing._otel import Attributes, Tracing

__all__ = ["Delivery", "delivered", "fetched", "now"]

_MSG_ID = "Nats-Msg-Id"


def now() -> int:
    """The clock spans are stamped with (nanoseconds since the epoch)."""
    return time.time_ns()


class Delivery:
    """What tracing keeps about one delivered message (its ``_trace``)."""

    __slots__ = ("attributes", "creation", "span", "stream", "tracing")

    def __init__(self, tracing: Tracing, msg: Msg) -> None:
        self.tracing = tracing
        self.creation = tracing.creation_of(msg.headers)
        self.span: Span | None = None  # the process span while it is open
        self.stream = ""
        attributes = tracing.base()
        attributes[attr.DESTINATION] = msg.subject
        attributes[attr.BODY_SIZE] = len(msg.data)
        msg_id = msg.headers.get(_MSG_ID) if msg.headers else None
        if msg_id:
            attributes[attr.MESSAGE_ID] = msg_id
        try:
            meta = msg.metadata
        except ValueError:  # not from a JetStream consumer: no stream or consumer to name
            meta = None
        if meta is not None:
            self.stream = meta.stream
            attributes[attr.STREAM] = meta.stream
            attributes[attr.CONSUMER_GROUP] = meta.consumer
            attributes[attr.STREAM_SEQUENCE] = meta.sequence.stream
            attributes[attr.CONSUMER_SEQUENCE] = meta.sequence.consumer
            attributes[attr.DELIVERY_COUNT] = meta.num_delivered
            if meta.domain:
                attributes[attr.DOMAIN] = meta.domain
        self.attributes = attributes

    def _name(self, operation: str) -> str:
        return f"{operation} {self.stream}" if self.stream else operation

    def _start(
        self,
        operation: str,
        kind: SpanKind,
        operation_type: str,
        start_time: int | None = None,
    ) -> Span:
        parent, links = _placement(self.creation)
        attributes = dict(self.attributes)
        attributes[attr.OPERATION_NAME] = operation
        attributes[attr.OPERATION_TYPE] = operation_type
        name = self._name("receive" if operation_type == attr.RECEIVE else operation)
        return self.tracing.tracer.start_span(
            name,
            context=parent,
            kind=kind,
            attributes=attributes,
            links=links,
            start_time=start_time,
        )

    def received(self, operation: str, start_time: int | None = None) -> None:
        """Record that the message reached the caller (a receive span, ended at once)."""
        self._start(operation, SpanKind.CLIENT, attr.RECEIVE, start_time).end()

    @contextlib.contextmanager
    def process(self) -> Iterator[None]:
        """The process span around the caller's handling; current inside the block."""
        if self.span is not None:  # nested: the outer block's span goes on
            yield
            return
        span = self._start("process", SpanKind.CONSUMER, attr.PROCESS)
        self.span = span
        token = otel_context.attach(trace.set_span_in_context(span))
        try:
            yield
        except BaseException as err:
            fail(span, err)
            raise
        finally:
            self.span = None
            otel_context.detach(token)
            span.end()

    def settled(self, verb: str) -> None:
        """Record an ack, nak or term: an event on the process span, else on the current span."""
        span = self.span if self.span is not None else trace.get_current_span()
        if span.is_recording():
            event: Attributes = {attr.OPERATION_TYPE: attr.SETTLE}
            if self.span is None:  # on another span: say which message
                sequence = self.attributes.get(attr.STREAM_SEQUENCE)
                if sequence is not None:
                    event[attr.STREAM_SEQUENCE] = sequence
                if self.stream:
                    event[attr.STREAM] = self.stream
            span.add_event(verb, event)


def delivered(tracing: Tracing, msg: Msg, operation: str) -> None:
    """Trace one message handed to the caller by ``operation`` (consume, push, ordered…)."""
    delivery = Delivery(tracing, msg)
    msg._trace = delivery
    delivery.received(operation)


def fetched(
    tracing: Tracing,
    msgs: Sequence[Msg],
    *,
    stream: str,
    consumer: str,
    started: int,
    error: BaseException | None = None,
) -> None:
    """Trace the messages one fetch returned (or its failure) with a receive span."""
    deliveries = []
    for msg in msgs:
        delivery = Delivery(tracing, msg)
        msg._trace = delivery
        deliveries.append(delivery)
    if len(deliveries) == 1 and error is None:
        deliveries[0].received("fetch", started)
        return
    attributes = tracing.base()
    attributes[attr.OPERATION_NAME] = "fetch"
    attributes[attr.OPERATION_TYPE] = attr.RECEIVE
    attributes[attr.BATCH_COUNT] = len(deliveries)
    attributes[attr.STREAM] = stream
    attributes[attr.CONSUMER_GROUP] = consumer
    links = [Link(_span_context(d.creation)) for d in deliveries if d.creation is not None]
    span = tracing.tracer.start_span(
        f"receive {stream}",
        kind=SpanKind.CLIENT,
        attributes=attributes,
        links=links,
        start_time=started,
    )
    if error is not None:
        fail(span, error)
    span.end()


def _span_context(context: Context) -> SpanContext:
    return trace.get_current_span(context).get_span_context()


def _placement(creation: Context | None) -> tuple[Context | None, list[Link]]:
    """The parent and links of a span about one message (see the module's description)."""
    if creation is None:
        return None, []
    links = [Link(_span_context(creation))]
    ambient = trace.get_current_span().get_span_context()
    if ambient.is_valid:
        links.append(Link(ambient))
    return creation, links
