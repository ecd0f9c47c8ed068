"""The live tracing of one manager: its tracer, the W3C context in NATS headers, and the
spans of publishes, pipelined publishes, service requests and KV/object operations.

Imported only when tracing is on (:mod:`jsm.tracing._setup`), so ``import jsm`` never
loads opentelemetry. Deliveries to consumers are :mod:`jsm.tracing._delivery`'s. Context
goes into and out of headers through the globally configured propagator (W3C
``traceparent``/``tracestate`` unless the application chose another), read when each
message is sent or received, so a propagator set after connecting still applies.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind, Status, StatusCode

from jsm._limits import header_block_size
from jsm.tracing import _delivery
from jsm.tracing import _names as attr
from jsm.tracing._spans import HEADERS, fail

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from opentelemetry.trace import Span
    from opentelemetry.util.types import AttributeValue

    from jsm._transport import NatsClient, NatsMsg
    from jsm.consumers.message import Msg
    from jsm.models import PubAck

    Attributes = dict[str, AttributeValue]

__all__ = ["Tracing"]

T = TypeVar("T")

_MSG_ID = "Nats-Msg-Id"
_CONTEXT_ROOM = 4096
"""Room for a propagator's fields below ``max_payload`` before their size is measured."""


class Tracing:
    """The tracer of one connection and the spans jsm's hook points start with it."""

    __slots__ = ("_base", "_nc", "_url", "tracer")

    def __init__(self, nc: NatsClient, tracer: trace.Tracer) -> None:
        self._nc = nc
        self.tracer = tracer
        self._url: object = None
        self._base: Attributes = {attr.SYSTEM: attr.NATS}

    # ------------------------------------------------------------------ context

    def base(self) -> Attributes:
        """A fresh dict of the attributes every span has: the system and the server."""
        url = self._nc.connected_url
        if url is not self._url:  # reconnected elsewhere (or first use)
            self._url = url
            base: Attributes = {attr.SYSTEM: attr.NATS}
            if url is not None and url.hostname:
                base[attr.SERVER_ADDRESS] = url.hostname
                if url.port:
                    base[attr.SERVER_PORT] = url.port
            self._base = base
        return dict(self._base)

    @staticmethod
    def creation_of(headers: Mapping[str, str] | None) -> Context | None:
        """The trace context a message carries in its headers, if any (its creation context)."""
        if not headers:
            return None
        found = propagate.extract(headers, context=Context(), getter=HEADERS)
        return found if trace.get_current_span(found).get_span_context().is_valid else None

    def inject(
        self, headers: Mapping[str, str] | None, span: Span, size: int
    ) -> dict[str, str] | None:
        """Headers carrying ``span``'s context, for a message of ``size`` payload bytes.

        A context the caller put in the headers is kept (it is the message's creation
        context), and so are the headers when the context would not fit in
        ``max_payload``: the message then goes out untraced rather than refused.
        """
        given = dict(headers) if headers else None
        if given and self.creation_of(given) is not None:
            return given
        carrier = given or {}
        propagate.inject(carrier, context=trace.set_span_in_context(span))
        if not carrier:
            return given
        limit = self._nc.max_payload
        # Measured only with the caller's headers or near the limit: a W3C context alone
        # is about 70 bytes.
        near = given is not None or size + _CONTEXT_ROOM > limit
        if near and header_block_size(carrier) + size > limit:
            return given
        return carrier

    # ---------------------------------------------------------------- deliveries

    def delivered(self, msg: Msg, operation: str) -> None:
        """Trace one message handed to the caller by ``operation`` (consume, push, ...)."""
        _delivery.delivered(self, msg, operation)

    async def fetch(
        self, pull: Awaitable[tuple[list[Msg], bool]], *, stream: str, consumer: str
    ) -> tuple[list[Msg], bool]:
        """Await one fetch's pull and trace what it returned, or how it failed."""
        started = _delivery.now()
        try:
            msgs, no_responders = await pull
        except BaseException as err:
            _delivery.fetched(
                self, [], stream=stream, consumer=consumer, started=started, error=err
            )
            raise
        _delivery.fetched(self, msgs, stream=stream, consumer=consumer, started=started)
        return msgs, no_responders

    # ---------------------------------------------------------------- publishing

    def start_publish(
        self, subject: str, size: int, headers: Mapping[str, str] | None, *, operation: str
    ) -> Span:
        """Start the PRODUCER span of one publish (named for its stream once acked)."""
        attributes = self.base()
        attributes[attr.OPERATION_NAME] = operation
        attributes[attr.OPERATION_TYPE] = attr.SEND
        attributes[attr.DESTINATION] = subject
        attributes[attr.BODY_SIZE] = size
        msg_id = headers.get(_MSG_ID) if headers else None
        if msg_id:
            attributes[attr.MESSAGE_ID] = msg_id
        return self.tracer.start_span(operation, kind=SpanKind.PRODUCER, attributes=attributes)

    async def publish(
        self,
        subject: str,
        payload: bytes,
        headers: Mapping[str, str] | None,
        send: Callable[[dict[str, str] | None], Awaitable[PubAck]],
    ) -> PubAck:
        """Run ``send`` (given the headers to send) inside a publish span ended by its ack."""
        span = self.start_publish(subject, len(payload), headers, operation="publish")
        try:
            ack = await send(self.inject(headers, span, len(payload)))
        except BaseException as err:
            fail(span, err)
            span.end()
            raise
        _acked(span, ack.stream, ack.seq, duplicate=bool(ack.duplicate))
        span.end()
        return ack

    def start_pipelined(
        self, subject: str, payload: bytes, headers: dict[str, str] | None
    ) -> tuple[Span, dict[str, str] | None]:
        """Start a pipelined publish's span; return it with the headers to send."""
        span = self.start_publish(subject, len(payload), headers, operation="publish")
        return span, self.inject(headers, span, len(payload))

    def end_pipelined(self, span: Span, data: bytes | None, error: BaseException | None) -> None:
        """End a pipelined publish's span with its ack (the raw reply) or its failure."""
        if error is not None:
            fail(span, error)
        elif data and span.is_recording():  # a span sampled out records nothing
            try:
                reply = json.loads(data)
            except ValueError:
                reply = None
            if isinstance(reply, dict) and isinstance(reply.get("stream"), str):
                seq = reply.get("seq")
                _acked(
                    span,
                    reply["stream"],
                    seq if isinstance(seq, int) else None,
                    duplicate=reply.get("duplicate") is True,
                )
        span.end()

    # ------------------------------------------------------------------ services

    async def request(
        self,
        subject: str,
        payload: bytes,
        headers: Mapping[str, str] | None,
        call: Callable[[dict[str, str] | None], Awaitable[NatsMsg]],
    ) -> NatsMsg:
        """Run a service request inside a CLIENT span whose context the request carries."""
        attributes = self.base()
        attributes[attr.OPERATION_NAME] = "request"
        attributes[attr.OPERATION_TYPE] = attr.SEND
        attributes[attr.DESTINATION] = subject
        attributes[attr.BODY_SIZE] = len(payload)
        span = self.tracer.start_span(
            f"request {subject}", kind=SpanKind.CLIENT, attributes=attributes
        )
        try:
            return await call(self.inject(headers, span, len(payload)))
        except BaseException as err:
            fail(span, err)
            raise
        finally:
            span.end()

    async def serve(
        self,
        service: tuple[str, str, str],
        endpoint: tuple[str, str, str],
        msg: NatsMsg,
        handle: Callable[[], Awaitable[tuple[int, str] | None]],
    ) -> None:
        """Run one request's handling inside a SERVER span, child of the caller's context.

        ``service`` is (name, id, version), ``endpoint`` (name, subject, queue group);
        ``handle`` returns the error code and description the request was answered
        with, if any, which become the span's error status.
        """
        name, instance, version = service
        endpoint_name, template, group = endpoint
        attributes = self.base()
        attributes[attr.OPERATION_NAME] = "process"
        attributes[attr.OPERATION_TYPE] = attr.PROCESS
        attributes[attr.DESTINATION] = msg.subject
        attributes[attr.DESTINATION_TEMPLATE] = template
        attributes[attr.CONSUMER_GROUP] = group
        attributes[attr.BODY_SIZE] = len(msg.data)
        attributes[attr.SERVICE_NAME] = name
        attributes[attr.SERVICE_ID] = instance
        attributes[attr.SERVICE_VERSION] = version
        attributes[attr.SERVICE_ENDPOINT] = endpoint_name
        span = self.tracer.start_span(
            f"process {template}",
            context=self.creation_of(msg.headers),
            kind=SpanKind.SERVER,
            attributes=attributes,
        )
        token = otel_context.attach(trace.set_span_in_context(span))
        try:
            error = await handle()
        except BaseException as err:
            fail(span, err)
            raise
        else:
            if error is not None:
                code, description = error
                span.set_attribute(attr.SERVICE_ERROR_CODE, code)
                span.set_attribute(attr.ERROR_TYPE, str(code))
                span.set_status(Status(StatusCode.ERROR, f"{code} {description}"))
        finally:
            otel_context.detach(token)
            span.end()

    # ------------------------------------------------------------ KV and objects

    async def call(
        self,
        name: str,
        attributes: Attributes,
        run: Awaitable[T],
        describe: Callable[[T], Attributes] | None = None,
    ) -> T:
        """Await ``run`` inside a CLIENT span (a KV or object-store operation).

        ``describe`` turns the result into attributes (a revision, a size).
        """
        span = self.tracer.start_span(
            name, kind=SpanKind.CLIENT, attributes=self.base() | attributes
        )
        token = otel_context.attach(trace.set_span_in_context(span))
        try:
            result = await run
            if describe is not None and span.is_recording():
                span.set_attributes(describe(result))
            return result
        except BaseException as err:
            fail(span, err)
            raise
        finally:
            otel_context.detach(token)
            span.end()


def _acked(span: Span, stream: str, seq: int | None, *, duplicate: bool) -> None:
    span.update_name(f"publish {stream}")
    found: Attributes = {attr.STREAM: stream}
    if seq is not None:
        found[attr.STREAM_SEQUENCE] = seq
    if duplicate:
        found[attr.DUPLICATE] = True
    span.set_attributes(found)
