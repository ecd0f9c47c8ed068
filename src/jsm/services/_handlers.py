"""What a service handler takes and returns, checked when its endpoint is added (ADR-32).

The handler's one parameter decides what it receives: the raw
:class:`~jsm.services.ServiceRequest` (or no annotation), the payload as ``bytes``, or a
pydantic model parsed from the JSON payload. Its return annotation, when it has one,
must name something :func:`encode_reply` can send. Both are checked at registration,
so a handler of the wrong shape fails when the service is built, not at its first
request. Annotations only importable for type checking cannot be checked then; what
such a handler returns is checked on every reply instead.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from typing import Any, Final

from pydantic import BaseModel

from jsm._errors_base import InvalidOptionError
from jsm.models._base import Model
from jsm.services.request import ServiceRequest

__all__ = ["SUPPORTED_RETURNS", "check_return", "encode_reply", "parser_of"]

SUPPORTED_RETURNS: Final = (
    "bytes, str, bytearray, memoryview, a pydantic model or None (or a union of these)"
)
"""What a handler may return, in words (for error messages)."""

_REPLY_TYPES: Final = (bytes, str, bytearray, memoryview, BaseModel, type(None))
_ANYTHING: Final = (typing.Any, object, typing.NoReturn, typing.Never)
_UNIONS: Final = (typing.Union, types.UnionType)

Parser = Callable[[ServiceRequest], object]


def _as_is(request: ServiceRequest) -> object:
    return request


def _payload(request: ServiceRequest) -> object:
    return request.data


def _resolve(handler: Callable[..., Any], annotation: object) -> object:
    """Evaluate one annotation of ``handler`` (a string under postponed evaluation).

    Each annotation is resolved on its own, so one that cannot be resolved does not
    hide the others.

    Raises:
        NameError | TypeError | SyntaxError: as :func:`typing.get_type_hints` does.
    """
    if not isinstance(annotation, str):
        return annotation
    holder = types.SimpleNamespace(__annotations__={"hint": annotation})
    scope = getattr(inspect.unwrap(handler), "__globals__", None)
    return typing.get_type_hints(holder, globalns=scope)["hint"]


def parser_of(handler: Callable[..., Any], name: str) -> Parser:
    """Decide from the handler's one parameter annotation what it receives.

    Raises:
        InvalidOptionError: not an async function of one positional parameter, or a
            parameter annotation other than ServiceRequest, bytes or a pydantic model.
    """
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
    text = params[0].annotation
    try:
        annotation = _resolve(handler, text)
    except (NameError, TypeError, SyntaxError) as err:
        # An annotation imported only for type checking: raw requests and bytes are known
        # by name; a model must be importable at run time to parse the payload.
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


def check_return(handler: Callable[..., Any], name: str) -> None:
    """Check the handler's return annotation names something a reply can carry.

    Raises:
        InvalidOptionError: the annotation names another type (``int``, ``dict``, ...).
    """
    annotation = inspect.signature(handler).return_annotation
    if annotation is inspect.Signature.empty:
        return
    try:
        hint = _resolve(handler, annotation)
    except (NameError, TypeError, SyntaxError):
        return  # known only at run time: encode_reply checks each reply instead
    if not _sendable(hint):
        shown = hint.__name__ if isinstance(hint, type) else str(hint)
        raise InvalidOptionError(
            f"the handler of endpoint {name!r} is annotated to return {shown}; "
            f"a handler returns {SUPPORTED_RETURNS}"
        )


def _sendable(hint: object) -> bool:
    if hint is None or any(hint is anything for anything in _ANYTHING):
        return True
    if isinstance(hint, typing.TypeVar):
        return True  # decided by the caller's types; checked per reply
    if typing.get_origin(hint) in _UNIONS:
        return all(_sendable(arg) for arg in typing.get_args(hint))
    return isinstance(hint, type) and issubclass(hint, _REPLY_TYPES)


def encode_reply(result: object) -> bytes:
    """Turn what a handler returned into the reply payload.

    Raises:
        TypeError: ``result`` is none of the supported types.
    """
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
    raise TypeError(f"the handler returned {type(result).__name__}; return {SUPPORTED_RETURNS}")
