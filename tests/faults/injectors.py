"""Faults to strike a running workload with: crashes, leader changes and a cut link.

Each fault marks the :class:`~tests.faults.harness.Timeline` when it strikes and when
the servers answer again, so workloads can tell what happened across it and how long
they took to move again. Blocking server control runs in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol

import anyio

from tests.faults.harness import eventually

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import jsm
    from jsm.testing import Cluster, HubAndLeaf, NatsServer
    from tests.faults.harness import Timeline

__all__ = ["Fault", "KillAndRestart", "LeaderKill", "LeaderStepdown", "LinkCut", "Target"]


@dataclass(frozen=True)
class Target:
    """What a fault aims at: a workload's stream and, if it has one, its durable consumer."""

    stream: str
    consumer: str | None = None


class Fault(Protocol):
    """Something that breaks the servers under a workload and then lets them recover."""

    label: str

    async def strike(self, js: jsm.Manager, target: Target, timeline: Timeline) -> None:
        """Break, mark the timeline, and return once the servers answer again."""
        ...


async def _until_disconnected(js: jsm.Manager) -> None:
    # kill -9 closes the sockets, so the client notices at once.
    async def disconnected() -> bool:
        return not js.nc.is_connected

    await eventually(disconnected, within=10, what="the client to notice the crash")


async def _until_connected(js: jsm.Manager) -> None:
    async def connected() -> bool:
        return bool(js.nc.is_connected)

    await eventually(connected, within=60, what="the client to reconnect")


class KillAndRestart:
    """kill -9 a single server, start it again on the same port and store; ``times`` in a row.

    Between two crashes the client is given time to reconnect, so each crash is one it
    goes through.
    """

    def __init__(self, server: NatsServer, *, times: int = 1) -> None:
        self.server = server
        self.times = times
        self.label = "kill -9" if times == 1 else f"{times} × kill -9"

    async def strike(self, js: jsm.Manager, target: Target, timeline: Timeline) -> None:
        for round_ in range(self.times):
            timeline.strike()
            await anyio.to_thread.run_sync(self.server.kill)
            await _until_disconnected(js)
            await anyio.to_thread.run_sync(self.server.start)
            timeline.back()
            if round_ + 1 < self.times:
                await _until_connected(js)


async def _stream_leader(js: jsm.Manager, stream: str) -> str | None:
    cluster = (await (await js.streams.get(stream)).info()).cluster
    return None if cluster is None else cluster.leader


async def _done(call: Callable[..., Awaitable[object]], *args: object) -> bool:
    await call(*args)
    return True


async def _leader_moved(js: jsm.Manager, stream: str, before: str | None) -> bool:
    return await _stream_leader(js, stream) not in (None, before)


class LeaderKill:
    """kill -9 the node leading the target stream; back once a new leader answers.

    The killed node is started again afterwards (and catches up), outside the timeline.
    """

    label = "leader kill -9"

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    async def strike(self, js: jsm.Manager, target: Target, timeline: Timeline) -> None:
        leader = await _stream_leader(js, target.stream)
        assert leader is not None, f"stream {target.stream} has no leader"
        index = self.cluster.index_of(leader)
        timeline.strike()
        await anyio.to_thread.run_sync(self.cluster.kill_node, index)

        await eventually(
            partial(_leader_moved, js, target.stream, leader), within=60, what="a new stream leader"
        )
        timeline.back()
        await anyio.to_thread.run_sync(self.cluster.start_node, index)


class LeaderStepdown:
    """Make the stream's leader (then the consumer's, if any) step down, ``times`` in a row."""

    def __init__(self, *, times: int = 3) -> None:
        self.times = times
        self.label = f"{times} × leader step-down"

    async def strike(self, js: jsm.Manager, target: Target, timeline: Timeline) -> None:
        stream = await js.streams.get(target.stream)
        for _ in range(self.times):
            before = await _stream_leader(js, target.stream)
            timeline.strike()
            # A step-down asked while a group is still electing gets no answer: ask again.
            await eventually(partial(_done, stream.leader_stepdown), within=60)
            if target.consumer is not None:
                await eventually(
                    partial(_done, stream.consumers.leader_stepdown, target.consumer), within=60
                )
            await eventually(
                partial(_leader_moved, js, target.stream, before),
                within=60,
                what="a new stream leader",
            )
            timeline.back()


class LinkCut:
    """Cut the leaf node's link to the hub for ``hold`` seconds, then restore it."""

    label = "leaf link cut"

    def __init__(self, setup: HubAndLeaf, *, hold: float = 3.0) -> None:
        self.setup = setup
        self.hold = hold

    async def strike(self, js: jsm.Manager, target: Target, timeline: Timeline) -> None:
        timeline.strike()
        await anyio.to_thread.run_sync(self.setup.cut_link)
        await anyio.sleep(self.hold)  # the partition's length, not a synchronisation
        await anyio.to_thread.run_sync(self.setup.restore_link)
        timeline.back()
