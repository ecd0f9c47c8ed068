"""The exporter: ``/metrics`` over HTTP (or HTTPS), running an :class:`ExporterConfig`'s
checks at every scrape, as natscli's ``server check exporter`` does.

One connection per natscli context is opened at the first scrape that needs it and kept
(nats-py reconnects it); one that cannot be opened, or has closed for good, makes its
checks CRITICAL ("connection failed") and is tried again at the next scrape. The HTTP
side is a deliberately small server on anyio's listeners: ``GET``/``HEAD`` of
``/metrics``, requests bounded in size and time, one response per connection.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
from typing import TYPE_CHECKING, Final, Self

import anyio
from anyio.abc import SocketAttribute
from anyio.streams.buffered import BufferedByteReceiveStream
from anyio.streams.tls import TLSListener

from jsm._errors_base import InvalidOptionError, JsmError
from jsm.manager import connect as jsm_connect
from jsm.metrics._collector import (
    DEFAULT_NAMESPACE,
    KIND_OF,
    check_namespace,
    require_prometheus,
    run_checks,
)
from jsm.metrics._config import ExporterConfig
from jsm.monitor import CheckResult

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterator
    from contextlib import AbstractAsyncContextManager
    from types import TracebackType

    from anyio.abc import AnyByteStream, Listener, TaskGroup
    from prometheus_client.core import Metric

    from jsm.manager import Manager
    from jsm.metrics._config import Check
    from jsm.metrics._families import Outcome

    Connector = Callable[[str | None], AbstractAsyncContextManager[Manager]]

__all__ = ["Exporter", "serve"]

logger = logging.getLogger(__name__)

DEFAULT_PORT: Final = 8080
"""The port natscli's exporter listens on by default."""
_MAX_REQUEST = 16_384
_REQUEST_TIMEOUT = 10.0
_MAX_CONNECTIONS = 64
_TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"


class _Families:
    """The registry's one collector: the families of the latest scrape."""

    def __init__(self) -> None:
        self.families: list[Metric] = []

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)

    def describe(self) -> list[Metric]:
        return []


class _QuietTLSListener(TLSListener):
    @staticmethod
    async def handle_handshake_error(exc: BaseException, stream: AnyByteStream) -> None:
        # A scanner or a client with the wrong CA is one log line, not a traceback.
        with contextlib.suppress(Exception):
            await anyio.aclose_forcefully(stream)
        if isinstance(exc, Exception) and not isinstance(exc, anyio.get_cancelled_exc_class()):
            logger.warning("exporter: TLS handshake failed: %s", exc)
            return
        raise exc


class Exporter:
    """Serve ``/metrics`` for a checks config: ``async with Exporter(config) as exporter``.

    Args:
        config: the checks (natscli's exporter format, :meth:`ExporterConfig.load`).
        connect: opens a connection for a natscli context name (``None``: the default);
            needed when checks name contexts (the ``jsm`` command line passes its own).
        servers: where the default connection goes when ``connect`` is not given.
        host: the address to listen on (natscli listens on every interface).
        port: the port (natscli's 8080 by default; ``0`` picks a free one, see :attr:`port`).
        tls: serve HTTPS with this server-side context.
        namespace: the metric name prefix (natscli's ``nats_server_check`` by default).

    Raises:
        InvalidOptionError: prometheus-client is missing, a check names a context without
            ``connect``, a bad port or namespace.
    """

    def __init__(
        self,
        config: ExporterConfig,
        *,
        connect: Connector | None = None,
        servers: str | list[str] = "nats://127.0.0.1:4222",
        host: str = "0.0.0.0",  # an exporter is scraped from elsewhere
        port: int = DEFAULT_PORT,
        tls: ssl.SSLContext | None = None,
        namespace: str = DEFAULT_NAMESPACE,
    ) -> None:
        require_prometheus()
        if not isinstance(config, ExporterConfig):
            raise InvalidOptionError("config must be a jsm.metrics.ExporterConfig (load it first)")
        named = sorted({c for c in self._contexts(config) if c is not None})
        if named and connect is None:
            raise InvalidOptionError(
                f"the config names natscli contexts ({', '.join(named)}); pass connect= to "
                "open them (the jsm command line does), or remove them"
            )
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise InvalidOptionError(f"port must be from 0 to 65535 (got {port!r})")
        if tls is not None and not isinstance(tls, ssl.SSLContext):
            raise InvalidOptionError("tls must be an ssl.SSLContext (server side)")
        self._config = config
        self._connect = connect
        self._servers = servers
        self._host = host
        self._port = port
        self._tls = tls
        self._namespace = check_namespace(namespace, name="namespace")
        self._opened: dict[str | None, tuple[contextlib.AsyncExitStack, Manager]] = {}
        self._lock = anyio.Lock()
        self._tg: TaskGroup | None = None
        self._listener: Listener[AnyByteStream] | None = None
        self._bound_port = 0
        self._limiter = anyio.CapacityLimiter(_MAX_CONNECTIONS)
        from prometheus_client import CollectorRegistry

        self._families = _Families()
        self._registry = CollectorRegistry(auto_describe=False)
        self._registry.register(self._families)
        self.scrapes = 0
        """Scrapes answered so far."""

    @staticmethod
    def _contexts(config: ExporterConfig) -> Iterator[str | None]:
        for check in config.checks:
            yield check.context or config.context

    @property
    def port(self) -> int:
        """The port it listens on (the one picked, for ``port=0``)."""
        return self._bound_port

    @property
    def url(self) -> str:
        """The ``/metrics`` URL (the loopback address when listening on every interface)."""
        host = "127.0.0.1" if self._host in ("0.0.0.0", "") else self._host
        host = f"[{host}]" if ":" in host else host
        return f"{'https' if self._tls else 'http'}://{host}:{self._bound_port}/metrics"

    # ---------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> Self:
        if self._tg is not None:
            raise InvalidOptionError("this exporter is running already")
        try:
            tcp = await anyio.create_tcp_listener(local_host=self._host, local_port=self._port)
        except OSError as err:
            raise InvalidOptionError(f"cannot listen on {self._host}:{self._port}: {err}") from err
        self._bound_port = tcp.extra(SocketAttribute.local_port)
        listener: Listener[AnyByteStream] = tcp
        if self._tls is not None:
            listener = _QuietTLSListener(tcp, self._tls, standard_compatible=False)
        self._listener = listener
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg
        tg.start_soon(listener.serve, self._serve_one)
        logger.info("exporter listening on %s", self.url)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        tg, self._tg = self._tg, None
        listener, self._listener = self._listener, None
        try:
            if tg is not None:
                tg.cancel_scope.cancel()
                await tg.__aexit__(None, None, None)
        finally:
            with anyio.CancelScope(shield=True):
                if listener is not None:
                    await listener.aclose()
                for stack, _ in list(self._opened.values()):
                    await _close(stack)
                self._opened.clear()

    # ---------------------------------------------------------------- scraping

    async def scrape(self) -> bytes:
        """Run every check once and return the metrics in Prometheus's text format."""
        from prometheus_client import generate_latest

        async with self._lock:
            outcomes: list[Outcome] = []
            groups: dict[str | None, list[Check]] = {}
            for check in self._config.checks:
                groups.setdefault(check.context or self._config.context, []).append(check)
            for context, checks in groups.items():
                outcomes += await self._run(context, checks)
            order = {(c.kind, c.name): i for i, c in enumerate(self._config.checks)}
            outcomes.sort(key=lambda outcome: order[(outcome[1], outcome[0])])
            from jsm.metrics._families import check_families

            self._families.families = check_families(outcomes, self._namespace)
            self.scrapes += 1
            return generate_latest(self._registry)

    async def _run(self, context: str | None, checks: list[Check]) -> list[Outcome]:
        try:
            js = await self._manager(context)
        except (JsmError, OSError) as err:
            logger.warning("exporter: connection for context %s failed: %s", context, err)
            return [_failed(check, f"connection failed: {err}") for check in checks]
        return await run_checks(checks, js)

    async def _manager(self, context: str | None) -> Manager:
        opened = self._opened.get(context)
        if opened is not None:
            stack, js = opened
            if not js.nc.is_closed:
                return js
            del self._opened[context]
            await _close(stack)
        opener = (
            self._connect(context)
            if self._connect is not None
            # One try per server: a scrape must not wait out nats-py's two minutes of
            # retries; a connection that closes is opened again at the next scrape.
            else jsm_connect(self._servers, max_reconnect_attempts=1)
        )
        stack = contextlib.AsyncExitStack()
        js = await stack.enter_async_context(opener)
        self._opened[context] = (stack, js)
        return js

    # ---------------------------------------------------------------- HTTP

    async def _serve_one(self, client: AnyByteStream) -> None:
        async with self._limiter, client:
            try:
                await self._answer(client)
            except Exception:  # one bad connection must not stop the exporter
                logger.warning("exporter: request failed", exc_info=True)

    async def _answer(self, client: AnyByteStream) -> None:
        reader = BufferedByteReceiveStream(client)
        head = b""
        with anyio.move_on_after(_REQUEST_TIMEOUT):  # a client that sends nothing is dropped
            try:
                head = await reader.receive_until(b"\r\n\r\n", _MAX_REQUEST)
            except (anyio.IncompleteRead, anyio.DelimiterNotFound, anyio.EndOfStream):
                return
        if not head:
            return
        request = head.split(b"\r\n", 1)[0].split()
        method = request[0] if request else b""
        path = request[1].split(b"?", 1)[0] if len(request) > 1 else b""
        if method not in (b"GET", b"HEAD"):
            status, body, kind = "405 Method Not Allowed", b"use GET\n", "text/plain"
        elif path == b"/metrics":
            status, body, kind = "200 OK", await self.scrape(), _TEXT_FORMAT
        elif path == b"/":
            status, body, kind = "200 OK", b"jsm exporter: metrics at /metrics\n", "text/plain"
        else:
            status, body, kind = "404 Not Found", b"not found: try /metrics\n", "text/plain"
        headers = (
            f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        await client.send(headers.encode() + (b"" if method == b"HEAD" else body))


def _failed(check: Check, message: str) -> Outcome:
    result = CheckResult(name=check.name, kind=KIND_OF[check.kind])
    result.critical(message)
    return check.name, check.kind, result


async def _close(stack: contextlib.AsyncExitStack) -> None:
    with anyio.move_on_after(5, shield=True):
        try:
            await stack.aclose()
        except (JsmError, OSError) as err:
            logger.debug("exporter: closing a connection failed: %s", err)


async def serve(
    config: ExporterConfig | str | os.PathLike[str],
    *,
    connect: Connector | None = None,
    servers: str | list[str] = "nats://127.0.0.1:4222",
    host: str = "0.0.0.0",  # an exporter is scraped from elsewhere
    port: int = DEFAULT_PORT,
    tls: ssl.SSLContext | None = None,
    namespace: str = DEFAULT_NAMESPACE,
) -> None:
    """Serve ``/metrics`` for ``config`` (an :class:`ExporterConfig` or its file) until
    cancelled; the arguments are :class:`Exporter`'s.

    Raises:
        InvalidOptionError: a bad config file or option, or the port cannot be bound.
    """
    loaded = (
        config
        if isinstance(config, ExporterConfig)
        else await anyio.to_thread.run_sync(ExporterConfig.load, config)
    )
    exporter = Exporter(
        loaded,
        connect=connect,
        servers=servers,
        host=host,
        port=port,
        tls=tls,
        namespace=namespace,
    )
    async with exporter:
        await anyio.sleep_forever()
