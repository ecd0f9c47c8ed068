"""The server's acknowledgement of a message stored in a stream (``PubAck``)."""

from __future__ import annotations

from pydantic import Field

from jsm.models._base import ReplyModel

__all__ = ["PubAck"]


class PubAck(ReplyModel):
    """Where a published message was stored.

    ``duplicate`` is true when the server recognised the ``Nats-Msg-Id`` inside the
    stream's duplicate window and did not store the message again; ``seq`` is then the
    sequence of the original. ``batch``/``count`` describe a committed atomic batch and
    ``value`` the new total of a counter stream (as a decimal string: counters are
    arbitrary precision).
    """

    stream: str
    seq: int = 0
    duplicate: bool = False
    domain: str | None = None
    batch: str | None = None
    count: int | None = None
    value: str | None = Field(default=None, alias="val")
    """The counter's value after this increment (wire field ``val``)."""
