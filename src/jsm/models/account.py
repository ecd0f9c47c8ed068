"""Account information from ``$JS.API.INFO``: usage, limits per tier and API statistics."""

from __future__ import annotations

from jsm.models._base import ReplyModel

__all__ = ["AccountInfo", "AccountLimits", "ApiStats", "TierInfo"]


class AccountLimits(ReplyModel):
    """The JetStream limits of an account or of one of its tiers (-1 means unlimited)."""

    max_memory: int
    max_storage: int
    max_streams: int
    max_consumers: int
    max_bytes_required: bool = False
    max_ack_pending: int | None = None
    memory_max_stream_bytes: int | None = None
    storage_max_stream_bytes: int | None = None


class ApiStats(ReplyModel):
    """How many JetStream API requests the account made, and at which API level."""

    level: int = 0
    total: int = 0
    errors: int = 0
    inflight: int | None = None


class TierInfo(ReplyModel):
    """Usage and limits of one tier (e.g. ``R1``, ``R3``)."""

    memory: int
    storage: int
    reserved_memory: int | None = None
    reserved_storage: int | None = None
    streams: int
    consumers: int
    limits: AccountLimits


class AccountInfo(ReplyModel):
    """An account's JetStream usage and limits, overall and per tier.

    ``api.level`` is the server's JetStream API level (ADR-44): 1 = 2.11, 2 = 2.12,
    3–4 = 2.14, 5 = 2.15.
    """

    type: str | None = None
    memory: int
    storage: int
    reserved_memory: int | None = None
    reserved_storage: int | None = None
    streams: int
    consumers: int
    limits: AccountLimits
    domain: str | None = None
    api: ApiStats
    tiers: dict[str, TierInfo] | None = None

    @property
    def api_level(self) -> int:
        """The server's JetStream API level."""
        return self.api.level
