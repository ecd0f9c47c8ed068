"""Real nats-server processes for tests, on 127.0.0.1 with server-chosen ports.

Every factory returns servers that start on ``with`` / ``async with`` (or ``start()``)
and are stopped, with their temporary store directories removed, on exit. The pytest
plugin (:mod:`jsm.testing.pytest_plugin`, registered automatically) exposes them as
fixtures: ``nats_server``, ``nats_cluster``, ``nats_super_cluster``, ``nats_hub_and_leaf``,
``nats_accounts``, ``nats_tls``, ``nats_websocket``, ``nats_encrypted``, ``nats_permissions``,
``nats_auth`` and ``nats_server_fresh``. Faults are part of the kit: ``NatsServer.kill()`` crashes a server,
``Cluster.kill_node()`` one node, and ``run_hub_and_leaf(cuttable_link=True)`` gives a
leaf link that ``cut_link()`` partitions from the hub.
"""

from __future__ import annotations

from jsm.testing._auth import AuthServers as AuthServers
from jsm.testing._auth import run_auth_servers as run_auth_servers
from jsm.testing._binary import ServerNotFoundError as ServerNotFoundError
from jsm.testing._binary import find_nats_server as find_nats_server
from jsm.testing._permissions import PermissionsServer as PermissionsServer
from jsm.testing._permissions import run_permissions_server as run_permissions_server
from jsm.testing._proxy import LinkProxy as LinkProxy
from jsm.testing._server import NatsServer as NatsServer
from jsm.testing._server import ServerStartError as ServerStartError
from jsm.testing._super_cluster import SuperCluster as SuperCluster
from jsm.testing._super_cluster import run_super_cluster as run_super_cluster
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
    "AuthServers",
    "Cluster",
    "HubAndLeaf",
    "ImportingAccounts",
    "LinkProxy",
    "NatsServer",
    "PermissionsServer",
    "ServerNotFoundError",
    "ServerStartError",
    "SuperCluster",
    "TlsServer",
    "find_nats_server",
    "run_auth_servers",
    "run_cluster",
    "run_encrypted_server",
    "run_hub_and_leaf",
    "run_importing_accounts",
    "run_permissions_server",
    "run_server",
    "run_super_cluster",
    "run_tls_server",
    "run_websocket_server",
]
