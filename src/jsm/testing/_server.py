"""One real nats-server process on loopback: config, start, readiness, stop, restart.

Ports are chosen by the server (``-1``) and read back from its ports file, so no port is
guessed. A restart reuses the client port it was given first, so clients reconnect.
"""

from __future__ import annotations

import atexit
import json
import logging
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Self

import anyio.to_thread

from jsm.testing._binary import find_nats_server
from jsm.testing._probe import jetstream_answers

if TYPE_CHECKING:
    import ssl
    from types import TracebackType

__all__ = ["ACCOUNTS_CONFIG", "NatsServer", "ServerStartError", "StartStop"]

logger = logging.getLogger(__name__)

START_DEADLINE = 30.0
"""Seconds a server gets to answer JetStream requests (two busy cores can be slow)."""

STOP_GRACE = 10.0
"""Seconds between SIGTERM and SIGKILL."""

ACCOUNTS_CONFIG = """
accounts {
  APP: { jetstream: enabled, users: [{user: app, password: app}] }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
no_auth_user: app
"""
"""Every server has an application account (the default user) and a system account."""


class ServerStartError(RuntimeError):
    """A nats-server did not come up; the message holds the tail of its log."""


class _LiveProcesses:
    """Servers still running, killed at interpreter exit if a test forgot one.

    A process-lifetime registry: the safety net must outlive every fixture, so it is the
    one piece of module-level state here.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: set[subprocess.Popen[bytes]] = set()
        atexit.register(self.kill_all)

    def add(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._processes.add(process)

    def discard(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._processes.discard(process)

    def kill_all(self) -> None:
        with self._lock:
            processes, self._processes = list(self._processes), set()
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


_LIVE = _LiveProcesses()


class StartStop:
    """Gives a class with blocking ``start()`` / ``stop()`` both context-manager forms.

    ``async with`` runs the blocking calls in a worker thread; stopping is shielded from
    cancellation so a cancelled test still stops its servers.
    """

    def start(self) -> None:
        """Start (overridden)."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop (overridden)."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await anyio.to_thread.run_sync(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self.stop)


class NatsServer(StartStop):
    """A nats-server process bound to 127.0.0.1, with JetStream and a temporary store.

    Use it as a context manager (``with`` or ``async with``) or call :meth:`start` and
    :meth:`stop`. ``config`` is the part of the configuration beyond the listen address,
    monitoring port, ports file and log, which are filled in here.
    """

    def __init__(
        self,
        name: str,
        config: str,
        *,
        work_dir: Path | None = None,
        ssl_context: ssl.SSLContext | None = None,
        scheme: str = "nats",
        jetstream_domain: str | None = None,
        wait_for_jetstream: bool = True,
    ) -> None:
        self.name = name
        self._config_body = config
        self._own_dir = work_dir is None
        self.work_dir = (
            Path(tempfile.mkdtemp(prefix=f"jsm-{name}-")) if work_dir is None else work_dir
        )
        self.store_dir = self.work_dir / "store"
        self.log_path = self.work_dir / "server.log"
        self.config_path = self.work_dir / "server.conf"
        self._ports_dir = self.work_dir / "ports"
        self._ssl_context = ssl_context
        self._scheme = scheme
        self.jetstream_domain = jetstream_domain
        self._wait_for_jetstream = wait_for_jetstream
        self._process: subprocess.Popen[bytes] | None = None
        self._client_port: int | None = None
        self._ports: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ addresses

    @property
    def client_port(self) -> int:
        """The client port (known once started)."""
        if self._client_port is None:
            raise RuntimeError(f"server {self.name} has not been started")
        return self._client_port

    @property
    def client_url(self) -> str:
        """URL for clients of the application account (no credentials needed)."""
        return f"{self._scheme}://127.0.0.1:{self.client_port}"

    @property
    def system_url(self) -> str:
        """URL for the system account's user."""
        return f"{self._scheme}://sys:sys@127.0.0.1:{self.client_port}"

    @property
    def monitor_url(self) -> str:
        """The HTTP monitoring endpoint."""
        return self._ports["monitoring"][0]

    @property
    def websocket_url(self) -> str | None:
        """The WebSocket URL, when the server listens for WebSocket clients."""
        urls = self._ports.get("websocket")
        return urls[0] if urls else None

    @property
    def is_running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The process id while running."""
        return self._process.pid if self._process is not None else None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the process and wait until JetStream answers.

        Raises:
            ServerNotFoundError: the binary is missing.
            ServerStartError: the server exited or did not answer in time.
        """
        if self.is_running:
            return
        binary = find_nats_server()
        # A process that died on its own (killed, crashed) left its old ports behind, and
        # the monitoring port is chosen anew on every start: read the ports file afresh.
        self._ports = {}
        self._write_config()
        shutil.rmtree(self._ports_dir, ignore_errors=True)
        self._ports_dir.mkdir(parents=True)
        with open(self.log_path, "ab") as log:
            process = subprocess.Popen(
                [str(binary), "-c", str(self.config_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self._process = process
        _LIVE.add(process)
        try:
            self._wait_ready()
        except BaseException:
            self._terminate()
            raise

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and remove its files."""
        self._terminate()
        if self._own_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def shutdown(self) -> None:
        """Stop the process but keep its store and port, for a later :meth:`start`."""
        self._terminate()

    def kill(self) -> None:
        """Kill the process with SIGKILL (no shutdown, no flush: a crash), keeping its store
        and client port for a later :meth:`start`."""
        process, self._process = self._process, None
        self._ports = {}
        if process is None:
            return
        if process.poll() is None:
            process.kill()
            process.wait()
        _LIVE.discard(process)

    def reconfigure(self, config: str) -> None:
        """Replace the configuration beyond the listen address (as given to the constructor).

        It takes effect at the next :meth:`start`, which also chooses a new client port.
        """
        if self.is_running:
            raise RuntimeError(f"stop server {self.name} before changing its configuration")
        self._config_body = config
        self._client_port = None

    def restart(self) -> None:
        """Stop and start again on the same client port with the same store."""
        self._terminate()
        self.start()

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the server's log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __repr__(self) -> str:
        state = f"port {self._client_port}" if self.is_running else "stopped"
        return f"<NatsServer {self.name} {state}>"

    # ---------------------------------------------------------------- internals

    def _write_config(self) -> None:
        port = self._client_port if self._client_port is not None else -1
        self.store_dir.mkdir(parents=True, exist_ok=True)
        header = (
            f'server_name: "{self.name}"\n'
            f"listen: 127.0.0.1:{port}\n"
            "http: 127.0.0.1:-1\n"
            f'ports_file_dir: "{self._ports_dir}"\n'
            f'log_file: "{self.log_path}"\n'
            "logtime: true\n"
        )
        body = self._config_body.replace("{store_dir}", str(self.store_dir))
        self.config_path.write_text(header + body)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise ServerStartError(f"nats-server {self.name} exited:\n{self.log_tail()}")
            if not self._ports:
                self._read_ports()
            elif not self._wait_for_jetstream or jetstream_answers(
                "127.0.0.1", self.client_port, ssl_context=self._ssl_context
            ):
                return
            time.sleep(0.05)
        raise ServerStartError(
            f"nats-server {self.name} did not answer $JS.API.INFO within {START_DEADLINE:g}s:\n"
            f"{self.log_tail()}"
        )

    def _read_ports(self) -> None:
        for path in self._ports_dir.glob("*.ports"):
            try:
                ports = json.loads(path.read_text())
            except (OSError, ValueError):
                return  # being written; try again
            self._ports = ports
            self._client_port = int(ports["nats"][0].rsplit(":", 1)[1])

    def _terminate(self) -> None:
        process, self._process = self._process, None
        self._ports = {}
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                logger.warning("nats-server %s ignored SIGTERM; killing it", self.name)
                process.kill()
                process.wait()
        _LIVE.discard(process)
