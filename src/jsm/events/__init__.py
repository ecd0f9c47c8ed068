"""Typed NATS events: JetStream advisories and metrics, server advisories (``js.events``).

``async with js.events.advisories() as events: async for ev in events`` yields one
model per event type (``StreamActionAdvisory``, ``ConsumerAckMetric``, ...), dispatched on
the ``type`` field; a type this version does not know arrives as :class:`GenericEvent`.
The models are generated from the NATS schemas by ``tools/gen_events.py``.
"""

from __future__ import annotations

from jsm._errors_base import SystemAccountRequiredError as SystemAccountRequiredError
from jsm.events._base import Event as Event
from jsm.events._base import EventModel as EventModel
from jsm.events._base import GenericEvent as GenericEvent
from jsm.events._base import parse_timestamp as parse_timestamp
from jsm.events._generated import *  # noqa: F403  # every generated model, listed in its __all__
from jsm.events._generated import __all__ as _generated_all
from jsm.events._stream import ADVISORY_SUBJECT as ADVISORY_SUBJECT
from jsm.events._stream import ALL_EVENTS_SUBJECT as ALL_EVENTS_SUBJECT
from jsm.events._stream import METRIC_SUBJECT as METRIC_SUBJECT
from jsm.events._stream import SERVER_EVENT_SUBJECT as SERVER_EVENT_SUBJECT
from jsm.events._stream import EventManager as EventManager
from jsm.events._stream import EventStream as EventStream
from jsm.events._stream import parse_event as parse_event
from jsm.events._stream import require_system_account as require_system_account

__all__ = [
    "ADVISORY_SUBJECT",
    "ALL_EVENTS_SUBJECT",
    "METRIC_SUBJECT",
    "SERVER_EVENT_SUBJECT",
    "Event",
    "EventManager",
    "EventModel",
    "EventStream",
    "GenericEvent",
    "SystemAccountRequiredError",
    "parse_event",
    "parse_timestamp",
    "require_system_account",
    *_generated_all,
]
