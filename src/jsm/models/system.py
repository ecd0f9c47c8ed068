"""Replies of the system account's server queries: ``$SYS.REQ.SERVER.*.VARZ|JSZ|HEALTHZ``.

Every server answers with ``{"server": {...}, "data": {...}}``: who answered
(:class:`ServerInfo`) and what it reported. The data models follow the server's
``monitor.go`` (``Varz``, ``JSInfo``, ``HealthStatus``); fields a newer server adds are
kept in ``model_extra``. The request options (:class:`JszOptions`, :class:`HealthzOptions`,
:class:`ServerFilter`) are plain models sent as the request body.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from jsm.models._base import Model, Nanos, ReplyModel
from jsm.models.account import ApiStats
from jsm.models.consumer_info import ConsumerInfo
from jsm.models.stream import StreamConfig
from jsm.models.stream_info import ClusterInfo, PeerInfo, SourceInfo, StreamState

__all__ = [
    "AccountDetail",
    "Healthz",
    "HealthzError",
    "HealthzOptions",
    "HealthzReply",
    "JetStreamServerConfig",
    "Jsz",
    "JszOptions",
    "JszReply",
    "MetaClusterInfo",
    "MetaSnapshotStats",
    "RaftGroupDetail",
    "ServerFilter",
    "ServerInfo",
    "StreamDetail",
    "Varz",
    "VarzReply",
]


class ServerInfo(ReplyModel):
    """Which server answered a system request: name, id, cluster, domain, version, tags."""

    name: str
    host: str = ""
    id: str
    cluster: str | None = None
    domain: str | None = None
    version: str = Field("", alias="ver")
    tags: list[str] | None = None
    metadata: dict[str, str] | None = None
    feature_flags: dict[str, bool] | None = None
    jetstream: bool = False
    flags: int = 0
    seq: int = 0
    time: datetime | None = None


# ---- request options


class ServerFilter(Model):
    """Which servers answer a ``PING`` query (all when empty).

    Matching is by substring unless ``exact_match``; ``tags`` must all be present.
    """

    server_name: str | None = None
    cluster: str | None = None
    host: str | None = None
    exact_match: bool | None = None
    tags: list[str] | None = None
    domain: str | None = None


class JszOptions(ServerFilter):
    """What a JSZ query reports beyond the server totals (the server's ``JSzOptions``)."""

    account: str | None = None
    accounts: bool | None = None
    streams: bool | None = None
    consumers: bool | None = Field(None, alias="consumer")
    config: bool | None = None
    leader_only: bool | None = None
    offset: int | None = None
    limit: int | None = None
    raft: bool | None = None
    stream_leader_only: bool | None = None


class HealthzOptions(ServerFilter):
    """What a HEALTHZ query checks (the server's ``HealthzOptions``)."""

    js_enabled_only: bool | None = Field(None, alias="js-enabled-only")
    js_server_only: bool | None = Field(None, alias="js-server-only")
    js_meta_only: bool | None = Field(None, alias="js-meta-only")
    account: str | None = None
    stream: str | None = None
    consumer: str | None = None
    details: bool | None = None


# ---- VARZ


class Varz(ReplyModel):
    """A server's general state (``/varz``): identity, limits, connections, traffic.

    Only the commonly used fields are typed; everything else the server sends (cluster,
    gateway, leaf, websocket, mqtt blocks, ...) is kept in ``model_extra``.
    """

    server_id: str
    server_name: str
    version: str
    proto: int | None = None
    git_commit: str | None = None
    go: str | None = None
    host: str | None = None
    port: int | None = None
    max_connections: int | None = None
    max_payload: int | None = None
    max_pending: int | None = None
    ping_interval: Nanos | None = None
    start: datetime | None = None
    now: datetime | None = None
    uptime: str | None = None
    mem: int = 0
    cores: int = 0
    gomaxprocs: int | None = None
    cpu: float = 0.0
    connections: int = 0
    total_connections: int = 0
    routes: int = 0
    remotes: int = 0
    leafnodes: int = 0
    in_msgs: int = 0
    out_msgs: int = 0
    in_bytes: int = 0
    out_bytes: int = 0
    slow_consumers: int = 0
    subscriptions: int = 0
    config_load_time: datetime | None = None
    system_account: str | None = None
    jetstream: dict[str, Any] | None = None


# ---- JSZ


class JetStreamServerConfig(ReplyModel):
    """A server's JetStream configuration (limits, store directory, domain)."""

    max_memory: int = 0
    max_storage: int = 0
    store_dir: str | None = None
    sync_interval: Nanos | None = None
    sync_always: bool | None = None
    domain: str | None = None
    compress_ok: bool | None = None
    unique_tag: str | None = None
    strict: bool | None = None


class MetaSnapshotStats(ReplyModel):
    """The meta group's snapshot state: entries and bytes not yet snapshotted."""

    pending_entries: int = 0
    pending_size: int = 0
    last_time: datetime | None = None
    last_duration: Nanos | None = None


class MetaClusterInfo(ReplyModel):
    """The JetStream meta group as one server sees it: leader, peers, quorum, backlog.

    ``replicas`` lists the other peers (``current``, ``offline``, ``lag``, ``active``);
    ``leader`` is empty while there is no leader.
    """

    name: str | None = None
    leader: str | None = None
    peer: str | None = None
    replicas: list[PeerInfo] | None = None
    cluster_size: int = 0
    quorum_needed: int | None = None
    rescue: bool | None = None
    pending: int = 0
    pending_requests: int | None = None
    pending_infos: int | None = None
    snapshot: MetaSnapshotStats | None = None

    @property
    def offline(self) -> list[str]:
        """Names of peers reported offline."""
        return [p.name for p in self.replicas or [] if p.offline]

    @property
    def lagged(self) -> list[str]:
        """Names of online peers that are not current."""
        return [p.name for p in self.replicas or [] if not p.current and not p.offline]


class RaftGroupDetail(ReplyModel):
    """A consumer's Raft group name."""

    name: str
    raft_group: str | None = None


class StreamDetail(ReplyModel):
    """One stream as JSZ reports it: state, cluster placement, optional config and consumers."""

    name: str
    created: datetime | None = None
    cluster: ClusterInfo | None = None
    config: StreamConfig | None = None
    state: StreamState | None = None
    consumers: list[ConsumerInfo] | None = Field(None, alias="consumer_detail")
    direct_consumers: list[ConsumerInfo] | None = Field(None, alias="direct_consumer_detail")
    mirror: SourceInfo | None = None
    sources: list[SourceInfo] | None = None
    raft_group: str | None = Field(None, alias="stream_raft_group")
    consumer_raft_groups: list[RaftGroupDetail] | None = None


class AccountDetail(ReplyModel):
    """One account's JetStream usage on a server, with its streams when asked for."""

    name: str
    id: str
    memory: int = 0
    storage: int = 0
    reserved_memory: int = 0
    reserved_storage: int = 0
    accounts: int = 0
    ha_assets: int = 0
    api: ApiStats | None = None
    streams: list[StreamDetail] | None = Field(None, alias="stream_detail")


class Jsz(ReplyModel):
    """A server's JetStream state (``/jsz``): usage, config, meta group and accounts."""

    server_id: str
    now: datetime | None = None
    disabled: bool | None = None
    memory: int = 0
    storage: int = 0
    reserved_memory: int = 0
    reserved_storage: int = 0
    accounts: int = 0
    ha_assets: int = 0
    api: ApiStats | None = None
    config: JetStreamServerConfig | None = None
    limits: dict[str, Any] | None = None
    streams: int = 0
    streams_leader: int | None = None
    consumers: int = 0
    consumers_leader: int | None = None
    messages: int = 0
    bytes: int = 0
    meta: MetaClusterInfo | None = Field(None, alias="meta_cluster")
    account_details: list[AccountDetail] | None = None
    total: int = 0


# ---- HEALTHZ


class HealthzError(ReplyModel):
    """One problem HEALTHZ found (with ``details``): its kind and the asset it concerns."""

    type: str | int
    account: str | None = None
    stream: str | None = None
    consumer: str | None = None
    error: str | None = None


class Healthz(ReplyModel):
    """A server's health: ``status`` ``"ok"`` (``status_code`` 200) or the first error."""

    status: str
    status_code: int | None = None
    error: str | None = None
    errors: list[HealthzError] | None = None

    @property
    def ok(self) -> bool:
        """Whether the server reported itself healthy."""
        return self.status == "ok" and not self.error


# ---- replies


class VarzReply(ReplyModel):
    """One server's VARZ answer: who answered and its :class:`Varz`."""

    server: ServerInfo
    data: Varz


class JszReply(ReplyModel):
    """One server's JSZ answer: who answered and its :class:`Jsz`."""

    server: ServerInfo
    data: Jsz


class HealthzReply(ReplyModel):
    """One server's HEALTHZ answer: who answered and its :class:`Healthz`."""

    server: ServerInfo
    data: Healthz
