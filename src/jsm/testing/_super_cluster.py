"""The super-cluster topology: JetStream clusters joined by gateways, every server tagged."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

from jsm.testing._probe import jetstream_answers, monitor_json
from jsm.testing._server import START_DEADLINE, NatsServer
from jsm.testing._topologies import Cluster, Group, free_port, meta_formed, tails, wait_for

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_CLOUDS", "SuperCluster", "run_super_cluster"]


DEFAULT_CLOUDS: Mapping[str, str] = MappingProxyType({"C1": "aws", "C2": "gcp"})
"""The super-cluster's clusters by name, with the cloud each one's servers are tagged with."""

_SUPER_CLUSTER_LIMITS = "  max_memory_store: 256MB\n  max_file_store: 1GB\n"


class SuperCluster(Group):
    """JetStream clusters joined by gateways into one super-cluster, every server tagged.

    Each cluster (``C1``, ``C2`` by default) has ``size`` nodes named ``<cluster>-n<i>``,
    tagged ``cloud:<cloud>`` and ``az:<i>``, so streams can be placed by cluster
    (``Placement(cluster="C2")``) or by tags (``Placement(tags=["cloud:gcp", "az:2"])``).
    One meta group spans every server. JetStream limits are kept small: six servers share
    a test machine.
    """

    def __init__(self, size: int = 3, *, clouds: Mapping[str, str] = DEFAULT_CLOUDS) -> None:
        if len(clouds) < 2:
            raise ValueError("a super-cluster needs at least two clusters")
        self._clouds = dict(clouds)
        self.clusters = [
            Cluster(size, name=name, node_config=config, limits=_SUPER_CLUSTER_LIMITS)
            for name, config in self._node_configs(size).items()
        ]
        self.servers = [server for cluster in self.clusters for server in cluster.servers]

    def _node_configs(self, size: int) -> dict[str, list[str]]:
        gateway_ports = {name: [free_port() for _ in range(size)] for name in self._clouds}
        gateways = ", ".join(
            f"{{name: {name}, urls: [{', '.join(f'nats://127.0.0.1:{p}' for p in ports)}]}}"
            for name, ports in gateway_ports.items()
        )
        return {
            name: [
                f'server_tags: ["cloud:{cloud}", "az:{i + 1}"]\n'
                f"gateway {{\n  name: {name}\n  listen: 127.0.0.1:{port}\n"
                f"  gateways: [{gateways}]\n}}\n"
                for i, port in enumerate(gateway_ports[name])
            ]
            for name, cloud in self._clouds.items()
        }

    def _choose_ports(self) -> bool:
        configs = self._node_configs(len(self.clusters[0].servers))
        for cluster in self.clusters:
            cluster.reconfigure_nodes(configs[cluster.name])
        return True

    def cluster(self, name: str) -> Cluster:
        """The cluster called ``name``."""
        for cluster in self.clusters:
            if cluster.name == name:
                return cluster
        raise ValueError(f"no cluster {name!r} in this super-cluster")

    @property
    def urls(self) -> list[str]:
        """Client URLs of every server, cluster by cluster."""
        return [s.client_url for s in self.servers]

    @property
    def system_urls(self) -> list[str]:
        """System-account URLs of every server."""
        return [s.system_url for s in self.servers]

    def _wait_ready(self) -> None:
        # Ready when one meta group spans every server, each server has a gateway to every
        # other cluster, and the JetStream API answers.
        wait_for(
            self._formed,
            lambda: f"the super-cluster did not form:\n{tails(self.servers, 10)}",
            within=START_DEADLINE * 2,
        )

    def _formed(self) -> bool:
        if not meta_formed(self.servers):
            return False
        names = {cluster.name for cluster in self.clusters}
        running = [s for s in self.servers if s.is_running]
        for server in running:
            outbound = monitor_json(server.monitor_url, "gatewayz").get("outbound_gateways")
            if not isinstance(outbound, dict) or set(outbound) < names - {_cluster_of(server)}:
                return False
        return jetstream_answers("127.0.0.1", running[0].client_port)


def _cluster_of(server: NatsServer) -> str:
    return server.name.rsplit("-n", 1)[0]


def run_super_cluster(size: int = 3, *, clouds: Mapping[str, str] = DEFAULT_CLOUDS) -> SuperCluster:
    """Return a super-cluster (two ``size``-node clusters joined by gateways), not yet started."""
    return SuperCluster(size, clouds=clouds)
