"""Readiness checks that need no event loop: a raw NATS protocol probe and HTTP polling."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl

__all__ = ["jetstream_answers", "monitor_json"]

_CONNECT = (
    b'CONNECT {"verbose":false,"pedantic":false,"headers":true,'
    b'"no_responders":true,"protocol":1,"name":"jsm-probe"}\r\n'
)


def jetstream_answers(
    host: str, port: int, *, timeout: float = 2.0, ssl_context: ssl.SSLContext | None = None
) -> bool:
    """Return whether ``$JS.API.INFO`` gets a non-error reply from the default account."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with raw.makefile("rb") as plain:
                if not plain.readline().startswith(b"INFO"):
                    return False
            if ssl_context is None:
                return _ask(raw)
            with ssl_context.wrap_socket(raw, server_hostname=host) as secure:
                return _ask(secure)
    except (OSError, ValueError):
        return False


def _ask(sock: socket.socket) -> bool:
    sock.sendall(
        _CONNECT + b"SUB _INBOX.probe 1\r\nPUB $JS.API.INFO _INBOX.probe 0\r\n\r\nPING\r\n"
    )
    with sock.makefile("rb") as stream:
        return _read_reply(sock, stream)


def _read_reply(sock: socket.socket, stream: object) -> bool:
    readline = stream.readline  # type: ignore[attr-defined]  # a binary file object
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        line: bytes = readline()
        if not line:
            return False
        if line.startswith(b"PING"):
            sock.sendall(b"PONG\r\n")
        elif line.startswith(b"-ERR"):
            return False
        elif line.startswith(b"HMSG"):
            readline()  # a status-only reply (no responders): not ready
            return False
        elif line.startswith(b"MSG"):
            body: bytes = readline()
            return b'"error"' not in body
    return False


def monitor_json(monitor_url: str, endpoint: str) -> dict[str, object]:
    """Return a monitoring endpoint's document (``jsz``, ``leafz``, ``gatewayz``, …);
    an empty one when the server does not answer."""
    try:
        with urllib.request.urlopen(f"{monitor_url}/{endpoint}", timeout=2) as reply:
            document = json.loads(reply.read())
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}
