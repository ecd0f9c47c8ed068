"""Server topologies for tests: single, cluster, hub + leaf, importing accounts, TLS, WebSocket.

Each factory returns an object that starts its servers on ``with`` / ``async with`` (or
``start()``) and stops every one of them on exit (or ``stop()``).
"""

from __future__ import annotations

import secrets
import shutil
import socket
import ssl
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import trustme

from jsm.testing._probe import monitor_json
from jsm.testing._proxy import LinkProxy
from jsm.testing._server import (
    ACCOUNTS_CONFIG,
    START_DEADLINE,
    NatsServer,
    ServerStartError,
    StartStop,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "Cluster",
    "HubAndLeaf",
    "ImportingAccounts",
    "TlsServer",
    "run_cluster",
    "run_encrypted_server",
    "run_hub_and_leaf",
    "run_importing_accounts",
    "run_server",
    "run_tls_server",
    "run_websocket_server",
]


PORT_ATTEMPTS = 3
"""Times a group starts its servers when a port chosen in advance was taken meanwhile."""


def free_port() -> int:
    # Route, gateway and leaf-node ports must be known before the peers start; the OS picks
    # one. Another process may take it before the server binds it: see Group.start.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_taken(error: ServerStartError) -> bool:
    return "address already in use" in str(error)


def _jetstream_block(*, domain: str | None = None, extra: str = "") -> str:
    domain_line = f"  domain: {domain}\n" if domain else ""
    return f'jetstream {{\n  store_dir: "{{store_dir}}"\n{domain_line}{extra}}}\n'


class Group(StartStop):
    """Starts and stops several servers as one unit (both context-manager forms)."""

    servers: list[NatsServer]

    def start(self) -> None:
        """Start every server (in order) and wait until each answers.

        A port chosen before the servers started (a route, gateway or leaf-node port) can
        be taken by another process before its server binds it; then every server stops,
        the ports are chosen again and the group starts afresh.
        """
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                for server in self.servers:
                    server.start()
                self._wait_ready()
                return
            except ServerStartError as error:
                self._stop_servers()
                if attempt < PORT_ATTEMPTS and _port_taken(error) and self._choose_ports():
                    continue
                self.stop()
                raise
            except BaseException:
                self.stop()
                raise

    def stop(self) -> None:
        """Stop every server and remove their files."""
        self._stop_servers()

    def _stop_servers(self) -> None:
        for server in reversed(self.servers):
            server.stop()

    def _choose_ports(self) -> bool:
        """Choose the ports fixed in the servers' configuration anew; False if there are none."""
        return False

    def _wait_ready(self) -> None:
        return None


def run_server(
    *,
    jetstream: bool = True,
    domain: str | None = None,
    websocket: bool = False,
    encryption_key: str | None = None,
    max_payload: int | None = None,
    extra_config: str = "",
    name: str = "S1",
) -> NatsServer:
    """Return a single server (JetStream on unless ``jetstream=False``), not yet started."""
    parts = [ACCOUNTS_CONFIG]
    if jetstream:
        cipher = f"  cipher: chachapoly\n  key: {encryption_key}\n" if encryption_key else ""
        parts.append(_jetstream_block(domain=domain, extra=cipher))
    if websocket:
        parts.append('websocket { listen: "127.0.0.1:-1", no_tls: true }\n')
    if max_payload is not None:
        parts.append(f"max_payload: {max_payload}\n")
    parts.append(extra_config)
    return NatsServer(name, "".join(parts), jetstream_domain=domain, wait_for_jetstream=jetstream)


def run_websocket_server() -> NatsServer:
    """Return a JetStream server that also accepts WebSocket clients (``websocket_url``)."""
    return run_server(websocket=True, name="WS")


def run_encrypted_server() -> NatsServer:
    """Return a JetStream server whose file store is encrypted at rest."""
    return run_server(encryption_key=secrets.token_hex(16), name="ENC")


class Cluster(Group):
    """A JetStream cluster of ``size`` servers joined by routes.

    ``node_config`` adds configuration text to each node's file, one entry per node
    (server tags, a gateway block: see :class:`SuperCluster`); ``limits`` goes into each
    node's ``jetstream`` block (``max_memory_store: 256MB``).
    """

    def __init__(
        self,
        size: int = 3,
        *,
        name: str = "C1",
        node_config: Sequence[str] | None = None,
        limits: str = "",
    ) -> None:
        self.name = name
        self._limits = limits
        self._node_config = list(node_config) if node_config is not None else [""] * size
        if len(self._node_config) != size:
            raise ValueError(
                f"node_config needs one entry per node ({size}), got {len(self._node_config)}"
            )
        self.servers = [
            NatsServer(f"{name}-n{i + 1}", config, wait_for_jetstream=False)
            for i, config in enumerate(self._node_configs())
        ]

    def reconfigure_nodes(self, node_config: Sequence[str]) -> None:
        """Replace each node's extra configuration and choose new route ports (while stopped)."""
        self._node_config = list(node_config)
        self._choose_ports()

    def _node_configs(self) -> list[str]:
        route_ports = [free_port() for _ in self._node_config]
        routes = ", ".join(f"nats-route://127.0.0.1:{p}" for p in route_ports)
        return [
            ACCOUNTS_CONFIG
            + _jetstream_block(extra=self._limits)
            + f"cluster {{\n  name: {self.name}\n  listen: 127.0.0.1:{port}\n"
            + f"  routes: [{routes}]\n}}\n"
            + extra
            for port, extra in zip(route_ports, self._node_config, strict=True)
        ]

    def _choose_ports(self) -> bool:
        for server, config in zip(self.servers, self._node_configs(), strict=True):
            server.reconfigure(config)
        return True

    @property
    def urls(self) -> list[str]:
        """Client URLs of every node."""
        return [s.client_url for s in self.servers]

    @property
    def system_urls(self) -> list[str]:
        """System-account URLs of every node."""
        return [s.system_url for s in self.servers]

    def index_of(self, server_name: str) -> int:
        """The index of the node called ``server_name`` (as stream and consumer info name it)."""
        for index, server in enumerate(self.servers):
            if server.name == server_name:
                return index
        raise ValueError(f"cluster {self.name} has no server {server_name!r}")

    def stop_node(self, index: int) -> None:
        """Stop one node, keeping its store and port for :meth:`start_node`."""
        self.servers[index].shutdown()

    def kill_node(self, index: int) -> None:
        """Kill one node with SIGKILL (a crash), keeping its store and port for :meth:`start_node`."""
        self.servers[index].kill()

    def start_node(self, index: int) -> None:
        """Start a stopped node again and wait until the cluster has a meta leader."""
        self.servers[index].start()
        self._wait_ready()

    def restart_node(self, index: int) -> None:
        """Restart one node on the same ports with the same store."""
        self.stop_node(index)
        self.start_node(index)

    def _wait_ready(self) -> None:
        wait_for(
            lambda: meta_formed(self.servers),
            lambda: f"cluster {self.name} elected no meta leader:\n{tails(self.servers)}",
            within=START_DEADLINE * 2,
        )


def meta_formed(servers: Sequence[NatsServer]) -> bool:
    """Whether every running server names the same meta leader and knows at least all of
    ``servers`` as peers (a node that has not yet heard of the last one reports fewer)."""
    metas = [
        monitor_json(s.monitor_url, "jsz").get("meta_cluster") for s in servers if s.is_running
    ]
    leaders = {m.get("leader") if isinstance(m, dict) else None for m in metas}
    if None in leaders or len(leaders) != 1:
        return False
    sizes = [m.get("cluster_size") if isinstance(m, dict) else None for m in metas]
    return all(isinstance(n, int) and n >= len(servers) for n in sizes)


def tails(servers: Sequence[NatsServer], lines: int = 15) -> str:
    return "\n".join(f"--- {s.name}\n{s.log_tail(lines)}" for s in servers)


def run_cluster(size: int = 3, *, name: str = "C1") -> Cluster:
    """Return a ``size``-node JetStream cluster, not yet started."""
    return Cluster(size, name=name)


class HubAndLeaf(Group):
    """A hub server (JetStream domain ``hub``) and a leaf node with its own domain ``leaf``.

    The leaf connects to the hub for both the application and the system account, so
    each side reaches the other's JetStream through ``$JS.<domain>.API``. Made with
    ``cuttable_link=True``, the leaf dials the hub through a :class:`LinkProxy`, and
    :meth:`cut_link` / :meth:`restore_link` partition the two while both keep running.
    """

    hub_domain = "hub"
    leaf_domain = "leaf"

    def __init__(self, *, cuttable_link: bool = False) -> None:
        leaf_port = free_port()
        self.link = LinkProxy(leaf_port) if cuttable_link else None
        """The relay between leaf and hub (``None`` unless made with ``cuttable_link``)."""
        hub_config, leaf_config = self._configs(leaf_port)
        self.hub = NatsServer("HUB", hub_config, jetstream_domain=self.hub_domain)
        self.leaf = NatsServer("LEAF", leaf_config, jetstream_domain=self.leaf_domain)
        self.servers = [self.hub, self.leaf]

    def _configs(self, leaf_port: int) -> tuple[str, str]:
        # A hub advertises its leaf port to leaf nodes, which then redial it directly:
        # behind a relay, it must not, or the leaf bypasses the relay on reconnect.
        advertise = ", no_advertise: true" if self.link is not None else ""
        hub = (
            ACCOUNTS_CONFIG
            + _jetstream_block(domain=self.hub_domain)
            + f"leafnodes {{ listen: 127.0.0.1:{leaf_port}{advertise} }}\n"
        )
        dial = self.link.port if self.link is not None else leaf_port
        remotes = (
            f'  {{ url: "nats-leaf://app:app@127.0.0.1:{dial}", account: APP }},\n'
            f'  {{ url: "nats-leaf://sys:sys@127.0.0.1:{dial}", account: SYS }}\n'
        )
        leaf = (
            ACCOUNTS_CONFIG
            + _jetstream_block(domain=self.leaf_domain)
            + f"leafnodes {{ remotes: [\n{remotes}] }}\n"
        )
        return hub, leaf

    def _choose_ports(self) -> bool:
        leaf_port = free_port()
        if self.link is not None:
            self.link.target_port = leaf_port
        hub_config, leaf_config = self._configs(leaf_port)
        self.hub.reconfigure(hub_config)
        self.leaf.reconfigure(leaf_config)
        return True

    def start(self) -> None:
        """Start the link relay (if any), the hub and the leaf; wait until the leaf is linked."""
        if self.link is not None:
            self.link.start()
        super().start()

    def stop(self) -> None:
        """Stop both servers and the link relay."""
        try:
            super().stop()
        finally:
            if self.link is not None:
                self.link.stop()

    def cut_link(self) -> None:
        """Cut the leaf's link to the hub and wait until the hub sees it gone.

        Raises:
            RuntimeError: the topology was made without ``cuttable_link=True``.
        """
        self._link().cut()
        wait_for(
            lambda: _leaf_connections(self.hub.monitor_url) == 0,
            lambda: "the hub still lists the leaf node after the link was cut",
        )

    def restore_link(self) -> None:
        """Let the leaf dial the hub again and wait until both of its accounts are linked.

        Raises:
            RuntimeError: the topology was made without ``cuttable_link=True``.
        """
        self._link().restore()
        self._wait_ready()

    def _link(self) -> LinkProxy:
        if self.link is None:
            raise RuntimeError("make the topology with run_hub_and_leaf(cuttable_link=True)")
        return self.link

    def _wait_ready(self) -> None:
        wait_for(
            lambda: _leaf_connections(self.hub.monitor_url) >= 2,
            lambda: f"the leaf node did not connect to the hub:\n{self.leaf.log_tail()}",
        )


def _leaf_connections(monitor_url: str) -> int:
    count = monitor_json(monitor_url, "leafz").get("leafnodes", 0)
    return count if isinstance(count, int) else 0


def wait_for(
    condition: Callable[[], bool], failure: Callable[[], str], *, within: float = START_DEADLINE
) -> None:
    """Poll ``condition`` until it holds; raise ``ServerStartError(failure())`` after ``within`` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise ServerStartError(failure())


def run_hub_and_leaf(*, cuttable_link: bool = False) -> HubAndLeaf:
    """Return a hub and a leaf node, each with its own JetStream domain, not yet started.

    With ``cuttable_link=True`` the leaf's link to the hub can be cut and restored
    (:meth:`HubAndLeaf.cut_link`, :meth:`HubAndLeaf.restore_link`).
    """
    return HubAndLeaf(cuttable_link=cuttable_link)


IMPORTING_ACCOUNTS_CONFIG = """
accounts {
  APP: {
    jetstream: enabled
    users: [{user: app, password: app}]
    exports: [
      {service: "$JS.API.>", response_type: stream}
      {service: "$JS.ACK.>"}
      {service: "$JS.FC.>"}
      {service: "imp.>"}
      {service: "$KV.>"}
      {stream: "deliver.>"}
      {service: "$SRV.>", response_type: stream}
      {service: "$O.>"}
      {stream: "$JS.EVENT.>"}
    ]
  }
  IMP: {
    users: [{user: imp, password: imp}]
    imports: [
      {service: {account: APP, subject: "$JS.API.>"}, to: "JS.APP.API.>"}
      {service: {account: APP, subject: "$JS.ACK.>"}}
      {service: {account: APP, subject: "$JS.FC.>"}}
      {service: {account: APP, subject: "imp.>"}}
      {service: {account: APP, subject: "$KV.>"}, to: "JS.APP.API.$KV.>"}
      {stream: {account: APP, subject: "deliver.>"}}
      {service: {account: APP, subject: "$SRV.>"}}
      {service: {account: APP, subject: "$O.>"}}
      {stream: {account: APP, subject: "$JS.EVENT.>"}}
    ]
  }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
no_auth_user: app
"""


class ImportingAccounts(Group):
    """One server, two accounts: ``IMP`` imports the JetStream API of ``APP`` under a prefix.

    From ``importer_url`` the API is reached as ``JS.APP.API.…``; publishes on
    ``imp.>`` reach APP's streams (and services), acks (``$JS.ACK.>``) and flow control
    go back, push deliveries on ``deliver.>`` are imported, and service discovery
    (``$SRV.>``) reaches APP's services, object-store subjects (``$O.>``) reach APP's
    buckets. Key-Value writes go through the prefix too
    (``JS.APP.API.$KV.>`` is APP's ``$KV.>``, ADR-19). APP's advisories and metrics
    (``$JS.EVENT.>``) are imported as a stream under their own names.
    """

    api_prefix = "JS.APP.API"
    publish_prefix = "imp"
    deliver_prefix = "deliver"

    def __init__(self) -> None:
        self.server = NatsServer("ACCTS", IMPORTING_ACCOUNTS_CONFIG + _jetstream_block())
        self.servers = [self.server]

    @property
    def importer_url(self) -> str:
        """URL of the importing account's user."""
        return f"nats://imp:imp@127.0.0.1:{self.server.client_port}"

    @property
    def exporter_url(self) -> str:
        """URL of the exporting (JetStream) account."""
        return self.server.client_url


def run_importing_accounts() -> ImportingAccounts:
    """Return a server with an account importing another's JetStream API, not yet started."""
    return ImportingAccounts()


class TlsServer(Group):
    """A JetStream server that requires TLS, with certificates from a throwaway CA."""

    def __init__(self) -> None:
        self.ca = trustme.CA()
        self._cert_dir = Path(tempfile.mkdtemp(prefix="jsm-tls-"))
        leaf_cert = self.ca.issue_cert("127.0.0.1", "localhost")
        cert = self._cert_dir / "server.pem"
        key = self._cert_dir / "server.key"
        leaf_cert.private_key_pem.write_to_path(str(key))
        cert.write_bytes(b"".join(blob.bytes() for blob in leaf_cert.cert_chain_pems))
        self.server = NatsServer(
            "TLS",
            ACCOUNTS_CONFIG
            + _jetstream_block()
            + f'tls {{ cert_file: "{cert}", key_file: "{key}", timeout: 5 }}\n',
            ssl_context=self.client_ssl_context(),
            scheme="tls",
        )
        self.servers = [self.server]

    def client_ssl_context(self) -> ssl.SSLContext:
        """An SSL context that trusts this server's CA."""
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        self.ca.configure_trust(context)
        return context

    def stop(self) -> None:
        """Stop the server and remove its certificates."""
        super().stop()
        shutil.rmtree(self._cert_dir, ignore_errors=True)


def run_tls_server() -> TlsServer:
    """Return a TLS-only JetStream server, not yet started."""
    return TlsServer()
