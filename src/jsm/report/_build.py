"""Turn a :class:`~jsm.models.StreamInfo` into report rows (pure, no I/O)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from jsm.report._rows import ReplicaRow, ReplicaState, ReplicationKind, ReplicationRow, StreamRow

if TYPE_CHECKING:
    from jsm.models import ClusterInfo, SourceInfo, StreamInfo, StreamSource

__all__ = ["domain_of_prefix", "replication_rows", "stream_row"]

API_LEVEL_KEY = "_nats.level"
"""Stream metadata: the API level of the server that created or last updated the stream."""
REQUIRED_API_LEVEL_KEY = "_nats.req.level"
"""Stream metadata: the API level the stream's configuration needs (ADR-44)."""

_DOMAIN_PREFIX = re.compile(r"^\$JS\.([^.]+)\.API\.?$")


def domain_of_prefix(api_prefix: str | None) -> str | None:
    """The domain named by an API prefix of the form ``$JS.<domain>.API``, else ``None``."""
    if api_prefix is None:
        return None
    match = _DOMAIN_PREFIX.match(api_prefix)
    return match.group(1) if match else None


def _level(metadata: dict[str, str] | None, key: str) -> int | None:
    value = (metadata or {}).get(key)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _replicas(cluster: ClusterInfo | None) -> list[ReplicaRow]:
    if cluster is None:
        return []
    rows = [ReplicaRow(name=cluster.leader, state=ReplicaState.LEADER)] if cluster.leader else []
    for peer in sorted(cluster.replicas or [], key=lambda p: p.name):
        if peer.offline:
            state = ReplicaState.OFFLINE
        elif peer.current:
            state = ReplicaState.CURRENT
        else:
            state = ReplicaState.LAGGED
        rows.append(ReplicaRow(name=peer.name, state=state, lag=peer.lag or 0, active=peer.active))
    return rows


def stream_row(info: StreamInfo, *, account: str | None = None) -> StreamRow:
    """The report row of one stream, from its info (``account`` when the caller knows it)."""
    config, state, cluster = info.config, info.state, info.cluster
    deleted = len(state.deleted) if state.deleted else (state.num_deleted or 0)
    lost = state.lost
    return StreamRow(
        name=config.name,
        account=account,
        domain=info.domain,
        cluster=cluster.name if cluster else None,
        storage=config.storage,
        placement=config.placement,
        subjects=list(config.subjects or []),
        consumers=state.consumer_count,
        messages=state.messages,
        bytes=state.bytes,
        lost_messages=len(lost.msgs or []) if lost else 0,
        lost_bytes=lost.bytes if lost else 0,
        deleted=deleted,
        api_level=_level(config.metadata, API_LEVEL_KEY),
        required_api_level=_level(config.metadata, REQUIRED_API_LEVEL_KEY),
        num_replicas=config.num_replicas,
        leader=cluster.leader if cluster else None,
        replicas=_replicas(cluster),
        mirror=config.mirror.name if config.mirror else None,
        sources=[s.name for s in config.sources or []],
        created=info.created,
    )


def _configured(info: StreamInfo, seen: SourceInfo) -> StreamSource | None:
    """The configured source matching what the server reports (for fields it leaves out)."""
    candidates = [info.config.mirror] if info.config.mirror else list(info.config.sources or [])
    api = seen.external.api if seen.external else None
    for source in candidates:
        if source.name == seen.name and (source.external.api if source.external else None) == api:
            return source
    return None


def _row(
    info: StreamInfo, seen: SourceInfo, kind: ReplicationKind, account: str | None
) -> ReplicationRow:
    configured = _configured(info, seen)
    external = seen.external or (configured.external if configured else None)
    api_prefix = external.api if external else None
    transforms = seen.subject_transforms or (configured.subject_transforms if configured else None)
    filter_subject = seen.filter_subject or (configured.filter_subject if configured else None)
    return ReplicationRow(
        stream=info.config.name,
        upstream=seen.name,
        kind=kind,
        account=account,
        stream_domain=info.domain,
        api_prefix=api_prefix,
        deliver_prefix=(external.deliver or None) if external else None,
        domain=domain_of_prefix(api_prefix),
        filter_subject=filter_subject or None,
        subject_transforms=list(transforms or []),
        lag=seen.lag,
        active=seen.active,
        error=seen.error,
    )


def replication_rows(info: StreamInfo, *, account: str | None = None) -> list[ReplicationRow]:
    """One row for the stream's mirror, if any, and one per source, in the server's order."""
    rows: list[ReplicationRow] = []
    if info.mirror is not None:
        rows.append(_row(info, info.mirror, ReplicationKind.MIRROR, account))
    for source in info.sources or []:
        rows.append(_row(info, source, ReplicationKind.SOURCE, account))
    return rows
