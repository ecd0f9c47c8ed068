"""What the server reports about a consumer, and the bodies of the consumer API.

:class:`ConsumerInfo` and the replies of ``$JS.API.CONSUMER.*`` are frozen; the request
bodies (create, pause, unpin, the pull request of ``CONSUMER.MSG.NEXT``) are small config
models kept beside them, so the whole consumer vocabulary is in one place. The
configuration itself is in :mod:`jsm.models.consumer`.
"""

from __future__ import annotations

from pydantic import Field

from jsm.models._base import Model, Nanos, ReplyModel
from jsm.models.consumer import ConsumerConfig
from jsm.models.stream import WireTime
from jsm.models.stream_info import ClusterInfo, PagedResponse

__all__ = [
    "ConsumerCreateRequest",
    "ConsumerCreateResponse",
    "ConsumerInfo",
    "ConsumerInfoResponse",
    "ConsumerListResponse",
    "ConsumerNamesResponse",
    "ConsumerPauseRequest",
    "ConsumerPauseResponse",
    "ConsumerUnpinRequest",
    "PriorityGroupState",
    "PullRequest",
    "SequenceInfo",
]


class SequenceInfo(ReplyModel):
    """A position in the consumer and the stream, and when it was last reached."""

    consumer_seq: int
    stream_seq: int
    last_active: WireTime | None = None


class PriorityGroupState(ReplyModel):
    """The state of one priority group: which client is pinned, and since when."""

    group: str
    pinned_client_id: str | None = None
    pinned_ts: WireTime | None = None


class ConsumerInfo(ReplyModel):
    """A consumer's configuration and progress, as the server reports it."""

    stream_name: str
    name: str
    created: WireTime
    config: ConsumerConfig
    delivered: SequenceInfo
    """The last message delivered."""
    ack_floor: SequenceInfo
    """The highest message below which everything is acknowledged."""
    num_ack_pending: int
    """Messages delivered and not yet acknowledged."""
    num_redelivered: int
    """Messages delivered more than once (and not yet acknowledged)."""
    num_waiting: int
    """Pull requests waiting for messages."""
    num_pending: int
    """Messages in the stream the consumer has yet to deliver."""
    cluster: ClusterInfo | None = None
    push_bound: bool | None = None
    """Push only: whether a subscription listens on the deliver subject."""
    paused: bool | None = None
    pause_remaining: Nanos | None = None
    ts: WireTime | None = None
    """The server's time when it wrote this info."""
    priority_groups: list[PriorityGroupState] | None = None

    @property
    def is_paused(self) -> bool:
        """Whether the consumer is paused."""
        return bool(self.paused)


class ConsumerCreateResponse(ConsumerInfo):
    """The reply to ``CONSUMER.CREATE``: the new (or updated) consumer's info."""


class ConsumerInfoResponse(ConsumerInfo):
    """The reply to ``CONSUMER.INFO``."""


class ConsumerListResponse(PagedResponse):
    """One page of ``CONSUMER.LIST``."""

    consumers: list[ConsumerInfo] | None
    """The page's consumers (``null`` when there are none)."""
    missing: list[str] | None = None


class ConsumerNamesResponse(PagedResponse):
    """One page of ``CONSUMER.NAMES``."""

    consumers: list[str] | None
    """The page's names (``null`` when there are none)."""


class ConsumerPauseResponse(ReplyModel):
    """The reply to ``CONSUMER.PAUSE``: whether the consumer is now paused, and until when."""

    paused: bool = False
    pause_until: WireTime | None = None
    pause_remaining: Nanos | None = None


# ------------------------------------------------------------------------ requests


class ConsumerCreateRequest(Model):
    """The body of ``CONSUMER.CREATE``: the stream, the config and the create action."""

    stream_name: str
    config: ConsumerConfig
    action: str | None = None
    """``"create"`` (fail if it exists differently), ``"update"`` (fail if missing), or unset."""
    pedantic: bool | None = None


class ConsumerPauseRequest(Model):
    """The body of ``CONSUMER.PAUSE``; no ``pause_until`` resumes the consumer."""

    pause_until: WireTime | None = None


class ConsumerUnpinRequest(Model):
    """The body of ``CONSUMER.UNPIN``: the priority group whose pinned client to release."""

    group: str


class PullRequest(Model):
    """The body of ``CONSUMER.MSG.NEXT``: how many messages, how long to wait, and more."""

    expires: Nanos | None = None
    batch: int = Field(default=1, ge=1)
    max_bytes: int | None = Field(default=None, ge=0)
    no_wait: bool | None = None
    idle_heartbeat: Nanos | None = None
    group: str | None = None
    min_pending: int | None = Field(default=None, ge=0)
    min_ack_pending: int | None = Field(default=None, ge=0)
    id: str | None = None
    """The pin id a pinned client sends back (``Nats-Pin-Id``)."""
    priority: int | None = Field(default=None, ge=0, le=9)
