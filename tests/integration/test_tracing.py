"""OpenTelemetry tracing through NATS headers: one trace from a publish to its consumers.

Producer and consumer use separate connections, each traced with the test's own SDK
provider and in-memory exporter (tests/integration/tracing_helpers.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from opentelemetry.trace import SpanKind, StatusCode

import jsm
from tests.conftest import _checked_manager
from tests.integration.tracing_helpers import Spans, context_of, is_child, parent_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import NatsServer

TRACE_ID = 0x0AF7651916CD43DD8448EB211C80319C
SPAN_ID = 0xB7AD6B7169203331
TRACEPARENT = f"00-{TRACE_ID:032x}-{SPAN_ID:016x}-01"


@pytest.fixture
async def producer(nats_server: NatsServer, spans: Spans) -> AsyncIterator[jsm.Manager]:
    async for manager in _checked_manager(nats_server.client_url, tracing=spans.provider):
        yield manager


@pytest.fixture
async def consumer(nats_server: NatsServer, spans: Spans) -> AsyncIterator[jsm.Manager]:
    async for manager in _checked_manager(nats_server.client_url, tracing=spans.provider):
        yield manager


async def _stream(js: jsm.Manager, name: str) -> jsm.Stream:
    return await js.streams.add(
        jsm.StreamConfig(name=name, subjects=[f"{name}.>"], storage=jsm.StorageType.MEMORY)
    )


async def _worker(js: jsm.Manager, stream: str) -> jsm.Consumer:
    handle = await js.streams.get(stream)
    return await handle.consumers.add(jsm.ConsumerConfig(durable_name="worker"))


async def test_publish_and_consume_on_two_connections_make_one_trace(
    producer: jsm.Manager, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    await _stream(producer, unique_name)
    worker = await _worker(consumer, unique_name)
    with spans.tracer.start_as_current_span("place order") as outer:
        ack = await producer.publish(f"{unique_name}.eu", b"order-1", msg_id="o-1")
    async with worker.consume() as messages:
        async for msg in messages:
            with jsm.tracing.process(msg):
                with spans.tracer.start_as_current_span("charge card"):
                    pass
                await msg.ack()
            break

    publish = await spans.one(f"publish {unique_name}")
    receive = await spans.one(f"receive {unique_name}")
    process = await spans.one(f"process {unique_name}")
    charge = await spans.one("charge card")
    assert parent_of(publish).span_id == outer.get_span_context().span_id
    assert is_child(receive, publish) and is_child(process, publish) and is_child(charge, process)
    traces = {context_of(span).trace_id for span in (publish, receive, process, charge)}
    assert traces == {outer.get_span_context().trace_id}
    assert context_of(publish).span_id in [link.context.span_id for link in process.links]

    assert publish.kind is SpanKind.PRODUCER
    assert dict(publish.attributes or {}) | {"server.port": 0} == {
        "messaging.system": "nats",
        "messaging.operation.name": "publish",
        "messaging.operation.type": "send",
        "messaging.destination.name": f"{unique_name}.eu",
        "messaging.message.id": "o-1",
        "messaging.message.body.size": 7,
        "messaging.nats.stream.name": unique_name,
        "messaging.nats.stream.sequence": ack.seq,
        "server.address": "127.0.0.1",
        "server.port": 0,
    }
    assert receive.kind is SpanKind.CLIENT and process.kind is SpanKind.CONSUMER
    expected = {
        "messaging.system": "nats",
        "messaging.destination.name": f"{unique_name}.eu",
        "messaging.consumer.group.name": "worker",
        "messaging.message.id": "o-1",
        "messaging.message.body.size": 7,
        "messaging.nats.stream.name": unique_name,
        "messaging.nats.stream.sequence": ack.seq,
        "messaging.nats.consumer.sequence": 1,
        "messaging.nats.message.delivery_count": 1,
    }
    assert dict(receive.attributes or {}).items() >= expected.items()
    assert receive.attributes is not None and process.attributes is not None
    assert receive.attributes["messaging.operation.type"] == "receive"
    assert receive.attributes["messaging.operation.name"] == "consume"
    assert dict(process.attributes).items() >= expected.items()
    assert process.attributes["messaging.operation.type"] == "process"
    (settle,) = process.events
    assert settle.name == "ack" and dict(settle.attributes or {}) == {
        "messaging.operation.type": "settle"
    }


async def test_pipelined_publishes_each_end_their_span_with_the_ack(
    producer: jsm.Manager, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    await _stream(producer, unique_name)
    worker = await _worker(consumer, unique_name)
    async with producer.publisher(max_pending=4) as pub:
        futures = [await pub.publish(f"{unique_name}.{n}", b"x" * n) for n in range(10)]
    acks = [await future for future in futures]

    published = await spans.wait_for(f"publish {unique_name}", 10)
    by_subject = {(span.attributes or {})["messaging.destination.name"]: span for span in published}
    for n, ack in enumerate(acks):
        attributes = by_subject[f"{unique_name}.{n}"].attributes or {}
        assert attributes["messaging.nats.stream.sequence"] == ack.seq
        assert attributes["messaging.message.body.size"] == n
    batch = await worker.fetch(10, max_wait=5)
    assert len(batch) == 10
    for msg in batch:
        with jsm.tracing.process(msg):
            await msg.ack()
    processes = await spans.wait_for(f"process {unique_name}", 10)
    for process in processes:
        subject = (process.attributes or {})["messaging.destination.name"]
        assert is_child(process, by_subject[str(subject)])


async def test_a_fetch_of_several_messages_is_one_receive_span_linked_to_each_producer(
    producer: jsm.Manager, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    await _stream(producer, unique_name)
    worker = await _worker(consumer, unique_name)
    for n in range(3):
        await producer.publish(f"{unique_name}.{n}", b"job")
    with spans.tracer.start_as_current_span("poll") as poll:
        batch = await worker.fetch(3, max_wait=5)
    assert len(batch) == 3

    receive = await spans.one(f"receive {unique_name}")
    producers = {context_of(span).span_id for span in spans.named(f"publish {unique_name}")}
    assert parent_of(receive).span_id == poll.get_span_context().span_id
    assert {link.context.span_id for link in receive.links} == producers
    assert receive.attributes is not None
    assert receive.attributes["messaging.batch.message_count"] == 3
    assert receive.attributes["messaging.operation.name"] == "fetch"
    assert receive.attributes["messaging.consumer.group.name"] == "worker"


async def test_next_push_and_ordered_consumers_continue_the_producers_trace_and_acks_are_events(
    producer: jsm.Manager, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    stream = await _stream(producer, unique_name)
    await _worker(consumer, unique_name)
    await producer.publish(f"{unique_name}.1", b"one")
    publish = await spans.one(f"publish {unique_name}")

    pulled = await (await (await consumer.streams.get(unique_name)).consumers.get("worker")).next(
        timeout=5
    )
    with spans.tracer.start_as_current_span("my handler"):
        await pulled.ack()  # no process span: the ack is an event on the current span
    push = await stream.consumers.add(
        jsm.ConsumerConfig(
            durable_name="pushed",
            deliver_subject=f"deliver.{unique_name}",
            ack_policy=jsm.AckPolicy.EXPLICIT,
        )
    )
    async with (
        await (await consumer.streams.get(unique_name)).consumers.get("pushed")
    ).push() as m:
        async for msg in m:
            await msg.ack()  # neither process span nor current span: no event, no span
            break
    async with consumer.ordered_consumer(unique_name) as ordered:
        async for msg in ordered:
            assert msg.data == b"one"
            break
    await push.delete()

    receives = await spans.wait_for(f"receive {unique_name}", 3)
    operations = sorted(
        str((span.attributes or {})["messaging.operation.name"]) for span in receives
    )
    assert operations == ["fetch", "ordered", "push"]
    assert all(is_child(span, publish) for span in receives)
    (ack,) = (await spans.one("my handler")).events
    assert ack.name == "ack"
    assert dict(ack.attributes or {}) == {
        "messaging.operation.type": "settle",
        "messaging.nats.stream.name": unique_name,
        "messaging.nats.stream.sequence": 1,
    }
    assert not spans.named(f"ack {unique_name}")


async def test_a_service_request_continues_the_callers_trace(
    producer: jsm.Manager, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    service = consumer.services.add(unique_name, "1.0.0")

    @service.endpoint("echo")
    async def echo(request: jsm.ServiceRequest) -> bytes:
        with spans.tracer.start_as_current_span("inside the handler"):
            return request.data

    @service.endpoint("fail")
    async def fail(request: jsm.ServiceRequest) -> bytes:
        raise jsm.ServiceError(409, "not now")

    async with service.run():
        with spans.tracer.start_as_current_span("caller") as caller:
            assert await producer.services.request("echo", b"ping") == b"ping"
            with pytest.raises(jsm.ServiceRequestError):
                await producer.services.request("fail", b"ping")

    client = await spans.one("request echo")
    server = await spans.one("process echo")
    inner = await spans.one("inside the handler")
    assert parent_of(client).span_id == caller.get_span_context().span_id
    assert is_child(server, client) and is_child(inner, server)
    assert client.kind is SpanKind.CLIENT and server.kind is SpanKind.SERVER
    assert (
        dict(server.attributes or {}).items()
        >= {
            "messaging.system": "nats",
            "messaging.operation.type": "process",
            "messaging.destination.name": "echo",
            "messaging.consumer.group.name": "q",
            "messaging.nats.service.name": unique_name,
            "messaging.nats.service.endpoint": "echo",
            "messaging.nats.service.version": "1.0.0",
        }.items()
    )

    failed_client = await spans.one("request fail")
    failed_server = await spans.one("process fail")
    assert is_child(failed_server, failed_client)
    assert failed_server.status.status_code is StatusCode.ERROR
    assert failed_server.status.description == "409 not now"
    assert (failed_server.attributes or {})["error.type"] == "409"
    assert failed_client.status.status_code is StatusCode.ERROR
    assert (failed_client.attributes or {})["error.type"] == "ServiceRequestError"


async def test_failures_set_the_spans_status(
    producer: jsm.Manager, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    with pytest.raises(jsm.errors.NoStreamError):
        await producer.publish(f"{unique_name}.nowhere", b"lost")
    failed = await spans.one("publish")
    assert failed.status.status_code is StatusCode.ERROR
    assert (failed.attributes or {})["error.type"] == "NoStreamError"
    assert failed.events[0].name == "exception"

    await _stream(producer, unique_name)
    worker = await _worker(consumer, unique_name)
    await producer.publish(f"{unique_name}.1", b"poison")
    (msg,) = await worker.fetch(1, max_wait=5)
    with pytest.raises(ValueError, match="cannot parse"), jsm.tracing.process(msg):
        await msg.nak()
        raise ValueError("cannot parse")
    process = await spans.one(f"process {unique_name}")
    assert process.status.status_code is StatusCode.ERROR
    assert [event.name for event in process.events] == ["nak", "exception"]

    bucket = await producer.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    with pytest.raises(jsm.errors.KeyNotFoundError):
        await bucket.get("missing")
    missing = await spans.one(f"kv.get {unique_name}")
    assert missing.status.status_code is StatusCode.ERROR
    assert (missing.attributes or {})["error.type"] == "KeyNotFoundError"
    await producer.kv.delete(unique_name)


async def test_kv_and_object_store_operations_are_client_spans(
    producer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    bucket = await producer.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    revision = await bucket.put("app.color", b"blue")
    assert (await bucket.get("app.color")).value == b"blue"
    store = await producer.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("report.txt", b"hello world")
    assert await store.get_bytes("report.txt") == b"hello world"

    put = await spans.one(f"kv.put {unique_name}")
    assert put.kind is SpanKind.CLIENT
    assert (
        dict(put.attributes or {}).items()
        >= {
            "messaging.system": "nats",
            "messaging.operation.name": "kv.put",
            "messaging.nats.bucket": unique_name,
            "messaging.nats.key": "app.color",
            "messaging.nats.revision": revision,
        }.items()
    )
    get = await spans.one(f"kv.get {unique_name}")
    assert (get.attributes or {})["messaging.message.body.size"] == 4
    stored = await spans.one(f"object.put {unique_name}")
    assert (
        dict(stored.attributes or {}).items()
        >= {
            "messaging.nats.object.name": "report.txt",
            "messaging.nats.object.size": 11,
        }.items()
    )
    read = await spans.one(f"object.get_bytes {unique_name}")
    assert (read.attributes or {})["messaging.message.body.size"] == 11
    assert isinstance(bucket, jsm.KeyValue) and isinstance(store, jsm.ObjectStore)
    assert repr(bucket).startswith("<jsm.KeyValue")
    await producer.objects.delete(unique_name)
    await producer.kv.delete(unique_name)


async def test_a_context_the_caller_put_in_the_headers_is_kept(
    producer: jsm.Manager, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    await _stream(producer, unique_name)
    worker = await _worker(consumer, unique_name)
    await producer.publish(f"{unique_name}.1", b"x", headers={"traceparent": TRACEPARENT})
    (msg,) = await worker.fetch(1, max_wait=5)
    assert msg.headers is not None and msg.headers["traceparent"] == TRACEPARENT
    with jsm.tracing.process(msg):
        pass
    process = await spans.one(f"process {unique_name}")
    assert parent_of(process).trace_id == TRACE_ID
    assert parent_of(process).span_id == SPAN_ID


async def test_an_untraced_connection_adds_no_headers_and_makes_no_spans(
    nats_server: NatsServer, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    async for plain in _checked_manager(nats_server.client_url, tracing=False):
        assert not plain.tracing
        await _stream(plain, unique_name)
        await plain.publish(f"{unique_name}.1", b"x")
        async with plain.publisher() as pub:
            await pub.publish(f"{unique_name}.2", b"y")
        worker = await _worker(plain, unique_name)
        batch = await worker.fetch(2, max_wait=5)
        assert [msg.headers for msg in batch] == [None, None]
        with jsm.tracing.process(batch[0]):
            await batch[0].ack()
        kv = await plain.kv.create(jsm.KeyValueConfig(bucket=unique_name))
        await kv.put("k", b"v")
        assert type(kv) is jsm.KeyValue
        await plain.kv.delete(unique_name)
    assert consumer.tracing
    assert spans.finished() == []


async def test_process_and_processor_refuse_what_they_cannot_trace(consumer: jsm.Manager) -> None:
    with pytest.raises(jsm.errors.InvalidOptionError, match=r"jsm\.Msg"):
        jsm.tracing.process(b"not a message")  # type: ignore[arg-type]  # the mistake tested

    def handler(msg: jsm.Msg) -> None:
        return None

    with pytest.raises(jsm.errors.InvalidOptionError, match="async def"):
        jsm.tracing.processor(handler)  # type: ignore[arg-type]  # the mistake tested


async def test_processor_runs_each_call_inside_its_messages_process_span(
    producer: jsm.Manager, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    await _stream(producer, unique_name)
    worker = await _worker(consumer, unique_name)
    await producer.publish(f"{unique_name}.1", b"a")
    await producer.publish(f"{unique_name}.2", b"b")
    handled: list[bytes] = []

    @jsm.tracing.processor
    async def handle(label: str, msg: jsm.Msg) -> str:
        handled.append(msg.data)
        await msg.term(reason="done")
        return label

    for msg in await worker.fetch(2, max_wait=5):
        assert await handle("job", msg) == "job"
    assert handled == [b"a", b"b"]
    processes = await spans.wait_for(f"process {unique_name}", 2)
    publishes = spans.named(f"publish {unique_name}")
    assert sorted(context_of(p).span_id for p in publishes) == sorted(
        parent_of(p).span_id for p in processes
    )
    assert all([event.name for event in span.events] == ["term"] for span in processes)


async def test_msg_next_acks_inside_the_process_span_and_traces_the_next_message(
    producer: jsm.Manager, consumer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    await _stream(producer, unique_name)
    worker = await _worker(consumer, unique_name)
    for n in range(2):
        await producer.publish(f"{unique_name}.{n}", b"job")
    first_publish, second_publish = await spans.wait_for(f"publish {unique_name}", 2)
    (first,) = await worker.fetch(1, max_wait=5)
    with jsm.tracing.process(first):
        second = await first.next(timeout=5)
    assert second.data == b"job"

    process = await spans.one(f"process {unique_name}")
    assert is_child(process, first_publish)
    assert [event.name for event in process.events] == ["ack"]
    receives = await spans.wait_for(f"receive {unique_name}", 2)
    by_operation = {(span.attributes or {})["messaging.operation.name"]: span for span in receives}
    assert is_child(by_operation["next"], second_publish)
    assert is_child(by_operation["fetch"], first_publish)
    await second.ack()


async def test_a_subclass_of_a_bucket_handle_is_traced_too(
    producer: jsm.Manager, spans: Spans, unique_name: str
) -> None:
    class Settings(jsm.KeyValue):
        async def color(self) -> bytes:
            return (await self.get("color")).value

    await producer.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    settings = Settings(producer, await producer.streams.info(f"KV_{unique_name}"))
    await settings.put("color", b"blue")
    assert await settings.color() == b"blue"
    assert isinstance(settings, Settings)
    assert [span.name for span in spans.finished()] == [
        f"kv.put {unique_name}",
        f"kv.get {unique_name}",
    ]
    await producer.kv.delete(unique_name)
