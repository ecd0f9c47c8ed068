"""The base of every event model and the fallback for event types jsm does not know."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, PrivateAttr

from jsm.models._base import ReplyModel

__all__ = ["Event", "EventModel", "GenericEvent"]


class EventModel(ReplyModel):
    """Base of event payload models: immutable, unknown fields kept on a round trip."""

    model_config = ConfigDict(frozen=True)


class Event(EventModel):
    """An advisory or metric: every one carries ``type``, ``id`` and ``timestamp``.

    ``received_on`` is the NATS subject it arrived on (not part of the wire JSON).
    """

    type: str
    """The schema name, e.g. ``io.nats.jetstream.advisory.v1.stream_action``."""
    id: str = ""
    """Unique correlation ID of this event."""
    timestamp: str = ""
    """When the event was created (RFC 3339, nanosecond precision)."""
    _subject: str = PrivateAttr(default="")

    @property
    def received_on(self) -> str:
        """The NATS subject the event arrived on (empty if parsed from elsewhere)."""
        return self._subject

    @property
    def time(self) -> datetime | None:
        """``timestamp`` as an aware datetime (microsecond precision), ``None`` if absent."""
        return parse_timestamp(self.timestamp)


class GenericEvent(Event):
    """An event whose ``type`` this jsm version has no model for (or that did not fit it).

    All fields are kept (``model_extra``); ``problem`` says why it was not typed.
    """

    problem: str | None = None
    """Why the event is generic: unknown type, or the validation error of its model."""


def parse_timestamp(value: str | None) -> datetime | None:
    """Parse an RFC 3339 timestamp with up to nanosecond precision; ``None`` if empty or bad."""
    if not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if "." in text:
        head, _, rest = text.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
