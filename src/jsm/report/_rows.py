"""The rows of a stream report: one per stream, one per replica, one per mirror or source.

Rows are frozen pydantic models in the wire style of the rest of jsm: durations are
``timedelta`` in Python and integer nanoseconds in JSON, so a report dumped with
``to_json()`` reads back equal.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from jsm.models import ApiErrorInfo, Placement, StorageType, SubjectTransform
from jsm.models._base import Nanos, ReplyModel, WireEnum

__all__ = ["ReplicaRow", "ReplicaState", "ReplicationKind", "ReplicationRow", "StreamRow"]


class ReplicaState(WireEnum):
    """How one replica of a stream is doing, as its leader sees it."""

    LEADER = "leader"
    CURRENT = "current"
    LAGGED = "lagged"
    OFFLINE = "offline"


class ReplicationKind(WireEnum):
    """Whether a stream copies another as its mirror or takes messages from it as a source."""

    MIRROR = "mirror"
    SOURCE = "source"


class ReplicaRow(ReplyModel):
    """One replica (server) of a stream: leader, current, lagged (by ``lag`` ops) or offline."""

    name: str
    """The server holding this replica."""
    state: ReplicaState
    lag: int = 0
    """Raft operations this replica is behind the leader."""
    active: Nanos | None = None
    """Time since the leader last heard from this replica (``None`` for the leader)."""

    @property
    def is_leader(self) -> bool:
        """Whether this replica leads the stream."""
        return self.state == ReplicaState.LEADER


class StreamRow(ReplyModel):
    """One stream of the report: its size, storage, placement, replicas and API level."""

    name: str
    account: str | None = None
    """The account holding the stream, when the report knows it."""
    domain: str | None = None
    """The JetStream domain the stream lives in, if the server has one."""
    cluster: str | None = None
    """The cluster holding the stream (``None`` on a single server)."""
    storage: StorageType = StorageType.FILE
    placement: Placement | None = None
    subjects: list[str] = Field(default_factory=list)
    consumers: int = 0
    messages: int = 0
    bytes: int = 0
    lost_messages: int = 0
    lost_bytes: int = 0
    deleted: int = 0
    """Messages deleted from the middle of the stream (interior deletes)."""
    api_level: int | None = None
    """The API level of the server that created the stream (``_nats.level`` metadata)."""
    required_api_level: int | None = None
    """The API level the stream's features need (``_nats.req.level`` metadata)."""
    num_replicas: int = 1
    """Replicas the configuration asks for."""
    leader: str | None = None
    replicas: list[ReplicaRow] = Field(default_factory=list)
    """The leader first, then the other replicas by server name."""
    mirror: str | None = None
    """The stream this one mirrors, if any."""
    sources: list[str] = Field(default_factory=list)
    """The streams this one sources from."""
    created: datetime | None = None

    @property
    def offline(self) -> list[str]:
        """Servers whose replica is offline."""
        return [r.name for r in self.replicas if r.state == ReplicaState.OFFLINE]

    @property
    def lagged(self) -> list[str]:
        """Servers whose replica is online but behind the leader."""
        return [r.name for r in self.replicas if r.state == ReplicaState.LAGGED]

    @property
    def is_healthy(self) -> bool:
        """Whether the stream has a leader (if replicas are known) and no replica is offline
        or lagging; a stream the server gave no replica info for counts as healthy."""
        if self.replicas and self.leader is None:
            return False
        return all(r.state in (ReplicaState.LEADER, ReplicaState.CURRENT) for r in self.replicas)


class ReplicationRow(ReplyModel):
    """One mirror or source of a stream: where it copies from, how far behind, any error."""

    stream: str
    """The stream that receives the messages (downstream)."""
    upstream: str
    """The stream the messages come from."""
    kind: ReplicationKind
    account: str | None = None
    stream_domain: str | None = None
    """The domain of the downstream stream (``domain`` is the upstream's, when external)."""
    api_prefix: str | None = None
    """The API prefix of an external upstream (``$JS.<domain>.API`` or an imported prefix)."""
    deliver_prefix: str | None = None
    domain: str | None = None
    """The upstream's JetStream domain, when ``api_prefix`` names one."""
    filter_subject: str | None = None
    subject_transforms: list[SubjectTransform] = Field(default_factory=list)
    lag: int = 0
    """Messages the upstream holds that this stream has not received yet."""
    active: Nanos | None = None
    """Time since the last message or heartbeat from upstream (``None``: none yet)."""
    error: ApiErrorInfo | None = None

    @property
    def is_external(self) -> bool:
        """Whether the upstream is in another domain or account (reached by API prefix)."""
        return self.api_prefix is not None

    @property
    def filters(self) -> list[str]:
        """The filter and transforms as short text (``"a.> to b.>"``, ``"a.> untransformed"``)."""
        if self.subject_transforms:
            return [f"{t.src} to {t.dest}" for t in self.subject_transforms]
        if self.filter_subject:
            return [f"{self.filter_subject} untransformed"]
        return []

    @property
    def error_text(self) -> str | None:
        """The error as one line, or ``None``."""
        if self.error is None:
            return None
        code = f" (err_code {self.error.err_code})" if self.error.err_code else ""
        return f"{self.error.description or 'error'}{code}"
