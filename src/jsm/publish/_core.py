"""One publish, one acknowledgement: the request every higher publishing helper uses.

KV puts, object metadata, batch commits and ``js.publish`` all go through
:func:`publish_once`, so the rules live here once. A reply with an error becomes its
typed exception. "No responders" means nothing was stored: it is retried until the
deadline (a stream electing a leader has no responders for seconds), after one
``STREAM.NAMES`` look-up at the first one tells a subject no stream captures
(:class:`~jsm.errors.NoStreamError`, at once) from a stream that does not answer
(:class:`~jsm.errors.NoStreamAnsweredError`, at the deadline). A publish whose
acknowledgement does not come is sent again only when it carries a ``Nats-Msg-Id``,
which the stream deduplicates; otherwise its outcome is unknown and the timeout says so.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio

from jsm._constants import MIN_TIMEOUT, PUBLISH_MIN_TRY, PUBLISH_STREAM_CHECK_TIMEOUT
from jsm._errors_base import (
    ApiError,
    JetStreamUnavailableError,
    JsmError,
    JsmTimeoutError,
    NoStreamAnsweredError,
    NoStreamError,
)
from jsm._generated_errors import NotEnabledError, NotEnabledForAccountError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm._transport import NoRespondersError
from jsm.api._retry import attempt_span, is_transient, transient_error
from jsm.models import PubAck, StreamNamesResponse
from jsm.publish._options import MSG_ID

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jsm._transport import NatsMsg
    from jsm.api import ApiClient

__all__ = [
    "decode_pub_ack",
    "no_stream_answered",
    "no_stream_error",
    "publish_once",
    "publish_request",
    "publish_timeout",
    "streams_capturing",
]

logger = logging.getLogger(__name__)


async def publish_once(
    api: ApiClient,
    subject: str,
    payload: bytes,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: Duration | NotGiven = NOT_GIVEN,
    context: str | None = None,
    resendable: bool = True,
) -> PubAck:
    """Publish ``payload`` to ``subject`` as a request and return the stream's ``PubAck``.

    Retries (with ``api.retry``'s backoff, all within the deadline) "no responders" and
    the transient error replies of a leader election; a lost acknowledgement only when
    the headers carry a ``Nats-Msg-Id`` and the publish is ``resendable``: not for a batch
    commit (its batch is gone once committed) nor for writes whose caller cannot give a
    msg_id (KV, object metadata), whose timeouts then do not advise one. ``context``
    names the caller's object in error messages (e.g. ``"bucket 'CONFIG'"``).

    Raises:
        ApiError: the stream refused the message (the subclass for its error code).
        NoStreamError: no stream captures ``subject``.
        NoStreamAnsweredError: no stream answered before the deadline (an election?).
        JsmTimeoutError: no acknowledgement before the deadline; the outcome is unknown.
    """
    span = api.publish_seconds(timeout)
    deadline = anyio.current_time() + span
    idempotent = resendable and api.retry.enabled and headers is not None and MSG_ID in headers
    first_wait = attempt_span(span) if idempotent else span
    # The first try is inline: this is every publish's hot path, one request and no more.
    try:
        msg = await api.transport.request_lean(
            subject, payload, timeout=min(first_wait, span), headers=headers
        )
    except (NoRespondersError, JsmTimeoutError) as err:
        failure: Exception = err
    else:
        try:
            return decode_pub_ack(api, msg.data, subject=subject, context=context)
        except ApiError as err:
            if not is_transient(err) or not api.retry.enabled:
                raise
            failure = err
    attempts = _Attempts(api, subject, payload, headers, context, span, deadline)
    attempts.idempotent = idempotent
    attempts.resendable = resendable
    msg = await attempts.retry(failure)
    return decode_pub_ack(api, msg.data, subject=subject, context=context)


async def publish_request(
    api: ApiClient,
    subject: str,
    payload: bytes,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: Duration | NotGiven = NOT_GIVEN,
    context: str | None = None,
    hint: str | None = None,
) -> NatsMsg:
    """Publish as a request whose reply is not a ``PubAck`` (an atomic batch's messages).

    Retries like :func:`publish_once`, except after a timeout (a batch message cannot be
    sent twice), and returns the first reply that is neither "no responders" nor a
    transient error; ``hint`` replaces the advice of :class:`NoStreamError`.

    Raises:
        NoStreamError: no stream captures ``subject``.
        NoStreamAnsweredError: no stream answered before the deadline (an election?).
        JsmTimeoutError: no reply before the deadline; the outcome is unknown.
    """
    span = api.publish_seconds(timeout)
    deadline = anyio.current_time() + span
    try:
        msg = await api.transport.request_lean(subject, payload, timeout=span, headers=headers)
    except (NoRespondersError, JsmTimeoutError) as err:
        failure: Exception = err
    else:
        error = transient_error(msg.data, context=api.describe(context))
        if error is None or not api.retry.enabled:
            return msg
        failure = error
    attempts = _Attempts(api, subject, payload, headers, context, span, deadline)
    attempts.resendable = False
    attempts.hint = hint
    return await attempts.retry(failure)


class _Attempts:
    """The retries of one publish after its first try failed in a retryable way."""

    def __init__(
        self,
        api: ApiClient,
        subject: str,
        payload: bytes,
        headers: Mapping[str, str] | None,
        context: str | None,
        span: float,
        deadline: float,
    ) -> None:
        self.api = api
        self.subject = subject
        self.payload = payload
        self.headers = headers
        self.context = context
        self.span = span
        self.deadline = deadline
        self.idempotent = False  # sent again when its ack does not come (it has a msg_id)
        self.resendable = True  # a msg_id can make sending it again safe
        self.hint: str | None = None  # what to do when no stream captures the subject
        self.tries = 1
        self.streams: list[str] | None = None  # from STREAM.NAMES, once asked
        self.checked = False
        self.maybe_stored = False  # a try timed out: it may have been stored

    async def retry(self, failure: Exception) -> NatsMsg:
        """Try again until a reply that is neither "no responders" nor a transient error."""
        while True:
            await self._before_next(failure)
            remaining = self.deadline - anyio.current_time()
            if remaining < PUBLISH_MIN_TRY:
                raise self._give_up(failure)
            wait = min(attempt_span(self.span), remaining) if self.idempotent else remaining
            self.tries += 1
            try:
                msg = await self.api.transport.request_lean(
                    self.subject, self.payload, timeout=wait, headers=self.headers
                )
            except (NoRespondersError, JsmTimeoutError) as err:
                failure = err
                continue
            error = transient_error(msg.data, context=self.api.describe(self.context))
            if error is None:
                return msg
            failure = error

    async def _before_next(self, failure: Exception) -> None:
        """Raise if ``failure`` ends the publish; else wait for the next try's turn."""
        if isinstance(failure, JsmTimeoutError):
            self.maybe_stored = True
            if not self.idempotent or anyio.current_time() >= self.deadline:
                raise self._timeout(failure) from failure
            logger.debug(
                "publish to %s: no acknowledgement, sending it again (try %d, msg_id %s)",
                self.subject,
                self.tries + 1,
                _msg_id(self.headers),
            )
            return  # the wait is spent already
        if isinstance(failure, NoRespondersError) and not self.checked:
            self.checked = True
            self.streams = await streams_capturing(self.api, self.subject, self.deadline)
            if self.streams == []:
                raise no_stream_error(self.api, self.subject, self.context, hint=self.hint)
        remaining = self.deadline - anyio.current_time()
        if not self.api.retry.enabled or remaining < PUBLISH_MIN_TRY:
            raise self._give_up(failure)
        # Half the time left at most, so the try after the pause has time for its reply.
        delay = min(self.api.retry.delay(self.tries), remaining / 2)
        logger.debug(
            "publish to %s: %s, retry %d in %.3fs",
            self.subject,
            "no responders" if isinstance(failure, NoRespondersError) else failure,
            self.tries,
            delay,
        )
        await anyio.sleep(delay)

    def _give_up(self, failure: Exception) -> Exception:
        if isinstance(failure, ApiError):
            return failure  # what the server said last: still electing
        if isinstance(failure, JsmTimeoutError):
            return self._timeout(failure)
        return no_stream_answered(
            self.subject,
            self.span,
            context=self.context,
            streams=self.streams,
            maybe_stored=self.maybe_stored,
        )

    def _timeout(self, failure: JsmTimeoutError) -> JsmTimeoutError:
        return publish_timeout(
            self.subject,
            self.span,
            context=self.context,
            msg_id=_msg_id(self.headers),
            tries=self.tries,
            resendable=self.resendable,
        )


async def streams_capturing(api: ApiClient, subject: str, deadline: float) -> list[str] | None:
    """Ask ``STREAM.NAMES`` which streams capture ``subject``; ``None`` if it cannot tell.

    An empty list means none does (or JetStream is off for the account). Errors, a
    meta leader election outlasting the API retries, a publisher without API
    permissions (no answer within ``PUBLISH_STREAM_CHECK_TIMEOUT``) and a JetStream
    nothing answers for (a leaf domain behind a cut link, or none at all) give ``None``.
    """
    budget = min(deadline - anyio.current_time(), PUBLISH_STREAM_CHECK_TIMEOUT)
    if budget < MIN_TIMEOUT.total_seconds():
        return None
    try:
        reply = await api.request(
            "STREAM.NAMES",
            {"subject": subject},
            StreamNamesResponse,
            timeout=budget,
            retry=True,
            context=f"streams for subject {subject!r}",
        )
    except (NotEnabledError, NotEnabledForAccountError):
        return []
    except JetStreamUnavailableError as err:
        # Unreachable rather than absent, perhaps: a leaf domain's JetStream behind a cut
        # link comes back by itself, so the publish goes on until its deadline.
        logger.debug("publish to %s: JetStream did not answer either: %s", subject, err)
        return None
    except JsmError as err:
        logger.debug("publish to %s: could not list its streams: %s", subject, err)
        return None
    return list(reply.streams or [])


def no_stream_error(
    api: ApiClient, subject: str, context: str | None = None, *, hint: str | None = None
) -> NoStreamError:
    """The error for a publish to ``subject`` that no stream captures."""
    about = f" ({context})" if context else ""
    advice = hint or "create a stream whose subjects include it, or check the subject"
    return NoStreamError(
        f"no stream captures subject {subject!r}{about} {api.subjects.describe()}; {advice}"
    )


def no_stream_answered(
    subject: str,
    span: float,
    *,
    context: str | None = None,
    streams: list[str] | None = None,
    maybe_stored: bool = False,
) -> NoStreamAnsweredError:
    """The error for a publish that got "no responders" until its deadline."""
    about = f" ({context})" if context else ""
    which = f" (stream {', '.join(map(repr, streams))} captures it)" if streams else ""
    stored = (
        "an earlier try may have been stored (its msg_id makes publishing again safe)"
        if maybe_stored
        else "nothing was stored"
    )
    unreachable = (
        ""
        if streams
        else ", or its JetStream may be unreachable (not enabled, a wrong domain, a cut leaf link)"
    )
    return NoStreamAnsweredError(
        f"no stream answered a publish to {subject!r}{about} within {span:g}s{which}: "
        "it may be electing a leader (nats-server takes 4 to 9 s to replace a dead "
        f"one){unreachable}; {stored}; publish again, or give publishes a longer timeout "
        "(publish_timeout)"
    )


def publish_timeout(
    subject: str,
    span: float,
    *,
    context: str | None = None,
    msg_id: str | None = None,
    tries: int = 1,
    resendable: bool = True,
) -> JsmTimeoutError:
    """The error for a publish whose acknowledgement never came: its outcome is unknown.

    With a ``msg_id``, publishing again is safe, and the message says so; without one,
    it says how to make a retry safe (``resendable=False``: neither, for a batch commit,
    a KV write or object metadata).
    """
    about = f" ({context})" if context else ""
    within = f"within {span:g}s" + (f" ({tries} tries)" if tries > 1 else "")
    start = f"no acknowledgement for a publish to {subject!r}{about}"
    if not resendable:
        return JsmTimeoutError(f"{start} {within}: the outcome is unknown (it may be stored)")
    if msg_id is not None:
        return JsmTimeoutError(
            f"{start} with msg_id {msg_id!r} {within}: the outcome is unknown; publishing it "
            "again with the same msg_id is safe within the stream's duplicate window"
        )
    return JsmTimeoutError(
        f"{start} {within}: the outcome is unknown (the message may have been stored); "
        "a msg_id makes publishing again safe, as the stream drops a second copy within "
        "its duplicate window"
    )


def decode_pub_ack(
    api: ApiClient, data: bytes, *, subject: str, context: str | None = None
) -> PubAck:
    """Parse a publish reply: the typed error for ``{"error": …}``, else the ``PubAck``.

    Raises:
        ApiError: the reply is an error.
        UnexpectedReplyError: the reply is not a PubAck.
    """
    return api.decode(data, PubAck, subject=subject, context=context)


def _msg_id(headers: Mapping[str, str] | None) -> str | None:
    return headers.get(MSG_ID) if headers else None
