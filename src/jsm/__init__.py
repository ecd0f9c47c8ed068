"""jsm: the asynchronous Python SDK for NATS JetStream.

Start with :func:`jsm.connect`, which yields a :class:`jsm.Manager`::

    async with jsm.connect("nats://127.0.0.1:4222") as js:
        info = await js.account_info()
"""

from __future__ import annotations

from jsm import errors as errors
from jsm._errors_base import ApiError as ApiError
from jsm._errors_base import JsmError as JsmError
from jsm._errors_base import JsmWarning as JsmWarning
from jsm._options import NOT_GIVEN as NOT_GIVEN
from jsm._options import Duration as Duration
from jsm._options import NotGiven as NotGiven
from jsm.api import Pager as Pager
from jsm.api import Retry as Retry
from jsm.manager import ConnectOptions as ConnectOptions
from jsm.manager import Manager as Manager
from jsm.manager import connect as connect
from jsm.models import AccountInfo as AccountInfo
from jsm.models import AccountLimits as AccountLimits
from jsm.models import ApiStats as ApiStats
from jsm.models import TierInfo as TierInfo
from jsm.subjects import ApiSubjects as ApiSubjects
from jsm.subjects import MsgMetadata as MsgMetadata
from jsm.subjects import SequencePair as SequencePair

__version__ = "0.1.0"

__all__ = [
    "NOT_GIVEN",
    "AccountInfo",
    "AccountLimits",
    "ApiError",
    "ApiStats",
    "ApiSubjects",
    "ConnectOptions",
    "Duration",
    "JsmError",
    "JsmWarning",
    "Manager",
    "MsgMetadata",
    "NotGiven",
    "Pager",
    "Retry",
    "SequencePair",
    "TierInfo",
    "connect",
    "errors",
]
