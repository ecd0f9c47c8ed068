"""A bounded window of acknowledged publishes, for an object's chunks.

Chunks go out from one task, in order, each with a reply subject under one inbox
subscription; at most a fixed number of chunks (and bytes) wait for their PubAck at
once. A full window waits for acks before sending more, so memory stays bounded while
the connection stays busy. Acks are settled as they arrive by the subscription's
delivery (no per-ack wait), and the first failed ack (an error reply, "no stream", a
timeout, a lost connection) is raised from the publish or drain that meets it. Chunks
are never re-sent: a re-sent chunk would land out of order. "No responders" is told
apart (one ``STREAM.NAMES`` look-up) as a missing bucket or a stream that did not
answer (electing a leader: put the object again).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Self

import anyio

from jsm._constants import PUBLISH_STREAM_CHECK_TIMEOUT
from jsm._errors_base import (
    JsmConnectionError,
    JsmError,
    JsmTimeoutError,
    NoStreamAnsweredError,
    NoStreamError,
)
from jsm._transport import status_of, unsubscribe_shielded
from jsm.publish import decode_pub_ack, streams_capturing

if TYPE_CHECKING:
    from types import TracebackType

    from jsm._transport import NatsMsg, Subscription
    from jsm.api import ApiClient

__all__ = ["AckWindow"]

logger = logging.getLogger(__name__)

_POLL = 0.5
"""Seconds between checks for a reconnect while waiting for acks (acks sent before a
reconnect are lost, so waiting for them to time out would only delay the failure)."""


class AckWindow:
    """Publish with at most ``max_chunks`` / ``max_bytes`` unacknowledged; raise the first failure."""

    def __init__(
        self,
        api: ApiClient,
        *,
        max_chunks: int,
        max_bytes: int,
        ack_timeout: float,
        context: str,
    ) -> None:
        self._api = api
        self._transport = api.transport
        self._max_chunks = max_chunks
        self._max_bytes = max_bytes
        self._ack_timeout = ack_timeout
        self._context = context
        self._pending: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._pending_bytes = 0
        self._serial = 0
        self._prefix = ""
        self._cut = 0
        self._sub: Subscription | None = None
        self._reconnects = 0
        self._error: JsmError | None = None
        self._subject = ""
        self._unanswered: str | None = None  # a chunk subject that got "no responders"
        self._progress: anyio.Event | None = None
        self.acked = 0
        """How many publishes were acknowledged."""

    async def __aenter__(self) -> Self:
        self._prefix = self._transport.new_inbox() + "."
        self._cut = len(self._prefix)
        self._reconnects = self._transport.reconnects
        self._sub = await self._transport.subscribe(
            self._prefix + "*",
            callback=self._on_ack,
            pending_msgs_limit=self._max_chunks * 2 + 16,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        sub, self._sub = self._sub, None
        await unsubscribe_shielded(sub)

    @property
    def pending(self) -> int:
        """Publishes sent and not yet acknowledged."""
        return len(self._pending)

    async def publish(self, subject: str, payload: bytes) -> None:
        """Send ``payload`` once the window has room (waiting for older acks first).

        Raises:
            ApiError: an earlier publish was refused (e.g. the bucket is full).
            NoStreamError: no stream captures ``subject``.
            NoStreamAnsweredError: a chunk got "no responders" (a leader election?).
            JsmTimeoutError: an ack did not come in time.
            JsmConnectionError: the connection was lost with publishes in flight.
        """
        while self._pending and (
            len(self._pending) >= self._max_chunks
            or self._pending_bytes + len(payload) > self._max_bytes
        ):
            await self._wait_for_progress()
        await self._check()
        self._serial += 1
        token = str(self._serial)
        self._subject = subject
        self._pending[token] = (len(payload), anyio.current_time() + self._ack_timeout)
        self._pending_bytes += len(payload)
        await self._transport.publish(subject, payload, reply=self._prefix + token)

    async def drain(self) -> None:
        """Wait for every outstanding ack.

        Raises:
            ApiError | NoStreamError | JsmTimeoutError | JsmConnectionError: as for publish.
        """
        while self._pending:
            await self._wait_for_progress()
        await self._check()

    async def settle(self, deadline: float) -> None:
        """Wait (until ``deadline``) for the outstanding acks, ignoring their errors.

        Used after a failure, so the server has handled every chunk sent before they
        are purged.
        """
        with anyio.move_on_after(max(0.0, deadline - anyio.current_time()), shield=True):
            while self._pending and not self._transport.is_closed:
                if self._transport.reconnects != self._reconnects:
                    return  # acks sent before the reconnect will not come
                self._progress = event = anyio.Event()
                with anyio.move_on_after(_POLL):
                    await event.wait()

    async def _check(self) -> None:
        if self._error is None and self._unanswered is not None:
            self._error = await self._unanswered_error(self._unanswered)
        if self._error is not None:
            raise self._error
        if self._pending and self._transport.reconnects != self._reconnects:
            raise JsmConnectionError(
                f"the connection was lost while chunks were in flight ({self._context}); "
                "put the object again"
            )

    async def _unanswered_error(self, subject: str) -> JsmError:
        deadline = anyio.current_time() + PUBLISH_STREAM_CHECK_TIMEOUT
        if await streams_capturing(self._api, subject, deadline) == []:
            return NoStreamError(
                f"no stream captures the chunk subjects ({self._context}); "
                "the bucket's stream is missing"
            )
        return NoStreamAnsweredError(
            f"the bucket's stream did not answer a chunk ({self._context}): it may be "
            "electing a leader; chunks cannot be sent again in order, so put the object again"
        )

    async def _wait_for_progress(self) -> None:
        """Wait until an ack settles (or raise the failure that stops the put)."""
        await self._check()
        _, deadline = next(iter(self._pending.values()))
        remaining = deadline - anyio.current_time()
        if remaining <= 0:
            raise JsmTimeoutError(
                f"no acknowledgement for a chunk within {self._ack_timeout:g}s ({self._context})"
            )
        self._progress = event = anyio.Event()
        with anyio.move_on_after(min(remaining, _POLL)):
            await event.wait()
        await self._check()

    async def _on_ack(self, msg: NatsMsg) -> None:
        entry = self._pending.pop(msg.subject[self._cut :], None)
        if entry is None:
            return  # a late ack for a publish already given up on
        self._pending_bytes -= entry[0]
        status = status_of(msg)
        if status is not None and status[0] == "503":
            # Told apart (missing bucket or electing) where the failure is raised.
            if self._unanswered is None:
                self._unanswered = self._subject
        else:
            try:
                decode_pub_ack(self._api, msg.data, subject=msg.subject, context=self._context)
            except JsmError as err:
                if self._error is None:
                    self._error = err
            else:
                self.acked += 1
        event = self._progress
        if event is not None:
            self._progress = None
            event.set()
