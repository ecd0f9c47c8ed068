"""``js.publish`` and ``js.increment``: one checked, acknowledged publish at a time.

The options are checked here, before the wire (subject, payload size, expectations,
TTL, rollup); the request, its retries and the reply's typed errors are
:func:`~jsm.publish.publish_once`'s job.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Literal

from jsm._errors_base import InvalidOptionError, UnexpectedReplyError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.models import StreamMsgGetRequest, StreamMsgGetResponse
from jsm.publish._core import publish_once
from jsm.publish._options import (
    INCREMENT,
    Expect,
    Rollup,
    build_headers,
    check_payload,
    check_publish_subject,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jsm.api import ApiClient
    from jsm.models import PubAck

__all__ = ["increment", "publish"]


async def publish(
    api: ApiClient,
    subject: str,
    data: bytes,
    *,
    headers: Mapping[str, str] | None = None,
    msg_id: str | None = None,
    expect: Expect | None = None,
    ttl: Duration | Literal["never"] | None = None,
    rollup: Rollup | str | None = None,
    timeout: Duration | NotGiven = NOT_GIVEN,
) -> PubAck:
    """Check the options, publish ``data`` to ``subject`` and return the stream's ``PubAck``.

    Raises:
        InvalidNameError: the subject has wildcards or is malformed.
        InvalidOptionError: the payload is too large or an option is bad.
        ApiError: the stream refused the message (e.g. ``StreamWrongLastSequenceError``,
            ``MessageTTLDisabledError``).
        NoStreamError: no stream captures ``subject``.
        NoStreamAnsweredError: no stream answered in time (electing a leader?).
        JsmTimeoutError: no acknowledgement in time; the outcome is unknown.
    """
    check_publish_subject(subject, api.transport.max_subject_length)
    payload = check_payload(data, api.transport.max_payload, subject=subject)
    all_headers = build_headers(headers, msg_id=msg_id, expect=expect, ttl=ttl, rollup=rollup)
    tracing = api.transport.tracing
    if tracing is not None:  # a span, and its context in the headers (jsm.tracing)
        return await tracing.publish(
            subject,
            payload,
            all_headers,
            lambda traced: publish_once(api, subject, payload, headers=traced, timeout=timeout),
        )
    return await publish_once(api, subject, payload, headers=all_headers, timeout=timeout)


async def increment(
    api: ApiClient,
    subject: str,
    by: int = 1,
    *,
    msg_id: str | None = None,
    expect: Expect | None = None,
    timeout: Duration | NotGiven = NOT_GIVEN,
) -> int:
    """Add ``by`` to the counter on ``subject`` (``Nats-Incr``, ADR-49); return its new value.

    A duplicate (same ``msg_id`` within the window) adds nothing and returns the
    counter's current value.

    Raises:
        InvalidOptionError: ``by`` is not an integer.
        MessageIncrDisabledError: the stream was not created with ``allow_msg_counter``.
        NoStreamError: no stream captures ``subject``.
    """
    if isinstance(by, bool) or not isinstance(by, int):
        raise InvalidOptionError(f"by must be an integer (got {by!r})")
    check_publish_subject(subject, api.transport.max_subject_length)
    headers = build_headers({INCREMENT: str(by)}, msg_id=msg_id, expect=expect)
    ack = await publish_once(api, subject, b"", headers=headers, timeout=timeout)
    value = ack.value
    if value is None and ack.duplicate:
        value = await _current_counter(api, ack.stream, subject, timeout)
    if value is None:
        raise UnexpectedReplyError(
            f"the acknowledgement of an increment on {subject!r} carries no counter value"
        )
    return _counter_int(value, subject)


async def _current_counter(
    api: ApiClient, stream: str, subject: str, timeout: Duration | NotGiven
) -> str | None:
    # A duplicate increment's ack has no value: read the counter as it stands (ADR-49
    # stores it as {"val": "<decimal>"} in the subject's last message).
    reply = await api.request(
        f"STREAM.MSG.GET.{stream}",
        StreamMsgGetRequest(last_by_subj=subject),
        StreamMsgGetResponse,
        timeout=timeout,
        retry=True,
        context=f"counter {subject!r}",
    )
    try:
        body = json.loads(base64.b64decode(reply.message.data or ""))
    except ValueError:
        return None
    value = body.get("val") if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def _counter_int(value: str, subject: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise UnexpectedReplyError(
            f"the counter value {value!r} for {subject!r} is not an integer"
        ) from None
