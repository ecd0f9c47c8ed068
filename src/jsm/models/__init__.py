"""Typed models of every JetStream API type; durations are timedelta, unknown fields kept."""

from __future__ import annotations

from jsm.models._base import Model as Model
from jsm.models._base import Nanos as Nanos
from jsm.models._base import ReplyModel as ReplyModel
from jsm.models._base import WireEnum as WireEnum
from jsm.models._base import ns_to_timedelta as ns_to_timedelta
from jsm.models._base import timedelta_to_ns as timedelta_to_ns
from jsm.models.account import AccountInfo as AccountInfo
from jsm.models.account import AccountLimits as AccountLimits
from jsm.models.account import ApiStats as ApiStats
from jsm.models.account import TierInfo as TierInfo

__all__ = [
    "AccountInfo",
    "AccountLimits",
    "ApiStats",
    "Model",
    "Nanos",
    "ReplyModel",
    "TierInfo",
    "WireEnum",
    "ns_to_timedelta",
    "timedelta_to_ns",
]
