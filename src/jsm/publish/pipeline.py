"""The publishing pipeline: many publishes in flight, at most ``max_pending`` unacknowledged.

``async with js.publisher() as pub`` opens one wildcard reply subscription; every
publish carries its own reply token under it, so no per-message inbox, request or task
is made. ``await pub.publish(...)`` returns a :class:`PubAckFuture` as soon as the
message is handed to the connection, and waits first while ``max_pending`` acks are
outstanding (back-pressure instead of an unbounded queue). One task of the block's task
group fails acks that did not arrive in time, another re-sends messages the stream could
not take during a leader election ("no responders" or a 503 reply, bounded by the retry
policy, with the same ``Nats-Msg-Id``). Leaving the block waits for every ack; failures
nobody retrieved are raised then as one :class:`~jsm.errors.PublishFailedError`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Literal, Self

import anyio

from jsm._constants import (
    CLEANUP_TIMEOUT,
    PUBLISHER_MAX_FAILURES_KEPT,
    PUBLISHER_SUBJECT_CACHE,
)
from jsm._errors_base import (
    ClosedError,
    JsmError,
    JsmTimeoutError,
    NoStreamError,
    PublishFailedError,
    ServiceUnavailableError,
)
from jsm._transport import STATUS_HEADER, discard
from jsm.publish._core import decode_pub_ack
from jsm.publish._options import (
    MSG_ID,
    Expect,
    Rollup,
    build_headers,
    check_payload,
    check_publish_subject,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Mapping
    from types import TracebackType

    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from jsm._options import Duration
    from jsm._transport import NatsMsg, Subscription
    from jsm.api import ApiClient, Retry
    from jsm.models import PubAck

__all__ = ["PubAckFuture", "Publisher"]

logger = logging.getLogger(__name__)

_IDLE_TICK = 0.5
"""Seconds the timeout watcher sleeps while nothing is outstanding."""


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
        "_error",
        "_headers",
        "_payload",
        "_publisher",
        "_retrieved",
        "_waiter",
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
        self._deadline = deadline
        self._attempt = 1
        self._data: bytes | None = None
        self._ack: PubAck | None = None
        self._error: JsmError | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._retrieved = False

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
            NoStreamError: no stream captured the subject, even after retries.
            JsmTimeoutError: no acknowledgement in time.
            ClosedError: the pipeline closed before the acknowledgement came.
            InvalidStateError: the acknowledgement has not arrived yet.
        """
        self._retrieved = True
        if self._error is not None:
            raise self._error
        if self._ack is None:
            if self._data is None:
                raise asyncio.InvalidStateError(f"the publish to {self.subject!r} is not acked yet")
            self._ack = decode_pub_ack(self._publisher._api, self._data, subject=self.subject)
        return self._ack

    def exception(self) -> JsmError | None:
        """Return the failure, or ``None`` if the publish was acknowledged."""
        if not self.done():
            raise asyncio.InvalidStateError(f"the publish to {self.subject!r} is not acked yet")
        self._retrieved = True
        return self._error

    def __await__(self) -> Generator[object, None, PubAck]:
        return self._wait().__await__()

    async def _wait(self) -> PubAck:
        if not self.done():
            if self._waiter is None:
                self._waiter = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._waiter)
        return self.result()

    def _resolve(self, data: bytes | None, error: JsmError | None) -> None:
        self._data = data
        self._error = error
        self._payload = None
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def __repr__(self) -> str:
        state = "failed" if self._error else "acked" if self._data is not None else "pending"
        return f"<PubAckFuture {self.subject!r} {state}>"


class Publisher:
    """A bounded publishing pipeline; use as ``async with js.publisher() as pub``.

    Args:
        max_pending: acknowledgements outstanding at most; ``publish`` waits beyond.
        timeout: how long each acknowledgement may take (retries included).
        retry: how often to re-send during a leader election (503 / no responders);
            a timed-out message is re-sent only if it has a ``msg_id`` (the
            server's dedupe makes that safe).
    """

    def __init__(self, api: ApiClient, *, max_pending: int, timeout: float, retry: Retry) -> None:
        self._api = api
        self._transport = api.transport
        self._max_pending = max_pending
        self._low_water = max_pending - max(1, max_pending // 4)
        self._timeout = timeout
        self._retry = retry
        self._pending: dict[str, PubAckFuture] = {}
        self._serial = 0
        self._prefix = ""
        self._cut = 0
        self._sub: Subscription | None = None
        self._tg: TaskGroup | None = None
        self._space: anyio.Event | None = None
        self._idle: anyio.Event | None = None
        self._retry_send: MemoryObjectSendStream[tuple[float, PubAckFuture]] | None = None
        self._retry_receive: MemoryObjectReceiveStream[tuple[float, PubAckFuture]] | None = None
        self._checked: set[str] = set()
        self._failures: list[PubAckFuture] = []
        self._failed = 0
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
        self._sub = await self._transport.subscribe(
            self._prefix + "*",
            callback=self._on_reply,
            pending_msgs_limit=self._max_pending * 2 + 64,
        )
        # Each outstanding publish is queued for a re-send at most once at a time, so a
        # buffer of max_pending never fills.
        self._retry_send, self._retry_receive = anyio.create_memory_object_stream[
            tuple[float, PubAckFuture]
        ](self._max_pending)
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg
        tg.start_soon(self._watch_timeouts)
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
        if subject not in self._checked:
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
        future = PubAckFuture(
            self, token, subject, payload, all_headers, self._clock() + self._timeout
        )
        self._pending[token] = future
        try:
            await self._transport.publish(
                subject, payload, reply=self._prefix + token, headers=all_headers
            )
        except BaseException:
            self._pending.pop(token, None)
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
        future = self._pending.get(msg.subject[self._cut :])
        if future is None:
            return  # a late reply for a publish already settled
        data = msg.data
        if data and b'"error"' not in data:
            self._settle(future, data, None)
            return
        if not data:
            headers = msg.headers
            status = headers.get(STATUS_HEADER) if headers else None
            if status == "503":
                self._retry_or_fail(
                    future,
                    NoStreamError(
                        f"no stream captures subject {future.subject!r}; create a stream whose "
                        "subjects include it, or check the subject"
                    ),
                )
                return
        try:
            decode_pub_ack(self._api, data, subject=future.subject)
        except ServiceUnavailableError as err:
            self._retry_or_fail(future, err)
            return
        except JsmError as err:
            self._settle(future, None, err)
            return
        self._settle(future, data, None)

    def _retry_or_fail(self, future: PubAckFuture, error: JsmError) -> None:
        now = anyio.current_time()
        if future._attempt >= self._retry.attempts or now >= future._deadline:
            self._settle(future, None, error)
            return
        delay = self._retry.delay(future._attempt)
        future._attempt += 1
        logger.debug(
            "publish to %s: %s, re-sending (attempt %d) in %.3fs",
            future.subject,
            type(error).__name__,
            future._attempt,
            delay,
        )
        self._queue_resend(now + delay, future)

    def _settle(self, future: PubAckFuture, data: bytes | None, error: JsmError | None) -> None:
        if self._pending.pop(future.token, None) is None:
            return
        future._resolve(data, error)
        if error is None:
            self.acked += 1
        else:
            self._failed += 1
            if len(self._failures) < PUBLISHER_MAX_FAILURES_KEPT:
                self._failures.append(future)
        if self._space is not None and len(self._pending) <= self._low_water:
            self._space.set()
            self._space = None
        if self._idle is not None and not self._pending:
            self._idle.set()
            self._idle = None

    # ---------------------------------------------------------------- background tasks

    async def _watch_timeouts(self) -> None:
        while True:
            oldest = next(iter(self._pending.values()), None)
            if oldest is None:
                await anyio.sleep(min(_IDLE_TICK, self._timeout))
                continue
            if anyio.current_time() < oldest._deadline:
                await anyio.sleep_until(oldest._deadline)
                continue
            if oldest.msg_id is not None and oldest._attempt < self._retry.attempts:
                # The message may be stored with its ack lost (a leader change): re-sending
                # under the same Nats-Msg-Id gets the original's ack, never a second copy.
                oldest._attempt += 1
                oldest._deadline = anyio.current_time() + self._timeout
                del self._pending[oldest.token]
                self._pending[oldest.token] = oldest  # keep the dict in deadline order
                logger.debug("publish to %s timed out; re-sending", oldest.subject)
                self._queue_resend(0.0, oldest)
                continue
            self._settle(
                oldest,
                None,
                JsmTimeoutError(
                    f"no acknowledgement for a publish to {oldest.subject!r} within "
                    f"{self._timeout:g}s"
                ),
            )

    def _queue_resend(self, due: float, future: PubAckFuture) -> None:
        if self._retry_send is None:
            self._settle(future, None, ClosedError("the publisher is closed"))
            return
        self._retry_send.send_nowait((due, future))

    async def _resend(self) -> None:
        if self._retry_receive is None:
            return
        async for due, future in self._retry_receive:
            if due > anyio.current_time():
                await anyio.sleep_until(due)
            payload = future._payload
            if future.token not in self._pending or payload is None:
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
            else:
                self.retried += 1

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
        unseen = [f for f in self._failures if not f._retrieved]
        hidden = self._failed - len(self._failures)  # failures beyond those kept
        count = len(unseen) + hidden
        if count == 0:
            return
        errors = tuple(f._error for f in unseen if f._error is not None)
        first = unseen[0] if unseen else None
        detail = f"; the first, to {first.subject!r}: {first._error}" if first else ""
        raise PublishFailedError(
            f"{count} of {self.published} pipelined publishes failed{detail}", count, errors
        ) from (errors[0] if errors else None)
