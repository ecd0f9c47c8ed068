"""One publish, one acknowledgement: the request every higher publishing helper uses.

KV puts, object chunks and ``js.publish`` all go through :func:`publish_once`, so the
rules live here once: a reply with an error becomes its typed exception, "no
responders" means no stream captures the subject (retried briefly, since it is also
what a stream without a leader looks like), and the deadline covers every retry.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio

from jsm._constants import MIN_TIMEOUT
from jsm._errors_base import JsmTimeoutError, NoStreamError
from jsm._options import NOT_GIVEN, Duration, NotGiven, duration_seconds
from jsm._transport import NoRespondersError
from jsm.models import PubAck

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jsm.api import ApiClient

__all__ = ["decode_pub_ack", "publish_once"]

logger = logging.getLogger(__name__)


async def publish_once(
    api: ApiClient,
    subject: str,
    payload: bytes,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: Duration | NotGiven = NOT_GIVEN,
    context: str | None = None,
) -> PubAck:
    """Publish ``payload`` to ``subject`` as a request and return the stream's ``PubAck``.

    "No responders" is retried with ``api.retry``'s backoff within the deadline (a
    stream electing a leader has none for a moment); ``context`` names the caller's
    object in error messages (e.g. ``"bucket 'CONFIG'"``).

    Raises:
        ApiError: the stream refused the message (the subclass for its error code).
        NoStreamError: no stream captures ``subject``.
        JsmTimeoutError: no acknowledgement before the deadline.
    """
    span = (
        api.timeout.total_seconds()
        if isinstance(timeout, NotGiven)
        else duration_seconds(timeout, name="timeout", minimum=MIN_TIMEOUT)
    )
    deadline = anyio.current_time() + span
    remaining = span  # one clock read on the common path: this is every publish's hot path
    attempt = 1
    while True:
        if attempt > 1:
            remaining = deadline - anyio.current_time()
        if remaining <= 0:
            raise JsmTimeoutError(f"no acknowledgement for a publish to {subject!r} in time")
        try:
            msg = await api.transport.request_lean(
                subject, payload, timeout=remaining, headers=headers
            )
        except NoRespondersError:
            if attempt >= api.retry.attempts or deadline - anyio.current_time() <= 0:
                about = f" ({context})" if context else ""
                raise NoStreamError(
                    f"no stream captures subject {subject!r}{about}; create a stream whose "
                    "subjects include it, or check the subject"
                ) from None
            delay = min(api.retry.delay(attempt), max(0.0, deadline - anyio.current_time()))
            logger.debug("publish to %s: no responders, retry %d in %.3fs", subject, attempt, delay)
            await anyio.sleep(delay)
            attempt += 1
            continue
        return decode_pub_ack(api, msg.data, subject=subject, context=context)


def decode_pub_ack(
    api: ApiClient, data: bytes, *, subject: str, context: str | None = None
) -> PubAck:
    """Parse a publish reply: the typed error for ``{"error": …}``, else the ``PubAck``.

    Raises:
        ApiError: the reply is an error.
        UnexpectedReplyError: the reply is not a PubAck.
    """
    return api.decode(data, PubAck, subject=subject, context=context)
