"""The publishing pipeline: many publishes in flight, at most ``max_pending`` unacknowledged.

``async with js.publisher() as pub`` opens one wildcard reply subscription; every
publish carries its own reply token under it, so no per-message inbox, request or task
is made. ``await pub.publish(...)`` returns a :class:`PubAckFuture` as soon as the
message is handed to the connection, and waits first while ``max_pending`` acks are
outstanding (back-pressure instead of an unbounded queue). One task of the block's task
group watches the deadlines, another re-sends what a stream electing a leader could not
take ("no responders", or a transient error reply: nothing was stored) until the
publish's deadline, and a message with a ``Nats-Msg-Id`` whose ack did not come (the
stream deduplicates it): after a third of the timeout, or at once when the connection
comes back after a loss (the acks of what was sent before died with it). Leaving the block waits for every ack; failures nobody
retrieved are raised then as one :class:`~jsm.errors.PublishFailedError`.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import TYPE_CHECKING, Literal, Self

import anyio

from jsm._constants import (
    CLEANUP_TIMEOUT,
    PUBLISH_MIN_TRY,
    PUBLISH_STREAM_CHECK_TIMEOUT,
    PUBLISH_STREAM_CHECK_TTL,
    PUBLISHER_MAX_FAILURES_KEPT,
    PUBLISHER_RECONNECT_POLL,
    PUBLISHER_SUBJECT_CACHE,
)
from jsm._errors_base import ApiError, ClosedError, JsmError, PublishFailedError
from jsm._interest import discard
from jsm._transport import STATUS_HEADER
from jsm.api._retry import attempt_span, is_transient
from jsm.publish._core import (
    decode_pub_ack,
    no_stream_answered,
    no_stream_error,
    publish_timeout,
    streams_capturing,
)
from jsm.publish._future import LOST_ACK, NO_RESPONDERS, PubAckFuture
from jsm.publish._options import (
    MSG_ID,
    Expect,
    Rollup,
    build_headers,
    check_payload,
    check_publish_subject,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import TracebackType

    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from jsm._options import Duration
    from jsm._transport import NatsMsg, Subscription
    from jsm.api import ApiClient, Retry

__all__ = ["PubAckFuture", "Publisher"]

logger = logging.getLogger(__name__)


class Publisher:
    """A bounded publishing pipeline; use as ``async with js.publisher() as pub``.

    Args:
        max_pending: acknowledgements outstanding at most; ``publish`` waits beyond.
        timeout: how long each publish may take, its retries included.
        retry: the backoff between re-sends while a stream elects a leader; a message
            whose ack did not come is sent again only if it has a ``msg_id`` (the
            server's dedupe makes that safe). ``attempts=1`` turns re-sending off.
    """

    def __init__(self, api: ApiClient, *, max_pending: int, timeout: float, retry: Retry) -> None:
        self._api = api
        self._transport = api.transport
        self._tracing = api.transport.tracing
        self._max_pending = max_pending
        self._low_water = max_pending - max(1, max_pending // 4)
        self._timeout = timeout
        self._span = attempt_span(timeout)
        self._retry = retry
        self._pending: dict[str, PubAckFuture] = {}  # in send order = deadline order
        # Publishes with a msg_id awaiting their ack, in the order of their last send (so
        # of their _retry_at): the watcher sends them again when that passes.
        self._awaiting: dict[str, PubAckFuture] = {}
        self._serial = 0
        self._reconnects = 0  # the connection's reconnect count the watcher last saw
        self._prefix = ""
        self._cut = 0
        self._sub: Subscription | None = None
        self._tg: TaskGroup | None = None
        self._space: anyio.Event | None = None
        self._idle: anyio.Event | None = None
        self._retry_send: MemoryObjectSendStream[tuple[float, PubAckFuture]] | None = None
        self._retry_receive: MemoryObjectReceiveStream[tuple[float, PubAckFuture]] | None = None
        self._checked: set[str] = set()
        self._streams: dict[str, tuple[float, bool]] = {}  # subject -> (asked at, has one)
        self._can_check = True
        self._failures: dict[str, PubAckFuture] = {}  # the latest failures not looked at
        self._unretrieved = 0  # every failure not yet looked at, kept or not
        self._open = False
        self._entered = False
        self._clock: Callable[[], float] = anyio.current_time
        self.published = 0
        """Messages handed to the connection so far."""
        self.acked = 0
        """Messages acknowledged so far."""
        self.retried = 0
        """Messages sent again (during a leader election, or after a lost ack with a msg_id)."""

    @property
    def pending(self) -> int:
        """Publishes waiting for their acknowledgement."""
        return len(self._pending)

    async def __aenter__(self) -> Self:
        if self._entered:
            raise ClosedError("this publisher was already used; call js.publisher() again")
        self._entered = True
        # anyio's clock on asyncio is the loop's; reading it directly saves a backend
        # lookup on every publish.
        self._clock = asyncio.get_running_loop().time
        self._prefix = self._transport.new_inbox() + "."
        self._cut = len(self._prefix)
        self._reconnects = self._transport.reconnects
        self._sub = await self._transport.subscribe(
            self._prefix + "*",
            callback=self._on_reply,
            pending_msgs_limit=self._max_pending * 2 + 64,
            direct=self._take_reply,
        )
        # Each outstanding publish is queued for a re-send at most once at a time
        # (PubAckFuture._queued), so a buffer of max_pending never fills.
        self._retry_send, self._retry_receive = anyio.create_memory_object_stream[
            tuple[float, PubAckFuture]
        ](self._max_pending)
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg
        tg.start_soon(self._watch_deadlines)
        tg.start_soon(self._resend)
        self._open = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc is None:
                await self.wait()
        except BaseException:
            await self._close("the publisher's block was cancelled before the ack came")
            raise
        if exc is not None:
            await self._close("the publisher's block failed before the ack came")
            return
        await self._close("the publisher closed before the ack came")
        self._raise_unretrieved()

    async def publish(
        self,
        subject: str,
        data: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        msg_id: str | None = None,
        expect: Expect | None = None,
        ttl: Duration | Literal["never"] | None = None,
        rollup: Rollup | str | None = None,
    ) -> PubAckFuture:
        """Send one message and return the future of its ``PubAck``.

        Waits first while ``max_pending`` acknowledgements are outstanding.

        Raises:
            InvalidNameError: the subject has wildcards or is malformed.
            InvalidOptionError: the payload is too large or an option is bad.
            ClosedError: the pipeline's block has ended, or the connection closed.
        """
        if not self._open:
            raise ClosedError("use the publisher inside 'async with js.publisher() as pub'")
        if type(subject) is not str or subject not in self._checked:
            check_publish_subject(subject)
            if len(self._checked) < PUBLISHER_SUBJECT_CACHE:
                self._checked.add(subject)
        if type(data) is bytes and len(data) <= self._transport.max_payload:
            payload = data
        else:
            payload = check_payload(data, self._transport.max_payload, subject=subject)
        if msg_id is None and expect is None and ttl is None and rollup is None:
            all_headers = build_headers(headers) if headers else None
        else:
            all_headers = build_headers(
                headers, msg_id=msg_id, expect=expect, ttl=ttl, rollup=rollup
            )
        while len(self._pending) >= self._max_pending:
            if self._space is None:
                self._space = anyio.Event()
            await self._space.wait()
            if not self._open:
                raise ClosedError("the publisher closed while this publish waited for room")
        self._serial += 1
        token = str(self._serial)
        now = self._clock()
        future = PubAckFuture(self, token, subject, payload, all_headers, now + self._timeout)
        if self._tracing is not None:  # a span per message, ended by its ack (jsm.tracing)
            future._span, all_headers = self._tracing.start_pipelined(subject, payload, all_headers)
            future._headers = all_headers
        self._pending[token] = future
        if all_headers is not None and MSG_ID in all_headers and self._retry.enabled:
            future._retry_at = now + self._span
            future._epoch = self._epoch()
            self._awaiting[token] = future
        try:
            await self._transport.publish(
                subject, payload, reply=self._prefix + token, headers=all_headers
            )
        except BaseException:
            self._pending.pop(token, None)
            self._awaiting.pop(token, None)
            raise
        self.published += 1
        return future

    async def wait(self) -> None:
        """Wait until every publish sent so far is acknowledged or has failed."""
        while self._pending:
            if self._idle is None:
                self._idle = anyio.Event()
            await self._idle.wait()

    # ---------------------------------------------------------------- replies

    async def _on_reply(self, msg: NatsMsg) -> None:
        self._take_reply(msg)

    def _take_reply(self, msg: NatsMsg) -> bool:
        # Also called as replies are parsed (jsm._wire.dispatch_directly): never blocks.
        future = self._pending.get(msg.subject[self._cut :])
        if future is None:
            return True  # a late reply for a publish already settled
        data = msg.data
        if data and b'"error"' not in data:
            self._settle(future, data, None)
            return True
        if not data:
            headers = msg.headers
            if headers and headers.get(STATUS_HEADER) == "503":
                self._retry_or_fail(future, NO_RESPONDERS)
                return True
        try:
            decode_pub_ack(self._api, data, subject=future.subject)
        except ApiError as err:
            if is_transient(err):
                self._retry_or_fail(future, err)
            else:
                self._settle(future, None, err)
            return True
        except JsmError as err:
            self._settle(future, None, err)
            return True
        self._settle(future, data, None)
        return True

    def _retry_or_fail(self, future: PubAckFuture, why: str | JsmError) -> None:
        """Queue ``future`` to be sent again (the re-send task decides whether it still may)."""
        self._awaiting.pop(future.token, None)
        future._why = why
        if why == LOST_ACK:
            future._unsure = True
        if future._queued:
            return  # a late reply to an earlier try: the queued re-send answers for both
        now = self._clock()
        remaining = future._deadline - now
        if why == LOST_ACK or not self._retry.enabled or remaining < PUBLISH_MIN_TRY:
            delay = 0.0  # at once: the wait is spent already, or there is nothing to wait for
        else:
            delay = min(self._retry.delay(future._attempt), remaining / 2)
        logger.debug(
            "publish to %s: %s, re-sending (try %d) in %.3fs",
            future.subject,
            why,
            future._attempt + 1,
            delay,
        )
        if self._retry_send is None:
            self._settle(future, None, ClosedError("the publisher is closed"))
            return
        future._queued = True
        self._retry_send.send_nowait((now + delay, future))

    def _settle(self, future: PubAckFuture, data: bytes | None, error: JsmError | None) -> None:
        if self._pending.pop(future.token, None) is None:
            return
        self._awaiting.pop(future.token, None)
        future._resolve(data, error)
        if future._span is not None and self._tracing is not None:
            self._tracing.end_pipelined(future._span, data, error)
        if error is None:
            self.acked += 1
        elif not future._retrieved:
            self._unretrieved += 1
            self._failures[future.token] = future
            if len(self._failures) > PUBLISHER_MAX_FAILURES_KEPT:
                del self._failures[next(iter(self._failures))]  # keep the latest
        if self._space is not None and len(self._pending) <= self._low_water:
            self._space.set()
            self._space = None
        if self._idle is not None and not self._pending:
            self._idle.set()
            self._idle = None

    def _failure_seen(self, future: PubAckFuture) -> None:
        """The caller looked at ``future``'s failure: it is no longer the block's to raise."""
        self._unretrieved -= 1
        self._failures.pop(future.token, None)

    def _late_error(self, future: PubAckFuture) -> JsmError:
        """The error for ``future`` at its deadline, from why its last try failed."""
        why = future._why
        if isinstance(why, JsmError):
            return why  # what the server said last: still electing
        if why == NO_RESPONDERS:
            return no_stream_answered(future.subject, self._timeout, maybe_stored=future._unsure)
        return publish_timeout(
            future.subject, self._timeout, msg_id=future.msg_id, tries=future._attempt
        )

    # ---------------------------------------------------------------- background tasks

    async def _watch_deadlines(self) -> None:
        while True:
            now = self._clock()
            if self._transport.reconnects != self._reconnects:
                self._after_reconnect()
            oldest = next(iter(self._pending.values()), None)
            if oldest is not None and now >= oldest._deadline:
                self._settle(oldest, None, self._late_error(oldest))
                continue
            lost = next(iter(self._awaiting.values()), None)
            if lost is not None and now >= lost._retry_at:
                # The stream leader may have died with the message: re-sent under the same
                # Nats-Msg-Id, it gets the original's ack, never a second copy.
                self._retry_or_fail(lost, LOST_ACK)
                continue
            # Anything sent from now on has its deadlines at least this far away.
            wake = min(
                oldest._deadline if oldest is not None else now + self._timeout,
                lost._retry_at if lost is not None else now + self._span,
                now + PUBLISHER_RECONNECT_POLL if lost is not None else math.inf,
            )
            await anyio.sleep_until(wake)

    def _after_reconnect(self) -> None:
        """Queue at once the publishes with a msg_id sent on the lost connection: their acks
        died with it (the server that took them replied to a connection that is gone)."""
        self._reconnects = current = self._transport.reconnects
        lost = [future for future in self._awaiting.values() if future._epoch < current]
        if lost:
            logger.debug(
                "reconnected: sending %d publishes again (their acks were lost)", len(lost)
            )
        for future in lost:
            self._retry_or_fail(future, LOST_ACK)

    def _epoch(self) -> int:
        """The connection a message sent now travels on: while disconnected, nats-py keeps
        it in its reconnect buffer and sends it on the next one."""
        transport = self._transport
        return transport.reconnects + (0 if transport.is_connected else 1)

    async def _resend(self) -> None:
        if self._retry_receive is None:
            return
        async for due, future in self._retry_receive:
            if due > self._clock():
                await anyio.sleep_until(due)
            future._queued = False
            if future._why == NO_RESPONDERS and await self._has_stream(future.subject) is False:
                self._settle(future, None, no_stream_error(self._api, future.subject))
                continue
            payload = future._payload
            if future.token not in self._pending or payload is None:
                continue  # settled meanwhile
            now = self._clock()
            if not self._retry.enabled or future._deadline - now < PUBLISH_MIN_TRY:
                self._settle(future, None, self._late_error(future))
                continue
            try:
                await self._transport.publish(
                    future.subject,
                    payload,
                    reply=self._prefix + future.token,
                    headers=future._headers,
                )
            except JsmError as err:
                self._settle(future, None, err)
                continue
            self.retried += 1
            future._attempt += 1
            if future.msg_id is not None:
                future._retry_at = self._clock() + self._span
                future._epoch = self._epoch()
                self._awaiting[future.token] = future

    async def _has_stream(self, subject: str) -> bool | None:
        """Whether a stream captures ``subject`` (``STREAM.NAMES``, cached); None if unknown."""
        if not self._can_check:
            return None
        now = self._clock()
        known = self._streams.get(subject)
        if known is not None and now - known[0] < PUBLISH_STREAM_CHECK_TTL:
            return known[1]
        found = await streams_capturing(self._api, subject, now + PUBLISH_STREAM_CHECK_TIMEOUT)
        if found is None:
            # Unanswered (no API permissions?) or still electing: stop asking, so re-sends
            # are not held up again; publishes then fail at their deadline instead.
            self._can_check = False
            return None
        if len(self._streams) >= PUBLISHER_SUBJECT_CACHE:
            self._streams.clear()
        self._streams[subject] = (now, bool(found))
        return bool(found)

    # ---------------------------------------------------------------- closing

    async def _close(self, reason: str) -> None:
        self._open = False
        for future in list(self._pending.values()):
            future._retrieved = True  # the block's own exception is the one to see
            self._settle(future, None, ClosedError(reason))
        if self._space is not None:
            self._space.set()
        tg, self._tg = self._tg, None
        sub, self._sub = self._sub, None
        try:
            if tg is not None:
                # The task group's scope was entered in __aenter__, so it is exited here,
                # outside any scope opened since; its tasks end at once when cancelled.
                tg.cancel_scope.cancel()
                await tg.__aexit__(None, None, None)
        finally:
            if sub is not None:
                with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
                    await discard(sub)
            send, self._retry_send = self._retry_send, None
            receive, self._retry_receive = self._retry_receive, None
            if send is not None:
                send.close()
            if receive is not None:
                receive.close()

    def _raise_unretrieved(self) -> None:
        count = self._unretrieved
        if count == 0:
            return
        unseen = list(self._failures.values())
        errors = tuple(f._error for f in unseen if f._error is not None)
        first = unseen[0] if unseen else None
        detail = f"; for one, to {first.subject!r}: {first._error}" if first else ""
        raise PublishFailedError(
            f"{count} of {self.published} pipelined publishes failed{detail}", count, errors
        ) from (errors[0] if errors else None)
