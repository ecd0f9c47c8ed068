"""A service endpoint: its handler (raw, bytes or a pydantic model), its reply rules and stats."""

from __future__ import annotations

import inspect
import logging
import time
import typing
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from jsm._errors_base import (
    ClosedError,
    InvalidOptionError,
    JsmConnectionError,
    JsmError,
    ServiceError,
)
from jsm.models._base import Model
from jsm.models.services import EndpointInfo, EndpointStats
from jsm.services.request import ServiceRequest

if TYPE_CHECKING:
    from jsm._transport import NatsMsg, Transport

__all__ = ["Endpoint", "Handler"]

logger = logging.getLogger(__name__)

Handler = Callable[[Any], Awaitable[Any]]
"""An async function taking a :class:`ServiceRequest`, ``bytes`` or a pydantic model."""


def _as_is(request: ServiceRequest) -> object:
    return request


def _payload(request: ServiceRequest) -> object:
    return request.data


def _parser_of(handler: Handler, name: str) -> Callable[[ServiceRequest], object]:
    """Decide from the handler's one parameter annotation what it receives."""
    if not inspect.iscoroutinefunction(handler):
        raise InvalidOptionError(
            f"the handler of endpoint {name!r} must be an async function (async def)"
        )
    params = list(inspect.signature(handler).parameters.values())
    if len(params) != 1 or params[0].kind not in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        raise InvalidOptionError(
            f"the handler of endpoint {name!r} must take exactly one positional parameter "
            "(a ServiceRequest, bytes, or a pydantic model)"
        )
    if params[0].annotation is inspect.Parameter.empty:
        return _as_is
    try:
        annotation = typing.get_type_hints(handler).get(params[0].name)
    except (NameError, TypeError) as err:
        # An annotation imported only for type checking: raw requests and bytes are known
        # by name; a model must be importable at run time to parse the payload.
        text = params[0].annotation
        last = text.rsplit(".", 1)[-1] if isinstance(text, str) else ""
        if last in ("ServiceRequest", "Request"):
            return _as_is
        if last == "bytes":
            return _payload
        raise InvalidOptionError(
            f"cannot resolve the parameter annotation of endpoint {name!r}'s handler ({err}); "
            "define its model at module level"
        ) from err
    if annotation is None or annotation is ServiceRequest:
        return _as_is
    if annotation is bytes:
        return _payload
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        model = annotation
        return lambda request: model.model_validate_json(request.data)
    raise InvalidOptionError(
        f"the handler of endpoint {name!r} takes {annotation!r}; annotate its parameter with "
        "ServiceRequest, bytes or a pydantic model"
    )


def encode_reply(result: object) -> bytes:
    """Turn what a handler returned into the reply payload."""
    if result is None:
        return b""
    if isinstance(result, bytes):
        return result
    if isinstance(result, str):
        return result.encode()
    if isinstance(result, Model):
        return result.to_wire_json()
    if isinstance(result, BaseModel):
        return result.model_dump_json(by_alias=True).encode()
    if isinstance(result, bytearray | memoryview):
        return bytes(result)
    raise TypeError(
        f"the handler returned {type(result).__name__}; return bytes, str, a pydantic model or None"
    )


def _describe_validation(err: ValidationError) -> str:
    problems = []
    for item in err.errors(include_url=False)[:5]:
        where = ".".join(str(part) for part in item["loc"])
        problems.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    return f"invalid {err.title}: " + "; ".join(problems)


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
        self._parse = _parser_of(handler, name)
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

    async def handle(self, transport: Transport, msg: NatsMsg) -> None:
        """Run the handler on one message and reply; never raises (except cancellation)."""
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

    async def _run(self, request: ServiceRequest) -> tuple[int, str] | None:
        try:
            result = await self._handler(self._parse(request))
            if not request.has_responded:
                await request.respond(encode_reply(result))
        except ServiceError as err:
            return err.code, err.description
        except ValidationError as err:
            return 400, _describe_validation(err)
        except (ClosedError, JsmConnectionError) as err:  # the reply cannot go out
            logger.debug("endpoint %s: %s", self.name, err)
            return 500, f"{type(err).__name__}: {err}"
        except Exception as err:
            logger.warning("endpoint %s: handler failed", self.name, exc_info=True)
            return 500, f"{type(err).__name__}: {err}"
        return None

    def __repr__(self) -> str:
        return f"<Endpoint {self.name!r} subject={self.subject!r} queue_group={self.queue_group!r}>"
