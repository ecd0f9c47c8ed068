"""Stream errors retold in bucket terms, for Key-Value buckets and object stores.

A bucket is a stream underneath (``KV_<bucket>``, ``OBJ_<bucket>``), so the API answers
in stream terms. :func:`retold` keeps an error's class and codes and gives it the
caller's words (``bucket 'CONFIG'``, ``object store 'files'``); :func:`differences`
lists the settings a re-creation asked for that the existing bucket does not have;
a :class:`Wording` holds one kind of bucket's words and builds its "not found",
"gone" and "exists with other settings" errors. The KV and object-store wordings
themselves live in :mod:`jsm.kv._errors` and :mod:`jsm.objects._errors`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import BaseModel

from jsm._errors_base import ApiError, JsmError
from jsm._generated_errors import StreamNameExistError, StreamNotFoundError
from jsm.streams._api import fetch_info

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from jsm.api import ApiClient
    from jsm.models import StreamConfig

__all__ = ["Setting", "Wording", "differences", "retold", "stream_gone", "user_metadata"]

E = TypeVar("E", bound=ApiError)
N = TypeVar("N", bound=ApiError)

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


@dataclass(frozen=True)
class Wording(Generic[N]):
    """One kind of bucket's words, and the errors built from them.

    ``noun`` names a bucket (``"bucket"``, ``"object store"``), ``not_found_class`` is
    raised when its stream is missing, ``manager`` and ``config`` name the calls that
    fix it (``"js.kv"``, ``"KeyValueConfig"``), ``stream_name`` maps a bucket to its
    stream and ``settings`` are the settings a re-creation compares.
    """

    noun: str
    not_found_class: type[N]
    manager: str
    config: str
    stream_name: Callable[[str], str]
    settings: tuple[Setting, ...]

    def context(self, api: ApiClient, bucket: str) -> str:
        """The context of a bucket's errors: ``"object store 'files' in domain 'hub'"``."""
        return f"{self.noun} {bucket!r} {api.subjects.describe()}"

    def not_found(self, bucket: str, err: ApiError | None = None) -> N:
        """The error for a bucket whose stream is missing (``err``: the stream error seen)."""
        return self.not_found_class(
            404 if err is None else err.code,
            10059 if err is None else err.err_code,
            f"{self.noun} {bucket!r} not found",
            context=f"create it with {self.manager}.create(jsm.{self.config}(bucket=...))",
        )

    async def raise_if_gone(self, api: ApiClient, bucket: str, err: JsmError) -> None:
        """Raise the "not found" error if ``err`` came from ``bucket`` being deleted.

        "No stream" on a publish and "nobody answered" are confirmed with a stream info
        request. Returns when the bucket's stream is there (or cannot be looked up); the
        caller re-raises ``err`` then.
        """
        if isinstance(err, StreamNotFoundError):
            raise self.not_found(bucket, err) from err
        gone = await stream_gone(api, self.stream_name(bucket))
        if gone is not None:
            raise self.not_found(bucket, gone) from err

    def exists(
        self,
        bucket: str,
        err: StreamNameExistError,
        asked: StreamConfig,
        existing: StreamConfig | None,
    ) -> StreamNameExistError:
        """Retell "stream name already in use" for a bucket, listing the settings that differ.

        ``existing`` is ``None`` when the bucket's configuration could not be read.
        """
        changed = differences(asked, existing, self.settings) if existing is not None else []
        listed = f" (asked ≠ existing): {', '.join(changed)}" if changed else ""
        return retold(
            err,
            description=f"{self.noun} {bucket!r} exists with other settings{listed}",
            context=(
                f"use {self.manager}.update(config) to change them, or "
                f"{self.manager}.get({bucket!r}) to use the bucket as it is"
            ),
        )


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
