"""Gather the replies of every server to a ``$SYS.REQ.SERVER.PING.<KIND>`` query.

A ping is one publish with a reply inbox; each server of the system account answers
once. Replies are collected until ``expect`` of them arrived, no reply came for a
``quiet`` period after the last one, or the timeout passed.
A query for one server goes to ``$SYS.REQ.SERVER.<id>.<KIND>`` instead.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import anyio
import pydantic

from jsm._constants import SYS_GATHER_MAX, SYS_PING_SUBJECT, SYS_SERVER_SUBJECT
from jsm._errors_base import (
    InvalidOptionError,
    JsmTimeoutError,
    ServerNotFoundError,
    UnexpectedReplyError,
)
from jsm._transport import NoRespondersError, next_msg, unsubscribe_shielded
from jsm.admin._system import require_system
from jsm.errors import api_error
from jsm.models._base import Model, ReplyModel, parse_reply

if TYPE_CHECKING:
    from jsm._transport import Transport

__all__ = ["Kind", "decode_reply", "gather", "is_server_id", "next_wait", "query_server"]

Kind = Literal["VARZ", "JSZ", "HEALTHZ"]
"""The system queries jsm types."""

R = TypeVar("R", bound=ReplyModel)

_SERVER_ID = re.compile(r"N[A-Z2-7]{55}")


def is_server_id(value: str) -> bool:
    """Whether ``value`` has the form of a server id (a 56-character public server nkey)."""
    return _SERVER_ID.fullmatch(value) is not None


def decode_reply(data: bytes, reply_type: type[R], *, kind: str) -> R:
    """Parse one server's ``{"server": …, "data": …}`` answer, raising its error if any.

    Raises:
        ApiError: the server answered with an error (bad options, ...).
        UnexpectedReplyError: the answer is not the expected shape.
    """
    try:
        raw: Any = json.loads(data)
    except ValueError as err:
        raise UnexpectedReplyError(f"{kind} reply is not JSON: {data[:80]!r}") from err
    if isinstance(raw, dict) and isinstance(raw.get("error"), dict):
        server = raw.get("server") or {}
        name = server.get("name") if isinstance(server, dict) else None
        raise api_error(raw["error"], context=f"{kind} query to server {name!r}")
    try:
        return parse_reply(reply_type, data)
    except pydantic.ValidationError as err:
        raise UnexpectedReplyError(
            f"could not parse a {kind} reply as {reply_type.__name__}: "
            f"{err.error_count()} problem(s), first: {err.errors()[0]['msg']}"
        ) from err


def next_wait(now: float, deadline: float, last_reply: float | None, quiet: float | None) -> float:
    """How long to wait for the next reply (0 or less: stop gathering).

    Until the first reply only the ``deadline`` counts; after it, the wait ends
    ``quiet`` seconds after the ``last_reply`` too, whichever comes first.
    """
    remaining = deadline - now
    if quiet is None or last_reply is None:
        return remaining
    return min(remaining, last_reply + quiet - now)


async def gather(
    transport: Transport,
    kind: Kind,
    body: Model,
    reply_type: type[R],
    *,
    timeout: float,
    expect: int | None = None,
    quiet: float | None = None,
) -> list[R]:
    """Ask every server (those ``body`` selects) and return their replies, by server name.

    Waits ``timeout`` seconds for replies, or less once ``expect`` replies arrived or
    once ``quiet`` seconds passed without a reply after the first one.

    Raises:
        SystemAccountRequiredError: the connection is not in the system account.
        ApiError: a server rejected the options.
    """
    if expect is not None and (isinstance(expect, bool) or expect < 1):
        raise InvalidOptionError(f"expect must be a positive number of servers (got {expect!r})")
    await require_system(transport, f"a {kind} query", timeout=timeout)
    deadline = anyio.current_time() + timeout
    inbox = transport.new_inbox()
    sub = await transport.subscribe(inbox, pending_msgs_limit=SYS_GATHER_MAX)
    replies: list[R] = []
    last_reply: float | None = None
    try:
        await transport.publish(f"{SYS_PING_SUBJECT}.{kind}", body.to_wire_json(), reply=inbox)
        while expect is None or len(replies) < expect:
            wait = next_wait(anyio.current_time(), deadline, last_reply, quiet)
            if wait <= 0:
                break
            try:
                msg = await next_msg(sub, timeout=wait)
            except JsmTimeoutError:
                break
            replies.append(decode_reply(msg.data, reply_type, kind=kind))
            last_reply = anyio.current_time()
    finally:
        await unsubscribe_shielded(sub)
    return sorted(replies, key=_server_name)


def _server_name(reply: ReplyModel) -> str:
    server = getattr(reply, "server", None)
    return str(getattr(server, "name", ""))


async def query_server(
    transport: Transport,
    kind: Kind,
    server_id: str,
    body: Model,
    reply_type: type[R],
    *,
    timeout: float,
) -> R:
    """Ask the server with id ``server_id`` alone.

    Raises:
        ServerNotFoundError: no server has that id.
        SystemAccountRequiredError: the connection is not in the system account.
        JsmTimeoutError: the server did not answer in time.
    """
    subject = SYS_SERVER_SUBJECT.format(id=server_id, kind=kind)
    try:
        msg = await transport.request(subject, body.to_wire_json(), timeout=timeout)
    except NoRespondersError:
        await require_system(transport, f"a {kind} query", timeout=timeout)
        raise ServerNotFoundError(
            f"no server with id {server_id!r} answered {subject!r}; "
            "js.admin.servers() lists the servers and their ids"
        ) from None
    return decode_reply(msg.data, reply_type, kind=kind)
