"""What the server reports about a stream: :class:`StreamInfo` and the replies of the stream API.

Everything here is read from the server and frozen. The request bodies of the stream
API (purge, message get/delete, snapshot, restore, …) are small config models kept here
too, so the whole ``$JS.API.STREAM.*`` vocabulary is in one place; the configuration
itself is in :mod:`jsm.models.stream`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationInfo

from jsm.models._base import Int64, Model, Nanos, ReplyModel, UInt64
from jsm.models.stream import (
    ExternalStream,
    Placement,
    StreamConfig,
    SubjectTransform,
    WireTime,
)

__all__ = [
    "ApiErrorInfo",
    "ClusterInfo",
    "LostStreamData",
    "PagedResponse",
    "PeerInfo",
    "SourceInfo",
    "StreamAlternate",
    "StreamCreateResponse",
    "StreamInfo",
    "StreamInfoRequest",
    "StreamInfoResponse",
    "StreamLeaderStepdownRequest",
    "StreamListResponse",
    "StreamMsgDeleteRequest",
    "StreamMsgGetRequest",
    "StreamMsgGetResponse",
    "StreamNamesResponse",
    "StreamPeerRemoveRequest",
    "StreamPurgeRequest",
    "StreamPurgeResponse",
    "StreamRestoreRequest",
    "StreamRestoreResponse",
    "StreamSnapshotRequest",
    "StreamSnapshotResponse",
    "StreamState",
    "SuccessResponse",
    "WireStoredMessage",
]


def _inactive_is_none(value: object, info: ValidationInfo) -> object:
    # The server writes -1 for "no activity yet" (stream.go, StreamSourceInfo.Active).
    if info.mode == "json" and isinstance(value, int) and value < 0:
        return None
    return value


LastActive = Annotated[Nanos | None, BeforeValidator(_inactive_is_none)]
"""Time since the last activity; ``None`` when there has been none (``-1`` on the wire)."""


class ApiErrorInfo(ReplyModel):
    """An error the server attaches to a source or mirror that is failing."""

    code: int
    err_code: int | None = None
    description: str | None = None


class LostStreamData(ReplyModel):
    """Messages the server found damaged and could not recover."""

    msgs: list[int] | None = None
    bytes: int = 0


class StreamState(ReplyModel):
    """How many messages and bytes a stream holds, and its first and last sequences."""

    messages: int
    bytes: int
    first_seq: int
    first_ts: datetime | None = None
    last_seq: int
    last_ts: datetime | None = None
    num_subjects: int | None = None
    subjects: dict[str, int] | None = None
    num_deleted: int | None = None
    deleted: list[int] | None = None
    lost: LostStreamData | None = None
    consumer_count: int


class PeerInfo(ReplyModel):
    """One replica of a clustered stream: is it current, how far behind, when last seen."""

    name: str
    current: bool = False
    offline: bool | None = None
    active: Nanos = timedelta(0)
    lag: int | None = None
    peer: str | None = None


class ClusterInfo(ReplyModel):
    """Which cluster holds the stream, its Raft group, leader and other replicas."""

    name: str | None = None
    raft_group: str | None = None
    leader: str | None = None
    leader_since: datetime | None = None
    system_account: bool | None = None
    traffic_account: str | None = None
    replicas: list[PeerInfo] | None = None


class SourceInfo(ReplyModel):
    """How a mirror or source is doing: lag behind the origin and time since last activity."""

    name: str
    external: ExternalStream | None = None
    lag: int = 0
    active: LastActive = None
    error: ApiErrorInfo | None = None
    filter_subject: str | None = None
    subject_transforms: list[SubjectTransform] | None = None

    @property
    def is_active(self) -> bool:
        """Whether the source has seen any activity (``active`` is known)."""
        return self.active is not None


class StreamAlternate(ReplyModel):
    """Another place (a mirror) where the stream's messages can be read."""

    name: str
    domain: str | None = None
    cluster: str


class StreamInfo(ReplyModel):
    """A stream's configuration and state at one moment, as the server reported them."""

    config: StreamConfig
    created: datetime
    state: StreamState
    domain: str | None = None
    cluster: ClusterInfo | None = None
    mirror: SourceInfo | None = None
    sources: list[SourceInfo] | None = None
    alternates: list[StreamAlternate] | None = None
    ts: datetime | None = None


class StreamCreateResponse(StreamInfo):
    """The reply to a stream create/update: the stream's info, and whether it was new."""

    did_create: bool | None = None


class StreamInfoResponse(StreamInfo):
    """The reply to ``STREAM.INFO``: info plus paging of ``state.subjects``."""

    total: int = 0
    offset: int = 0
    limit: int = 0


class PagedResponse(ReplyModel):
    """The paging of a list reply, which nats-server always writes (``ApiPaged``).

    The figures and the list itself are required, and the figures must be JSON numbers:
    a reply without them is not a list, and reading it as an empty one would hide the fault.
    """

    total: int = Field(ge=0, strict=True)
    offset: int = Field(ge=0, strict=True)
    limit: int = Field(ge=0, strict=True)


class StreamListResponse(PagedResponse):
    """One page of ``STREAM.LIST``."""

    streams: list[StreamInfo] | None
    """The page's streams (``null`` when there are none)."""
    missing: list[str] | None = None


class StreamNamesResponse(PagedResponse):
    """One page of ``STREAM.NAMES``."""

    streams: list[str] | None
    """The page's names (``null`` when there are none)."""


class SuccessResponse(ReplyModel):
    """A reply that only says whether the request succeeded."""

    success: bool = False


class StreamPurgeResponse(ReplyModel):
    """The reply to a purge: how many messages were removed."""

    success: bool = False
    purged: int = 0


class WireStoredMessage(ReplyModel):
    """A message as ``STREAM.MSG.GET`` returns it (data and headers base64-encoded)."""

    subject: str
    seq: int
    hdrs: str | None = None
    data: str | None = None
    time: datetime


class StreamMsgGetResponse(ReplyModel):
    """The reply to ``STREAM.MSG.GET``."""

    message: WireStoredMessage


class StreamSnapshotResponse(ReplyModel):
    """The reply to a snapshot request: the stream's config and state at that moment."""

    config: StreamConfig
    state: StreamState


class StreamRestoreResponse(ReplyModel):
    """The reply to a restore request: where to send the snapshot's chunks."""

    deliver_subject: str


# ------------------------------------------------------------------------ requests


class StreamInfoRequest(Model):
    """Body of ``STREAM.INFO``: ask for deleted sequences and per-subject counts."""

    deleted_details: bool | None = None
    subjects_filter: str | None = None
    offset: int | None = None


class StreamPurgeRequest(Model):
    """Body of ``STREAM.PURGE`` (ADR-10): a subject filter, and keep N or purge up to seq."""

    filter: str | None = None
    seq: int | None = None
    keep: int | None = None


class StreamMsgGetRequest(Model):
    """Body of ``STREAM.MSG.GET`` and ``DIRECT.GET`` (ADR-31 batch forms included).

    Integers have the server's types (sequences ``uint64``, sizes ``int``): the server
    answers a value outside them with a bare "408 Malformed Request".
    """

    seq: UInt64 | None = None
    last_by_subj: str | None = None
    next_by_subj: str | None = None
    batch: Int64 | None = None
    max_bytes: Int64 | None = None
    start_time: WireTime | None = None
    multi_last: list[str] | None = None
    up_to_seq: UInt64 | None = None
    up_to_time: WireTime | None = None


class StreamMsgDeleteRequest(Model):
    """Body of ``STREAM.MSG.DELETE``; ``no_erase=False`` overwrites the message on disk."""

    seq: int
    no_erase: bool | None = None


class StreamSnapshotRequest(Model):
    """Body of ``STREAM.SNAPSHOT``: where to send chunks and how big they may be."""

    deliver_subject: str
    no_consumers: bool | None = None
    chunk_size: int | None = None
    window_size: int | None = None
    jsck: bool | None = None


class StreamRestoreRequest(Model):
    """Body of ``STREAM.RESTORE``: the config and state the snapshot was taken with."""

    config: StreamConfig
    state: StreamState


class StreamLeaderStepdownRequest(Model):
    """Body of ``STREAM.LEADER.STEPDOWN``: optionally where the new leader should be."""

    placement: Placement | None = None


class StreamPeerRemoveRequest(Model):
    """Body of ``STREAM.PEER.REMOVE``: the server name of the replica to remove."""

    peer: str
