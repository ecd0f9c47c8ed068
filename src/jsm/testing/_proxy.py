"""A TCP relay on loopback that a test can cut and restore: a network partition on demand.

Servers linked through a :class:`LinkProxy` (a leaf node's remote, say) stay up while
the link between them goes away: :meth:`LinkProxy.cut` closes every relayed connection
and refuses new ones until :meth:`LinkProxy.restore`. Plain threads do the relaying, so
the proxy works the same under ``with`` and ``async with`` and needs no event loop.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading

__all__ = ["LinkProxy"]

_POLL = 0.1
"""Seconds a relay thread waits on its sockets before looking at the stop flag again."""

_BUFFER = 64 * 1024


class LinkProxy:
    """Relays TCP connections from ``127.0.0.1:<port>`` to ``127.0.0.1:<target_port>``.

    Point one server's outgoing link (a leaf node remote, a route) at :attr:`port`
    instead of the peer's own port; then :meth:`cut` drops the link and :meth:`restore`
    lets the server dial again.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_POLL)
        self.port: int = self._listener.getsockname()[1]
        """The port to connect to instead of the target's."""
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._cut = threading.Event()
        self._stopping = threading.Event()
        self.connections = 0
        """Connections relayed so far (a reconnecting peer adds one each time)."""

    @property
    def is_cut(self) -> bool:
        """Whether the link is cut."""
        return self._cut.is_set()

    def start(self) -> None:
        """Start accepting connections."""
        self._spawn(self._accept_loop)

    def stop(self) -> None:
        """Close every connection and the listener, and wait for the relay threads."""
        self._stopping.set()
        self._close_all()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def cut(self) -> None:
        """Drop every relayed connection and refuse new ones until :meth:`restore`."""
        self._cut.set()
        self._close_all()

    def restore(self) -> None:
        """Relay connections again (peers reconnect on their own schedule)."""
        self._cut.clear()

    # ------------------------------------------------------------------ internals

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]  # a bound method
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            if self._cut.is_set():
                _close(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update((client, upstream))
                self.connections += 1
            self._spawn(self._relay, client, upstream)

    def _relay(self, client: socket.socket, upstream: socket.socket) -> None:
        peers = {client: upstream, upstream: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                sock.setblocking(False)
                selector.register(sock, selectors.EVENT_READ)
            try:
                while not self._stopping.is_set() and not self._cut.is_set():
                    for key, _ in selector.select(_POLL):
                        source: socket.socket = key.fileobj  # type: ignore[assignment]  # registered sockets only
                        data = source.recv(_BUFFER)
                        if not data:
                            return
                        peers[source].setblocking(True)
                        peers[source].sendall(data)
                        peers[source].setblocking(False)
            except OSError:
                return
            finally:
                with self._lock:
                    self._open.difference_update(peers)
                for sock in peers:
                    _close(sock)

    def _close_all(self) -> None:
        # Shutting a socket down wakes the relay thread blocked on it, which then closes
        # both ends itself (closing here could hand its descriptor number to a new socket).
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
