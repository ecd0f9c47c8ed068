"""The root of the exception tree, the server-error categories and the client-side errors.

The whole tree is drawn in :mod:`jsm._errors_base`; users import it from :mod:`jsm.errors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "AckError",
    "ApiError",
    "BadRequestError",
    "ClosedError",
    "ConfigValidationError",
    "ConflictError",
    "InvalidAckSubjectError",
    "InvalidNameError",
    "InvalidOptionError",
    "JetStreamUnavailableError",
    "JsmConnectionError",
    "JsmError",
    "JsmTimeoutError",
    "JsmWarning",
    "MissedHeartbeatError",
    "NoStreamAnsweredError",
    "NoStreamError",
    "NotFoundError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "PublishFailedError",
    "ServerError",
    "ServerNotFoundError",
    "ServiceUnavailableError",
    "SystemAccountRequiredError",
    "TooManyRequestsError",
    "UnexpectedReplyError",
    "UnsupportedApiLevelError",
    "ValidationProblem",
    "WrongConsumerTypeError",
]


class JsmWarning(UserWarning):
    """A name or option the server accepts but that is likely to cause trouble elsewhere."""


class JsmError(Exception):
    """The root of every exception jsm raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ApiError(JsmError):
    """An error reply from the JetStream API.

    Attributes:
        code: the HTTP-like status (400, 404, 503, ...).
        err_code: the JetStream error code (10059 is "stream not found").
        description: the server's text.
        context: what the request was about (``"stream 'ORDERS' in domain 'hub'"``).
        extra: any further fields the server sent with the error.
    """

    status: ClassVar[int | None] = None
    error_code: ClassVar[int | None] = None

    def __init__(
        self,
        code: int,
        err_code: int,
        description: str,
        *,
        context: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.err_code = err_code
        self.description = description
        self.context = context
        self.extra: dict[str, Any] = dict(extra or {})
        message = f"{description} (err_code {err_code}, status {code})"
        if context:
            message += f" — {context}"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_api_error,
            (type(self), self.code, self.err_code, self.description, self.context, self.extra),
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code}, err_code={self.err_code}, "
            f"description={self.description!r}, context={self.context!r})"
        )


def _rebuild_api_error(
    cls: type[ApiError],
    code: int,
    err_code: int,
    description: str,
    context: str | None,
    extra: dict[str, Any],
) -> ApiError:
    return cls(code, err_code, description, context=context, extra=extra)


class BadRequestError(ApiError):
    """The server rejected the request as invalid (status 400)."""

    status = 400


class NotFoundError(ApiError):
    """The stream, consumer or message does not exist (status 404)."""

    status = 404


class ConflictError(ApiError):
    """The request conflicts with the current state (status 409)."""

    status = 409


class PreconditionFailedError(ApiError):
    """A precondition of the request does not hold (status 412)."""

    status = 412


class TooManyRequestsError(ApiError):
    """The server is throttling requests (status 429)."""

    status = 429


class ServerError(ApiError):
    """The server failed to carry out the request (status 500)."""

    status = 500


class ServiceUnavailableError(ApiError):
    """JetStream is temporarily unavailable, e.g. during a leader election (status 503)."""

    status = 503


class JsmTimeoutError(JsmError, TimeoutError):
    """No reply arrived before the deadline."""


class JetStreamUnavailableError(JsmError):
    """Nothing answered a JetStream API request (no responders).

    Check that JetStream is enabled for the account and that the domain or API prefix is right.
    """


class NoStreamError(JsmError):
    """A publish found no stream capturing its subject: nothing answered, and
    ``STREAM.NAMES`` lists no stream for it in this account (or JetStream is off)."""


class NoStreamAnsweredError(JsmTimeoutError):
    """A publish got "no responders" until its deadline, though a stream may capture it.

    Usually the stream is electing a leader: nats-server notices a dead leader after 4
    to 9 seconds. Publish again, or give publishes a timeout longer than an election.
    """


class InvalidNameError(JsmError, ValueError):
    """A stream, consumer, bucket or key name breaks the naming rules."""


class InvalidOptionError(JsmError, ValueError):
    """An option is out of range or contradicts another; nothing was sent."""


class ValidationProblem(TypedDict):
    """One problem a :class:`ConfigValidationError` found, as pydantic reports it."""

    loc: tuple[int | str, ...]
    """The path to the value: ``("max_age",)``, ``("sources", 0, "name")``."""
    msg: str
    """What is wrong with it."""
    type: str
    """pydantic's error type, e.g. ``"int_type"`` or ``"value_error"``."""
    input: object
    """The value given."""


class ConfigValidationError(InvalidOptionError):
    """A model was given a value of the wrong type or out of range; nothing was sent.

    Every jsm model raises it instead of pydantic's ``ValidationError``: constructors
    (``jsm.StreamConfig(max_age=60)``), ``model_validate``, ``model_validate_json``,
    ``from_json``, ``from_wire`` and ``with_changes``. The message names each field at
    fault and what to give instead.

    Attributes:
        model: the model's class name (``"StreamConfig"``).
        details: one dict per problem, as pydantic reports them: ``loc`` (the path to
            the field, a tuple such as ``("sources", 0, "name")``), ``msg``, ``type``
            (pydantic's error type, e.g. ``"int_type"``) and ``input`` (the value given).
    """

    def __init__(
        self, message: str, *, model: str = "", details: Sequence[ValidationProblem] = ()
    ) -> None:
        self.model = model
        self.details: tuple[ValidationProblem, ...] = tuple(details)
        super().__init__(message)

    def errors(self) -> list[ValidationProblem]:
        """Return the problems (copies of :attr:`details`), like pydantic's ``errors()``."""
        return [item.copy() for item in self.details]

    def error_count(self) -> int:
        """Return how many problems were found."""
        return len(self.details)

    def __reduce__(self) -> tuple[Any, ...]:
        # Inputs can be anything (a socket, a lambda); a pickled copy keeps their repr.
        details = tuple(item | {"input": _picklable(item["input"])} for item in self.details)
        return (type(self), (self.message,), {"model": self.model, "details": details})


def _picklable(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    return repr(value)


class InvalidAckSubjectError(JsmError, ValueError):
    """A reply subject is not a JetStream ack subject."""


class UnsupportedApiLevelError(JsmError):
    """The server's JetStream API level is too old for the requested feature."""

    def __init__(self, feature: str, required: int, actual: int | None) -> None:
        self.feature = feature
        self.required = required
        self.actual = actual
        seen = "unknown" if actual is None else str(actual)
        super().__init__(
            f"{feature} needs JetStream API level {required}, the server reports {seen}; "
            "upgrade nats-server"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.feature, self.required, self.actual))


class UnexpectedReplyError(JsmError):
    """The server's reply could not be understood (a newer or misbehaving server)."""


class ClosedError(JsmError):
    """The connection, manager or subscription is closed."""


class JsmConnectionError(JsmError, ConnectionError):
    """The connection to the NATS server failed."""


class PermissionDeniedError(JsmError):
    """The server refused this connection's user a publish or a subscription (permissions).

    Raised at once, instead of a timeout, for a request whose subject the user may not
    publish to, or whose reply inbox it may not subscribe to.

    Attributes:
        subject: the subject (or subscription) the server refused.
        operation: ``"publish"``, ``"subscribe"`` or ``"reply"`` (the reply subject was refused).
    """

    def __init__(self, message: str, *, subject: str = "", operation: str = "publish") -> None:
        self.subject = subject
        self.operation = operation
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_permission_error, (self.message, self.subject, self.operation))


def _rebuild_permission_error(message: str, subject: str, operation: str) -> PermissionDeniedError:
    return PermissionDeniedError(message, subject=subject, operation=operation)


class AckError(JsmError):
    """A message cannot be acknowledged: it already was, or its consumer takes no acks."""


class WrongConsumerTypeError(JsmError):
    """A pull API was used on a push consumer, or a push API on a pull consumer."""


class MissedHeartbeatError(JsmError):
    """The server sent neither messages nor heartbeats for longer than the tolerance."""


def error_class_for(code: int, err_code: int, by_code: dict[int, type[ApiError]]) -> type[ApiError]:
    """Pick the most precise class: by ``err_code``, then by status, then ``ApiError``."""
    found = by_code.get(err_code)
    if found is not None:
        return found
    return _CATEGORY_BY_STATUS.get(code, ApiError)


_CATEGORY_BY_STATUS: dict[int, type[ApiError]] = {
    cls.status: cls
    for cls in (
        BadRequestError,
        NotFoundError,
        ConflictError,
        PreconditionFailedError,
        TooManyRequestsError,
        ServerError,
        ServiceUnavailableError,
    )
    if cls.status is not None
}


# ---- publish


class PublishFailedError(JsmError):
    """Pipelined publishes failed and nobody looked at their acknowledgements.

    Raised when a ``publisher()`` block ends, so no failure is lost silently.

    Attributes:
        failed: how many publishes failed without their error being retrieved.
        errors: the latest of those errors (at most 100), in the order they happened.
    """

    def __init__(self, message: str, failed: int = 0, errors: tuple[JsmError, ...] = ()) -> None:
        self.failed = failed
        self.errors = errors
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.failed, self.errors))


class SystemAccountRequiredError(JsmError):
    """The operation needs a connection in the system account (``$SYS``).

    Connect a second client with system-account credentials (``jsm.testing`` servers have
    user ``sys``/``sys``) and use it for server events and administration.
    """


# ---- admin


class ServerNotFoundError(JsmError):
    """No server with the given id or name answered a system-account request.

    ``js.admin.servers()`` (or ``varz()``) lists the servers and their ids.
    """
