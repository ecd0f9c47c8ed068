"""Protocol limits at the edges: oversized input is refused before the wire, typed, and the
connection (with every watch and consumer on it) stays up.

nats-server closes a connection for good on a protocol line longer than its
``max_control_line`` (4096 bytes by default) and on a message whose headers and payload
exceed ``max_payload``; nats-py would turn CR/LF in a header value into spaces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from jsm.testing import run_server
from tests.integration.consumer_helpers import make_stream

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from jsm.testing import NatsServer

LONG = "x" * 5000


async def _next_entry(updates: AsyncIterator[jsm.KeyValueEntry | None]) -> jsm.KeyValueEntry:
    with anyio.fail_after(30):
        entry = await anext(updates)
    assert entry is not None
    return entry


async def test_an_overlong_key_is_refused_and_the_watch_keeps_working(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    async with kv.watch() as updates:
        with anyio.fail_after(30):
            assert await anext(updates) is None  # the initial values are done
        for call in (
            kv.put(LONG, b"v"),
            kv.create(LONG, b"v"),
            kv.update(LONG, b"v", 1),
            kv.get(LONG),
            kv.delete(LONG),
            kv.purge(LONG),
            kv.history(LONG),
        ):
            with pytest.raises(errors.InvalidNameError) as caught:
                await call
            message = str(caught.value)
            assert unique_name in message and "max_control_line" in message
            assert str(kv.max_key_length) in message
        await kv.put("after", b"ok")
        assert (await _next_entry(updates)).key == "after"
    assert not js.nc.is_closed
    assert (await js.publish(f"$KV.{unique_name}.plain", b"1")).seq == 2


async def test_a_key_of_the_maximum_length_works_and_one_more_is_refused(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name, history=5))
    longest = "k" * kv.max_key_length
    assert 3900 < len(longest) < 4096
    revision = await kv.put(longest, b"v1")
    assert (await kv.get(longest)).value == b"v1"
    assert await kv.update(longest, b"v2", revision) > revision
    await kv.delete(longest)
    assert await kv.create(longest, b"v3") > revision
    assert [e.value for e in await kv.history(longest)] == [b"v1", b"v2", b"", b"v3"]
    with pytest.raises(errors.InvalidNameError, match=str(kv.max_key_length)):
        await kv.put(longest + "k", b"v")
    assert await kv.keys() == [longest]


async def test_a_domain_shortens_the_longest_key(js_leaf: jsm.Manager, unique_name: str) -> None:
    kv = await js_leaf.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    longest = "k" * kv.max_key_length
    await kv.put(longest, b"v")
    assert (await kv.get(longest)).value == b"v"
    with pytest.raises(errors.InvalidNameError):
        await kv.get(longest + "k")


async def test_an_overlong_object_name_is_refused_before_any_chunk(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    stream = await make_stream(js, f"{unique_name}_W", subjects=[f"{unique_name}.>"])
    worker = await stream.consumers.add(
        jsm.ConsumerConfig(durable_name="w", ack_policy=jsm.AckPolicy.EXPLICIT)
    )
    name = "ö" * (store.max_name_length // 2 + 1)  # two bytes each in UTF-8
    async with worker.consume(max_messages=10, expires=2) as messages:
        for call in (
            store.put(name, b"data" * 1000),
            store.info(name),
            store.delete(name),
            store.get_bytes(name),
        ):
            with pytest.raises(errors.InvalidNameError) as caught:
                await call
            message = str(caught.value)
            assert unique_name in message and str(store.max_name_length) in message
        assert (await store.status()).size == 0  # not a single chunk was sent
        await js.publish(f"{unique_name}.after", b"ok")
        with anyio.fail_after(30):
            msg = await anext(messages)
        assert msg.data == b"ok"
        await msg.ack()


async def test_an_object_name_of_the_maximum_length_round_trips(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    assert 2900 < store.max_name_length < 3072
    name = "n" * store.max_name_length
    await store.put(name, b"payload")
    assert await store.get_bytes(name) == b"payload"
    assert [info.name async for info in store.list()] == [name]
    with pytest.raises(errors.InvalidNameError):
        await store.put(name + "n", b"payload")


async def test_object_metadata_over_max_payload_is_refused_before_any_chunk(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    big = jsm.ObjectMeta(description="d" * js.nc.max_payload)
    with pytest.raises(errors.InvalidOptionError, match="max_payload") as caught:
        await store.put("a.bin", b"data" * 1000, meta=big)
    assert unique_name in str(caught.value) and "description" in str(caught.value)
    assert (await store.status()).size == 0  # not a single chunk was sent
    fits = jsm.ObjectMeta(description="d" * 1000)
    assert (await store.put("a.bin", b"data", meta=fits)).size == 4


async def test_an_overlong_subject_is_refused_and_consumers_keep_working(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name, allow_atomic=True)
    worker = await stream.consumers.add(
        jsm.ConsumerConfig(
            durable_name="w",
            ack_policy=jsm.AckPolicy.EXPLICIT,
            filter_subject=f"{unique_name}.after",
        )
    )
    subject = f"{unique_name}.{LONG}"
    async with worker.consume(max_messages=10, expires=2) as messages:
        with pytest.raises(errors.InvalidNameError, match="max_control_line") as caught:
            await js.publish(subject, b"x")
        assert unique_name in str(caught.value)
        async with js.publisher() as pub:
            with pytest.raises(errors.InvalidNameError, match="max_control_line"):
                await pub.publish(subject, b"x")
        async with js.batch() as batch:
            with pytest.raises(errors.InvalidNameError, match="max_control_line"):
                await batch.add(subject, b"x")
            await batch.add(f"{unique_name}.b", b"batch")  # the block commits this one
        with pytest.raises(errors.InvalidNameError, match="max_control_line"):
            await js.services.request(subject, b"x")
        with pytest.raises(errors.InvalidNameError, match="max_control_line"):
            await js.api.transport.subscribe(subject)
        await js.publish(f"{unique_name}.after", b"ok")
        with anyio.fail_after(30):
            msg = await anext(messages)
        assert msg.data == b"ok"
        await msg.ack()
    assert not js.nc.is_closed


async def test_headers_count_towards_max_payload(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    room = js.nc.max_payload - 10
    big_header = {"X-Big": "h" * 100}
    with pytest.raises(errors.InvalidOptionError, match="max_payload") as caught:
        await js.publish(f"{unique_name}.a", b"x" * room, headers=big_header)
    assert "headers" in str(caught.value)
    with pytest.raises(errors.InvalidOptionError, match="max_payload"):
        await js.publish(f"{unique_name}.a", b"x" * room, msg_id="m" * 100)
    async with js.publisher() as pub:
        with pytest.raises(errors.InvalidOptionError, match="max_payload"):
            await pub.publish(f"{unique_name}.a", b"x" * room, headers=big_header)
    with pytest.raises(errors.InvalidOptionError, match="max_payload"):
        await js.services.request(f"{unique_name}.svc", b"x" * room, headers=big_header)
    assert (await js.publish(f"{unique_name}.a", b"fits")).seq == 1
    assert (await stream.info()).state.messages == 1


async def test_kv_values_over_max_payload_are_invalid_options(
    js: jsm.Manager, unique_name: str
) -> None:
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    limit = js.nc.max_payload
    with pytest.raises(errors.InvalidOptionError, match="max_payload"):
        await kv.put("k", b"x" * (limit + 1))
    # Exactly max_payload fits a plain put, but not with create's expectation header.
    with pytest.raises(errors.InvalidOptionError, match="max_payload"):
        await kv.create("k", b"x" * limit)
    with pytest.raises(errors.InvalidOptionError, match="max_payload"):
        await kv.update("k", b"x" * limit, 1)
    assert await kv.put("k", b"small") == 1
    assert not js.nc.is_closed


BAD_HEADERS = [
    {"Bad Name": "v"},
    {" Padded": "v"},
    {"": "v"},
    {"Colon:": "v"},
    {"Ümlaut": "v"},
    {"X": "line\r\nbreak"},
    {"X": "line\nbreak"},
    {"X": "line\rbreak"},
]


@pytest.mark.parametrize("headers", BAD_HEADERS, ids=repr)
async def test_bad_header_names_and_line_breaks_are_refused_everywhere(
    js: jsm.Manager, unique_name: str, headers: dict[str, str]
) -> None:
    stream = await make_stream(js, unique_name, allow_atomic=True)
    subject = f"{unique_name}.a"
    with pytest.raises(errors.InvalidOptionError, match="header"):
        await js.publish(subject, b"x", headers=headers)
    async with js.publisher() as pub:
        with pytest.raises(errors.InvalidOptionError, match="header"):
            await pub.publish(subject, b"x", headers=headers)
    async with js.batch() as batch:
        with pytest.raises(errors.InvalidOptionError, match="header"):
            await batch.add(subject, b"x", headers=headers)
        await batch.add(subject, b"ok")
    with pytest.raises(errors.InvalidOptionError, match="header"):
        await js.services.request(subject, b"x", headers=headers)
    with pytest.raises(errors.InvalidOptionError, match="header"):
        await js.api.transport.publish(subject, b"x", headers=headers)
    assert (await stream.info()).state.messages == 1  # only the batch's good message


@pytest.mark.parametrize("msg_id", ["a\r\nb", "a\nb", "a\rb"], ids=repr)
async def test_line_breaks_in_a_msg_id_are_refused(
    js: jsm.Manager, unique_name: str, msg_id: str
) -> None:
    stream = await make_stream(js, unique_name)
    subject = f"{unique_name}.a"
    with pytest.raises(errors.InvalidOptionError, match="msg_id"):
        await js.publish(subject, b"x", msg_id=msg_id)
    with pytest.raises(errors.InvalidOptionError, match="msg_id"):
        await js.increment(subject, msg_id=msg_id)
    async with js.publisher() as pub:
        with pytest.raises(errors.InvalidOptionError, match="msg_id"):
            await pub.publish(subject, b"x", msg_id=msg_id)
    with pytest.raises(errors.InvalidOptionError, match="last_msg_id"):
        jsm.Expect(last_msg_id=msg_id)
    with pytest.raises(errors.InvalidOptionError, match=r"Expect\.stream"):
        jsm.Expect(stream=msg_id)
    assert (await stream.info()).state.messages == 0


@pytest.fixture(scope="module")
def roomy_server() -> Iterator[NatsServer]:
    """A server configured with a larger max_control_line than the default."""
    with run_server(name="ROOMY", extra_config="max_control_line: 8192\n") as server:
        yield server


async def test_max_control_line_follows_the_setting_passed_to_connect(
    roomy_server: NatsServer, unique_name: str
) -> None:
    medium, long = f"{unique_name}.{'y' * 1000}", f"{unique_name}.{LONG}"
    async with jsm.connect(roomy_server.client_url) as js:
        await make_stream(js, unique_name)
        assert (await js.publish(medium, b"x")).seq == 1
        with pytest.raises(errors.InvalidNameError, match="max_control_line"):
            await js.publish(long, b"x")
    async with jsm.connect(roomy_server.client_url, max_control_line=8192) as js:
        assert (await js.publish(long, b"x")).seq == 2
        kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
        assert kv.max_key_length > 8000
        await kv.put(LONG, b"v")
        assert (await kv.get(LONG)).value == b"v"
    async with jsm.connect(roomy_server.client_url, max_control_line=1024) as js:
        with pytest.raises(errors.InvalidNameError, match="max_control_line"):
            await js.publish(medium, b"x")
        await js.streams.delete(unique_name)
        await js.kv.delete(unique_name)


@pytest.mark.parametrize("value", [0, 100, -1, 4096.0, "4096", True], ids=repr)
def test_a_bad_max_control_line_is_refused(value: object) -> None:
    with pytest.raises(errors.InvalidOptionError, match="max_control_line"):
        jsm.connect("nats://127.0.0.1:4222", max_control_line=value)  # type: ignore[arg-type]  # the mistake under test


async def test_a_service_reply_with_a_bad_header_becomes_an_error_reply(
    js: jsm.Manager, unique_name: str
) -> None:
    svc = js.services.add(unique_name, "1.0.0")

    @svc.endpoint("bad", subject=f"{unique_name}.bad")
    async def bad(request: jsm.ServiceRequest) -> None:
        await request.respond(b"x", headers={"X": "two\r\nlines"})

    async with svc.run():
        with pytest.raises(jsm.ServiceRequestError) as caught:  # at once, not after 60 s
            await js.services.request(f"{unique_name}.bad", timeout=60)
        assert caught.value.code == 500
