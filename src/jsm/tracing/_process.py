"""The process span a caller opens around its handling of a message: ``process``, ``processor``."""

from __future__ import annotations

import contextlib
import functools
import inspect
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from jsm._errors_base import InvalidOptionError
from jsm.consumers.message import Msg

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from contextlib import AbstractContextManager

__all__ = ["process", "processor"]

P = ParamSpec("P")
R = TypeVar("R")


def process(msg: Msg, /) -> AbstractContextManager[None]:
    """Open the process span of ``msg`` around the code that handles it.

    ``with jsm.tracing.process(msg): ...`` — the span is a child of the producer's
    context carried by the message, it is current inside the block (spans started there
    are its children, and publishes there carry its context on), an exception leaving
    the block marks it failed, and ``ack``/``nak``/``term`` inside are events on it.
    Does nothing when the message's connection is not traced.

    Raises:
        InvalidOptionError: ``msg`` is not a message delivered by a consumer.
    """
    if not isinstance(msg, Msg):
        raise InvalidOptionError(
            f"process() takes a jsm.Msg from a consumer (got {type(msg).__name__})"
        )
    delivery = msg._trace
    if delivery is None:
        return contextlib.nullcontext()
    return delivery.process()


def processor(handler: Callable[P, Awaitable[R]], /) -> Callable[P, Awaitable[R]]:
    """Decorate an async message handler: each call runs inside its message's process span.

    The message is the first :class:`~jsm.Msg` among the call's arguments::

        @jsm.tracing.processor
        async def handle(msg: jsm.Msg) -> None: ...

    Raises:
        InvalidOptionError: ``handler`` is not an async function.
    """
    if not inspect.iscoroutinefunction(handler):
        raise InvalidOptionError(
            f"processor() decorates an async function (got {handler!r}); use 'async def'"
        )

    @functools.wraps(handler)
    async def traced(*args: P.args, **kwargs: P.kwargs) -> R:
        msg = _message_in(args, kwargs)
        if msg is None or msg._trace is None:
            return await handler(*args, **kwargs)
        with msg._trace.process():
            return await handler(*args, **kwargs)

    return traced


def _message_in(args: tuple[object, ...], kwargs: Mapping[str, object]) -> Msg | None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, Msg):
            return value
    return None
