"""The connection a snapshot or restore runs on, watched while the transfer waits.

The server's side of a transfer is tied to the connection it started on: a snapshot's
chunks and a restore's acknowledgements go to inboxes of that connection, and after a
reconnect nothing resumes them. So a wait in a transfer ends with
:class:`~jsm.errors.JsmConnectionError` as soon as the connection drops or has
reconnected, instead of at its timeout; what the transfer leaves behind (a partial file,
a restore the server never finishes) is cleaned up by its caller or the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeVar

import anyio

from jsm._errors_base import JsmConnectionError

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from jsm._transport import Transport

__all__ = ["Connection"]

T = TypeVar("T")

_POLL: Final = 0.25
"""Seconds between checks that the connection holds while a transfer waits."""


class Connection:
    """The connection a transfer started on, named after the transfer (for errors)."""

    __slots__ = ("_reconnects", "_transport", "_what")

    def __init__(self, transport: Transport, what: str) -> None:
        self._transport = transport
        self._reconnects = transport.reconnects
        self._what = what

    def holds(self) -> bool:
        """Whether the connection is up and has not reconnected since the transfer began."""
        transport = self._transport
        return transport.is_connected and transport.reconnects == self._reconnects

    async def watch(self, work: Awaitable[T], *, finishing: bool = False) -> T:
        """Await ``work``; raise at once if the connection is lost meanwhile.

        ``finishing`` says that the transfer's last step was sent, so a loss leaves its
        outcome unknown (a restored stream may exist).

        Raises:
            JsmConnectionError: the connection was lost.
        """
        done: list[T] = []
        failed: list[Exception] = []
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._watch, tg.cancel_scope)
            try:
                done.append(await work)
            except Exception as err:  # raised below, not wrapped in the task group's group
                failed.append(err)
            finally:
                tg.cancel_scope.cancel()
        if failed:
            raise failed[0]
        if done:
            return done[0]
        outcome = (
            "its outcome is unknown: check whether the stream exists before restoring again"
            if finishing
            else "the server does not resume a transfer after a reconnect: start it again"
        )
        raise JsmConnectionError(f"the connection was lost during the {self._what}; {outcome}")

    async def _watch(self, scope: anyio.CancelScope) -> None:
        while True:
            await anyio.sleep(_POLL)
            if not self.holds():
                scope.cancel()
                return
