"""Stream errors retold in bucket terms, for Key-Value buckets and object stores.

A bucket is a stream underneath (``KV_<bucket>``, ``OBJ_<bucket>``), so the API answers
in stream terms. :func:`retold` keeps an error's class and codes and gives it the
caller's words (``bucket 'CONFIG'``, ``object store 'files'``); :func:`differences`
lists the settings a re-creation asked for that the existing bucket does not have.
The KV and object-store wording itself lives in :mod:`jsm.kv._errors` and
:mod:`jsm.objects._errors`.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from jsm._errors_base import ApiError, JsmError
from jsm._generated_errors import StreamNotFoundError
from jsm.streams._api import fetch_info

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from jsm.api import ApiClient
    from jsm.models import StreamConfig

__all__ = ["Setting", "differences", "retold", "stream_gone", "user_metadata"]

E = TypeVar("E", bound=ApiError)

Setting = tuple[str, "Callable[[StreamConfig], object]"]
"""A setting's name in the caller's terms and how to read it from a stream configuration."""


def retold(err: E, *, context: str, description: str | None = None) -> E:
    """Return ``err`` again (same class and codes) with the caller's context and description."""
    return type(err)(
        err.code,
        err.err_code,
        description or err.description,
        context=context,
        extra=err.extra,
    )


async def stream_gone(api: ApiClient, stream: str) -> StreamNotFoundError | None:
    """Return the "stream not found" error if ``stream`` is missing, else ``None``.

    "Nobody answered" (a direct get, a publish) means no bucket, or no leader for a
    moment; one stream info request tells them apart. A stream that cannot be looked
    up (JetStream unreachable) counts as present: the caller keeps its own error.
    """
    try:
        await fetch_info(api, stream)
    except StreamNotFoundError as err:
        return err
    except JsmError:
        return None
    return None


def user_metadata(config: StreamConfig) -> dict[str, str]:
    """The stream's metadata without the ``_nats.*`` keys the server adds itself."""
    return {k: v for k, v in (config.metadata or {}).items() if not k.startswith("_nats.")}


def differences(
    asked: StreamConfig, existing: StreamConfig, settings: Sequence[Setting]
) -> list[str]:
    """Say which ``settings`` differ, as ``"history 5 ≠ 1"`` (asked first, then existing)."""
    found = []
    for name, read in settings:
        want, have = _shown(read(asked)), _shown(read(existing))
        if want != have:
            found.append(f"{name} {want} ≠ {have}")
    return found


def _shown(value: object) -> str:
    if value is None or value == timedelta(0) or value == {} or value == []:
        return "none"
    if isinstance(value, timedelta):
        return f"{value.total_seconds():g}s"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, BaseModel):
        return json.dumps(value.model_dump(mode="json", exclude_none=True), sort_keys=True)
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    return str(value)
