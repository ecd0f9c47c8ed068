"""A connection's disconnects, reconnects and close, told to the loops that must react.

nats-py reports them to the connection's ``disconnected_cb``, ``reconnected_cb`` and
``closed_cb``. :class:`StatusWatch` sits in those three (forwarding to the callbacks it
replaced, as :class:`~jsm._permissions.Denials` does for errors) and calls every
registered listener, so a consume loop sleeps until something happens instead of
polling the connection every second: a thousand idle loops then cost nothing between
heartbeats. Without those attributes (another nats-py), :meth:`StatusWatch.attach` gives
``None`` and the loops poll as before. Listeners must be quick and must not raise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nats.aio.client import Client as NatsClient

    Callback = Callable[[], Awaitable[None]]

__all__ = ["StatusWatch"]

_CALLBACKS = ("_disconnected_cb", "_reconnected_cb", "_closed_cb")


class StatusWatch:
    """The listeners to one connection's status changes (one instance per connection)."""

    __slots__ = ("_closed", "_disconnected", "_listeners", "_next_key", "_reconnected")

    def __init__(
        self, disconnected: Callback | None, reconnected: Callback | None, closed: Callback | None
    ) -> None:
        self._disconnected = disconnected
        self._reconnected = reconnected
        self._closed = closed
        self._listeners: dict[int, Callable[[], None]] = {}
        self._next_key = 0

    @classmethod
    def attach(cls, nc: NatsClient) -> StatusWatch | None:
        """Return the connection's watch, installing one in its three status callbacks;
        ``None`` when this nats-py keeps them elsewhere."""
        if not all(hasattr(nc, name) for name in _CALLBACKS):
            return None
        owner = getattr(nc._reconnected_cb, "__self__", None)
        if isinstance(owner, StatusWatch):
            return owner
        watch = cls(nc._disconnected_cb, nc._reconnected_cb, nc._closed_cb)
        nc._disconnected_cb = watch._on_disconnected
        nc._reconnected_cb = watch._on_reconnected
        nc._closed_cb = watch._on_closed
        return watch

    def listen(self, listener: Callable[[], None]) -> int:
        """Call ``listener`` at every status change; return the key to :meth:`unlisten` with."""
        self._next_key += 1
        self._listeners[self._next_key] = listener
        return self._next_key

    def unlisten(self, key: int) -> None:
        """Stop calling the listener registered under ``key``."""
        self._listeners.pop(key, None)

    def _notify(self) -> None:
        for listener in list(self._listeners.values()):
            listener()

    async def _on_disconnected(self) -> None:
        self._notify()
        if self._disconnected is not None:
            await self._disconnected()

    async def _on_reconnected(self) -> None:
        self._notify()
        if self._reconnected is not None:
            await self._reconnected()

    async def _on_closed(self) -> None:
        self._notify()
        if self._closed is not None:
            await self._closed()
