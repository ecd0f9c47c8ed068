"""``jsm.connect``: open a NATS connection and yield a :class:`~jsm.Manager` that owns it.

The options are checked before any network I/O; the connection is opened strict on TLS
(:mod:`jsm._connect`), its events are logged on ``jsm.connection`` unless the caller
passes callbacks, and it is closed when the ``async with`` block ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypedDict, Unpack

from jsm._connect import open_connection
from jsm._connection_log import ConnectionLog, secrets_of
from jsm._constants import DEFAULT_PUBLISH_TIMEOUT, DEFAULT_TIMEOUT, MIN_TIMEOUT
from jsm._errors_base import ClosedError
from jsm._limits import DEFAULT_MAX_CONTROL_LINE, check_max_control_line
from jsm._options import Duration, to_timedelta
from jsm._permissions import Denials
from jsm.subjects import ApiSubjects
from jsm.tracing._setup import check_tracing

if TYPE_CHECKING:
    import ssl
    from collections.abc import Awaitable, Callable
    from types import TracebackType

    from opentelemetry.trace import TracerProvider

    from jsm.api import Retry
    from jsm.manager import Manager

__all__ = ["ConnectOptions", "connect"]


class ConnectOptions(TypedDict, total=False):
    """Connection options passed through to nats-py (all optional).

    The callbacks replace jsm's own, which log one line per event on the
    ``jsm.connection`` logger; permission violations still fail jsm's requests at once.
    """

    error_cb: Callable[[Exception], Awaitable[None]]
    disconnected_cb: Callable[[], Awaitable[None]]
    reconnected_cb: Callable[[], Awaitable[None]]
    closed_cb: Callable[[], Awaitable[None]]
    name: str
    user: str
    password: str
    token: str
    user_credentials: str
    nkeys_seed: str
    nkeys_seed_str: str
    tls: ssl.SSLContext
    tls_hostname: str
    tls_handshake_first: bool
    connect_timeout: int
    allow_reconnect: bool
    reconnect_time_wait: int
    max_reconnect_attempts: int
    ping_interval: int
    max_outstanding_pings: int
    dont_randomize: bool
    no_echo: bool
    inbox_prefix: str
    pending_size: int
    flush_timeout: float
    drain_timeout: int


class connect:  # lower case: used like a function, ``async with jsm.connect(url) as js``
    """Connect to NATS and yield a :class:`Manager` that owns the connection.

    ``async with jsm.connect("nats://127.0.0.1:4222", domain="hub") as js: ...`` —
    the connection is closed when the block ends. Options are checked before connecting.
    Connection events (errors, disconnects, reconnects, close) are logged one line each
    on the ``jsm.connection`` logger, credentials masked, unless ``error_cb``,
    ``disconnected_cb``, ``reconnected_cb`` or ``closed_cb`` are passed (those are
    called instead). ``max_control_line`` is the server's setting (4096 bytes unless
    configured; the server does not announce it). ``timeout``, ``publish_timeout`` and
    ``tracing`` are as for :class:`Manager`: ``tracing`` turns OpenTelemetry tracing off
    (``False``) or on (``True``, or a ``TracerProvider``).

    Raises:
        InvalidOptionError: bad domain/prefix/timeout/max_control_line (raised at the call).
        JsmConnectionError: no server could be reached (raised on entering the block).
    """

    def __init__(
        self,
        servers: str | list[str] = "nats://127.0.0.1:4222",
        *,
        domain: str | None = None,
        api_prefix: str | None = None,
        timeout: Duration = DEFAULT_TIMEOUT,
        publish_timeout: Duration = DEFAULT_PUBLISH_TIMEOUT,
        retry: Retry | None = None,
        strict: bool = False,
        max_control_line: int = DEFAULT_MAX_CONTROL_LINE,
        tracing: bool | TracerProvider | None = None,
        **options: Unpack[ConnectOptions],
    ) -> None:
        ApiSubjects(domain=domain, api_prefix=api_prefix)  # check before any network I/O
        self._tracing = check_tracing(tracing)
        to_timedelta(timeout, name="timeout", minimum=MIN_TIMEOUT)
        to_timedelta(publish_timeout, name="publish_timeout", minimum=MIN_TIMEOUT)
        self._max_control_line = check_max_control_line(max_control_line)
        self._servers = servers
        self._settings = {"domain": domain, "api_prefix": api_prefix}
        self._timeout = timeout
        self._publish_timeout = publish_timeout
        self._retry = retry
        self._strict = strict
        self._options = options
        self._manager: Manager | None = None
        self._log: ConnectionLog | None = None

    async def __aenter__(self) -> Manager:
        if self._manager is not None:
            raise ClosedError("this jsm.connect(...) was already entered; call jsm.connect again")
        # Imported here: jsm.manager re-exports connect, so a top-level import would be a cycle.
        from jsm.manager import Manager

        secrets = secrets_of(self._servers, self._options)
        log = ConnectionLog(secrets)
        nc = await open_connection(self._servers, self._with_callbacks(log), secrets)
        log.nc = nc
        self._log = log
        self._manager = Manager(
            nc,
            domain=self._settings["domain"],
            api_prefix=self._settings["api_prefix"],
            timeout=self._timeout,
            publish_timeout=self._publish_timeout,
            retry=self._retry,
            strict=self._strict,
            max_control_line=self._max_control_line,
            tracing=self._tracing,
        )
        return self._manager

    def _with_callbacks(self, log: ConnectionLog) -> dict[str, object]:
        options: dict[str, object] = dict(self._options)
        # The error callback is always Denials (permission violations fail requests at
        # once); it forwards every error to the application's callback, or to the log.
        options["error_cb"] = Denials(self._options.get("error_cb") or log.error).on_error
        options["disconnected_cb"] = self._options.get("disconnected_cb") or log.disconnected
        options["reconnected_cb"] = self._options.get("reconnected_cb") or log.reconnected
        options["closed_cb"] = self._options.get("closed_cb") or log.closed
        return options

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        manager, self._manager = self._manager, None
        if self._log is not None:
            self._log.closing = True
        if manager is not None and not manager.nc.is_closed:
            await manager.nc.close()

    def __enter__(self) -> Self:
        raise TypeError("use 'async with jsm.connect(...)', not 'with'")

    def __exit__(self, *args: object) -> None:  # pragma: no cover - __enter__ always raises
        return None
