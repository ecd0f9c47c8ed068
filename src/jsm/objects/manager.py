"""``js.objects``: create, find, change, list and delete object-store buckets.

A bucket is the stream ``OBJ_<bucket>`` capturing ``$O.<bucket>.C.>`` (chunks) and
``$O.<bucket>.M.>`` (metadata), with discard-new, rollups and direct gets, configured
as nats.go does (ADR-20), so buckets made here are used by every other client and the
reverse. The stream calls go through :mod:`jsm.streams`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm._bucket_errors import retold
from jsm._errors_base import ApiError, InvalidOptionError, JsmError
from jsm._generated_errors import StreamNameExistError, StreamNotFoundError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.models import DiscardPolicy, StoreCompression, StreamConfig
from jsm.models.objects import ObjectStoreConfig, ObjectStoreStatus
from jsm.objects._errors import store_context, store_exists, store_not_found
from jsm.objects.store import ObjectStore
from jsm.streams import _api
from jsm.subjects import check_bucket_name, object_stream_name

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    from jsm.manager import Manager
    from jsm.models import StreamInfo

__all__ = ["ObjectStoreManager", "object_stream_config"]

_STREAM_PREFIX = "OBJ_"


def object_stream_config(config: ObjectStoreConfig) -> StreamConfig:
    """Return the stream configuration behind a bucket configuration.

    Raises:
        InvalidNameError: the bucket name is not ``[A-Za-z0-9_-]+``.
        InvalidOptionError: a setting out of range.
    """
    bucket = check_bucket_name(config.bucket, kind="object store")
    if config.replicas < 1 or config.replicas > 5:
        raise InvalidOptionError(f"replicas must be 1 to 5 (got {config.replicas})")
    if config.max_bytes is not None and config.max_bytes < -1:
        raise InvalidOptionError(f"max_bytes must be positive or -1 (got {config.max_bytes})")
    if config.ttl is not None and config.ttl.total_seconds() < 0:
        raise InvalidOptionError("ttl must not be negative")
    fields: dict[str, object] = {
        "name": object_stream_name(bucket),
        "description": config.description,
        "subjects": [f"$O.{bucket}.C.>", f"$O.{bucket}.M.>"],
        "storage": config.storage,
        "num_replicas": config.replicas,
        "discard": DiscardPolicy.NEW,
        "allow_rollup_hdrs": True,
        "allow_direct": True,
        "compression": StoreCompression.S2 if config.compression else StoreCompression.NONE,
    }
    if config.ttl is not None:
        fields["max_age"] = config.ttl
    if config.max_bytes is not None and config.max_bytes != 0:
        fields["max_bytes"] = config.max_bytes
    if config.placement is not None:
        fields["placement"] = config.placement
    if config.metadata:
        fields["metadata"] = config.metadata
    return StreamConfig.model_validate(fields)


class ObjectStoreManager:
    """Manage object-store buckets; reached as ``js.objects``::

    store = await js.objects.create(jsm.ObjectStoreConfig(bucket="files"))
    store = await js.objects.get("files")
    """

    __slots__ = ("_js",)

    def __init__(self, js: Manager) -> None:
        self._js = js

    def __repr__(self) -> str:
        return f"<jsm.ObjectStoreManager of {self._js!r}>"

    async def create(
        self, config: ObjectStoreConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> ObjectStore:
        """Create a bucket and return its handle (the same configuration again succeeds).

        Raises:
            InvalidNameError: the bucket name is not ``[A-Za-z0-9_-]+``.
            InvalidOptionError: a setting out of range.
            StreamNameExistError: the bucket exists with other settings; the message lists
                them by their ObjectStoreConfig names (asked ≠ existing).
        """
        stream = object_stream_config(config)
        try:
            info = await _api.create(self._js, stream, timeout=timeout)
        except StreamNameExistError as err:
            existing = await self._existing(config.bucket, timeout=timeout)
            raise store_exists(config.bucket, err, stream, existing) from err
        except ApiError as err:
            raise retold(err, context=store_context(self._js.api, config.bucket)) from err
        return ObjectStore(self._js, config.bucket, info)

    async def update(
        self, config: ObjectStoreConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> ObjectStore:
        """Change an existing bucket's configuration and return its handle.

        Raises:
            ObjectStoreNotFoundError: no such bucket.
            StreamInvalidConfigError: the server refused the change (e.g. storage type).
        """
        stream = object_stream_config(config)
        try:
            info = await _api.update(self._js, stream, timeout=timeout)
        except StreamNotFoundError as err:
            raise store_not_found(config.bucket, err) from err
        except ApiError as err:
            raise retold(err, context=store_context(self._js.api, config.bucket)) from err
        return ObjectStore(self._js, config.bucket, info)

    async def get(self, bucket: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> ObjectStore:
        """Return the handle of an existing bucket.

        Raises:
            InvalidNameError: the bucket name is not ``[A-Za-z0-9_-]+``.
            ObjectStoreNotFoundError: no such bucket.
        """
        return ObjectStore(self._js, bucket, await self._info(bucket, timeout=timeout))

    bucket = get

    async def status(
        self, bucket: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> ObjectStoreStatus:
        """Return a bucket's settings and size.

        Raises:
            ObjectStoreNotFoundError: no such bucket.
        """
        return ObjectStoreStatus.from_stream_info(bucket, await self._info(bucket, timeout=timeout))

    async def seal(
        self, bucket: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> ObjectStoreStatus:
        """Seal a bucket: nothing can be put, changed or deleted any more.

        Raises:
            ObjectStoreNotFoundError: no such bucket.
        """
        current = await self._info(bucket, timeout=timeout)
        config = current.config.with_changes(sealed=True)
        try:
            info = await _api.update(self._js, config, timeout=timeout)
        except StreamNotFoundError as err:
            raise store_not_found(bucket, err) from err
        except ApiError as err:
            raise retold(err, context=store_context(self._js.api, bucket)) from err
        return ObjectStoreStatus.from_stream_info(bucket, info)

    async def delete(self, bucket: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Delete a bucket with all its objects.

        Raises:
            ObjectStoreNotFoundError: no such bucket.
        """
        check_bucket_name(bucket, kind="object store")
        try:
            await _api.delete(self._js.api, object_stream_name(bucket), timeout=timeout)
        except StreamNotFoundError as err:
            raise store_not_found(bucket, err) from err

    async def names(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> AsyncGenerator[str]:
        """Yield the name of every object-store bucket."""
        async for name in self._js.streams.names(subject="$O.>", timeout=timeout):
            if name.startswith(_STREAM_PREFIX):
                yield name[len(_STREAM_PREFIX) :]

    async def list(
        self, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> AsyncGenerator[ObjectStoreStatus]:
        """Yield the status of every object-store bucket."""
        async for info in self._js.streams.list(subject="$O.>", timeout=timeout):
            name = info.config.name
            if name.startswith(_STREAM_PREFIX):
                yield ObjectStoreStatus.from_stream_info(name[len(_STREAM_PREFIX) :], info)

    async def _info(self, bucket: str, *, timeout: Duration | NotGiven) -> StreamInfo:
        check_bucket_name(bucket, kind="object store")
        try:
            return await _api.fetch_info(self._js.api, object_stream_name(bucket), timeout=timeout)
        except StreamNotFoundError as err:
            raise store_not_found(bucket, err) from err

    async def _existing(self, bucket: str, *, timeout: Duration | NotGiven) -> StreamConfig | None:
        """The configuration of an existing bucket, or ``None`` if it cannot be read."""
        try:
            info = await _api.fetch_info(self._js.api, object_stream_name(bucket), timeout=timeout)
        except JsmError:
            return None
        return info.config
