"""The acknowledgement of one pipelined publish, and what the pipeline tracks about it.

A :class:`PubAckFuture` is created and settled by :class:`~jsm.publish.Publisher`; this
module holds only the per-message state (deadlines, tries, why the last try failed)
and the caller's side: awaiting it, ``result()``, ``exception()``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from jsm.publish._core import decode_pub_ack
from jsm.publish._options import MSG_ID

if TYPE_CHECKING:
    from collections.abc import Generator

    from opentelemetry.trace import Span

    from jsm._errors_base import JsmError
    from jsm.models import PubAck
    from jsm.publish.pipeline import Publisher

__all__ = ["LOST_ACK", "NO_RESPONDERS", "PubAckFuture"]

NO_RESPONDERS = "no responders"
"""Why a try failed when nothing captured its subject (``PubAckFuture._why``)."""

LOST_ACK = "no acknowledgement"
"""Why a try failed when its acknowledgement did not come in time."""


class PubAckFuture:
    """The acknowledgement of one pipelined publish; ``await`` it for the :class:`~jsm.PubAck`.

    The reply is parsed only when asked for, so a pipeline whose results nobody reads
    costs no parsing beyond the error check every reply gets.
    """

    __slots__ = (
        "_ack",
        "_attempt",
        "_data",
        "_deadline",
        "_epoch",
        "_error",
        "_headers",
        "_payload",
        "_publisher",
        "_queued",
        "_retrieved",
        "_retry_at",
        "_span",
        "_unsure",
        "_waiter",
        "_why",
        "subject",
        "token",
    )

    def __init__(
        self,
        publisher: Publisher,
        token: str,
        subject: str,
        payload: bytes,
        headers: dict[str, str] | None,
        deadline: float,
    ) -> None:
        self._publisher = publisher
        self.token = token
        self.subject = subject
        """The subject the message was published to."""
        self._payload: bytes | None = payload
        self._headers = headers
        self._deadline = deadline  # the whole publish's, retries included
        self._retry_at = deadline  # when a try with a msg_id is given up and sent again
        self._attempt = 1  # tries sent so far
        self._epoch = 0  # the connection (reconnect count) its last try travels on
        self._why: str | JsmError | None = None  # why the last try failed (retryable)
        self._unsure = False  # a try got no answer: it may have been stored
        self._queued = False  # waiting in the pipeline's re-send queue
        self._data: bytes | None = None
        self._ack: PubAck | None = None
        self._error: JsmError | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._retrieved = False
        self._span: Span | None = None  # its tracing span, when the connection is traced

    @property
    def msg_id(self) -> str | None:
        """The message's ``Nats-Msg-Id``, if it has one."""
        return self._headers.get(MSG_ID) if self._headers else None

    def done(self) -> bool:
        """Whether the acknowledgement (or the failure) has arrived."""
        return self._data is not None or self._error is not None

    def result(self) -> PubAck:
        """Return the ``PubAck``; raise the failure if the publish failed.

        Raises:
            ApiError: the stream refused the message.
            NoStreamError: no stream captures the subject.
            NoStreamAnsweredError: no stream answered in time (a leader election?).
            JsmTimeoutError: no acknowledgement in time; the outcome is unknown.
            ClosedError: the pipeline closed before the acknowledgement came.
            InvalidStateError: the acknowledgement has not arrived yet.
        """
        if not self.done():
            raise asyncio.InvalidStateError(f"the publish to {self.subject!r} is not acked yet")
        self._seen()
        if self._error is not None:
            raise self._error
        if self._ack is None:
            data = self._data or b""  # done() without an error: the reply's body
            self._ack = decode_pub_ack(self._publisher._api, data, subject=self.subject)
        return self._ack

    def exception(self) -> JsmError | None:
        """Return the failure, or ``None`` if the publish was acknowledged."""
        if not self.done():
            raise asyncio.InvalidStateError(f"the publish to {self.subject!r} is not acked yet")
        self._seen()
        return self._error

    def __await__(self) -> Generator[object, None, PubAck]:
        return self._wait().__await__()

    async def _wait(self) -> PubAck:
        if not self.done():
            if self._waiter is None:
                self._waiter = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._waiter)
        return self.result()

    def _seen(self) -> None:
        # The caller has looked at the outcome: a failure is theirs now, not the block's.
        if not self._retrieved:
            self._retrieved = True
            if self._error is not None:
                self._publisher._failure_seen(self)

    def _resolve(self, data: bytes | None, error: JsmError | None) -> None:
        self._data = data
        self._error = error
        self._payload = None
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def __repr__(self) -> str:
        state = "failed" if self._error else "acked" if self._data is not None else "pending"
        return f"<PubAckFuture {self.subject!r} {state}>"
