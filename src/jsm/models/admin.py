"""Requests and replies of the JetStream administration API (system account only).

``$JS.API.META.LEADER.STEPDOWN``, ``$JS.API.SERVER.REMOVE`` and
``$JS.API.ACCOUNT.PURGE.<account>``; each follows its schema in
``spec/schemas/jetstream/api/v1``.
"""

from __future__ import annotations

from jsm.models._base import Model, ReplyModel
from jsm.models.stream import Placement

__all__ = [
    "AccountPurgeResponse",
    "MetaLeaderStepdownRequest",
    "MetaLeaderStepdownResponse",
    "MetaServerRemoveRequest",
    "MetaServerRemoveResponse",
]


class MetaLeaderStepdownRequest(Model):
    """Ask the meta leader to step down, optionally towards a cluster, tags or a server."""

    placement: Placement | None = None


class MetaLeaderStepdownResponse(ReplyModel):
    """The reply to a meta leader step-down."""

    type: str | None = None
    success: bool = False


class MetaServerRemoveRequest(Model):
    """Remove a server from the meta group, by name (``peer``) or by peer id (``peer_id``)."""

    peer: str | None = None
    peer_id: str | None = None


class MetaServerRemoveResponse(ReplyModel):
    """The reply to a server remove."""

    type: str | None = None
    success: bool = False


class AccountPurgeResponse(ReplyModel):
    """The reply to an account purge: ``initiated`` once the meta leader started it."""

    type: str | None = None
    initiated: bool = False
