"""Replies of the NATS micro service protocol (ADR-32): ``$SRV.PING``, ``INFO`` and ``STATS``.

The same models describe what a jsm service answers and what a discovery call
returns from any service (Go, JavaScript, Python). Reading is lenient (other
implementations leave optional fields out or send ``null``); writing follows
``spec/schemas/micro/v1``. Processing times are integer nanoseconds, as on the wire:
handlers are often faster than the microsecond a ``timedelta`` can hold.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_serializer

from jsm.models._base import ReplyModel

__all__ = [
    "INFO_RESPONSE_TYPE",
    "PING_RESPONSE_TYPE",
    "STATS_RESPONSE_TYPE",
    "EndpointInfo",
    "EndpointStats",
    "ServiceInfo",
    "ServicePing",
    "ServiceStats",
]

PING_RESPONSE_TYPE = "io.nats.micro.v1.ping_response"
INFO_RESPONSE_TYPE = "io.nats.micro.v1.info_response"
STATS_RESPONSE_TYPE = "io.nats.micro.v1.stats_response"


class _Identity(ReplyModel):
    name: str
    """The kind of service; every instance of a service shares it."""
    id: str
    """This instance's unique id."""
    version: str
    """The service's semantic version."""
    metadata: dict[str, str] | None = None
    """Free-form string pairs the service was given."""

    def to_reply(self) -> bytes:
        """The wire JSON a service sends (every field present, ``None`` as ``null``)."""
        return self.model_dump_json(by_alias=True).encode()


class ServicePing(_Identity):
    """A ``$SRV.PING`` reply: who is there."""

    type: str = PING_RESPONSE_TYPE


class EndpointInfo(ReplyModel):
    """One endpoint as ``$SRV.INFO`` describes it."""

    name: str
    subject: str
    queue_group: str | None = None
    """The queue group its instances share (``None`` if the service did not say)."""
    metadata: dict[str, str] | None = None


class ServiceInfo(_Identity):
    """A ``$SRV.INFO`` reply: the service and its endpoints."""

    type: str = INFO_RESPONSE_TYPE
    description: str | None = None
    """``None`` only when another implementation sent ``null`` (the schema wants a string)."""
    endpoints: list[EndpointInfo] = Field(default_factory=list)


class EndpointStats(ReplyModel):
    """One endpoint's counters as ``$SRV.STATS`` reports them."""

    name: str
    subject: str
    queue_group: str | None = None
    num_requests: int = 0
    num_errors: int = 0
    last_error: Annotated[str, BeforeValidator(lambda value: "" if value is None else value)] = ""
    """The last error as ``"<code>:<description>"``; empty when there was none."""
    processing_time: int = 0
    """Total time spent handling requests, in nanoseconds."""
    average_processing_time: int = 0
    """Mean time per request, in nanoseconds."""
    data: Any = None
    """Whatever the service's stats handler returned for this endpoint (JSON)."""


class ServiceStats(_Identity):
    """A ``$SRV.STATS`` reply: per-endpoint counters since start (or the last reset)."""

    type: str = STATS_RESPONSE_TYPE
    started: datetime
    """When the service started (aware UTC)."""
    endpoints: list[EndpointStats] = Field(default_factory=list)

    @field_serializer("started", when_used="json")
    def _started_out(self, value: datetime) -> str:
        # RFC 3339 with a fixed six-digit fraction: Go, JavaScript and nats-py all parse it.
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
