"""Reading stored messages back: ``STREAM.MSG.GET`` and direct gets (ADR-31), single and batched.

A message comes back as a :class:`StoredMessage` whichever way it was read. The API get
goes through the stream leader and works on every stream; a direct get is answered by
any replica (and by mirrors with ``mirror_direct``) but needs ``allow_direct`` on the
stream. Batched and multi-last gets exist only as direct gets; they stream replies to
an inbox and end with a ``204 EOB`` status.
"""

from __future__ import annotations

import base64
import binascii
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Final

import anyio
import pydantic

from jsm._errors_base import JetStreamUnavailableError, JsmTimeoutError, UnexpectedReplyError
from jsm._generated_errors import (
    NoMessageFoundError,
    SequenceNotFoundError,
    StreamMsgDeleteFailedError,
)
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm._transport import NatsMsg, NoRespondersError, next_msg, status_of, unsubscribe
from jsm.api._client import raise_for_error
from jsm.models import (
    StreamMsgDeleteRequest,
    StreamMsgGetRequest,
    StreamMsgGetResponse,
    SuccessResponse,
)

if TYPE_CHECKING:
    from jsm.api import ApiClient

__all__ = ["StoredMessage", "api_get", "delete_message", "direct_get", "direct_get_batch"]

logger = logging.getLogger(__name__)

_DIRECT_HEADERS: Final = frozenset(
    {
        "Nats-Stream",
        "Nats-Subject",
        "Nats-Sequence",
        "Nats-Time-Stamp",
        "Nats-Num-Pending",
        "Nats-Last-Sequence",
        "Nats-UpTo-Sequence",
    }
)
_TIME: Final = pydantic.TypeAdapter(datetime)
# A file store answers a delete of a sequence past its end, or below its first one, with
# a generic 500 carrying the store's error text; a memory store (and a file store for a
# gap inside the stream) answers 400 "sequence N not found" (nats-server 2.10-2.12).
_STORE_NOT_FOUND: Final = {
    "stream store EOF": "past the end of the stream",
    "no message found": "already deleted or purged",
}
_BATCH_PENDING_LIMIT: Final = 4096


class StoredMessage:
    """One message as the stream stores it: subject, sequence, data, headers and time.

    Attributes:
        stream: the stream it was read from.
        subject: the subject it was stored under.
        seq: its stream sequence.
        data: the payload.
        headers: its headers (``None`` when it has none).
        time: when the stream stored it (UTC, microseconds).
    """

    __slots__ = ("data", "headers", "seq", "stream", "subject", "time")

    def __init__(
        self,
        *,
        stream: str,
        subject: str,
        seq: int,
        data: bytes,
        headers: dict[str, str] | None,
        time: datetime,
    ) -> None:
        self.stream = stream
        self.subject = subject
        self.seq = seq
        self.data = data
        self.headers = headers
        self.time = time

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StoredMessage):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable value object

    def __repr__(self) -> str:
        return (
            f"StoredMessage(stream={self.stream!r}, subject={self.subject!r}, seq={self.seq}, "
            f"data=<{len(self.data)} bytes>, headers={self.headers!r})"
        )


def parse_header_block(raw: bytes) -> dict[str, str] | None:
    """Parse a ``NATS/1.0`` header block (as ``STREAM.MSG.GET`` returns it, base64-decoded).

    A header given more than once keeps its last value, as nats-py does.
    """
    lines = raw.decode("utf-8", errors="replace").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name:
            headers[name.strip()] = value.strip()
    return headers or None


def _b64(text: str | None, *, what: str) -> bytes:
    if not text:
        return b""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as err:
        raise UnexpectedReplyError(f"the server sent {what} that is not base64") from err


async def api_get(
    api: ApiClient,
    stream: str,
    request: StreamMsgGetRequest,
    *,
    timeout: Duration | NotGiven = NOT_GIVEN,
    context: str | None = None,
) -> StoredMessage:
    """Get one message through the stream leader (``STREAM.MSG.GET``).

    ``context`` names what the caller reads in error messages (default: the stream).

    Raises:
        NoMessageFoundError: no message matches.
        StreamNotFoundError: the stream does not exist.
        UnexpectedReplyError: the reply does not parse.
    """
    reply = await api.request(
        f"STREAM.MSG.GET.{stream}",
        request,
        StreamMsgGetResponse,
        timeout=timeout,
        retry=True,
        context=context or f"stream {stream!r}",
    )
    wire = reply.message
    hdrs = _b64(wire.hdrs, what="headers")
    return StoredMessage(
        stream=stream,
        subject=wire.subject,
        seq=wire.seq,
        data=_b64(wire.data, what="data"),
        headers=parse_header_block(hdrs) if hdrs else None,
        time=wire.time,
    )


def _from_direct(stream: str, msg: NatsMsg, context: str) -> StoredMessage:
    headers = dict(msg.headers or {})
    try:
        seq = int(headers["Nats-Sequence"])
        subject = headers["Nats-Subject"]
        when = _TIME.validate_strings(headers["Nats-Time-Stamp"])
    except (KeyError, ValueError, pydantic.ValidationError) as err:
        raise UnexpectedReplyError(
            f"direct get reply for {context} lacks its Nats-* headers: {sorted(headers)}"
        ) from err
    user = {str(k): v for k, v in headers.items() if k not in _DIRECT_HEADERS}
    return StoredMessage(
        stream=headers.get("Nats-Stream", stream),
        subject=subject,
        seq=seq,
        data=bytes(msg.data),
        headers=user or None,
        time=when,
    )


def _raise_for_status(msg: NatsMsg, context: str) -> None:
    status = status_of(msg)
    if status is None:
        raise_for_error(msg.data, context=context)
        return
    code, description = status
    if code == "404":
        raise NoMessageFoundError(404, 10037, description or "no message found", context=context)
    raise UnexpectedReplyError(f"direct get for {context} failed: {code} {description}")


async def direct_get(
    api: ApiClient,
    stream: str,
    request: StreamMsgGetRequest | None,
    *,
    timeout: Duration | NotGiven = NOT_GIVEN,
    last_by_subject: str | None = None,
    context: str | None = None,
) -> StoredMessage:
    """Get one message from any replica (``DIRECT.GET``); the stream needs ``allow_direct``.

    ``context`` names what the caller reads in error messages (default: the stream).

    Raises:
        NoMessageFoundError: no message matches.
        JetStreamUnavailableError: nothing answered (direct gets are off, or no stream).
        UnexpectedReplyError: the reply is neither a message nor a known status.
    """
    context = context or f"stream {stream!r}"
    rest = f"DIRECT.GET.{stream}" + (f".{last_by_subject}" if last_by_subject else "")
    payload = request.to_wire_json() if request is not None else b""
    try:
        msg = await api.request_msg(rest, payload, timeout=timeout, retry=True, context=context)
    except JetStreamUnavailableError as err:
        raise _direct_unavailable(stream, context) from err
    _raise_for_status(msg, context)
    return _from_direct(stream, msg, context)


def _direct_unavailable(stream: str, context: str) -> JetStreamUnavailableError:
    if context != f"stream {stream!r}":
        return JetStreamUnavailableError(
            f"nothing answered a direct get for {context}: it does not exist, or is "
            "between leaders for a moment"
        )
    return JetStreamUnavailableError(
        f"nothing answered a direct get for stream {stream!r}: the stream does not exist "
        "or does not allow direct gets (set allow_direct=True, or use direct=False)"
    )


async def direct_get_batch(
    api: ApiClient,
    stream: str,
    request: StreamMsgGetRequest,
    *,
    timeout: Duration | NotGiven = NOT_GIVEN,
) -> list[StoredMessage]:
    """Run a batched or multi-last direct get (ADR-31) and collect its replies.

    The server streams one message per match to an inbox and ends with ``204 EOB``; a
    ``404`` means nothing matched. Memory is bounded by the request's ``batch``.

    Raises:
        JetStreamUnavailableError: nothing answered (direct gets are off, or no stream).
        JsmTimeoutError: the batch did not finish before the deadline.
    """
    context = f"stream {stream!r}"
    deadline = api.deadline(timeout)
    transport = api.transport
    inbox = transport.new_inbox()
    sub = await transport.subscribe(inbox, pending_msgs_limit=_BATCH_PENDING_LIMIT)
    found: list[StoredMessage] = []
    try:
        subject = api.subjects.api(f"DIRECT.GET.{stream}")
        await transport.publish(subject, request.to_wire_json(), reply=inbox)
        while True:
            remaining = deadline - anyio.current_time()
            if remaining <= 0:
                raise JsmTimeoutError(f"direct get batch for {context} did not finish in time")
            msg = await next_msg(sub, timeout=remaining)
            status = status_of(msg)
            if status is not None and status[0] == "204":
                return found
            if status is not None and status[0] == "404":
                return found
            if status is not None and status[0] == "503":
                raise _direct_unavailable(stream, context) from NoRespondersError(subject)
            _raise_for_status(msg, context)
            found.append(_from_direct(stream, msg, context))
    finally:
        with anyio.move_on_after(2, shield=True):
            await unsubscribe(sub)


async def delete_message(
    api: ApiClient,
    stream: str,
    seq: int,
    *,
    erase: bool,
    timeout: Duration | NotGiven = NOT_GIVEN,
) -> None:
    """Delete the message at ``seq`` (``STREAM.MSG.DELETE``), overwriting it if ``erase``.

    Raises:
        SequenceNotFoundError: no message has that sequence (past the end, or deleted),
            whatever the stream's storage.
        StreamMsgDeleteFailedError: the server could not delete it (e.g. deny_delete).
    """
    context = f"stream {stream!r} message {seq}"
    try:
        await api.request(
            f"STREAM.MSG.DELETE.{stream}",
            StreamMsgDeleteRequest(seq=seq, no_erase=None if erase else True),
            SuccessResponse,
            timeout=timeout,
            context=context,
        )
    except StreamMsgDeleteFailedError as err:
        why = _STORE_NOT_FOUND.get(err.description)
        if why is None:
            raise
        raise SequenceNotFoundError(
            400,
            10043,
            f"sequence {seq} not found ({why})",
            context=f"{context} {api.subjects.describe()}",
        ) from err
