"""Workloads that keep going while a fault strikes: consume, the pipeline, a KV watch, a replay.

Each workload creates what it needs, starts its tasks in the scenario's task group, and
keeps a ledger: what the server acknowledged, and what arrived (with the fault epoch or
consumer lifetime it arrived in). Writers keep writing until the fault is over (and
``count`` are acknowledged); a write that fails or is not acknowledged within
``WRITE_TIMEOUT`` is sent again (with the same ``Nats-Msg-Id`` where there is one), as
an application would. Readers never get help: their loops must recover by themselves.
A reader's recovery time is from the servers answering again to its next message; a
writer's, to its next acknowledged write (``notes["writer recovery s"]``).
:meth:`Workload.outcome` turns the ledger into an :class:`~tests.faults.harness.Outcome`.
"""

from __future__ import annotations

import contextlib
import itertools
from abc import ABC, abstractmethod
from collections import deque
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, TypeVar

import anyio

import jsm
from jsm.errors import InvalidNameError, InvalidOptionError, JsmError
from tests.faults.harness import RETRY_PAUSE, WRITE_TIMEOUT, Outcome, Recovery, Timeline
from tests.faults.injectors import Target

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from anyio.abc import TaskGroup

__all__ = [
    "ConsumeWorkload",
    "OrderedReplayWorkload",
    "PipelineWorkload",
    "WatchWorkload",
    "Workload",
    "read_numbers",
]

FILE = jsm.StorageType.FILE

T = TypeVar("T")


class Workload(ABC):
    """One workload of a scenario (see the module docstring)."""

    label = "workload"

    def __init__(
        self, name: str, *, count: int, replicas: int = 1, rate: float | None = None
    ) -> None:
        self.name = name
        self.count = count
        self.replicas = replicas
        self.rate = rate
        self.retried = 0
        self.progress = 0
        self._js: jsm.Manager | None = None
        self._timeline: Timeline | None = None
        self._recovery: Recovery | None = None
        self._write_recovery: Recovery | None = None

    @property
    def js(self) -> jsm.Manager:
        """The scenario's connection."""
        assert self._js is not None, "setup() first"
        return self._js

    @property
    def timeline(self) -> Timeline:
        """The scenario's fault timeline."""
        assert self._timeline is not None, "setup() first"
        return self._timeline

    @property
    def target(self) -> Target:
        """The stream (and consumer) a fault should aim at."""
        return Target(self.name)

    async def setup(self, js: jsm.Manager, timeline: Timeline) -> None:
        """Create the streams, buckets or consumers the workload needs."""
        self._js = js
        self._timeline = timeline
        self._recovery = Recovery(timeline)
        self._write_recovery = Recovery(timeline)
        await self._create()

    @abstractmethod
    async def _create(self) -> None: ...

    @abstractmethod
    def start(self, tg: TaskGroup) -> None:
        """Start the workload's tasks in ``tg``."""

    async def reached_trigger(self) -> bool:
        """Whether the workload is far enough along for the fault to strike."""
        return self.progress >= self.count // 3

    @abstractmethod
    async def settled(self) -> bool:
        """Whether everything acknowledged has arrived and nothing is outstanding."""

    @abstractmethod
    async def outcome(self) -> Outcome:
        """The workload's figures (leaks are added by the scenario)."""

    async def teardown(self) -> None:
        """Delete what the workload created."""
        with contextlib.suppress(JsmError):
            await self.js.streams.delete(self.target.stream)

    def progressed(self) -> None:
        """Count one step forward (and the recovery time, if this is the first since a fault)."""
        self.progress += 1
        assert self._recovery is not None
        self._recovery.progressed()

    @property
    def recovery(self) -> float | None:
        """The workload's longest recovery so far."""
        return self._recovery.worst if self._recovery is not None else None

    async def gate(self) -> None:
        """Hold a reader of a finite backlog at the trigger until the fault strikes, so the
        fault finds it mid-way (it would otherwise race to the end)."""
        if self.timeline.epoch == 0 and self.progress >= self.count // 3:
            await self.timeline.wait_struck()

    def writing(self, number: int) -> bool:
        """Whether a writer goes on: until the fault is over and ``count`` are written."""
        return number < self.count or not self.timeline.over

    async def pace(self) -> None:
        """Keep a writer to ``rate`` writes a second, if it has one (long scenarios)."""
        if self.rate is not None:
            await anyio.sleep(1 / self.rate)

    async def until_written(self, write: Callable[[], Awaitable[T]]) -> T:
        """Run ``write`` until it succeeds, then keep the pace; failures during the fault
        are retried."""
        await self.pace()
        while True:
            try:
                written = await write()
            except (InvalidNameError, InvalidOptionError):
                raise  # a mistake, not a fault
            except JsmError:
                self.retried += 1
                await anyio.sleep(RETRY_PAUSE)
                continue
            assert self._write_recovery is not None
            self._write_recovery.progressed()
            return written

    def _outcome(self, *, messages: int, lost: int, duplicated: int, unexplained: int) -> Outcome:
        outcome = Outcome(
            self.label,
            messages=messages,
            lost=lost,
            duplicated=duplicated,
            unexplained=unexplained,
            retried=self.retried,
            recovery=self.recovery,
        )
        writer = self._write_recovery.worst if self._write_recovery is not None else None
        if writer is not None:
            outcome.notes["writer recovery s"] = round(writer, 3)
        return outcome


async def _add_stream(js: jsm.Manager, name: str, replicas: int) -> jsm.Stream:
    return await js.streams.add(
        jsm.StreamConfig(name=name, subjects=[f"{name}.>"], storage=FILE, num_replicas=replicas)
    )


async def read_numbers(js: jsm.Manager, stream: str) -> list[int]:
    """Every message of ``stream``, read back in order as the number it starts with."""
    info = await (await js.streams.get(stream)).info()
    numbers: list[int] = []
    if info.state.messages == 0:
        return numbers
    async with js.ordered_consumer(stream) as messages:
        async for msg in messages:
            numbers.append(int(msg.data.split(maxsplit=1)[0]))
            if msg.metadata.num_pending == 0:
                break
    return numbers


class ConsumeWorkload(Workload):
    """A durable pull consumer's ``consume()`` loop working off a backlog of ``count``
    messages and acking each one, while a writer adds more until the fault is over.

    A message may come twice: redelivered after its ack was lost (``num_delivered`` > 1),
    or delivered afresh after a crash lost the consumer's record of it. The consumer's
    delivery sequence tells the two apart: it only grows while the consumer keeps its
    state, and starts lower again once that state is lost (each such reset begins a new
    "lifetime"). Twice within one lifetime with ``num_delivered == 1`` is a duplicate
    the protocol does not allow.
    """

    label = "consume"

    def __init__(
        self, name: str, *, count: int = 300, replicas: int = 1, rate: float | None = None
    ) -> None:
        super().__init__(name, count=count, replicas=replicas, rate=rate)
        self.acked: set[int] = set()
        self.deliveries: dict[int, list[tuple[int, int]]] = {}  # seq -> (num_delivered, lifetime)
        self.lifetime = 0
        self._last_delivery = 0
        self._written = anyio.Event()
        self._consumer: jsm.Consumer | None = None

    @property
    def target(self) -> Target:
        return Target(self.name, "worker")

    async def _create(self) -> None:
        stream = await _add_stream(self.js, self.name, self.replicas)
        self._consumer = await stream.consumers.add(
            jsm.ConsumerConfig(durable_name="worker", ack_wait=timedelta(seconds=5))
        )
        # A backlog: the loop has messages to take the moment it recovers, so its
        # recovery time is its own, not the writer's.
        async with self.js.publisher() as pub:
            futures = [
                await pub.publish(f"{self.name}.m", b"%d" % n, msg_id=f"{self.name}-{n}")
                for n in range(self.count)
            ]
        self.acked.update([(await future).seq for future in futures])

    def start(self, tg: TaskGroup) -> None:
        tg.start_soon(self._write)
        tg.start_soon(self._consume)

    async def _write(self) -> None:
        number = self.count
        while not self.timeline.over:
            ack = await self.until_written(
                partial(
                    self.js.publish,
                    f"{self.name}.m",
                    b"%d" % number,
                    msg_id=f"{self.name}-{number}",
                    timeout=WRITE_TIMEOUT,
                )
            )
            self.acked.add(ack.seq)
            number += 1
        self._written.set()

    async def _consume(self) -> None:
        assert self._consumer is not None
        # A short pull expiry: a pull lost with its server is noticed in seconds.
        async with self._consumer.consume(max_messages=100, expires=5) as messages:
            async for msg in messages:
                meta = msg.metadata
                if meta.sequence.consumer <= self._last_delivery:
                    self.lifetime += 1  # the consumer lost its delivery state
                self._last_delivery = meta.sequence.consumer
                seen = self.deliveries.setdefault(meta.sequence.stream, [])
                seen.append((meta.num_delivered, self.lifetime))
                await msg.ack()
                self.progressed()
                await self.gate()

    async def settled(self) -> bool:
        if not self._written.is_set() or not self.acked <= self.deliveries.keys():
            return False
        assert self._consumer is not None
        info = await self._consumer.info()
        return info.num_ack_pending == 0 and info.num_pending == 0

    async def outcome(self) -> Outcome:
        stored = (await (await self.js.streams.get(self.name)).info()).state.messages
        duplicated = sum(len(d) - 1 for d in self.deliveries.values())
        unexplained = sum(
            1
            for d in self.deliveries.values()
            for (_, before), (count, lifetime) in itertools.pairwise(d)
            if count == 1 and lifetime == before
        )
        outcome = self._outcome(
            messages=len(self.acked),
            lost=len(self.acked - self.deliveries.keys()),
            duplicated=duplicated,
            # msg_id dedupe keeps a re-sent publish from being stored twice.
            unexplained=unexplained + max(0, stored - len(self.acked)),
        )
        outcome.notes["consumer state lost"] = self.lifetime
        return outcome


class WatchWorkload(Workload):
    """A KV watch on a bucket while a writer puts new keys.

    A put is re-sent when it failed, and KV puts carry no dedupe id, so a key may get a
    second revision (both show in the watch: allowed). The same revision twice is not.
    """

    label = "kv watch"

    def __init__(
        self, name: str, *, count: int = 300, replicas: int = 1, rate: float | None = None
    ) -> None:
        super().__init__(name, count=count, replicas=replicas, rate=rate)
        self.acked: set[int] = set()
        self.seen: list[tuple[int, str]] = []  # (revision, key)
        self._written = anyio.Event()
        self._bucket: jsm.KeyValue | None = None

    @property
    def target(self) -> Target:
        return Target(f"KV_{self.name}")

    async def _create(self) -> None:
        self._bucket = await self.js.kv.create(
            jsm.KeyValueConfig(bucket=self.name, storage=FILE, replicas=self.replicas)
        )

    def start(self, tg: TaskGroup) -> None:
        tg.start_soon(self._watch)
        tg.start_soon(self._write)

    async def _write(self) -> None:
        assert self._bucket is not None
        bucket = self._bucket
        number = 0
        while self.writing(number):
            revision = await self.until_written(
                partial(bucket.put, f"k.{number}", b"%d" % number, timeout=WRITE_TIMEOUT)
            )
            self.acked.add(revision)
            number += 1
        self._written.set()

    async def _watch(self) -> None:
        assert self._bucket is not None
        async with self._bucket.watch(">") as updates:
            async for entry in updates:
                if entry is None:
                    continue  # the end of the initial values
                self.seen.append((entry.revision, entry.key))
                self.progressed()

    async def settled(self) -> bool:
        return self._written.is_set() and self.acked <= {rev for rev, _ in self.seen}

    async def outcome(self) -> Outcome:
        revisions = [rev for rev, _ in self.seen]
        return self._outcome(
            messages=len(self.acked),
            lost=len(self.acked - set(revisions)),
            duplicated=len(self.seen) - len({key for _, key in self.seen}),
            unexplained=len(revisions) - len(set(revisions)),
        )

    async def teardown(self) -> None:
        with contextlib.suppress(JsmError):
            await self.js.kv.delete(self.name)


class PipelineWorkload(Workload):
    """``js.publisher()`` publishing numbered messages with msg ids; failures are re-published.

    Everything acknowledged must be in the stream exactly once (the msg id dedupes a
    message re-sent after its ack was lost).
    """

    label = "publisher pipeline"

    def __init__(
        self,
        name: str,
        *,
        count: int = 3000,
        replicas: int = 1,
        rate: float | None = None,
        max_pending: int = 128,
    ) -> None:
        super().__init__(name, count=count, replicas=replicas, rate=rate)
        self.max_pending = max_pending
        self.acked: set[int] = set()
        self._done = anyio.Event()

    async def _create(self) -> None:
        await _add_stream(self.js, self.name, self.replicas)

    def start(self, tg: TaskGroup) -> None:
        tg.start_soon(self._publish)

    async def _publish(self) -> None:
        window: deque[tuple[int, jsm.PubAckFuture]] = deque()
        async with self.js.publisher(max_pending=self.max_pending) as pub:
            number = 0
            while self.writing(number):
                window.append((number, await self._send(pub, number)))
                number += 1
                await self.pace()
                await self._harvest(pub, window, wait=False)
            while window:
                await self._harvest(pub, window, wait=True)
        self._done.set()

    async def _send(self, pub: jsm.Publisher, number: int) -> jsm.PubAckFuture:
        return await pub.publish(
            f"{self.name}.m", str(number).encode(), msg_id=f"{self.name}-{number}"
        )

    async def _harvest(
        self, pub: jsm.Publisher, window: deque[tuple[int, jsm.PubAckFuture]], *, wait: bool
    ) -> None:
        while window and (wait or window[0][1].done()):
            number, future = window.popleft()
            try:
                await future
            except JsmError:
                self.retried += 1
                window.append((number, await self._send(pub, number)))
                if wait:
                    await anyio.sleep(RETRY_PAUSE)
                continue
            self.acked.add(number)
            self.progressed()

    async def settled(self) -> bool:
        return self._done.is_set()

    async def outcome(self) -> Outcome:
        stored = await read_numbers(self.js, self.name)
        duplicated = len(stored) - len(set(stored))
        return self._outcome(
            messages=len(self.acked),
            lost=len(self.acked - set(stored)),
            duplicated=duplicated,
            unexplained=duplicated,
        )


class OrderedReplayWorkload(Workload):
    """An ordered consumer replaying a stream of ``count`` messages: all, in order, once."""

    label = "ordered replay"

    def __init__(self, name: str, *, count: int = 5000) -> None:
        super().__init__(name, count=count)
        self.sequences: list[int] = []
        self._done = anyio.Event()

    async def _create(self) -> None:
        await _add_stream(self.js, self.name, 1)
        async with self.js.publisher() as pub:
            for number in range(self.count):
                await pub.publish(f"{self.name}.m", str(number).encode())

    def start(self, tg: TaskGroup) -> None:
        tg.start_soon(self._replay)

    async def _replay(self) -> None:
        async with self.js.ordered_consumer(self.name) as messages:
            async for msg in messages:
                self.sequences.append(msg.metadata.sequence.stream)
                self.progressed()
                if self.sequences[-1] >= self.count:
                    break
                await self.gate()
        self._done.set()

    async def settled(self) -> bool:
        return self._done.is_set()

    async def outcome(self) -> Outcome:
        sequences = self.sequences
        duplicated = len(sequences) - len(set(sequences))
        in_order = sequences == sorted(sequences)
        return self._outcome(
            messages=self.count,
            lost=self.count - len(set(sequences)),
            duplicated=duplicated,
            unexplained=duplicated + (0 if in_order else 1),
        )
