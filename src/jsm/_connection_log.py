"""The connection callbacks :func:`jsm.connect` installs: one log line per event.

nats-py's own error callback logs a full traceback for every failed reconnect attempt;
these log one line per event (error, disconnected, reconnected, closed) on the
``jsm.connection`` logger, without tracebacks, and with every password, token and seed
passed to ``jsm.connect`` (and the user part of server URLs) masked. Callbacks the
application passes to ``jsm.connect`` are called instead of these.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from nats.aio.client import Client as NatsClient

__all__ = ["ConnectionLog", "redact", "secrets_of"]

# A name users can configure without knowing jsm's module layout.
logger = logging.getLogger("jsm.connection")

_USERINFO: Final = re.compile(r"(?<=://)[^/@\s]+@")
_MASK: Final = "***"
_SECRET_OPTIONS: Final = ("password", "token", "nkeys_seed_str")


def secrets_of(servers: str | Iterable[str], options: Mapping[str, object]) -> list[str]:
    """Return the secrets in ``jsm.connect``'s arguments: passwords, tokens, seeds."""
    found = [value for key in _SECRET_OPTIONS if isinstance(value := options.get(key), str)]
    for url in [servers] if isinstance(servers, str) else servers:
        try:
            parts = urlsplit(url)
        except ValueError:
            continue
        # nats://user:password@host, or nats://token@host
        found += [s for s in (parts.password, parts.username if not parts.password else None) if s]
    # Longest first, so a secret containing another is masked whole.
    return sorted({s for s in found if s}, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """Mask ``secrets`` and the user part of URLs in ``text``."""
    text = _USERINFO.sub(_MASK + "@", text)
    for secret in secrets:
        text = text.replace(secret, _MASK)
    return text


class ConnectionLog:
    """One WARNING/INFO/DEBUG line per connection event, no traceback.

    ``nc`` is set once the connection exists; until then lines name no server.
    """

    __slots__ = ("_secrets", "closing", "nc")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = list(secrets)
        self.nc: NatsClient | None = None
        self.closing = False
        """Set by ``jsm.connect`` before it closes the connection itself."""

    async def error(self, err: Exception) -> None:
        """Log an asynchronous error (a failed reconnect attempt, a permissions violation…)."""
        logger.warning("NATS connection error%s: %s", self._where(" on "), self._describe(err))

    async def disconnected(self) -> None:
        """Log a lost connection."""
        if not self.closing:
            logger.warning("NATS connection%s lost; reconnecting", self._where(" to "))

    async def reconnected(self) -> None:
        """Log a connection re-established."""
        logger.info("NATS connection re-established%s", self._where(" to "))

    async def closed(self) -> None:
        """Log the end of the connection: quietly when jsm.connect closed it, else a warning."""
        if self.closing:
            logger.debug("NATS connection closed")
            return
        last = getattr(self.nc, "last_error", None)
        cause = f" (last error: {self._describe(last)})" if last is not None else ""
        logger.warning("NATS connection closed for good%s", cause)

    def _describe(self, err: BaseException) -> str:
        text = str(err).strip()
        described = f"{type(err).__name__}: {text}" if text else type(err).__name__
        return redact(" ".join(described.split()), self._secrets)  # one line

    def _where(self, joiner: str) -> str:
        server = getattr(self.nc, "_current_server", None)
        uri = getattr(server, "uri", None)
        host, port = getattr(uri, "hostname", None), getattr(uri, "port", None)
        if not host:
            return ""
        return f"{joiner}{host}:{port}" if port else f"{joiner}{host}"
