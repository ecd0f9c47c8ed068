"""The shortcuts through nats-py's internals (jsm._wire) are taken, and fall back cleanly.

These tests fail if nats-py changes underneath: the shortcuts must be in use with the
nats-py jsm is tested with (no publish reaches ``Client.publish``, messages are handled
as they are parsed), and a client whose class changes a publish must get nats-py's own
path, with everything still working.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio
from nats.aio.client import Client as NatsClient

import jsm
from jsm._transport import NatsMsg, unsubscribe
from jsm._wire import Wire, dispatch_directly, is_direct
from tests.integration.consumer_helpers import make_stream, publish

if TYPE_CHECKING:
    import pytest

    from jsm.testing import NatsServer


class _CountingClient(NatsClient):
    """An application's client class that changes what a publish does."""

    published = 0

    async def publish(
        self,
        subject: str,
        payload: bytes = b"",
        reply: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        type(self).published += 1
        await super().publish(subject, payload, reply=reply, headers=headers)


async def _received(sub: object, count: int) -> list[NatsMsg]:
    got: list[NatsMsg] = []
    with anyio.fail_after(20):
        async for msg in sub.messages:  # type: ignore[attr-defined]  # a nats-py Subscription
            got.append(msg)
            if len(got) == count:
                return got
    return got


async def test_publishes_skip_client_publish_with_the_same_bytes(
    js: jsm.Manager, unique_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = js.api.transport
    assert Wire.attach(js.nc) is not None  # this nats-py offers what jsm._wire relies on
    calls: list[str] = []
    original = js.nc.publish

    async def spy(subject: str, *args: object, **kwargs: object) -> None:
        calls.append(subject)
        await original(subject, *args, **kwargs)  # type: ignore[arg-type]  # passed through

    monkeypatch.setattr(js.nc, "publish", spy)
    sub = await transport.subscribe(f"{unique_name}.>")
    try:
        out = js.nc.stats["out_msgs"]
        await transport.publish(f"{unique_name}.a", b"one", reply="re.ply")
        await transport.publish(f"{unique_name}.b", b"")
        await transport.publish(f"{unique_name}.c", b"three", headers={"H": "v"})
        got = await _received(sub, 3)
    finally:
        await unsubscribe(sub)
    assert [(m.subject, m.data, m.reply) for m in got] == [
        (f"{unique_name}.a", b"one", "re.ply"),
        (f"{unique_name}.b", b"", ""),
        (f"{unique_name}.c", b"three", ""),
    ]
    assert got[2].headers == {"H": "v"}
    assert calls == [f"{unique_name}.c"]  # only the publish with headers took nats-py's path
    assert js.nc.stats["out_msgs"] == out + 3


async def test_acks_skip_client_publish_and_are_recorded(
    js: jsm.Manager, unique_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = await make_stream(js, unique_name)
    worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
    await publish(js, f"{unique_name}.a", 4)
    calls: list[str] = []
    original = js.nc.publish

    async def spy(subject: str, *args: object, **kwargs: object) -> None:
        calls.append(subject)
        await original(subject, *args, **kwargs)  # type: ignore[arg-type]  # passed through

    monkeypatch.setattr(js.nc, "publish", spy)
    msgs = await worker.fetch(4, max_wait=5)
    assert len(msgs) == 4
    await msgs[0].ack()
    await msgs[1].ack()
    await msgs[2].in_progress()
    await msgs[2].term(reason="done with it")
    await msgs[3].ack()
    await js.api.transport.flush(5)
    info = await worker.info()
    assert info.num_ack_pending == 0
    assert info.num_redelivered == 0 and info.num_pending == 0
    assert calls == []  # every acknowledgement went straight into nats-py's buffer


async def test_requests_are_resolved_as_replies_are_parsed(js: jsm.Manager) -> None:
    transport = js.api.transport
    await js.account_info()
    mux = [s for s in js.nc._subs.values() if s._cb == js.nc._request_sub_callback]
    assert len(mux) == 1 and is_direct(mux[0])
    info = await js.nc.request(js.api.subjects.api("INFO"), b"", timeout=5)  # nats-py's own
    assert b"memory" in info.data
    assert not js.nc._resp_map and transport is js.api.transport


async def test_messages_are_offered_to_the_handler_first(
    js: jsm.Manager, unique_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    transport = js.api.transport
    taken: list[bytes] = []
    called: list[bytes] = []
    arrived = {data: anyio.Event() for data in (b"no1", b"boom")}

    def handler(msg: NatsMsg) -> bool:
        if msg.data == b"boom":
            raise RuntimeError("a bug")
        if msg.data.startswith(b"no"):
            return False
        taken.append(msg.data)
        return True

    async def callback(msg: NatsMsg) -> None:
        called.append(msg.data)
        arrived[msg.data].set()

    sub = await transport.subscribe(f"{unique_name}.x", callback=callback, direct=handler)
    try:
        assert is_direct(sub)
        for data in (b"a", b"no1", b"b", b"boom", b"c"):
            await transport.publish(f"{unique_name}.x", data)
            if data in arrived:  # declined: wait until the callback had it, keeping order
                with anyio.fail_after(20):
                    await arrived[data].wait()
        await transport.flush(5)  # its PONG comes after "c" was parsed
    finally:
        await unsubscribe(sub)
    assert taken == [b"a", b"b", b"c"]
    assert called == [b"no1", b"boom"]
    assert sub._pending_size == 0  # nothing counted as pending stays counted
    assert any("direct handling" in r.message for r in caplog.records if r.levelno >= logging.ERROR)


async def test_messages_wait_behind_one_the_callback_is_still_handling(
    js: jsm.Manager, unique_name: str
) -> None:
    # The queue is empty while the callback awaits its message; a later message the
    # handler would take must still queue behind it, not overtake it.
    transport = js.api.transport
    seen: list[bytes] = []
    started, release, finished = anyio.Event(), anyio.Event(), anyio.Event()

    def note(data: bytes) -> None:
        seen.append(data)
        if len(seen) == 4:
            finished.set()

    def handler(msg: NatsMsg) -> bool:
        if msg.data == b"slow":
            return False
        note(msg.data)
        return True

    async def callback(msg: NatsMsg) -> None:
        if msg.data == b"slow":
            started.set()
            await release.wait()
        note(msg.data)

    sub = await transport.subscribe(f"{unique_name}.x", callback=callback, direct=handler)
    try:
        for data in (b"a", b"slow"):
            await transport.publish(f"{unique_name}.x", data)
        with anyio.fail_after(20):
            await started.wait()
        for data in (b"b", b"c"):
            await transport.publish(f"{unique_name}.x", data)
        await transport.flush(5)  # its PONG comes after "c" was parsed
        release.set()
        with anyio.fail_after(20):
            await finished.wait()
    finally:
        await unsubscribe(sub)
    assert seen == [b"a", b"slow", b"b", b"c"]
    assert sub._pending_size == 0


def test_dispatch_directly_leaves_other_subscriptions_alone() -> None:
    class Other:
        _pending_queue = None
        _pending_size = 0

    assert not dispatch_directly(Other(), lambda msg: True)  # type: ignore[arg-type]  # not nats-py's


async def test_a_client_class_that_changes_publish_gets_nats_pys_path(
    nats_server: NatsServer, unique_name: str
) -> None:
    nc = _CountingClient()
    await nc.connect(nats_server.client_url)
    try:
        js = jsm.Manager(nc)
        assert Wire.attach(nc) is None
        stream = await make_stream(js, unique_name)
        worker = await stream.consumers.add(jsm.ConsumerConfig(durable_name="w"))
        await publish(js, f"{unique_name}.a", 20)
        before = _CountingClient.published
        seen = 0
        async with worker.consume(max_messages=5) as messages:
            async for msg in messages:
                await msg.ack()
                seen += 1
                if seen == 20:
                    break
        for msg in await worker.fetch(1, max_wait=1):
            await msg.ack()
        async with js.publisher() as pub:
            await pub.publish(f"{unique_name}.a", b"x")
        assert (await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))).bucket == unique_name
        await js.kv.delete(unique_name)
        await stream.delete()
        assert _CountingClient.published - before >= 20 + 1  # acks and the pipelined publish
    finally:
        await nc.close()
