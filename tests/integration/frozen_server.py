"""A server that stops answering but keeps its connections open: SIGSTOP, then SIGCONT.

A frozen server is the one fault where nothing tells the client that anything is wrong:
no disconnect, no error, just silence until each wait runs out. Tests use it to see
which deadline a call waits for, and that a round trip abandoned on the way (a flush,
a drain) does not break the connection when the late answer comes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from jsm.testing import NatsServer

__all__ = ["frozen"]

STOP_WITHIN = 10.0
"""Seconds the kernel gets to stop every thread of the server."""


@contextlib.contextmanager
def frozen(server: NatsServer) -> Iterator[Callable[[], None]]:
    """Yield a function that freezes ``server`` (SIGSTOP); it runs again on the way out."""
    pid = server.pid
    assert pid is not None, "the server is not running"

    def freeze() -> None:
        os.kill(pid, signal.SIGSTOP)
        _until_stopped(pid)

    try:
        yield freeze
    finally:
        os.kill(pid, signal.SIGCONT)


def _until_stopped(pid: int) -> None:
    """Wait until every thread of ``pid`` is stopped: SIGSTOP reaches a thread running on
    another core only a moment later, time enough for it to answer one more request."""
    deadline = time.monotonic() + STOP_WITHIN
    tasks = Path(f"/proc/{pid}/task")
    while not all(_state(task) in ("T", "t") for task in tasks.iterdir()):
        if time.monotonic() > deadline:
            raise AssertionError(f"nats-server {pid} did not stop within {STOP_WITHIN:g}s")
        time.sleep(0.001)


def _state(task: Path) -> str:
    try:
        stat = (task / "stat").read_text()
    except OSError:
        return "T"  # the thread is gone
    return stat[stat.rindex(")") + 2]  # the field after "(comm)"
