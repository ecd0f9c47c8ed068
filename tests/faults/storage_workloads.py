"""Workloads that move bulk data through a crash: object put and get, snapshot and restore.

An object read goes on by itself across a restart (its ordered consumer recreates
itself); an object put, a snapshot and a restore in flight when the server dies fail
with a typed error, leave nothing half-made behind, and succeed when tried again.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from typing import TYPE_CHECKING

import anyio

import jsm
from jsm.errors import JsmError
from tests.faults.harness import RETRY_PAUSE, SETTLE_WITHIN, Outcome, watched_connection
from tests.faults.injectors import Target
from tests.faults.workloads import FILE, Workload, read_numbers

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from anyio.abc import TaskGroup

    from jsm.testing import NatsServer

__all__ = ["ObjectGetWorkload", "ObjectPutWorkload", "snapshot_and_restore_across_kill"]

CHUNK = 128 * 1024
OBJECT_SIZE = 32 * 1024 * 1024
"""Twice what a reader may hold (its 8 MiB buffer, and as much again pulled), so a crash
finds chunks still to be fetched."""

OBJECT = "blob"


class _ObjectWorkload(Workload):
    def __init__(self, name: str, *, size: int = OBJECT_SIZE) -> None:
        super().__init__(name, count=-(-size // CHUNK))
        self.data = os.urandom(size)
        self._store: jsm.ObjectStore | None = None
        self._done = anyio.Event()

    @property
    def store(self) -> jsm.ObjectStore:
        assert self._store is not None, "setup() first"
        return self._store

    @property
    def target(self) -> Target:
        return Target(f"OBJ_{self.name}")

    async def _create(self) -> None:
        self._store = await self.js.objects.create(
            jsm.ObjectStoreConfig(bucket=self.name, storage=FILE)
        )

    async def settled(self) -> bool:
        return self._done.is_set()

    async def teardown(self) -> None:
        with contextlib.suppress(JsmError):
            await self.js.objects.delete(self.name)

    async def _chunks_stored(self) -> dict[str, int]:
        """Messages per chunk subject (one subject per object version) in the bucket's stream."""
        info = await (await self.js.streams.get(self.target.stream)).info(
            subjects_filter=f"$O.{self.name}.C.>"
        )
        return dict(info.state.subjects or {})


class ObjectGetWorkload(_ObjectWorkload):
    """Read a 16 MiB object while the server restarts: every byte, digest verified."""

    label = "object get"

    def __init__(self, name: str, *, size: int = OBJECT_SIZE) -> None:
        super().__init__(name, size=size)
        self.read = bytearray()
        self.verified = False

    async def _create(self) -> None:
        await super()._create()
        await self.store.put(OBJECT, self.data)

    def start(self, tg: TaskGroup) -> None:
        tg.start_soon(self._get)

    async def _get(self) -> None:
        async with self.store.get(OBJECT) as reader:
            async for chunk in reader:
                self.read += chunk
                self.progressed()
                await self.gate()
            self.verified = reader.verified
        self._done.set()

    async def outcome(self) -> Outcome:
        intact = self.verified and bytes(self.read) == self.data
        return self._outcome(
            messages=self.count,
            lost=0 if intact else self.count - self.progress or 1,
            duplicated=max(0, self.progress - self.count),
            unexplained=max(0, self.progress - self.count),
        )


class ObjectPutWorkload(_ObjectWorkload):
    """Put a 16 MiB object while the server dies; put it again until it is stored.

    The put in flight fails with a typed error; the one that succeeds must read back
    intact, and no chunk of the failed put may be left in the bucket.
    """

    label = "object put"

    def __init__(self, name: str, *, size: int = OBJECT_SIZE) -> None:
        super().__init__(name, size=size)
        self.errors: list[str] = []
        self.orphans = 0

    def start(self, tg: TaskGroup) -> None:
        tg.start_soon(self._put)

    async def _source(self) -> AsyncIterator[bytes]:
        for offset in range(0, len(self.data), CHUNK):
            yield self.data[offset : offset + CHUNK]
            self.progress += 1
            await self.gate()

    async def _put(self) -> None:
        while True:
            self.progress = 0
            try:
                await self.store.put(OBJECT, self._source())
            except JsmError as err:
                self.errors.append(type(err).__name__)
                self.retried += 1
                await anyio.sleep(RETRY_PAUSE)
                continue
            self.progressed()
            break
        self._done.set()

    async def outcome(self) -> Outcome:
        stored = await self.store.get_bytes(OBJECT)
        chunks = await self._chunks_stored()
        info = await self.store.info(OBJECT)
        self.orphans = sum(n for subject, n in chunks.items() if not subject.endswith(info.nuid))
        outcome = self._outcome(
            messages=self.count,
            lost=0 if stored == self.data else self.count,
            duplicated=0,
            unexplained=0,
        )
        outcome.notes["orphan chunks"] = self.orphans
        return outcome


class _Tripwire(io.BytesIO):
    """A buffer that calls ``trip`` (once) on its ``at``-th read or write.

    Snapshots and restores do their file I/O in a worker thread, so ``trip`` may block:
    here it crashes the server in the middle of the transfer, deterministically.
    """

    def __init__(self, data: bytes, *, at: int, trip: Callable[[], None]) -> None:
        super().__init__(data)
        self._at = at
        self._calls = 0
        self._trip: Callable[[], None] | None = trip
        self.tripped_at: float | None = None

    def _tick(self) -> None:
        self._calls += 1
        if self._calls == self._at and self._trip is not None:
            trip, self._trip = self._trip, None
            trip()
            self.tripped_at = time.monotonic()

    def write(self, data: object) -> int:
        self._tick()
        return super().write(data)  # type: ignore[arg-type]  # bytes-like, as BytesIO takes

    def read(self, size: int | None = -1) -> bytes:
        self._tick()
        return super().read(size)


async def snapshot_and_restore_across_kill(server: NatsServer, name: str) -> Outcome:
    """Back a stream up while the server dies, then restore it while the server dies.

    Each interrupted transfer must fail with a ``JsmError`` and leave no stream behind;
    tried again once the server is back, both succeed and the restored stream holds
    every message.
    """
    outcome = Outcome("snapshot + restore / kill -9")
    async with watched_connection(server.client_url, [outcome]) as js:
        stream = await js.streams.add(
            jsm.StreamConfig(name=name, subjects=[f"{name}.>"], storage=FILE)
        )
        count = 1000
        async with js.publisher() as pub:
            for number in range(count):
                # Random bytes after the number: snapshots are compressed.
                await pub.publish(f"{name}.m", b"%d " % number + os.urandom(8 * 1024))
        # 8 MiB: the server sends at most 4 MiB ahead, so the crash cuts the snapshot short.
        broken = _Tripwire(b"", at=3, trip=server.kill)
        errors = [await _fails(stream.snapshot(broken, chunk_size=64 * 1024), broken)]
        await anyio.to_thread.run_sync(server.start)
        back = time.monotonic()
        good = io.BytesIO()
        await _retrying(lambda: stream.snapshot(good), outcome)
        outcome.recovery = time.monotonic() - back
        await stream.delete()

        source = _Tripwire(good.getvalue(), at=6, trip=server.kill)
        errors.append(await _fails(js.streams.restore(source), source))
        await anyio.to_thread.run_sync(server.start)
        leftover = await _exists(js, name)
        await _retrying(lambda: js.streams.restore(io.BytesIO(good.getvalue())), outcome)
        numbers = await read_numbers(js, name)
        outcome.messages = count
        outcome.lost = count - len(set(numbers))
        outcome.duplicated = outcome.unexplained = len(numbers) - len(set(numbers))
        outcome.notes["half-restored stream left"] = int(leftover)
        outcome.notes["typed errors"] = sum(1 for e in errors if e is not None)
        await js.streams.delete(name)
    return outcome


async def _fails(transfer: Awaitable[object], wire: _Tripwire) -> str | None:
    """Await a transfer the tripwire crashes midway; the name of its ``JsmError``, or
    ``None`` if it claimed success."""
    try:
        await transfer
    except JsmError as err:
        return type(err).__name__
    finally:
        assert wire.tripped_at is not None, "the transfer ended before the crash"
    return None


async def _retrying(transfer: Callable[[], Awaitable[object]], outcome: Outcome) -> None:
    try:
        with anyio.fail_after(SETTLE_WITHIN):
            while True:
                try:
                    await transfer()
                except JsmError:
                    outcome.retried += 1
                    await anyio.sleep(RETRY_PAUSE)
                    continue
                return
    except TimeoutError:
        raise AssertionError(f"{outcome.scenario}: still failing after the restart") from None


async def _exists(js: jsm.Manager, name: str) -> bool:
    return name in [n async for n in js.streams.names()]
