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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from jsm.testing import NatsServer

__all__ = ["frozen"]


@contextlib.contextmanager
def frozen(server: NatsServer) -> Iterator[Callable[[], None]]:
    """Yield a function that freezes ``server`` (SIGSTOP); it runs again on the way out."""
    pid = server.pid
    assert pid is not None, "the server is not running"

    def freeze() -> None:
        os.kill(pid, signal.SIGSTOP)

    try:
        yield freeze
    finally:
        os.kill(pid, signal.SIGCONT)
