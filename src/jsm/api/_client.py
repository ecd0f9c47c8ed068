"""The one request path for every ``$JS.API`` call.

It maps the subject (domain / API prefix), serialises the request model, sets the
``Nats-Required-Api-Level`` header when a feature needs it, turns ``{"error": …}``
replies into typed exceptions, retries idempotent requests during leader elections
(the conditions :mod:`jsm.api._retry` names) within one shared deadline, and parses
the reply into its model.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, TypeVar

import anyio
import pydantic

from jsm._constants import (
    API_CHECK_TIMEOUT,
    API_LEVEL_HEADER,
    DEFAULT_PUBLISH_TIMEOUT,
    MIN_TIMEOUT,
    PUBLISH_MIN_TRY,
)
from jsm._errors_base import (
    JetStreamUnavailableError,
    JsmError,
    JsmTimeoutError,
    UnexpectedReplyError,
    UnsupportedApiLevelError,
)
from jsm._options import NOT_GIVEN, Duration, NotGiven, to_timedelta
from jsm._transport import NoRespondersError, Transport
from jsm.api._retry import NO_RETRY, Retry, is_transient_reply
from jsm.errors import api_error
from jsm.models import AccountInfo, Model
from jsm.models._base import parse_reply

if TYPE_CHECKING:
    from datetime import timedelta

    from nats.aio.msg import Msg as NatsMsg

    from jsm.subjects import ApiSubjects

__all__ = ["ApiClient"]

logger = logging.getLogger(__name__)

R = TypeVar("R", bound=Model)

Body = Model | dict[str, object] | bytes | None


class ApiClient:
    """Sends typed JetStream API requests over one transport and subject mapping.

    ``timeout`` is the default deadline of API requests; ``publish_timeout`` that of
    publishes (their retries included), which must outlast a stream leader election.
    """

    def __init__(
        self,
        transport: Transport,
        subjects: ApiSubjects,
        *,
        timeout: timedelta,
        retry: Retry,
        publish_timeout: timedelta = DEFAULT_PUBLISH_TIMEOUT,
    ) -> None:
        self.transport = transport
        self.subjects = subjects
        self.timeout = timeout
        self.publish_timeout = publish_timeout
        self.retry = retry
        self.api_level: int | None = None
        """The server's API level, learned from the last account info (None until then)."""

    def deadline(self, timeout: Duration | NotGiven = NOT_GIVEN) -> float:
        """Return the absolute deadline (anyio clock) for a call with ``timeout``.

        Raises:
            InvalidOptionError: the timeout is not positive or is under 0.5 s.
        """
        span = (
            self.timeout
            if isinstance(timeout, NotGiven)
            else to_timedelta(timeout, name="timeout", minimum=MIN_TIMEOUT)
        )
        return anyio.current_time() + span.total_seconds()

    def publish_seconds(self, timeout: Duration | NotGiven = NOT_GIVEN) -> float:
        """Return how long a publish with ``timeout`` may take, in seconds
        (``publish_timeout`` unless given).

        Raises:
            InvalidOptionError: the timeout is not positive or is under 0.5 s.
        """
        if isinstance(timeout, NotGiven):
            return self.publish_timeout.total_seconds()
        return to_timedelta(timeout, name="timeout", minimum=MIN_TIMEOUT).total_seconds()

    def require_api_level(self, feature: str, level: int) -> dict[str, str]:
        """Return the header a request for ``feature`` needs (ADR-44).

        Raises:
            UnsupportedApiLevelError: the server is known to be older than ``level``.
        """
        if self.api_level is not None and self.api_level < level:
            raise UnsupportedApiLevelError(feature, level, self.api_level)
        return {API_LEVEL_HEADER: str(level)}

    async def request(
        self,
        rest: str,
        body: Body,
        reply_type: type[R],
        *,
        timeout: Duration | NotGiven = NOT_GIVEN,
        retry: bool = False,
        headers: dict[str, str] | None = None,
        context: str | None = None,
    ) -> R:
        """Send ``$JS.API.<rest>`` and parse the reply as ``reply_type``.

        Raises:
            ApiError: the server answered with an error (the subclass for its code).
            JetStreamUnavailableError: nothing answered.
            JsmTimeoutError: no reply before the deadline.
            UnexpectedReplyError: the reply is not a valid ``reply_type``.
        """
        msg = await self.request_msg(
            rest, encode(body), timeout=timeout, retry=retry, headers=headers, context=context
        )
        # Name the API subject asked, not the reply's inbox.
        return self.decode(msg.data, reply_type, subject=self.subjects.api(rest), context=context)

    async def request_msg(
        self,
        rest: str,
        payload: bytes = b"",
        *,
        timeout: Duration | NotGiven = NOT_GIVEN,
        retry: bool = False,
        headers: dict[str, str] | None = None,
        context: str | None = None,
    ) -> NatsMsg:
        """Send ``$JS.API.<rest>`` and return the raw reply message (for direct gets).

        With ``retry``, "no responders" and the known-transient error replies (a leader
        election) are retried until the deadline (or ``Retry.attempts`` tries), except a
        "no responders" nothing will answer (see :meth:`_may_answer`), which fails at
        once; other error bodies are left to the caller, since raw replies are not
        always JSON.

        Raises:
            JetStreamUnavailableError: nothing answered.
            JsmTimeoutError: no reply before the deadline.
        """
        subject = self.subjects.api(rest)
        deadline = self.deadline(timeout)
        policy = self.retry if retry else NO_RETRY
        attempt = 1
        checked = False
        while True:
            remaining = deadline - anyio.current_time()
            if remaining <= 0:
                raise JsmTimeoutError(f"no reply on {subject!r} before the deadline")
            try:
                msg = await self.transport.request(
                    subject, payload, timeout=remaining, headers=headers
                )
            except NoRespondersError:
                if not self._retries_left(policy, attempt, deadline) or (
                    not checked and not await self._may_answer(rest, deadline)
                ):
                    raise self._unavailable(subject, context) from None
                checked = True
                reason = "no responders"
            else:
                if not is_transient_reply(msg.data) or not self._retries_left(
                    policy, attempt, deadline
                ):
                    return msg  # a transient error given up on: the caller raises it
                reason = "a transient error reply"
            # Half the time left at most, so the try after the pause has time for its reply.
            delay = min(policy.delay(attempt), (deadline - anyio.current_time()) / 2)
            logger.debug(
                "retrying %s after %s (attempt %d, %.3fs)", subject, reason, attempt, delay
            )
            await anyio.sleep(delay)
            attempt += 1

    def decode(
        self, data: bytes, reply_type: type[R], *, subject: str, context: str | None = None
    ) -> R:
        """Parse a reply body: raise the typed error for ``{"error": …}``, else the model.

        Raises:
            ApiError: the body is an error reply.
            UnexpectedReplyError: the body is not a valid reply (an ``"error"`` that is not
                an error object included).
        """
        raise_for_error(data, context=self.describe(context), subject=subject)
        try:
            return parse_reply(reply_type, data)
        except pydantic.ValidationError as err:
            first = err.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            about = f" ({context})" if context else ""
            raise UnexpectedReplyError(
                f"could not parse the reply to {subject!r}{about} as {reply_type.__name__}: "
                f"{err.error_count()} problem(s), first: {where + ': ' if where else ''}"
                f"{first['msg']}"
            ) from err

    async def account_info(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> AccountInfo:
        """Ask ``$JS.API.INFO`` for the account's usage, limits and API level.

        Raises:
            JetStreamUnavailableError: JetStream is not enabled or not reachable.
        """
        info = await self.request("INFO", None, AccountInfo, timeout=timeout, retry=True)
        self.api_level = info.api_level
        return info

    @staticmethod
    def _retries_left(policy: Retry, attempt: int, deadline: float) -> bool:
        return policy.allows(attempt) and deadline - anyio.current_time() >= PUBLISH_MIN_TRY

    async def _may_answer(self, rest: str, deadline: float) -> bool:
        """After a first "no responders" on ``$JS.API.<rest>``: whether waiting can help.

        Every JetStream server serves the API subjects, so nothing answers them only while
        JetStream is unreachable: ``INFO`` tells (no responders there too: disabled, or a
        wrong domain). A direct get is served by the servers of a stream with direct gets
        on: ``STREAM.INFO`` tells whether it exists and allows them. A look-up that cannot
        tell (no reply in time) lets the retries go on.
        """
        budget = min(deadline - anyio.current_time(), API_CHECK_TIMEOUT)
        stream = rest.split(".")[2] if rest.startswith("DIRECT.GET.") else None
        probe = "INFO" if stream is None else f"STREAM.INFO.{stream}"
        if probe == rest or budget <= 0:
            return False
        try:
            reply = await self.transport.request(self.subjects.api(probe), timeout=budget)
        except NoRespondersError:
            return False
        except JsmError as err:
            logger.debug("could not tell whether %s can be answered: %s", rest, err)
            return True
        return stream is None or _allows_direct(reply.data)

    def describe(self, context: str | None = None) -> str:
        """Say what a request was about and where it went, for error messages."""
        where = self.subjects.describe()
        return f"{context} {where}" if context else where

    def _unavailable(self, subject: str, context: str | None) -> JetStreamUnavailableError:
        about = f" for {context}" if context else ""
        return JetStreamUnavailableError(
            f"no JetStream server answered {subject!r}{about} ({self.subjects.describe()}); "
            "check that JetStream is enabled for this account and that the domain or "
            "API prefix is right"
        )


def _allows_direct(stream_info: bytes) -> bool:
    """Whether a ``STREAM.INFO`` reply is of a stream that serves direct gets."""
    try:
        reply = json.loads(stream_info)
    except ValueError:
        return True  # cannot tell: keep trying
    config = reply.get("config") if isinstance(reply, dict) else None
    return isinstance(config, dict) and config.get("allow_direct") is True


def encode(body: Body) -> bytes:
    """Serialise a request body: a model (``None`` fields left out), a dict, or bytes."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, Model):
        return body.to_wire_json()
    return json.dumps(body, separators=(",", ":")).encode()


def raise_for_error(data: bytes, *, context: str | None = None, subject: str | None = None) -> None:
    """Raise the typed :class:`ApiError` if ``data`` is an API error reply.

    With ``subject`` (the API subject a typed reply answers), an ``"error"`` that is not
    an error object is a reply nobody can read: without it, a call expecting
    ``{"success": …}`` would take ``{"error": "boom"}`` for a plain failure, or for
    nothing at all. Without ``subject`` (a raw reply, such as a stored message's body),
    only an error object counts.

    Raises:
        ApiError: the reply's error object, as the class for its code.
        UnexpectedReplyError: with ``subject``, an ``"error"`` that is not an object.
    """
    if b'"error"' not in data:
        return
    try:
        reply = json.loads(data)
    except ValueError:
        return
    error = reply.get("error") if isinstance(reply, dict) else None
    if isinstance(error, dict):
        raise api_error(error, context=context)
    if error is not None and subject is not None:
        about = f" ({context})" if context else ""
        raise UnexpectedReplyError(
            f"the reply to {subject!r}{about} has an 'error' that is not an error object: "
            f"{json.dumps(error)[:200]}"
        )
