"""Connection settings of every ``jsm`` command: flags, environment and natscli contexts.

A natscli user's setup works unchanged: ``--context NAME`` (or ``$NATS_CONTEXT``, or the
context selected in ``context.txt``) reads ``$XDG_CONFIG_HOME/nats/context/NAME.json``
(``~/.config`` when the variable is unset). Flags and ``$NATS_*`` variables override the
context's fields. Opening the connection itself is left to :func:`jsm.connect`.
"""

from __future__ import annotations

import json
import os
import ssl
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jsm.cli._errors import CliError

if TYPE_CHECKING:
    import jsm

DEFAULT_URL = "nats://127.0.0.1:4222"

# natscli context JSON field → Settings attribute.
_CONTEXT_FIELDS = {
    "url": "server",
    "user": "user",
    "password": "password",
    "token": "token",
    "creds": "creds",
    "nkey": "nkey",
    "cert": "tlscert",
    "key": "tlskey",
    "ca": "tlsca",
    "jetstream_domain": "js_domain",
    "jetstream_api_prefix": "js_api_prefix",
}


@dataclass(frozen=True)
class Settings:
    """Where and how to connect, as given on the command line (``None`` = not given)."""

    server: str | None = None
    user: str | None = None
    password: str | None = None
    token: str | None = None
    creds: str | None = None
    nkey: str | None = None
    tlscert: str | None = None
    tlskey: str | None = None
    tlsca: str | None = None
    js_domain: str | None = None
    js_api_prefix: str | None = None
    timeout: str = "5s"
    context: str | None = None
    trace: bool = False

    def resolved(self) -> Settings:
        """Return these settings with the natscli context's fields filling the gaps."""
        context = load_context(self.context)
        gaps: dict[str, object] = {
            name: value
            for name, value in context.items()
            if getattr(self, name) is None and value not in (None, "")
        }
        return replace(self, **gaps)  # type: ignore[arg-type]  # context fields are all str

    def connect(self) -> jsm.connect:
        """Return an unopened ``jsm.connect`` for these settings (check them first).

        Raises:
            CliError: a setting is malformed or names a missing file.
            InvalidOptionError: domain and API prefix together, or a bad timeout.
        """
        import jsm

        settings = self.resolved()
        servers = [
            url.strip() for url in (settings.server or DEFAULT_URL).split(",") if url.strip()
        ]
        timeout = jsm.parse_duration(settings.timeout)
        options: dict[str, object] = {
            "name": "jsm",
            # A command line fails fast on a wrong address instead of retrying for minutes.
            "max_reconnect_attempts": 1,
            "reconnect_time_wait": 0,
            "connect_timeout": max(1, round(timeout.total_seconds())),
        }
        for key, value in (
            ("user", settings.user),
            ("password", settings.password),
            ("token", settings.token),
            ("user_credentials", _existing(settings.creds, "--creds")),
            ("nkeys_seed", _existing(settings.nkey, "--nkey")),
        ):
            if value:
                options[key] = value
        tls = settings.tls_context(servers)
        if tls is not None:
            options["tls"] = tls
        return jsm.connect(
            servers,
            domain=settings.js_domain or None,
            api_prefix=settings.js_api_prefix or None,
            timeout=timeout,
            **options,  # type: ignore[arg-type]  # keys are ConnectOptions', values checked above
        )

    def tls_context(self, servers: list[str]) -> ssl.SSLContext | None:
        """Return the TLS context ``--tlscert/--tlskey/--tlsca`` (or a tls:// URL) ask for."""
        wants_tls = any(url.startswith("tls://") for url in servers)
        if not (self.tlscert or self.tlskey or self.tlsca or wants_tls):
            return None
        context = ssl.create_default_context(cafile=_existing(self.tlsca, "--tlsca"))
        if self.tlscert or self.tlskey:
            if not (self.tlscert and self.tlskey):
                raise CliError("--tlscert and --tlskey go together")
            context.load_cert_chain(
                _existing(self.tlscert, "--tlscert") or "", _existing(self.tlskey, "--tlskey")
            )
        return context


def _existing(path: str | None, flag: str) -> str | None:
    if not path:
        return None
    expanded = Path(path).expanduser()
    if not expanded.is_file():
        raise CliError(f"{flag}: no such file {path!r}")
    return str(expanded)


def config_dir() -> Path:
    """Return natscli's configuration directory (``$XDG_CONFIG_HOME/nats``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "nats"


def selected_context(name: str | None) -> str | None:
    """Return the context to use: the flag, ``$NATS_CONTEXT``, then natscli's selection."""
    if name:
        return name
    if os.environ.get("NATS_CONTEXT"):
        return os.environ["NATS_CONTEXT"]
    chosen = config_dir() / "context.txt"
    if chosen.is_file():
        return chosen.read_text(encoding="utf-8").strip() or None
    return None


def load_context(name: str | None) -> dict[str, str]:
    """Read a natscli context file into Settings fields (empty when no context is chosen).

    Raises:
        CliError: the named context does not exist or is not valid JSON.
    """
    chosen = selected_context(name)
    if chosen is None:
        return {}
    if "/" in chosen or chosen.startswith("."):
        raise CliError(f"invalid context name {chosen!r}")
    path = config_dir() / "context" / f"{chosen}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CliError(f"unknown context {chosen!r}: no file {path}") from None
    except (OSError, ValueError) as err:
        raise CliError(f"could not read context {chosen!r} from {path}: {err}") from None
    if not isinstance(data, dict):
        raise CliError(f"context file {path} does not hold a JSON object")
    known = {f.name for f in fields(Settings)}
    return {
        attribute: str(data[key])
        for key, attribute in _CONTEXT_FIELDS.items()
        if key in data and attribute in known
    }
