"""Permission violations the server reports, matched to the requests they doom.

A publish or subscription the user may not make is not refused by the call that made
it: the server answers later with ``-ERR 'Permissions Violation for Publish to "X"'``
(or ``... for Subscription to "X"``, ``... with Reply of "X"``), and nats-py hands that
to the connection's error callback, lowercased. :class:`Denials` sits in that callback
(it forwards every error to the callback it replaced), fails the pending requests the
violation names with :class:`~jsm.errors.PermissionDeniedError` at once, and remembers
refused subscriptions, so later requests whose reply inbox can never be delivered fail
before they are sent. It neither logs nor owns tasks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from jsm._errors_base import PermissionDeniedError

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Awaitable, Callable

    from nats.aio.client import Client as NatsClient
    from nats.aio.msg import Msg as NatsMsg

    ErrorCallback = Callable[[Exception], Awaitable[None]]

__all__ = ["Denials", "Violation", "parse_violation", "subscription_matches"]

_VIOLATION: Final = re.compile(
    r'permissions violation for (publish to|publish with reply of|subscription to) "(.*?)"',
    re.IGNORECASE,
)
_OPERATIONS: Final = {
    "publish to": "publish",
    "publish with reply of": "reply",
    "subscription to": "subscribe",
}
REFUSED_KEPT: Final = 64
"""Refused subscriptions remembered per connection (oldest forgotten first): a bound."""


class Violation:
    """One permissions violation: the operation refused and its subject (lowercased)."""

    __slots__ = ("operation", "subject")

    def __init__(self, operation: str, subject: str) -> None:
        self.operation = operation
        self.subject = subject


def parse_violation(err: BaseException) -> Violation | None:
    """Return the violation an error callback's error reports, or ``None`` for other errors."""
    found = _VIOLATION.search(str(err))
    if found is None:
        return None
    return Violation(_OPERATIONS[found.group(1).lower()], found.group(2).lower())


def subscription_matches(pattern: str, subject: str) -> bool:
    """Whether ``subject`` falls under a subscription ``pattern`` (``*`` and ``>`` tokens)."""
    want, have = pattern.split("."), subject.split(".")
    for index, token in enumerate(want):
        if token == ">":
            return len(have) > index
        if index >= len(have) or (token != "*" and token != have[index]):
            return False
    return len(want) == len(have)


def _is_wildcard(pattern: str) -> bool:
    return any(token in ("*", ">") for token in pattern.split("."))


class Denials:
    """The permission violations of one connection, and the requests waiting on it.

    One instance per nats-py connection, installed as its error callback:
    :meth:`attach` reuses the instance already there, so every manager and transport of
    a connection shares it.
    """

    __slots__ = ("_forward", "_next_key", "_pending", "_reconnects", "_refused", "_stats")

    def __init__(self, forward: ErrorCallback | None = None) -> None:
        self._forward = forward
        self._pending: dict[int, tuple[str, str, asyncio.Future[NatsMsg]]] = {}
        self._next_key = 0
        self._refused: dict[str, None] = {}  # an ordered set, bounded by REFUSED_KEPT
        self._stats: dict[str, int] | None = None
        self._reconnects = 0

    @classmethod
    def attach(cls, nc: NatsClient) -> Denials:
        """Return the connection's instance, installing one that chains to its error callback."""
        current = getattr(nc, "_error_cb", None)
        owner = getattr(current, "__self__", None)
        denials = owner if isinstance(owner, Denials) else cls(current)
        if denials is not owner:
            nc._error_cb = denials.on_error
        if denials._stats is None:
            denials._stats = nc.stats
            denials._reconnects = nc.stats.get("reconnects", 0)
        return denials

    async def on_error(self, err: Exception) -> None:
        """The connection's error callback: note a violation, then pass the error on."""
        violation = parse_violation(err)
        if violation is not None:
            self.note(violation)
        if self._forward is not None:
            await self._forward(err)

    def note(self, violation: Violation) -> None:
        """Fail the pending requests ``violation`` dooms; remember a refused subscription."""
        if violation.operation == "subscribe" and _is_wildcard(violation.subject):
            # Only a wildcard subscription (nats-py's reply inbox "<prefix>.*") can be
            # the inbox of later requests; each of their replies is new.
            self._forget_if_reconnected()
            self._refused[violation.subject] = None
            while len(self._refused) > REFUSED_KEPT:
                del self._refused[next(iter(self._refused))]
        for subject, reply, future in list(self._pending.values()):
            if future.done():
                continue
            error = _error_for(violation, subject, reply)
            if error is not None:
                future.set_exception(error)

    def check_reply(self, reply: str) -> None:
        """Refuse a request whose reply inbox lies under a subscription the server refused.

        Raises:
            PermissionDeniedError: replies to ``reply`` cannot be delivered.
        """
        if not self._refused:
            return
        self._forget_if_reconnected()
        lowered = reply.lower()
        for pattern in self._refused:
            if subscription_matches(pattern, lowered):
                raise _inbox_error(reply)

    def track(self, subject: str, reply: str, future: asyncio.Future[NatsMsg]) -> int:
        """Register a pending request; return the key to :meth:`untrack` it with."""
        self._next_key += 1
        self._pending[self._next_key] = (subject, reply, future)
        return self._next_key

    def untrack(self, key: int) -> None:
        """Forget a request that has its answer (or gave up)."""
        self._pending.pop(key, None)

    def _forget_if_reconnected(self) -> None:
        # A reconnect sends every subscription again and the server judges each anew
        # (its permissions may have changed): refusals from before no longer hold.
        reconnects = self._stats.get("reconnects", 0) if self._stats is not None else 0
        if reconnects != self._reconnects:
            self._reconnects = reconnects
            self._refused.clear()


def _error_for(violation: Violation, subject: str, reply: str) -> PermissionDeniedError | None:
    if violation.operation == "publish" and subject.lower() == violation.subject:
        return PermissionDeniedError(
            f"permission denied: the server refused this connection's user a publish to "
            f"{subject!r}; ask for publish permission on it, or use a subject the user may "
            "publish to",
            subject=subject,
            operation="publish",
        )
    if violation.operation == "reply" and reply.lower() == violation.subject:
        return PermissionDeniedError(
            f"permission denied: the server refused {reply!r} as the reply subject of a "
            f"request to {subject!r}",
            subject=reply,
            operation="reply",
        )
    if violation.operation == "subscribe" and subscription_matches(
        violation.subject, reply.lower()
    ):
        return _inbox_error(reply)
    return None


def _inbox_error(reply: str) -> PermissionDeniedError:
    inbox = reply.rsplit(".", 1)[0] + ".*"
    return PermissionDeniedError(
        f"permission denied: the server refused this connection's user a subscription to "
        f"its reply inbox {inbox!r}, so no reply can arrive; allow the user to subscribe to "
        "'_INBOX.>', or connect with inbox_prefix= set to a subject it may subscribe to",
        subject=inbox,
        operation="subscribe",
    )
