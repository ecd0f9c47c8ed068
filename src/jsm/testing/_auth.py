"""Servers that require credentials: for tests that secrets never leak.

Two JetStream servers, each with fresh random secrets. ``AUTH`` has an application
account whose users sign in with a password (``alice``) or an nkey (its seed is
:attr:`AuthServers.nkey_seed`); ``TOKEN`` takes a single token. Neither lets a client in
without credentials, so a test that connects has really sent them.
"""

from __future__ import annotations

import os
import secrets
from functools import partial

from jsm.testing._probe import monitor_json
from jsm.testing._server import NatsServer
from jsm.testing._topologies import Group, _jetstream_block, wait_for

__all__ = ["AuthServers", "run_auth_servers"]


def _nkey_pair() -> tuple[str, str]:
    import nkeys  # nats-py's own dependency for nkey sign-in (the dev extra installs it)

    seed = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER)
    public = nkeys.from_seed(bytearray(seed)).public_key
    return seed.decode(), public.decode()


class AuthServers(Group):
    """Two JetStream servers that require credentials (see the module docstring).

    ``password_url`` signs in as ``alice`` with her password in the URL; ``url`` and
    ``token_server_url`` carry no credentials (pass ``user``/``password``,
    ``nkeys_seed_str`` or ``token`` to ``jsm.connect``); ``token_url`` has the token in
    the URL. :attr:`secrets` lists every secret, to look for in logs and errors.
    """

    user = "alice"
    """The user that signs in with :attr:`password`."""

    def __init__(self) -> None:
        self.password = f"pw-{secrets.token_hex(12)}"
        self.token = f"tk-{secrets.token_hex(12)}"
        self.nkey_seed, self.nkey_public = _nkey_pair()
        users = (
            f'{{ user: {self.user}, password: "{self.password}" }}, {{ nkey: {self.nkey_public} }}'
        )
        self.server = NatsServer(
            "AUTH",
            "accounts {\n"
            f"  APP: {{ jetstream: enabled, users: [{users}] }}\n"
            '  SYS: { users: [{ user: sys, password: "sys" }] }\n'
            "}\n"
            "system_account: SYS\n" + _jetstream_block(),
            wait_for_jetstream=False,  # the probe has no credentials
        )
        self.token_server = NatsServer(
            "TOKEN",
            f'authorization {{ token: "{self.token}" }}\n' + _jetstream_block(),
            wait_for_jetstream=False,
        )
        self.servers = [self.server, self.token_server]

    @property
    def secrets(self) -> tuple[str, ...]:
        """The password, the token and the nkey seed."""
        return (self.password, self.token, self.nkey_seed)

    @property
    def url(self) -> str:
        """The password and nkey server, without credentials."""
        return self.server.client_url

    @property
    def password_url(self) -> str:
        """The password and nkey server, signed in as :attr:`user` with the password."""
        return f"nats://{self.user}:{self.password}@127.0.0.1:{self.server.client_port}"

    @property
    def token_server_url(self) -> str:
        """The token server, without credentials."""
        return self.token_server.client_url

    @property
    def token_url(self) -> str:
        """The token server, with the token in the URL."""
        return f"nats://{self.token}@127.0.0.1:{self.token_server.client_port}"

    def _wait_ready(self) -> None:
        # Readiness from the monitoring port: the JetStream probe has no credentials.
        for server in self.servers:
            wait_for(partial(_healthy, server), partial(_not_healthy, server))


def _healthy(server: NatsServer) -> bool:
    return monitor_json(server.monitor_url, "healthz").get("status") == "ok"


def _not_healthy(server: NatsServer) -> str:
    return f"nats-server {server.name} did not become healthy:\n{server.log_tail()}"


def run_auth_servers() -> AuthServers:
    """Return two servers that require a password, an nkey or a token, not yet started."""
    return AuthServers()
