"""Run the ``jsm`` command in-process against the jsm.testing servers.

``cli("str", "ls")`` runs ``jsm -s <url> str ls`` in a worker thread (the command runs
its own event loop, as it does from a shell) and returns its exit status and output.
Tests check the command's effect on the server through the library (the ``js``
fixture of tests/conftest.py), and ``jsm_script`` runs the installed console script
for what only a real process shows (exit codes, signals, start-up).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import pytest

from jsm.cli import main
from tests.integration.report_helpers import cluster_manager

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import jsm
    from jsm.testing import Cluster, NatsServer

_LOCK = threading.Lock()  # sys.stdout is process-wide: one in-process run at a time


@dataclass
class Result:
    """What one ``jsm`` run did."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def run_sync(argv: list[str]) -> Result:
    """Run ``jsm argv`` in this thread with its output captured."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with _LOCK, contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    return Result(code, stdout.getvalue(), stderr.getvalue())


class Cli:
    """``await cli(*args)`` runs ``jsm <prefix> *args`` in a worker thread."""

    def __init__(self, *prefix: str) -> None:
        self.prefix = list(prefix)

    async def __call__(self, *args: str) -> Result:
        argv = [*self.prefix, *args]
        return await anyio.to_thread.run_sync(run_sync, argv)

    async def ok(self, *args: str) -> Result:
        """Run and insist on exit status 0."""
        result = await self(*args)
        assert result.code == 0, f"jsm {' '.join(args)} → {result.code}: {result.err or result.out}"
        return result

    async def fails(self, *args: str) -> Result:
        """Run and insist on exit status 1 with a single error line."""
        result = await self(*args)
        assert result.code == 1, f"jsm {' '.join(args)} → {result.code}: {result.out}{result.err}"
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("jsm: "), result.err
        return result


@pytest.fixture
def cli(nats_server: NatsServer) -> Cli:
    """The ``jsm`` command pointed at the shared single server."""
    return Cli("-s", nats_server.client_url)


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty XDG_CONFIG_HOME (natscli contexts live under nats/context/)."""
    home = tmp_path / "config"
    (home / "nats" / "context").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.delenv("NATS_CONTEXT", raising=False)
    monkeypatch.delenv("NATS_URL", raising=False)
    return home


def jsm_script() -> str:
    """The installed ``jsm`` console script beside this interpreter."""
    script = Path(sys.executable).with_name("jsm")
    assert script.exists(), "install jsm with its cli extra (make install)"
    return str(script)


def script_env() -> dict[str, str]:
    """The environment for a real ``jsm`` process (no colour, no inherited NATS settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NATS_")}
    env["NO_COLOR"] = "1"
    return env


def run_script(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real ``jsm`` script to completion."""
    return subprocess.run(
        [jsm_script(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=script_env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def run_on_terminal(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the real ``jsm`` with its output on a pseudo-terminal; return status and output.

    ``env`` defaults to :func:`script_env`.
    """
    import pty  # POSIX only, like the tests that draw on a terminal

    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(
            [jsm_script(), *args],
            stdout=slave,
            stderr=slave,
            env=script_env() if env is None else env,
            stdin=subprocess.DEVNULL,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not data:
                break
            chunks.append(data)
        return process.wait(timeout=60), b"".join(chunks).decode(errors="replace")
    finally:
        os.close(master)


@pytest.fixture
async def cjs(nats_cluster: Cluster) -> AsyncIterator[jsm.Manager]:
    """A manager on the 3-node cluster that deletes the streams its test made."""
    async for manager in cluster_manager(nats_cluster.urls):
        yield manager
