"""The consumer API calls that both :class:`ConsumerManager` and :class:`Consumer` make."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm._errors_base import InvalidOptionError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.models import ConsumerInfo, ConsumerInfoResponse, ConsumerUnpinRequest, SuccessResponse
from jsm.subjects import check_name

if TYPE_CHECKING:
    from jsm.manager import Manager

__all__ = [
    "API_LEVEL_PAUSE",
    "API_LEVEL_PRIORITY",
    "context_of",
    "delete_consumer",
    "fetch_info",
    "unpin",
]

API_LEVEL_PAUSE = 1
"""Consumer pause arrived in nats-server 2.11 (API level 1, ADR-44)."""

API_LEVEL_PRIORITY = 1
"""Priority groups arrived in nats-server 2.11 (API level 1, ADR-42)."""


def context_of(stream: str, name: str | None) -> str:
    """Describe a consumer for error messages."""
    if name is None:
        return f"stream {stream!r}"
    return f"consumer {name!r} of stream {stream!r}"


async def fetch_info(
    js: Manager, stream: str, name: str, *, timeout: Duration | NotGiven = NOT_GIVEN
) -> ConsumerInfo:
    """``CONSUMER.INFO`` for one consumer (shared by the manager and handles)."""
    check_name(name, kind="consumer", strict=js.strict)
    return await js.api.request(
        f"CONSUMER.INFO.{stream}.{name}",
        None,
        ConsumerInfoResponse,
        timeout=timeout,
        retry=True,
        context=context_of(stream, name),
    )


async def delete_consumer(
    js: Manager, stream: str, name: str, *, timeout: Duration | NotGiven = NOT_GIVEN
) -> None:
    """``CONSUMER.DELETE`` for one consumer (shared by the manager and handles)."""
    check_name(name, kind="consumer", strict=js.strict)
    await js.api.request(
        f"CONSUMER.DELETE.{stream}.{name}",
        None,
        SuccessResponse,
        timeout=timeout,
        context=context_of(stream, name),
    )


async def unpin(
    js: Manager, stream: str, name: str, group: str, *, timeout: Duration | NotGiven = NOT_GIVEN
) -> None:
    """``CONSUMER.UNPIN`` for one group of a consumer (shared by the manager and handles)."""
    check_name(name, kind="consumer", strict=js.strict)
    if not group:
        raise InvalidOptionError("group must name one of the consumer's priority groups")
    await js.api.request(
        f"CONSUMER.UNPIN.{stream}.{name}",
        ConsumerUnpinRequest(group=group),
        SuccessResponse,
        timeout=timeout,
        headers=js.api.require_api_level("priority groups", API_LEVEL_PRIORITY),
        context=context_of(stream, name),
    )
