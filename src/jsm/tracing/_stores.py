"""Spans around KV and object-store operations: a traced twin of a bucket handle's class.

A handle made on a traced connection becomes an instance of a subclass whose operations
(``get``, ``put``, ``delete``…) each run inside a CLIENT span named
``kv.put <bucket>``; handles of untraced connections keep their class, so they pay
nothing. Nothing here imports opentelemetry.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, TypeVar

from jsm.tracing import _names as attr

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from jsm.tracing._otel import Attributes, Tracing

__all__ = ["traced_class"]

T = TypeVar("T")

_MADE: dict[type, type] = {}
"""The traced subclass of each handle class: a cache of two classes, filled on first use."""

# class name → (operation prefix, attribute naming its first argument, traced methods)
_TRACED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "KeyValue": (
        "kv",
        attr.KEY,
        ("get", "put", "create", "update", "delete", "purge", "history", "purge_deletes"),
    ),
    "ObjectStore": (
        "object",
        attr.OBJECT_NAME,
        (
            "put",
            "get_bytes",
            "get_to_file",
            "info",
            "update_meta",
            "delete",
            "add_link",
            "add_bucket_link",
        ),
    ),
}


def traced_class(cls: type[T]) -> type[T]:
    """The subclass of a bucket handle's class whose operations make spans (made once)."""
    made = _MADE.get(cls)
    if made is None:
        # The handle's own class, or the first of its bases jsm traces (a user's subclass).
        prefix, argument, methods = next(
            _TRACED[base.__name__] for base in cls.__mro__ if base.__name__ in _TRACED
        )
        namespace: dict[str, object] = {
            name: _traced(getattr(cls, name), f"{prefix}.{name}", argument) for name in methods
        }
        namespace |= {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
        made = _MADE[cls] = type(cls.__name__, (cls,), namespace)
    return made


def _traced(
    method: Callable[..., Coroutine[Any, Any, T]], operation: str, argument: str
) -> Callable[..., Coroutine[Any, Any, T]]:
    @functools.wraps(method)
    async def traced(self: Any, *args: Any, **kwargs: Any) -> T:
        tracing: Tracing | None = self._js.api.transport.tracing
        if tracing is None:
            return await method(self, *args, **kwargs)
        bucket = self.bucket
        attributes: Attributes = {attr.OPERATION_NAME: operation, attr.BUCKET: bucket}
        if args and isinstance(args[0], str):
            attributes[argument] = args[0]
        return await tracing.call(
            f"{operation} {bucket}", attributes, method(self, *args, **kwargs), _describe
        )

    return traced


def _describe(result: object) -> Attributes:
    """Attributes of what an operation returned: a revision, an entry, an object's size."""
    if isinstance(result, int) and not isinstance(result, bool):
        return {attr.REVISION: result}
    if isinstance(result, bytes):
        return {attr.BODY_SIZE: len(result)}
    found: Attributes = {}
    revision = getattr(result, "revision", None)
    if isinstance(revision, int):
        found[attr.REVISION] = revision
    value = getattr(result, "value", None)
    if isinstance(value, bytes):
        found[attr.BODY_SIZE] = len(value)
    size = getattr(result, "size", None)
    if isinstance(size, int):
        found[attr.OBJECT_SIZE] = size
    return found
