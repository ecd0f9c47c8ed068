"""The fault suite's machinery: outcomes, the fault timeline, leak checks and the driver.

A scenario runs one or more workloads (:mod:`tests.faults.workloads`) on one connection,
strikes with a fault (:mod:`tests.faults.injectors`) once every workload is a third of
the way through, lets every workload finish, and returns one :class:`Outcome` each:
what was acknowledged, what was lost, what came twice (and whether the protocol allows
it), how long the workload took to move again after the servers came back, and what the
connection leaked. The tests assert on outcomes; ``bench/faults.py`` tabulates them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio

import jsm
from jsm.errors import JsmError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

    from tests.faults.injectors import Fault
    from tests.faults.workloads import Workload

__all__ = [
    "SETTLE_WITHIN",
    "Outcome",
    "Timeline",
    "eventually",
    "open_fds",
    "run_scenario",
    "watched_connection",
]

SETTLE_WITHIN = 120.0
"""Seconds a workload gets to finish after the fault (two loaded cores can be slow)."""

RETRY_PAUSE = 0.1
"""Seconds a workload's own retry loop waits after a failed write."""

WRITE_TIMEOUT = 1.0
"""Seconds a workload's awaited write waits for its ack before it is sent again: a
write lost with a crashed server should not hold the writer for the default 5 s."""


@dataclass
class Outcome:
    """What one workload went through: the figures the tests assert on and the bench shows.

    Attributes:
        scenario: the workload and fault (``"consume / kill -9"``).
        messages: messages (entries, chunks) the workload had acknowledged.
        lost: acknowledged ones that never arrived (or are not in the stream).
        duplicated: ones that arrived more than once.
        unexplained: duplicates the protocol does not allow (no crash or lost ack between).
        retried: writes the workload had to send again because they failed.
        recovery: seconds from the servers answering again until the workload moved
            again (the worst over several faults), ``None`` if it never had to.
        leaked_tasks / leaked_subscriptions / leaked_fds: left behind by the connection.
        notes: figures particular to the scenario.
    """

    scenario: str
    messages: int = 0
    lost: int = 0
    duplicated: int = 0
    unexplained: int = 0
    retried: int = 0
    recovery: float | None = None
    leaked_tasks: int = 0
    leaked_subscriptions: int = 0
    leaked_fds: int = 0
    notes: dict[str, float] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """What went wrong, in words; empty when nothing did."""
        checks = {
            "acknowledged messages lost": self.lost,
            "duplicates the protocol does not allow": self.unexplained,
            "tasks leaked": self.leaked_tasks,
            "subscriptions leaked": self.leaked_subscriptions,
            "file descriptors leaked": self.leaked_fds,
        }
        problems = [f"{self.scenario}: {count} {what}" for what, count in checks.items() if count]
        if self.messages == 0:
            problems.append(f"{self.scenario}: nothing was acknowledged")
        return problems


class Timeline:
    """When the fault struck and when the servers answered again, as workloads see it.

    ``epoch`` counts the faults so far: a workload tags what it receives with it, so a
    redelivery across a crash can be told from one within a server's lifetime.
    """

    def __init__(self) -> None:
        self.epoch = 0
        self.struck_at: float | None = None
        self.back_at: float | None = None
        self.over = False
        self._struck = anyio.Event()

    def strike(self) -> None:
        """Record that a fault begins now."""
        self.epoch += 1
        self.struck_at = time.monotonic()
        self._struck.set()

    def back(self) -> None:
        """Record that the servers answer again now."""
        self.back_at = time.monotonic()

    def finish(self) -> None:
        """Record that the fault is over (no more strikes)."""
        self.over = True

    async def wait_struck(self) -> None:
        """Wait until the first fault has struck."""
        await self._struck.wait()


class Recovery:
    """A workload's recovery times: from each ``back`` to its next progress."""

    def __init__(self, timeline: Timeline) -> None:
        self._timeline = timeline
        self._counted: float | None = None
        self.seconds: list[float] = []

    def progressed(self) -> None:
        """Record progress now; the first after the servers came back sets a recovery time."""
        back = self._timeline.back_at
        if back is not None and back != self._counted:
            self._counted = back
            self.seconds.append(time.monotonic() - back)

    @property
    def worst(self) -> float | None:
        """The longest recovery, if any."""
        return max(self.seconds) if self.seconds else None


def open_fds() -> int:
    """File descriptors this process has open."""
    return len(os.listdir("/proc/self/fd"))


def _live_tasks() -> set[asyncio.Task[object]]:
    return {t for t in asyncio.all_tasks() if not t.done()}


@contextlib.asynccontextmanager
async def watched_connection(
    urls: str | Sequence[str], outcomes: list[Outcome], **options: object
) -> AsyncIterator[jsm.Manager]:
    """Connect (reconnecting forever), and on exit add what the connection leaked to ``outcomes``.

    Tasks and file descriptors are counted before connecting and after closing;
    subscriptions before the workloads start and after they ended.
    """
    gc.collect()
    fds_before = open_fds()
    tasks_before = _live_tasks()
    settings: dict[str, object] = {"max_reconnect_attempts": -1, "reconnect_time_wait": 1}
    settings |= options
    async with jsm.connect(list(urls) if not isinstance(urls, str) else urls, **settings) as js:  # type: ignore[arg-type]  # test-only pass-through of ConnectOptions
        # The first request opens nats-py's reply subscription (and its task): open it now.
        await js.account_info()
        subscriptions_before = len(js.nc._subs)  # nats-py keeps its subscriptions here
        yield js
        leaked_subscriptions = len(js.nc._subs) - subscriptions_before
    leaked_tasks = await _settled_count(lambda: len(_live_tasks() - tasks_before))
    leaked_fds = await _settled_count(lambda: open_fds() - fds_before)
    for outcome in outcomes:
        outcome.leaked_tasks = leaked_tasks
        outcome.leaked_subscriptions = max(0, leaked_subscriptions)
        outcome.leaked_fds = max(0, leaked_fds)


async def _settled_count(count: Callable[[], int], within: float = 5.0) -> int:
    """``count()`` once it drops to zero, or its value after ``within`` seconds."""
    with anyio.move_on_after(within):
        while count() > 0:
            gc.collect()
            await anyio.sleep(0.05)
    return count()


async def eventually(
    check: Callable[[], Awaitable[bool]], *, within: float = SETTLE_WITHIN, what: str = ""
) -> None:
    """Poll ``check`` until it holds; a ``JsmError`` while polling counts as not yet.

    Raises:
        AssertionError: it did not hold within ``within`` seconds.
    """
    try:
        with anyio.fail_after(within):
            while True:
                try:
                    if await check():
                        return
                except JsmError:
                    pass  # the servers are still settling
                await anyio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"not within {within:g}s: {what or check.__name__}") from None


async def run_scenario(
    urls: str | Sequence[str],
    fault: Fault,
    workloads: Sequence[Workload],
    *,
    domain: str | None = None,
) -> list[Outcome]:
    """Run ``workloads`` on one connection, strike with ``fault`` a third of the way
    through, let them finish, and return their outcomes (leaks included).

    A workload whose loop does not recover raises out of here (its error, or an
    ``AssertionError`` naming what did not happen in time).
    """
    outcomes: list[Outcome] = []
    options: dict[str, object] = {"domain": domain} if domain else {}
    async with watched_connection(urls, outcomes, **options) as js:
        timeline = Timeline()
        for workload in workloads:
            await workload.setup(js, timeline)
        try:
            async with anyio.create_task_group() as tg:
                for workload in workloads:
                    workload.start(tg)
                for workload in workloads:
                    await eventually(workload.reached_trigger, what=f"{workload.label} to start")
                await fault.strike(js, workloads[0].target, timeline)
                timeline.finish()
                for workload in workloads:
                    await eventually(workload.settled, what=f"{workload.label} to settle")
                tg.cancel_scope.cancel()
            for workload in workloads:
                outcome = await workload.outcome()
                outcome.scenario = f"{outcome.scenario} / {fault.label}"
                outcomes.append(outcome)
        finally:
            for workload in workloads:
                await workload.teardown()
    return outcomes
