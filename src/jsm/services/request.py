"""One request to a service endpoint, as a raw handler sees it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from jsm._errors_base import InvalidNameError, InvalidOptionError

if TYPE_CHECKING:
    from jsm._transport import Transport

__all__ = [
    "ERROR_CODE_HEADER",
    "ERROR_HEADER",
    "Request",
    "ServiceRequest",
    "check_headers",
    "check_payload",
]

ERROR_HEADER = "Nats-Service-Error"
ERROR_CODE_HEADER = "Nats-Service-Error-Code"


class ServiceRequest:
    """A request to a service endpoint: its payload, headers and subject, and the reply verbs.

    A handler annotated with this type (or not annotated) gets the raw request. It may
    answer with :meth:`respond` or :meth:`error` itself; otherwise what it returns is
    the reply. Only the first answer is sent.
    """

    __slots__ = ("_error", "_responded", "_transport", "data", "headers", "reply", "subject")

    def __init__(
        self,
        transport: Transport,
        subject: str,
        reply: str,
        data: bytes,
        headers: dict[str, str] | None,
    ) -> None:
        self._transport = transport
        self.subject = subject
        """The subject the request arrived on (useful with wildcard endpoints)."""
        self.reply = reply
        """Where the answer goes; empty when the sender expects none."""
        self.data = data
        """The request payload."""
        self.headers: dict[str, str] = headers or {}
        """The request headers (empty when there were none)."""
        self._responded = False
        self._error: tuple[int, str] | None = None

    @property
    def has_responded(self) -> bool:
        """Whether an answer (reply or error) was sent already."""
        return self._responded

    async def respond(self, data: bytes = b"", *, headers: Mapping[str, str] | None = None) -> None:
        """Send the reply.

        Raises:
            InvalidOptionError: the request was answered already, ``data`` is not bytes or
                is over the server's max_payload, or ``headers`` is not a dict of strings
                or holds a bad name or a line break (then nothing was sent).
            ClosedError: the connection is closed.
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidOptionError(
                f"reply data must be bytes (got {type(data).__name__}); encode text with "
                ".encode(), or return it from the handler"
            )
        check_payload(data, self._transport.max_payload, what="reply")
        check_headers(headers)
        if self._responded:
            raise InvalidOptionError(
                f"the request on {self.subject!r} was answered already; answer once"
            )
        self._responded = True
        if self.reply:
            try:
                await self._transport.publish(self.reply, bytes(data), headers=headers)
            except (InvalidNameError, InvalidOptionError):
                self._responded = False  # nothing went out: an error reply still can
                raise

    async def error(
        self,
        code: int,
        description: str,
        *,
        data: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Send an error reply (``Nats-Service-Error`` / ``Nats-Service-Error-Code`` headers).

        The endpoint counts it as an error in its stats.

        Raises:
            InvalidOptionError: the request was answered already, or ``code`` is not an
                integer or ``description`` not a string.
        """
        if isinstance(code, bool) or not isinstance(code, int):
            raise InvalidOptionError(f"an error code is an integer such as 404 (got {code!r})")
        if not isinstance(description, str):
            raise InvalidOptionError(
                f"an error description is a string (got {type(description).__name__})"
            )
        check_headers(headers)
        all_headers = dict(headers or {})
        description = one_line(description)
        all_headers[ERROR_HEADER] = description
        all_headers[ERROR_CODE_HEADER] = str(code)
        self._error = (code, description)
        await self.respond(data, headers=all_headers)

    def __repr__(self) -> str:
        return f"<ServiceRequest subject={self.subject!r} {len(self.data)} bytes>"


def check_headers(headers: Mapping[str, str] | None) -> None:
    """Check headers are a mapping of strings to strings, before they reach the wire.

    Raises:
        InvalidOptionError: another shape.
    """
    if headers is None:
        return
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise InvalidOptionError(f"headers must map strings to strings (got {headers!r})")


def check_payload(data: bytes | bytearray | memoryview, limit: int, *, what: str) -> None:
    """Check a payload fits in one message of the server's ``max_payload``.

    Raises:
        InvalidOptionError: it does not.
    """
    if len(data) > limit:
        raise InvalidOptionError(
            f"the {what} is {len(data)} bytes; the server takes at most {limit} (its max_payload)"
        )


def one_line(text: str) -> str:
    """Fold a description onto one line: header values cannot hold line breaks."""
    return " ".join(text.split()) if ("\n" in text or "\r" in text) else text


Request = ServiceRequest
"""Short name of :class:`ServiceRequest` (``from jsm.services import Request``)."""
