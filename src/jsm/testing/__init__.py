"""Real nats-server processes for tests, on 127.0.0.1 with server-chosen ports.

Every factory returns servers that start on ``with`` / ``async with`` (or ``start()``)
and are stopped, with their temporary store directories removed, on exit. The pytest
plugin (:mod:`jsm.testing.pytest_plugin`, registered automatically) exposes them as
fixtures: ``nats_server``, ``nats_cluster``, ``nats_hub_and_leaf``, ``nats_accounts``,
``nats_tls``, ``nats_websocket``, ``nats_encrypted`` and ``nats_server_fresh``.
"""

from __future__ import annotations

from jsm.testing._binary import ServerNotFoundError as ServerNotFoundError
from jsm.testing._binary import find_nats_server as find_nats_server
from jsm.testing._server import NatsServer as NatsServer
from jsm.testing._server import ServerStartError as ServerStartError
from jsm.testing._topologies import Cluster as Cluster
from jsm.testing._topologies import HubAndLeaf as HubAndLeaf
from jsm.testing._topologies import ImportingAccounts as ImportingAccounts
from jsm.testing._topologies import TlsServer as TlsServer
from jsm.testing._topologies import run_cluster as run_cluster
from jsm.testing._topologies import run_encrypted_server as run_encrypted_server
from jsm.testing._topologies import run_hub_and_leaf as run_hub_and_leaf
from jsm.testing._topologies import run_importing_accounts as run_importing_accounts
from jsm.testing._topologies import run_server as run_server
from jsm.testing._topologies import run_tls_server as run_tls_server
from jsm.testing._topologies import run_websocket_server as run_websocket_server

__all__ = [
    "Cluster",
    "HubAndLeaf",
    "ImportingAccounts",
    "NatsServer",
    "ServerNotFoundError",
    "ServerStartError",
    "TlsServer",
    "find_nats_server",
    "run_cluster",
    "run_encrypted_server",
    "run_hub_and_leaf",
    "run_importing_accounts",
    "run_server",
    "run_tls_server",
    "run_websocket_server",
]
