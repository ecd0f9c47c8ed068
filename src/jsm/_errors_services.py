"""The errors of services (ADR-32): one a handler raises to answer, one a caller receives."""

from __future__ import annotations

from typing import Any

from jsm._errors_core import JsmError

__all__ = [
    "NoServiceRespondersError",
    "ServiceError",
    "ServiceRequestError",
]


class ServiceError(JsmError):
    """Raise it in a service handler to answer with this error code and description.

    ``raise ServiceError(404, "no such user")`` replies with the headers
    ``Nats-Service-Error: no such user`` and ``Nats-Service-Error-Code: 404``.
    """

    def __init__(self, code: int, description: str) -> None:
        self.code = code
        self.description = description
        super().__init__(f"{code}: {description}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.code, self.description))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code}, description={self.description!r})"


class ServiceRequestError(JsmError):
    """A service answered a request with an error (its ``Nats-Service-Error`` headers)."""

    def __init__(self, code: int, description: str, *, subject: str = "") -> None:
        self.code = code
        self.description = description
        self.subject = subject
        where = f" — service endpoint {subject!r}" if subject else ""
        super().__init__(f"service error {code}: {description}{where}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_service_request_error,
            (type(self), self.code, self.description, self.subject),
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code}, description={self.description!r}, "
            f"subject={self.subject!r})"
        )


def _rebuild_service_request_error(
    cls: type[ServiceRequestError], code: int, description: str, subject: str
) -> ServiceRequestError:
    return cls(code, description, subject=subject)


class NoServiceRespondersError(JsmError):
    """Nobody listens on a service subject: the service is not running or not reachable."""
