"""The only module that calls nats-py: requests, publishes, subscriptions, inboxes.

It turns nats-py's exceptions into jsm's (``raise … from err``) and hands the rest of
the library plain values. Every outgoing message is checked against the limits the
server would close the connection for (:mod:`jsm._limits`), and every request is
registered with the connection's :class:`~jsm._permissions.Denials`, so a permissions
violation fails it at once. Everything JetStream-specific lives above it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import TYPE_CHECKING

import anyio
import nats.errors
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg as NatsMsg
from nats.aio.subscription import Subscription

from jsm._constants import CLEANUP_TIMEOUT
from jsm._errors_base import (
    ClosedError,
    InvalidNameError,
    JsmConnectionError,
    JsmTimeoutError,
)
from jsm._interest import round_trip
from jsm._limits import (
    DEFAULT_MAX_CONTROL_LINE,
    INBOX_TOKEN_LENGTH,
    check_control_line,
    check_encodable,
    check_total_size,
    header_block_size,
    pub_line_length,
    sub_line_length,
    subject_budget,
)
from jsm._permissions import Denials
from jsm._status import StatusWatch
from jsm._wire import Wire, dispatch_directly

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from jsm._wire import Handler
    from jsm.tracing._otel import Tracing

__all__ = ["NatsClient", "NatsMsg", "NoRespondersError", "Subscription", "Transport"]

logger = logging.getLogger(__name__)

STATUS_HEADER = "Status"
DESCRIPTION_HEADER = "Description"
_DEFAULT_INBOX_PREFIX = "_INBOX"
_NATS_PY_TOKEN = 26
"""Length of the last token of nats-py's own request inboxes (a nuid and 4 hex digits)."""
_SIZES_ROOM = 48
"""Room for the separators and both sizes of a PUB/HPUB line (two 20-digit numbers)."""
_TOKENS = itertools.count(1)
"""Reply tokens of requests on the shared inbox: never reused in this process (a late
reply to a request that timed out resolves nothing), and far cheaper than a nuid."""


class NoRespondersError(Exception):
    """Internal signal: nobody is subscribed to the request subject.

    Callers turn it into the error that fits (JetStreamUnavailableError for API calls,
    NoStreamError for publishes); it never reaches users.
    """


class Transport:
    """A thin, typed wrapper over one nats-py connection.

    ``max_control_line`` is the server's limit on a protocol line (not announced in
    INFO; nats-server's default is 4096 bytes).
    """

    __slots__ = (
        "_denials",
        "_direct_replies",
        "_max_control_line",
        "_nc",
        "_wire",
        "tracing",
    )

    def __init__(
        self,
        nc: NatsClient,
        *,
        max_control_line: int = DEFAULT_MAX_CONTROL_LINE,
        tracing: Tracing | None = None,
    ) -> None:
        self._nc = nc
        self._max_control_line = max_control_line
        self._denials = Denials.attach(nc)
        self._wire = Wire.attach(nc)  # shortcuts through nats-py's internals, if it allows
        self._direct_replies = self._wire is None  # tried once, when the mux exists
        self.tracing = tracing
        """The connection's OpenTelemetry tracing (jsm.tracing), ``None`` when it is off:
        every hook point checks this one attribute."""

    @property
    def nc(self) -> NatsClient:
        """The underlying nats-py connection."""
        return self._nc

    @property
    def is_closed(self) -> bool:
        """Whether the connection is closed for good."""
        return bool(self._nc.is_closed)

    @property
    def is_connected(self) -> bool:
        """Whether the connection is up right now (not reconnecting, not closed)."""
        return bool(self._nc.is_connected)

    def status_watch(self) -> StatusWatch | None:
        """Who tells about disconnects, reconnects and the close (``None``: poll instead);
        installed again if ``connect()`` replaced the callbacks since."""
        return StatusWatch.attach(self._nc)

    @property
    def reconnects(self) -> int:
        """How many times the connection has reconnected so far."""
        return int(self._nc.stats.get("reconnects", 0))

    @property
    def max_payload(self) -> int:
        """The largest message the server accepts, in bytes (headers included)."""
        return int(self._nc.max_payload)

    @property
    def max_control_line(self) -> int:
        """The longest protocol line the server accepts, in bytes."""
        return self._max_control_line

    @property
    def max_subject_length(self) -> int:
        """The longest subject (in bytes) that any request or publish on this connection
        can use, whatever its payload and headers."""
        return subject_budget(
            self._max_control_line, self._reply_length(INBOX_TOKEN_LENGTH), self.max_payload
        )

    def _reply_length(self, token_length: int) -> int:
        # A request's reply is "<inbox prefix>.<nuid>.<token>".
        prefix = getattr(self._nc, "_inbox_prefix", None) or _DEFAULT_INBOX_PREFIX
        return len(prefix) + 2 + INBOX_TOKEN_LENGTH + token_length

    def new_inbox(self) -> str:
        """Return a unique inbox subject."""
        return self._nc.new_inbox()

    async def request(
        self,
        subject: str,
        payload: bytes = b"",
        *,
        timeout: float,
        headers: Mapping[str, str] | None = None,
    ) -> NatsMsg:
        """Send a request and wait for the first reply.

        The reply arrives on nats-py's shared reply subscription: the request registers a
        plain future there and arms a timer (one event-loop hop shorter than nats-py's
        ``request``, which matters on the KV hot path), and registers with the
        connection's :class:`Denials`, so a permissions violation fails it at once.

        Raises:
            NoRespondersError: nobody listens on ``subject``.
            PermissionDeniedError: the user may not publish to ``subject`` or receive its reply.
            InvalidNameError: the subject makes a protocol line longer than the server accepts.
            InvalidOptionError: headers and payload exceed ``max_payload``, or a bad header.
            JsmTimeoutError: no reply within ``timeout`` seconds.
            ClosedError: the connection is closed.
        """
        self._check_open()
        mux = await self._reply_mux()
        if mux is None:
            return await self._plain_request(subject, payload, timeout=timeout, headers=headers)
        replies, prefix = mux
        key = f"j{next(_TOKENS):x}"  # nats-py's own are nuids, 22 characters
        reply = prefix.decode() + key
        self._denials.check_reply(reply)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[NatsMsg] = loop.create_future()
        replies[key] = future
        tracked = self._denials.track(subject, reply, future)
        timer = loop.call_later(timeout, _expire, future)
        try:
            self._check_outgoing(subject, reply, payload, headers)
            await self._send(subject, payload, reply, headers, now=True)
            msg = await future
        except TimeoutError as err:
            raise JsmTimeoutError(f"no reply on {subject!r} within {timeout:g}s") from err
        finally:
            timer.cancel()
            replies.pop(key, None)
            self._denials.untrack(tracked)
        if msg.headers and not msg.data and msg.headers.get(STATUS_HEADER) == "503":
            raise NoRespondersError(subject)
        return msg

    request_lean = request
    """The same as :meth:`request` (the name the KV and publish hot paths use)."""

    async def _reply_mux(self) -> tuple[dict[str, asyncio.Future[NatsMsg]], bytearray] | None:
        """nats-py's shared reply subscription: its reply map and inbox prefix, made on first
        use as nats-py's own first request makes it; ``None`` without those internals."""
        nc = self._nc
        replies = getattr(nc, "_resp_map", None)
        prefix = getattr(nc, "_resp_sub_prefix", None)
        if not prefix and isinstance(replies, dict) and hasattr(nc, "_init_request_sub"):
            try:
                await nc._init_request_sub()
            except (nats.errors.ConnectionClosedError, nats.errors.ConnectionDrainingError) as err:
                raise ClosedError("the NATS connection is closed") from err
            replies, prefix = nc._resp_map, nc._resp_sub_prefix
        if not isinstance(replies, dict) or not prefix:
            return None
        if not self._direct_replies and self._wire is not None:
            self._direct_replies = True
            self._wire.resolve_replies_directly()
        return replies, prefix

    async def _plain_request(
        self,
        subject: str,
        payload: bytes,
        *,
        timeout: float,
        headers: Mapping[str, str] | None,
    ) -> NatsMsg:
        # Another nats-py version without the reply-map internals: its own request
        # (limits still checked; permission violations then show as timeouts).
        self._check_outgoing(subject, "_" * self._reply_length(_NATS_PY_TOKEN), payload, headers)
        try:
            return await self._nc.request(
                subject, payload, timeout=timeout, headers=dict(headers) if headers else None
            )
        except nats.errors.NoRespondersError as err:
            raise NoRespondersError(subject) from err
        except nats.errors.TimeoutError as err:
            raise JsmTimeoutError(f"no reply on {subject!r} within {timeout:g}s") from err
        except (nats.errors.ConnectionClosedError, nats.errors.ConnectionDrainingError) as err:
            raise ClosedError("the NATS connection is closed") from err
        except nats.errors.Error as err:
            raise JsmConnectionError(f"request on {subject!r} failed: {err}") from err

    async def publish(
        self,
        subject: str,
        payload: bytes = b"",
        *,
        reply: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Publish one message.

        Raises:
            InvalidNameError: the subject makes a protocol line longer than the server accepts.
            InvalidOptionError: headers and payload exceed ``max_payload``, or a bad header.
            ClosedError: the connection is closed.
            JsmConnectionError: the connection refused the message.
        """
        self._check_open()
        self._check_outgoing(subject, reply, payload, headers)
        await self._send(subject, payload, reply, headers, now=False)

    async def publish_to_server_subject(self, subject: str, payload: bytes) -> None:
        """Publish ``payload`` (no headers, no reply) to a subject the server made, such
        as a message's ack subject: nats-py parsed it out of a ``MSG`` line, so it is one
        token, and only its length is checked here (acks are the hot path of consuming).

        Raises:
            ClosedError: the connection is closed.
            JsmConnectionError: the connection refused the message.
        """
        self._check_open()
        if 4 * len(subject) + _SIZES_ROOM > self._max_control_line:
            await self.publish(subject, payload)  # near the limit: the exact checks
            return
        await self._send(subject, payload, "", None, now=False, checked=True)

    async def _send(
        self,
        subject: str,
        payload: bytes,
        reply: str,
        headers: Mapping[str, str] | None,
        *,
        now: bool,
        checked: bool = False,
    ) -> None:
        # Checked already. Without headers, straight into nats-py's buffer when it allows
        # (``checked``: the subject came from the server, so nats-py's whitespace test is moot).
        wire = self._wire
        try:
            if (
                wire is not None
                and not headers
                and await wire.publish(subject, reply, payload, now=now, checked=checked)
            ):
                return
            await self._nc.publish(
                subject, payload, reply=reply, headers=dict(headers) if headers else None
            )
        except (nats.errors.ConnectionClosedError, nats.errors.ConnectionDrainingError) as err:
            raise ClosedError("the NATS connection is closed") from err
        except nats.errors.BadSubjectError as err:
            raise InvalidNameError(
                f"invalid subject {subject!r} (or reply {reply!r}): no whitespace or control "
                "characters"
            ) from err
        except nats.errors.Error as err:
            raise JsmConnectionError(f"publish on {subject!r} failed: {err}") from err

    async def subscribe(
        self,
        subject: str,
        *,
        queue: str = "",
        callback: Callable[[NatsMsg], Awaitable[None]] | None = None,
        pending_msgs_limit: int = 65_536,
        direct: Handler | None = None,
    ) -> Subscription:
        """Subscribe; the caller owns the subscription and must unsubscribe it.

        With a ``callback``, ``direct`` (a synchronous handler returning whether it took
        the message) is offered each message first, as it is parsed, when nats-py allows
        it (:func:`jsm._wire.dispatch_directly`); what it declines goes to ``callback``.

        Raises:
            InvalidNameError: the subject or queue make a line longer than the server accepts.
            ClosedError: the connection is closed.
        """
        self._check_open()
        check_encodable(subject, what="subscription subject")
        check_encodable(queue, what="queue group")
        check_control_line(
            sub_line_length(subject, queue),
            self._max_control_line,
            what="subscription to",
            subject=subject,
        )
        try:
            sub = await self._nc.subscribe(
                subject, queue=queue, cb=callback, pending_msgs_limit=pending_msgs_limit
            )
        except (nats.errors.ConnectionClosedError, nats.errors.ConnectionDrainingError) as err:
            raise ClosedError("the NATS connection is closed") from err
        except nats.errors.Error as err:
            raise JsmConnectionError(f"subscribe to {subject!r} failed: {err}") from err
        if direct is not None and callback is not None and self._wire is not None:
            dispatch_directly(sub, direct)
        return sub

    async def flush(self, timeout: float) -> None:
        """Wait until the server has seen everything sent so far.

        May be cancelled or time out without harm to the connection (see :func:`round_trip`).

        Raises:
            JsmTimeoutError: the server did not answer in time.
            ClosedError: the connection is closed.
        """
        self._check_open()
        if not await round_trip(self._nc, timeout):
            raise JsmTimeoutError(f"flush did not complete within {timeout:g}s")

    def _check_outgoing(
        self, subject: str, reply: str, payload: bytes, headers: Mapping[str, str] | None
    ) -> None:
        # What the server would close the connection for, or nats-py would quietly change.
        # Every publish passes here: the exact measures run only near the limits.
        if not (subject.isascii() and reply.isascii()):
            check_encodable(subject, what="subject")
            check_encodable(reply, what="reply subject")
        header_size = header_block_size(headers) if headers else 0
        total = header_size + len(payload)
        if total > self._nc.max_payload:
            check_total_size(header_size, len(payload), self.max_payload, subject=subject)
        if 4 * (len(subject) + len(reply)) + _SIZES_ROOM > self._max_control_line:
            check_control_line(
                pub_line_length(subject, reply, header_size, total),
                self._max_control_line,
                what="publish to",
                subject=subject,
            )

    def _check_open(self) -> None:
        if self._nc.is_closed:
            raise ClosedError("the NATS connection is closed; connect again")


def _expire(future: asyncio.Future[NatsMsg]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


def status_of(msg: NatsMsg) -> tuple[str, str] | None:
    """Return ``(status, description)`` for a status message, ``None`` for a user message."""
    headers = msg.headers
    if not headers or msg.data:
        return None
    status = headers.get(STATUS_HEADER)
    if status is None:
        return None
    return status, headers.get(DESCRIPTION_HEADER, "")


async def next_msg(sub: Subscription, *, timeout: float) -> NatsMsg:
    """Wait for the next message of a callback-less subscription.

    Raises:
        JsmTimeoutError: nothing arrived within ``timeout`` seconds.
        ClosedError: the subscription or connection was closed.
    """
    try:
        return await sub.next_msg(timeout=timeout)
    except nats.errors.TimeoutError as err:
        raise JsmTimeoutError(f"no message on {sub.subject!r} within {timeout:g}s") from err
    except (nats.errors.ConnectionClosedError, nats.errors.BadSubscriptionError) as err:
        raise ClosedError(f"subscription to {sub.subject!r} is closed") from err


async def unsubscribe(sub: Subscription) -> None:
    """Remove a subscription; a closed connection or a second call is not an error."""
    try:
        await sub.unsubscribe()
    except (nats.errors.ConnectionClosedError, nats.errors.BadSubscriptionError):
        logger.debug("unsubscribe of %s after close ignored", sub.subject)


async def unsubscribe_shielded(sub: Subscription | None) -> None:
    """Unsubscribe on the way out, even while the caller is being cancelled.

    Cleanup must not be skipped by the cancellation that triggered it, nor hang on a
    stuck connection: the call is shielded and bounded by ``CLEANUP_TIMEOUT``.
    """
    if sub is not None:
        with anyio.move_on_after(CLEANUP_TIMEOUT, shield=True):
            await unsubscribe(sub)
