"""A message delivered by a JetStream consumer (:class:`Msg`) and its acknowledgements.

``Msg`` is a ``__slots__`` class (one is made per delivered message); its metadata is
parsed from the ack reply subject on first access (ADR-15). The ack verbs publish to that
subject: ``+ACK``, ``-NAK`` (with a delay), ``+WPI``, ``+TERM`` (with a reason) and
``+NXT``. A message takes one terminal acknowledgement; a second raises
:class:`~jsm.errors.AckError`, as does acking a message whose consumer takes no acks.
How messages are pulled or pushed is left to :mod:`jsm.consumers.pull` and friends.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from jsm._errors_base import AckError, InvalidOptionError, JsmTimeoutError
from jsm._options import NOT_GIVEN, Duration, NotGiven, duration_seconds, to_timedelta
from jsm._transport import NoRespondersError, next_msg, status_of, unsubscribe_shielded
from jsm.models._base import timedelta_to_ns
from jsm.subjects import parse_ack_subject

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jsm._transport import NatsMsg, Transport
    from jsm.subjects import MsgMetadata
    from jsm.tracing._delivery import Delivery

__all__ = ["Msg"]

_ACK = b"+ACK"
_NAK = b"-NAK"
_WPI = b"+WPI"
_TERM = b"+TERM"
_NEXT = b"+NXT"
_DEFAULT_ACK_TIMEOUT = 5.0


class Msg:
    """One message from a stream, as a consumer delivered it.

    Attributes:
        subject: the subject it was published on.
        data: the payload (empty with ``headers_only`` consumers).
        headers: the message headers, or ``None``.
        reply: the ack subject (``$JS.ACK.…``).
    """

    __slots__ = (
        "_ack_none",
        "_acked",
        "_metadata",
        "_trace",
        "_transport",
        "data",
        "headers",
        "reply",
        "subject",
    )

    def __init__(
        self,
        transport: Transport,
        subject: str,
        data: bytes,
        headers: Mapping[str, str] | None,
        reply: str,
        *,
        ack_none: bool = False,
    ) -> None:
        self._transport = transport
        self.subject = subject
        self.data = data
        self.headers = headers
        self.reply = reply
        self._ack_none = ack_none
        self._acked = ""
        self._metadata: MsgMetadata | None = None
        self._trace: Delivery | None = None  # set when a traced connection hands it out

    @classmethod
    def from_nats(cls, transport: Transport, msg: NatsMsg, *, ack_none: bool = False) -> Msg:
        """Wrap a delivered nats-py message (internal)."""
        return cls(transport, msg.subject, msg.data, msg.headers, msg.reply, ack_none=ack_none)

    @property
    def metadata(self) -> MsgMetadata:
        """Stream, consumer, sequences, delivery count, pending, timestamp and domain.

        Raises:
            InvalidAckSubjectError: the message did not come from a JetStream consumer.
        """
        if self._metadata is None:
            self._metadata = parse_ack_subject(self.reply)
        return self._metadata

    @property
    def is_acked(self) -> bool:
        """Whether a terminal acknowledgement (ack, nak, term) was sent for this message."""
        return bool(self._acked)

    def __repr__(self) -> str:
        return f"<jsm.Msg subject={self.subject!r} size={len(self.data)} reply={self.reply!r}>"

    async def ack(self) -> None:
        """Acknowledge the message: it will not be delivered again.

        Raises:
            AckError: already acknowledged, or the consumer takes no acks.
            ClosedError: the connection is closed.
        """
        await self._send(_ACK, "ack")

    async def ack_sync(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Acknowledge and wait until the server confirms it has recorded the ack.

        Raises:
            AckError: already acknowledged, or the consumer takes no acks.
            JsmTimeoutError: no confirmation within ``timeout`` (default 5 s).
        """
        self._check_ackable("ack_sync")
        seconds = (
            _DEFAULT_ACK_TIMEOUT
            if isinstance(timeout, NotGiven)
            else duration_seconds(timeout, name="timeout")
        )
        try:
            await self._transport.request(self.reply, _ACK, timeout=seconds)
        except NoRespondersError:
            raise JsmTimeoutError(
                f"the server did not confirm the ack of {self._describe()}: its consumer is gone"
            ) from None
        self._acked = "ack_sync"
        if self._trace is not None:
            self._trace.settled("ack")

    async def nak(self, *, delay: Duration | None = None) -> None:
        """Ask for redelivery, at once or after ``delay``.

        Raises:
            AckError: already acknowledged, or the consumer takes no acks.
            InvalidOptionError: ``delay`` is not a positive duration.
        """
        payload = _NAK
        if delay is not None:
            nanos = timedelta_to_ns(to_timedelta(delay, name="delay"))
            payload = _NAK + b" " + json.dumps({"delay": nanos}).encode()
        await self._send(payload, "nak")

    async def in_progress(self) -> None:
        """Tell the server the message is still being worked on (resets its ack wait).

        May be sent any number of times before the final acknowledgement.

        Raises:
            AckError: already acknowledged, or the consumer takes no acks.
        """
        self._check_ackable("in_progress")
        await self._transport.publish_to_server_subject(self.reply, _WPI)

    async def term(self, *, reason: str | None = None) -> None:
        """Stop redelivery of this message for good (it counts as handled).

        Raises:
            AckError: already acknowledged, or the consumer takes no acks.
            InvalidOptionError: a reason that is not text (or not UTF-8).
        """
        payload = _TERM if not reason else _TERM + b" " + _reason_bytes(reason)
        await self._send(payload, "term")

    async def next(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> Msg:
        """Acknowledge this message and receive the consumer's next one (``+NXT``).

        Only for pull consumers; the next message comes straight back as the reply.

        Raises:
            AckError: already acknowledged, or the consumer takes no acks.
            JsmTimeoutError: no next message within ``timeout`` (default 5 s).
        """
        self._check_ackable("next")
        seconds = (
            _DEFAULT_ACK_TIMEOUT
            if isinstance(timeout, NotGiven)
            else duration_seconds(timeout, name="timeout")
        )
        expires = int(seconds * 1_000_000_000)
        body = _NEXT + b" " + json.dumps({"batch": 1, "expires": expires}).encode()
        inbox = self._transport.new_inbox()
        sub = await self._transport.subscribe(inbox)
        try:
            await self._transport.publish(self.reply, body, reply=inbox)
            self._acked = "next"
            reply = await next_msg(sub, timeout=seconds + 1.0)
        finally:
            await unsubscribe_shielded(sub)
        if status_of(reply) is not None:
            raise JsmTimeoutError(f"no next message after {self._describe()} within {seconds:g}s")
        msg = Msg.from_nats(self._transport, reply, ack_none=self._ack_none)
        if self._trace is not None:
            self._trace.settled("ack")
            self._trace.tracing.delivered(msg, "next")
        return msg

    async def _send(self, payload: bytes, verb: str) -> None:
        self._check_ackable(verb)
        self._acked = verb
        try:
            await self._transport.publish_to_server_subject(self.reply, payload)
        except BaseException:
            self._acked = ""  # not sent: the caller may try again
            raise
        if self._trace is not None:
            self._trace.settled(verb)

    def _check_ackable(self, verb: str) -> None:
        if self._ack_none:
            raise AckError(
                f"cannot {verb} {self._describe()}: its consumer has ack_policy 'none' "
                "and takes no acknowledgements"
            )
        if self._acked:
            raise AckError(
                f"cannot {verb} {self._describe()}: it was already acknowledged "
                f"with {self._acked}(); a message takes one final acknowledgement"
            )
        if not self.reply:
            raise AckError(
                f"cannot {verb} the message on {self.subject!r}: it has no ack subject "
                "(was it delivered by a JetStream consumer?)"
            )

    def _describe(self) -> str:
        try:
            meta = self.metadata
        except ValueError:
            return f"the message on {self.subject!r}"
        return (
            f"message {meta.sequence.stream} of stream {meta.stream!r} (consumer {meta.consumer!r})"
        )


def _reason_bytes(reason: str) -> bytes:
    if not isinstance(reason, str):
        raise InvalidOptionError(f"reason must be text (got {type(reason).__name__})")
    try:
        return reason.encode()
    except UnicodeEncodeError:
        raise InvalidOptionError(
            f"reason {reason!r} holds a lone surrogate, which is not text that can be sent "
            "(UTF-8); remove it"
        ) from None
