"""A server whose users may not do everything: for tests of permission violations.

One JetStream server, one application account with a user of full rights (``admin``,
also who connects without credentials) and three restricted users, each with a random password: ``no_publish`` may not publish
to ``denied.>``, ``no_api`` may not publish to ``$JS.API.>``, and ``no_inbox`` may not
subscribe to ``_INBOX.>`` (so replies to the default inboxes cannot reach it; any
other inbox prefix can).
"""

from __future__ import annotations

import secrets

from jsm.testing._server import NatsServer
from jsm.testing._topologies import Group, _jetstream_block

__all__ = ["PermissionsServer", "run_permissions_server"]

_USERS = {
    "admin": "",
    "no_publish": 'permissions: { publish: { deny: ["denied.>"] } }',
    "no_api": 'permissions: { publish: { deny: ["$JS.API.>"] } }',
    "no_inbox": 'permissions: { subscribe: { deny: ["_INBOX.>"] } }',
}


class PermissionsServer(Group):
    """A JetStream server with users denied some subjects (see the module docstring).

    ``url(user)`` connects as one of ``users``; ``admin_url`` as the user with every right.
    Passwords are random per instance, so tests can check that none is ever logged.
    """

    denied_prefix = "denied"
    """Subjects under ``denied.>`` are refused to ``no_publish``."""
    users = tuple(_USERS)
    """The users: ``admin``, ``no_publish``, ``no_api``, ``no_inbox``."""

    def __init__(self) -> None:
        self.passwords = {user: f"pw-{secrets.token_hex(12)}" for user in _USERS}
        entries = "\n".join(
            f'      {{ user: {user}, password: "{self.passwords[user]}", {rights} }}'
            for user, rights in _USERS.items()
        )
        config = (
            "accounts {\n"
            f"  APP: {{ jetstream: enabled, users: [\n{entries}\n  ] }}\n"
            '  SYS: { users: [{ user: sys, password: "sys" }] }\n'
            "}\n"
            "system_account: SYS\n"
            "no_auth_user: admin\n"  # the readiness probe connects without credentials
        )
        self.server = NatsServer("PERMS", config + _jetstream_block())
        self.servers = [self.server]

    def url(self, user: str) -> str:
        """The URL that connects as ``user`` (one of :attr:`users`)."""
        return f"nats://{user}:{self.passwords[user]}@127.0.0.1:{self.server.client_port}"

    @property
    def admin_url(self) -> str:
        """The URL of the user with every right."""
        return self.url("admin")


def run_permissions_server() -> PermissionsServer:
    """Return a server whose users are denied some subjects, not yet started."""
    return PermissionsServer()
