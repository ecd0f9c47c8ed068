"""pytest fixtures that run real nats-servers (registered through the ``pytest11`` entry point).

Server fixtures are synchronous: the session-scoped ones start on first use and stop at
the end of the session; ``nats_server_fresh`` gives a test a server of its own (for
restart tests). Every server they start is stopped before the fixture ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from jsm.testing._auth import AuthServers, run_auth_servers
from jsm.testing._permissions import PermissionsServer, run_permissions_server
from jsm.testing._super_cluster import SuperCluster, run_super_cluster
from jsm.testing._topologies import (
    Cluster,
    HubAndLeaf,
    ImportingAccounts,
    TlsServer,
    run_cluster,
    run_encrypted_server,
    run_hub_and_leaf,
    run_importing_accounts,
    run_server,
    run_tls_server,
    run_websocket_server,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jsm.testing._server import NatsServer


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    """A single JetStream server shared by the session."""
    with run_server() as server:
        yield server


@pytest.fixture
def nats_server_fresh() -> Iterator[NatsServer]:
    """A JetStream server of the test's own, free to be stopped and restarted."""
    with run_server(name="FRESH") as server:
        yield server


@pytest.fixture(scope="session")
def nats_cluster() -> Iterator[Cluster]:
    """A 3-node JetStream cluster shared by the session."""
    with run_cluster(3) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def nats_super_cluster() -> Iterator[SuperCluster]:
    """Two 3-node clusters (``C1`` tagged ``cloud:aws``, ``C2`` tagged ``cloud:gcp``, each
    node also ``az:1``..``az:3``) joined by gateways, shared by the session."""
    with run_super_cluster(3) as super_cluster:
        yield super_cluster


@pytest.fixture(scope="session")
def nats_hub_and_leaf() -> Iterator[HubAndLeaf]:
    """A hub (domain ``hub``) and a leaf node (domain ``leaf``) shared by the session."""
    with run_hub_and_leaf() as setup:
        yield setup


@pytest.fixture(scope="session")
def nats_accounts() -> Iterator[ImportingAccounts]:
    """A server where account IMP imports APP's JetStream API under ``JS.APP.API``."""
    with run_importing_accounts() as setup:
        yield setup


@pytest.fixture(scope="session")
def nats_tls() -> Iterator[TlsServer]:
    """A TLS-only JetStream server with a throwaway CA."""
    with run_tls_server() as setup:
        yield setup


@pytest.fixture(scope="session")
def nats_websocket() -> Iterator[NatsServer]:
    """A JetStream server that also listens for WebSocket clients."""
    with run_websocket_server() as server:
        yield server


@pytest.fixture(scope="session")
def nats_encrypted() -> Iterator[NatsServer]:
    """A JetStream server with encryption at rest."""
    with run_encrypted_server() as server:
        yield server


@pytest.fixture(scope="session")
def nats_permissions() -> Iterator[PermissionsServer]:
    """A JetStream server whose users are denied some subjects (``PermissionsServer``)."""
    with run_permissions_server() as setup:
        yield setup


@pytest.fixture(scope="session")
def nats_auth() -> Iterator[AuthServers]:
    """Two JetStream servers that require credentials: a password or an nkey, and a token
    (``AuthServers``; fresh random secrets)."""
    with run_auth_servers() as setup:
        yield setup
