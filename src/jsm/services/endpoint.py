"""A service endpoint: its handler, its reply and error rules, and its stats (ADR-32).

What a handler takes and returns is decided (and checked) by
:mod:`jsm.services._handlers` when the endpoint is made. Here a request is run: a
payload that does not parse answers 400 with what is wrong with it; a
:class:`~jsm.errors.ServiceError` answers its own code and text; any other exception
answers 500 with a generic description and is logged with its traceback, so nothing of
the service's internals reaches the caller or ``$SRV.STATS``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from pydantic import ValidationError

from jsm._errors_base import (
    ClosedError,
    ConfigValidationError,
    InvalidOptionError,
    JsmConnectionError,
    JsmError,
    ServiceError,
)
from jsm.models.services import EndpointInfo, EndpointStats
from jsm.services._handlers import check_return, encode_reply, parser_of
from jsm.services.request import ServiceRequest

if TYPE_CHECKING:
    from jsm._transport import NatsMsg, Transport

__all__ = ["INTERNAL_ERROR", "REPLY_NOT_SENT", "Endpoint", "Handler"]

logger = logging.getLogger(__name__)

Handler = Callable[[Any], Awaitable[Any]]
"""An async function taking a :class:`ServiceRequest`, ``bytes`` or a pydantic model."""

INTERNAL_ERROR: Final = "internal error"
"""The description a caller (and ``$SRV.STATS``) gets when a handler fails unexpectedly;
the exception itself goes to the ``jsm.services.endpoint`` logger."""

REPLY_NOT_SENT: Final = "the reply could not be sent: the connection is closed or was lost"
"""The error ``$SRV.STATS`` records when the connection failed under a finished handler."""


def _describe_validation(err: ValidationError) -> str:
    problems = []
    for item in err.errors(include_url=False)[:5]:
        where = ".".join(str(part) for part in item["loc"])
        problems.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    return f"invalid {err.title}: " + "; ".join(problems)


def _chosen(err: ServiceError) -> tuple[int, str] | None:
    """The code and text a ServiceError asks for, if they can go in the reply headers."""
    code, description = err.code, err.description
    if isinstance(code, bool) or not isinstance(code, int) or not isinstance(description, str):
        return None
    return code, description


class Endpoint:
    """One endpoint of a service: name, subject, queue group, handler and counters."""

    __slots__ = (
        "_handler",
        "_parse",
        "last_error",
        "metadata",
        "name",
        "num_errors",
        "num_requests",
        "processing_time",
        "queue_group",
        "subject",
    )

    def __init__(
        self,
        name: str,
        handler: Handler,
        *,
        subject: str,
        queue_group: str,
        metadata: dict[str, str],
    ) -> None:
        self._parse = parser_of(handler, name)
        check_return(handler, name)
        self._handler = handler
        self.name = name
        """The endpoint's name (unique within its service)."""
        self.subject = subject
        """The subject it listens on (group prefix included)."""
        self.queue_group = queue_group
        """The queue group its instances share."""
        self.metadata = metadata
        """Free-form string pairs shown by ``$SRV.INFO``."""
        self.num_requests = 0
        self.num_errors = 0
        self.processing_time = 0
        self.last_error = ""

    def reset(self) -> None:
        """Zero the counters."""
        self.num_requests = self.num_errors = self.processing_time = 0
        self.last_error = ""

    def info(self) -> EndpointInfo:
        """What ``$SRV.INFO`` says about this endpoint."""
        return EndpointInfo(
            name=self.name,
            subject=self.subject,
            queue_group=self.queue_group,
            metadata=dict(self.metadata),
        )

    def stats(self, data: object = None) -> EndpointStats:
        """What ``$SRV.STATS`` says about this endpoint."""
        average = self.processing_time // self.num_requests if self.num_requests else 0
        return EndpointStats(
            name=self.name,
            subject=self.subject,
            queue_group=self.queue_group,
            num_requests=self.num_requests,
            num_errors=self.num_errors,
            last_error=self.last_error,
            processing_time=self.processing_time,
            average_processing_time=average,
            data=data,
        )

    async def handle(self, transport: Transport, msg: NatsMsg) -> tuple[int, str] | None:
        """Run the handler on one message and reply; never raises (except cancellation).

        Returns the error code and description the request was answered with, if any.
        """
        started = time.perf_counter_ns()
        request = ServiceRequest(transport, msg.subject, msg.reply, msg.data, msg.headers)
        error = await self._run(request)
        if error is None:
            error = request._error
        elif not request.has_responded:
            try:
                await request.error(*error)
            except JsmError as err:
                logger.debug("error reply on %s not sent: %s", self.subject, err)
        self.num_requests += 1
        if error is not None:
            self.num_errors += 1
            self.last_error = f"{error[0]}:{error[1]}"
        self.processing_time += time.perf_counter_ns() - started
        return error

    async def _run(self, request: ServiceRequest) -> tuple[int, str] | None:
        """Run the handler; return the error to answer with, or ``None`` if all went well."""
        try:
            argument = self._parse(request)
        except ValidationError as err:  # the caller's payload: say what is wrong with it
            return 400, _describe_validation(err)
        except ConfigValidationError as err:  # the same, for a jsm model
            return 400, err.message
        except Exception:
            return self._failed(request)
        try:
            result = await self._handler(argument)
            if request.has_responded:
                return None
            payload = encode_reply(result)
        except ServiceError as err:
            return _chosen(err) or self._failed(request)
        except Exception:
            return self._failed(request)
        try:
            await request.respond(payload)
        except (ClosedError, JsmConnectionError) as err:
            logger.debug("endpoint %s: reply on %s not sent: %s", self.name, request.subject, err)
            return 500, REPLY_NOT_SENT
        except InvalidOptionError:  # a reply over max_payload
            return self._failed(request)
        return None

    def _failed(self, request: ServiceRequest) -> tuple[int, str]:
        """Log the exception being handled, with its traceback; answer a generic 500."""
        logger.error(
            "endpoint %r: the handler failed on %r; the caller gets 500 %r",
            self.name,
            request.subject,
            INTERNAL_ERROR,
            exc_info=True,
        )
        return 500, INTERNAL_ERROR

    def __repr__(self) -> str:
        return f"<Endpoint {self.name!r} subject={self.subject!r} queue_group={self.queue_group!r}>"
