"""Puts that fail midway leave the previous version intact and no orphan chunks; bad input is refused.

Failures come from the real server (a full bucket), from a connection severed under the
client (a loopback TCP relay the test cuts, after which nats-py reconnects) and from a
connection closed by the application.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import TYPE_CHECKING

import anyio
import anyio.abc
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import NatsServer

CHUNK = 128 * 1024


def payload(size: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


async def chunk_subjects(js: jsm.Manager, bucket: str) -> dict[str, int]:
    info = await (await js.streams.get(f"OBJ_{bucket}")).info(subjects_filter=f"$O.{bucket}.C.>")
    return dict(info.state.subjects or {})


async def assert_only_version(
    js: jsm.Manager, store: jsm.ObjectStore, name: str, data: bytes
) -> None:
    """``name`` holds ``data``, and no chunks but those of the bucket's live objects remain."""
    info = await store.info(name)
    assert await store.get_bytes(name) == data
    live = {f"$O.{store.bucket}.C.{i.nuid}": i.chunks async for i in store.list() if i.chunks}
    assert await chunk_subjects(js, store.bucket) == live
    assert live[f"$O.{store.bucket}.C.{info.nuid}"] == info.chunks


async def test_put_over_max_bytes_fails_and_leaves_the_previous_version(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name, max_bytes=1 << 20))
    old = payload(200_000, seed=1)
    await store.put("obj", old, meta=jsm.ObjectMeta(description="v1"))
    with pytest.raises(errors.ApiError) as caught:
        await store.put("obj", payload(3 << 20, seed=2))
    assert "maximum bytes" in caught.value.description.lower()
    await assert_only_version(js, store, "obj", old)
    assert (await store.info("obj")).description == "v1"
    with pytest.raises(errors.ApiError):
        await store.put("new", payload(3 << 20, seed=3))
    with pytest.raises(errors.ObjectNotFoundError):
        await store.info("new")
    await assert_only_version(js, store, "obj", old)


class Relay:
    """A loopback TCP relay to a server whose live connections the test can cut."""

    def __init__(self, target_port: int) -> None:
        self._target_port = target_port
        self._streams: list[anyio.abc.SocketStream] = []
        self.port = 0
        self.connections = 0

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Relay]:
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=0)
        self.port = listener.extra(anyio.abc.SocketAttribute.local_port)
        async with listener, anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, self._handle)
            try:
                yield self
            finally:
                tg.cancel_scope.cancel()
                self.cut()

    def cut(self) -> None:
        """Close every relayed connection (both sides) at once."""
        streams, self._streams = self._streams, []
        for stream in streams:
            with contextlib.suppress(Exception):
                stream._transport.abort()  # type: ignore[attr-defined]  # asyncio-backed stream

    async def _handle(self, client: anyio.abc.SocketStream) -> None:
        self.connections += 1
        async with client, await anyio.connect_tcp("127.0.0.1", self._target_port) as server:
            self._streams += [client, server]
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._pipe, client, server, tg.cancel_scope)
                tg.start_soon(self._pipe, server, client, tg.cancel_scope)

    @staticmethod
    async def _pipe(
        source: anyio.abc.SocketStream, sink: anyio.abc.SocketStream, scope: anyio.CancelScope
    ) -> None:
        try:
            async for data in source:
                await sink.send(data)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            pass
        finally:
            scope.cancel()


async def test_put_cut_off_by_a_lost_connection_purges_its_chunks(
    js: jsm.Manager, nats_server: NatsServer, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    old = payload(300_000, seed=4)
    await store.put("obj", old)
    async with (
        Relay(nats_server.client_port).running() as relay,
        jsm.connect(
            f"nats://127.0.0.1:{relay.port}", reconnect_time_wait=0, max_reconnect_attempts=-1
        ) as flaky,
    ):
        flaky_store = await flaky.objects.get(unique_name)

        async def source() -> AsyncIterator[bytes]:
            for index in range(200):
                if index == 20:
                    relay.cut()
                yield payload(CHUNK, seed=index)

        with pytest.raises((errors.JsmConnectionError, errors.JsmTimeoutError)):
            await flaky_store.put("obj", source())
        assert relay.connections >= 2  # nats-py reconnected, so the put could clean up
    await assert_only_version(js, store, "obj", old)


async def test_put_on_a_closed_connection_keeps_the_previous_version(
    js: jsm.Manager, nats_server: NatsServer, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    old = payload(300_000, seed=5)
    await store.put("obj", old)
    async with jsm.connect(nats_server.client_url) as other:
        other_store = await other.objects.get(unique_name)

        async def source() -> AsyncIterator[bytes]:
            for index in range(50):
                if index == 10:
                    await other.nc.close()
                yield payload(CHUNK, seed=index)

        with pytest.raises(errors.ClosedError):
            await other_store.put("obj", source())
    info = await store.info("obj")
    assert await store.get_bytes("obj") == old
    assert info.size == len(old)
    # The closed connection could not purge what it sent; purge_orphans finds it, but
    # spares chunks younger than its grace period (they may belong to a put under way).
    await store.put("other", payload(300_000, seed=6))
    assert await store.purge_orphans() == 0
    orphans = sum((await chunk_subjects(js, unique_name)).values()) - 3 - 3
    assert orphans > 0
    assert await store.purge_orphans(older_than=0.001) == orphans
    assert await store.get_bytes("other") == payload(300_000, seed=6)
    await assert_only_version(js, store, "obj", old)
    assert await store.purge_orphans(older_than=0.001) == 0


async def test_a_failing_source_purges_what_was_sent(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    old = payload(1000, seed=6)
    await store.put("obj", old)

    async def source() -> AsyncIterator[bytes]:
        for index in range(10):
            yield payload(CHUNK, seed=index)
        raise OSError("disk read failed")

    with pytest.raises(OSError, match="disk read failed"):
        await store.put("obj", source())
    await assert_only_version(js, store, "obj", old)


async def test_a_cancelled_put_purges_what_was_sent(js: jsm.Manager, unique_name: str) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    old = payload(1000, seed=7)
    await store.put("obj", old)
    sent = anyio.Event()

    async def source() -> AsyncIterator[bytes]:
        for index in range(10_000):
            if index == 10:
                sent.set()
            yield payload(CHUNK, seed=index % 4)

    async with anyio.create_task_group() as tg:
        tg.start_soon(store.put, "obj", source())
        await sent.wait()
        tg.cancel_scope.cancel()
    await assert_only_version(js, store, "obj", old)


@pytest.mark.parametrize(
    "bucket",
    ["", "a.b", "a b", "a*", "a>", "ü"],
    ids=["empty", "dot", "space", "star", "gt", "utf"],
)
async def test_invalid_bucket_names_are_refused_before_the_wire(
    js: jsm.Manager, bucket: str
) -> None:
    with pytest.raises(errors.InvalidNameError):
        await js.objects.create(jsm.ObjectStoreConfig(bucket=bucket))
    with pytest.raises(errors.InvalidNameError):
        await js.objects.get(bucket)
    with pytest.raises(errors.InvalidNameError):
        await js.objects.delete(bucket)
    assert [name async for name in js.objects.names()] == []


async def test_invalid_object_names_and_sources_are_refused(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await store.put("keep", b"k")
    for bad in ("", "a\x00b"):
        with pytest.raises(errors.InvalidNameError):
            await store.put(bad, b"x")
        with pytest.raises(errors.InvalidNameError):
            store.get(bad)
        with pytest.raises(errors.InvalidNameError):
            await store.info(bad)
    with pytest.raises(errors.InvalidOptionError, match="encode it first"):
        await store.put("text", "not bytes")  # type: ignore[arg-type]  # the mistake under test
    with pytest.raises(errors.InvalidOptionError, match=r"meta\.name"):
        await store.put("a", b"x", meta=jsm.ObjectMeta(name="b"))
    with pytest.raises(errors.InvalidOptionError, match="max payload"):
        await store.put("a", b"x", meta=jsm.ObjectMeta(chunk_size=64 << 20))
    with pytest.raises(errors.InvalidOptionError, match="chunk_size"):
        await store.update_meta("keep", jsm.ObjectMeta(chunk_size=10))
    with pytest.raises(errors.InvalidOptionError, match="older_than"):
        await store.purge_orphans(older_than=-1)
    assert [info.name async for info in store.list()] == ["keep"]
    assert set((await chunk_subjects(js, unique_name)).values()) == {1}


async def test_operations_on_a_missing_bucket_raise_object_store_not_found(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
    await js.objects.delete(unique_name)
    with pytest.raises(errors.ObjectStoreNotFoundError):
        await store.put("a", b"x")
    with pytest.raises(errors.ObjectStoreNotFoundError):
        await store.get_bytes("a")
    with pytest.raises(errors.ObjectStoreNotFoundError):
        await store.status()
    with pytest.raises(errors.ObjectStoreNotFoundError):
        async with store.watch():
            pass
    with pytest.raises(errors.ObjectStoreNotFoundError):
        await js.objects.update(jsm.ObjectStoreConfig(bucket=unique_name))
    with pytest.raises(errors.ObjectStoreNotFoundError):
        await js.objects.status(unique_name)
