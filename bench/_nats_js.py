"""nats.js v3 as a bench peer: a node process (``bench/js/peer.mjs``) driven line by line.

``make bench-js`` installs ``@nats-io/*`` into ``bench/js/node_modules`` when npm is
present. :func:`nats_js` starts one peer process for a bench module, connected to the
same server; each :meth:`NatsJs.run` sends one command and returns the time the work
took, measured inside node around the work only (wall clock and node's CPU time), so
its runs can alternate with jsm's and nats-py's in the same run. Without node or the
packages it yields ``None`` once a note saying why was printed, and the tables show
``—`` for nats.js.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

HERE = Path(__file__).resolve().parent / "js"
PEER = HERE / "peer.mjs"
PACKAGE = HERE / "node_modules" / "@nats-io" / "transport-node" / "package.json"
_LINE_LIMIT = 1 << 20
_START_TIMEOUT = 30.0
_SKIPPED: set[str] = set()


class NatsJsError(Exception):
    """The node peer failed a command (its stack trace is the message)."""


class NatsJs:
    """One node process running nats.js, connected to the bench's server."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process

    async def run(self, op: str, **args: object) -> tuple[float, float]:
        """Run ``op`` in node; return its (wall-clock seconds, CPU seconds)."""
        reply = await self.run_reply(op, **args)
        return float(reply["seconds"]), float(reply["cpu"])  # type: ignore[arg-type]  # JSON numbers

    async def run_reply(self, op: str, **args: object) -> dict[str, object]:
        """Run ``op`` in node; return its whole reply (with ``memory=True``, the peak RSS
        growth during the work as ``rss_growth``)."""
        reply = await self._ask({"op": op, **args})
        if "error" in reply:
            raise NatsJsError(f"nats.js {op} failed: {reply['error']}")
        return reply

    async def _ask(self, command: dict[str, object]) -> dict[str, object]:
        process = self._process
        assert process.stdin is not None and process.stdout is not None  # piped below
        process.stdin.write(json.dumps(command).encode() + b"\n")
        await process.stdin.drain()
        line = await process.stdout.readline()
        if not line:
            raise NatsJsError(f"nats.js exited (code {await process.wait()}) during {command}")
        reply: dict[str, object] = json.loads(line)
        return reply

    async def close(self) -> None:
        process = self._process
        if process.stdin is not None and not process.stdin.is_closing():
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


def why_missing() -> str | None:
    """Why nats.js cannot run here, or ``None`` when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not PACKAGE.exists():
        return "its packages are not installed (make bench-js needs npm)"
    return None


@asynccontextmanager
async def nats_js(url: str) -> AsyncIterator[NatsJs | None]:
    """A nats.js peer connected to ``url``, or ``None`` (with a printed note) without one."""
    reason = why_missing()
    if reason is not None:
        if reason not in _SKIPPED:
            _SKIPPED.add(reason)
            print(f"  note: nats.js skipped: {reason}")
        yield None
        return
    node = shutil.which("node")
    assert node is not None  # checked by why_missing
    process = await asyncio.create_subprocess_exec(
        node,
        str(PEER),
        url,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=_LINE_LIMIT,
    )
    peer = NatsJs(process)
    try:
        assert process.stdout is not None
        ready = await asyncio.wait_for(process.stdout.readline(), _START_TIMEOUT)
        if not ready:
            raise NatsJsError(f"nats.js did not start (exit code {await process.wait()})")
        yield peer
    finally:
        await peer.close()
