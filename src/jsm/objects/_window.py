"""A bounded window of acknowledged publishes, for an object's chunks.

Chunks go out from one task, in order, each with a reply subject under one inbox
subscription; at most a fixed number of chunks (and bytes) wait for their PubAck at
once. A full window waits for the oldest ack before sending more, so memory stays
bounded while the connection stays busy. Acks are read in the same task: no callbacks,
no unbounded queues. The first failed ack (an error reply, "no stream", a timeout, a
lost connection) is raised from the publish or drain that meets it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Self

import anyio

from jsm._constants import CLEANUP_TIMEOUT
from jsm._errors_base import JsmConnectionError, JsmError, JsmTimeoutError, NoStreamError
from jsm._transport import next_msg, status_of, unsubscribe
from jsm.publish import decode_pub_ack

if TYPE_CHECKING:
    from types import TracebackType

    from jsm._transport import Subscription
    from jsm.api import ApiClient

__all__ = ["AckWindow"]

logger = logging.getLogger(__name__)

_POLL = 0.5
"""Seconds between checks for a reconnect while waiting for an ack (acks sent before a
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
        self._inbox = ""
        self._sub: Subscription | None = None
        self._reconnects = 0
        self.acked = 0
        """How many publishes were acknowledged."""

    async def __aenter__(self) -> Self:
        self._inbox = self._transport.new_inbox()
        self._reconnects = self._transport.reconnects
        self._sub = await self._transport.subscribe(
            f"{self._inbox}.*", pending_msgs_limit=self._max_chunks * 2 + 16
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        sub, self._sub = self._sub, None
        if sub is not None:
            with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
                await unsubscribe(sub)

    @property
    def pending(self) -> int:
        """Publishes sent and not yet acknowledged."""
        return len(self._pending)

    async def publish(self, subject: str, payload: bytes) -> None:
        """Send ``payload`` once the window has room (waiting for older acks first).

        Raises:
            ApiError: an earlier publish was refused (e.g. the bucket is full).
            NoStreamError: no stream captures ``subject``.
            JsmTimeoutError: an ack did not come in time.
            JsmConnectionError: the connection was lost with publishes in flight.
        """
        while self._pending and (
            len(self._pending) >= self._max_chunks
            or self._pending_bytes + len(payload) > self._max_bytes
        ):
            await self._take_ack()
        self._check_connection()
        self._serial += 1
        token = str(self._serial)
        self._pending[token] = (len(payload), anyio.current_time() + self._ack_timeout)
        self._pending_bytes += len(payload)
        await self._transport.publish(subject, payload, reply=f"{self._inbox}.{token}")

    async def drain(self) -> None:
        """Wait for every outstanding ack.

        Raises:
            ApiError | NoStreamError | JsmTimeoutError | JsmConnectionError: as for publish.
        """
        while self._pending:
            await self._take_ack()

    async def settle(self, deadline: float) -> None:
        """Wait (until ``deadline``) for the outstanding acks, ignoring their errors.

        Used after a failure, so the server has handled every chunk sent before they
        are purged.
        """
        with anyio.move_on_after(max(0.0, deadline - anyio.current_time()), shield=True):
            while self._pending and not self._transport.is_closed:
                try:
                    await self._take_ack()
                except JsmConnectionError:
                    return
                except JsmError as err:
                    logger.debug("ack after a failed put (%s): %s", self._context, err)

    def _check_connection(self) -> None:
        if self._pending and self._transport.reconnects != self._reconnects:
            raise JsmConnectionError(
                f"the connection was lost while chunks were in flight ({self._context}); "
                "put the object again"
            )

    async def _take_ack(self) -> None:
        if self._sub is None:  # pragma: no cover - publish/drain are used inside the block
            raise JsmError("AckWindow used outside its async with block")
        _, deadline = next(iter(self._pending.values()))
        while True:
            self._check_connection()
            remaining = deadline - anyio.current_time()
            if remaining <= 0:
                raise JsmTimeoutError(f"no acknowledgement for a chunk in time ({self._context})")
            try:
                msg = await next_msg(self._sub, timeout=min(remaining, _POLL))
            except JsmTimeoutError:
                continue
            got = msg.subject.rpartition(".")[2]
            entry = self._pending.pop(got, None)
            if entry is None:
                continue  # a late ack for a publish already given up on
            self._pending_bytes -= entry[0]
            status = status_of(msg)
            if status is not None and status[0] == "503":
                raise NoStreamError(
                    f"no stream captures the chunk subjects ({self._context}); "
                    "the bucket's stream is missing"
                )
            decode_pub_ack(self._api, msg.data, subject=msg.subject, context=self._context)
            self.acked += 1
            return
