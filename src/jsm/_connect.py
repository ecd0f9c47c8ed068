"""Opening the connection :func:`jsm.connect` owns: nats-py's connect, made strict on TLS.

nats-py retries a failed first connect like a reconnect (60 times, 2 s apart, by
default), and after a failed TLS handshake its retry never even ends (nats-py 2.16 on
Python 3.11 waits for a socket that asyncio has already handed over). A certificate
that is not trusted, or that names another host, does not mend itself between retries:
the first TLS failure ends the attempt with a :class:`~jsm.errors.JsmConnectionError`
that says what to pass.

nats-py also upgrades to TLS only when the server requires it: asked for TLS (a
``tls://`` URL or ``tls=``), it would send its CONNECT, password included, in the
clear to a server (or anyone in between) that does not. Here such a server is refused
before anything is sent, on the first connect and on every reconnect.
Everything else keeps nats-py's behaviour.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any, TypeGuard

import anyio
import nats.errors
from nats.aio.client import Client as NatsClient

from jsm._connection_log import redact
from jsm._errors_base import JsmConnectionError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

__all__ = ["TlsNotOfferedError", "open_connection", "tls_problem", "wants_tls"]

_HOSTNAME_MISMATCH = 62
"""OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH."""

_WEBSOCKET_SCHEMES = frozenset({"ws", "wss"})
"""WebSocket connections take TLS from their URL (``wss``), not from the server's INFO."""


class TlsNotOfferedError(nats.errors.Error):
    """The server does not require TLS, so nats-py would not use it; nothing was sent."""


class _StrictTlsClient(NatsClient):
    """nats-py's client that refuses a server without TLS when TLS was asked for."""

    def __init__(self, *, require_tls: bool) -> None:
        super().__init__()
        self._jsm_require_tls = require_tls

    async def _process_info(self, info: dict[str, Any], initial_connection: bool = False) -> None:
        # Called with the server's INFO before CONNECT is written (and later with the
        # cluster's updates, when nothing is being negotiated).
        server = self._current_server
        if (
            self._jsm_require_tls
            and self.is_connecting
            and not info.get("tls_required")
            and server is not None
            and server.uri.scheme not in _WEBSOCKET_SCHEMES
        ):
            raise TlsNotOfferedError(
                f"the server at {server.uri.hostname}:{server.uri.port} does not offer TLS, "
                "but TLS was asked for (a tls:// URL or tls=); nothing was sent to it: enable "
                "TLS on the server, or connect without TLS (a nats:// URL and no tls=)"
            )
        await super()._process_info(info, initial_connection)


class _FirstConnect:
    """The error callback of the first connect: stops it at a TLS failure, forwards all."""

    __slots__ = ("_forward", "failure", "last_error", "scope")

    def __init__(self, forward: Callable[[Exception], Awaitable[None]]) -> None:
        self._forward = forward
        self.scope: anyio.CancelScope | None = None
        self.failure: ssl.SSLError | TlsNotOfferedError | None = None
        self.last_error: Exception | None = None
        """Why the first connect failed: the server's last refusal, else the last error."""

    async def on_error(self, err: Exception) -> None:
        if self.scope is not None:
            # The server's own refusal ('Authorization Violation') explains more than
            # the reset socket that follows it.
            if isinstance(err, nats.errors.Error) or not isinstance(
                self.last_error, nats.errors.Error
            ):
                self.last_error = err
            if _is_tls_setup(err):
                self.failure = err
                self.scope.cancel()
        await self._forward(err)

    def problem(self, err: Exception) -> str:
        """What went wrong: nats-py's "no servers available" says nothing of why."""
        if self.failure is not None:
            return tls_problem(self.failure)
        if isinstance(err, nats.errors.NoServersError) and self.last_error is not None:
            last = self.last_error
            return f"{err} (last error: {type(last).__name__}: {last})"
        return str(err)


def _is_tls_setup(err: Exception) -> TypeGuard[ssl.SSLError | TlsNotOfferedError]:
    # A socket closed mid-handshake (EOF, a reset) may pass; certificates, protocol
    # versions and servers without TLS will not.
    if isinstance(err, TlsNotOfferedError):
        return True
    return isinstance(err, ssl.SSLError) and not isinstance(
        err, ssl.SSLEOFError | ssl.SSLZeroReturnError | ssl.SSLSyscallError
    )


def wants_tls(servers: str | list[str], options: dict[str, object]) -> bool:
    """Whether the caller asked for TLS: a ``tls=`` context or a ``tls://`` URL."""
    urls = [servers] if isinstance(servers, str) else servers
    return options.get("tls") is not None or any(
        isinstance(url, str) and url.lower().startswith("tls://") for url in urls
    )


async def open_connection(
    servers: str | list[str], options: dict[str, object], secrets: Iterable[str]
) -> NatsClient:
    """Connect with nats-py; ``options`` carry the error callback to forward errors to.

    Raises:
        JsmConnectionError: no server could be reached, or TLS failed (saying what to fix).
    """
    first = _FirstConnect(options["error_cb"])  # type: ignore[arg-type]  # set by jsm.connect
    nc = _StrictTlsClient(require_tls=wants_tls(servers, options))
    with anyio.CancelScope() as scope:
        first.scope = scope
        try:
            await nc.connect(servers, **(options | {"error_cb": first.on_error}))  # type: ignore[arg-type]  # ConnectOptions, checked by jsm.connect
            return nc
        except (nats.errors.Error, OSError) as err:
            raise JsmConnectionError(
                redact(f"could not connect to {servers!r}: {first.problem(err)}", secrets)
            ) from err
        finally:
            first.scope = None
    # Cancelled by the first TLS failure, maybe before nats-py closed the socket.
    transport = getattr(nc, "_transport", None)
    if transport is not None:
        transport.close()
    raise JsmConnectionError(
        redact(f"could not connect to {servers!r}: {tls_problem(first.failure)}", secrets)
    ) from first.failure


def tls_problem(err: ssl.SSLError | TlsNotOfferedError | None) -> str:
    """Say why a TLS handshake failed and what to pass to ``jsm.connect`` instead."""
    if isinstance(err, TlsNotOfferedError):
        return str(err)
    if isinstance(err, ssl.SSLCertVerificationError):
        reason = err.verify_message or str(err)
        if err.verify_code == _HOSTNAME_MISMATCH:
            return (
                f"the server's TLS certificate does not name the host connected to ({reason}); "
                "connect with a host name the certificate names, or pass "
                "tls_hostname='<name in the certificate>'"
            )
        return (
            f"the server's TLS certificate is not trusted ({reason}); pass an SSL context "
            "that trusts the CA that signed it: "
            "jsm.connect(url, tls=ssl.create_default_context(cafile='ca.pem'))"
        )
    return (
        f"the TLS handshake failed ({err}); check that the server expects TLS on this port "
        "and that tls= (and any client certificate) match what it requires"
    )
