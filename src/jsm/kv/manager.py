"""``js.kv``: create, find, update, list and delete Key-Value buckets (ADR-8).

:class:`KeyValueManager` is cheap (a reference to the :class:`jsm.Manager`); buckets are
``KV_<bucket>`` streams made with :func:`jsm.kv._config.kv_stream_config`, and it
hands out :class:`jsm.KeyValue` handles for everything done to one bucket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm._bucket_errors import retold
from jsm._errors_base import ApiError, BucketNotFoundError, JsmError
from jsm._generated_errors import StreamNameExistError, StreamNotFoundError
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.api import Page, Pager
from jsm.kv._config import bucket_of_stream, kv_stream_config
from jsm.kv._errors import bucket_context, bucket_exists, bucket_not_found
from jsm.kv.bucket import KeyValue
from jsm.models import KeyValueStatus, StreamListResponse, StreamNamesResponse
from jsm.streams import _api as streams_api
from jsm.subjects import check_bucket_name, kv_stream_name

if TYPE_CHECKING:
    from jsm.manager import Manager
    from jsm.models import KeyValueConfig, StreamConfig, StreamInfo

__all__ = ["KeyValueManager"]

_ALL_BUCKETS = "$KV.*.>"


class KeyValueManager:
    """Manage the account's Key-Value buckets (in the manager's domain or API prefix).

    Reached as ``js.kv``::

        kv = await js.kv.create(jsm.KeyValueConfig(bucket="config", history=5))
        kv = await js.kv.get("config")
    """

    __slots__ = ("_js",)

    def __init__(self, js: Manager) -> None:
        self._js = js

    def __repr__(self) -> str:
        return f"<jsm.KeyValueManager of {self._js!r}>"

    async def create(
        self, config: KeyValueConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> KeyValue:
        """Create a bucket and return its handle.

        Creating a bucket that exists with the same configuration returns it; with a
        different configuration it fails.

        Raises:
            InvalidNameError: the bucket name is not ``[A-Za-z0-9_-]+``.
            InvalidOptionError: a setting is out of range (history 1–64, replicas 1–5, …).
            StreamNameExistError: the bucket exists with other settings; the message lists
                them by their KeyValueConfig names (asked ≠ existing).
        """
        stream = kv_stream_config(config)
        try:
            info = await streams_api.create(self._js, stream, timeout=timeout)
        except StreamNameExistError as err:
            existing = await self._existing(config.bucket, timeout=timeout)
            raise bucket_exists(config.bucket, err, stream, existing) from err
        except ApiError as err:
            raise retold(err, context=bucket_context(self._js.api, config.bucket)) from err
        return KeyValue(self._js, info)

    async def update(
        self, config: KeyValueConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> KeyValue:
        """Change an existing bucket's configuration and return its handle.

        Raises:
            BucketNotFoundError: there is no such bucket.
            StreamInvalidConfigError: the server refused the change (e.g. storage).
        """
        stream = kv_stream_config(config)
        try:
            info = await streams_api.update(self._js, stream, timeout=timeout)
        except StreamNotFoundError as err:
            raise bucket_not_found(config.bucket, err) from err
        except ApiError as err:
            raise retold(err, context=bucket_context(self._js.api, config.bucket)) from err
        return KeyValue(self._js, info)

    async def create_or_update(
        self, config: KeyValueConfig, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> KeyValue:
        """Make the bucket match ``config``: update it if it exists, create it if not.

        Raises:
            InvalidOptionError: a setting is out of range.
            StreamInvalidConfigError: the existing bucket cannot take the change.
        """
        try:
            return await self.update(config, timeout=timeout)
        except BucketNotFoundError:
            return await self.create(config, timeout=timeout)

    async def get(self, bucket: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> KeyValue:
        """Return a handle on an existing bucket.

        Raises:
            InvalidNameError: the name is not a bucket name.
            BucketNotFoundError: there is no such bucket.
        """
        return KeyValue(self._js, await self._info(bucket, timeout=timeout))

    async def bucket(self, bucket: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> KeyValue:
        """Return a handle on an existing bucket (the same as :meth:`get`).

        Raises:
            BucketNotFoundError: there is no such bucket.
        """
        return await self.get(bucket, timeout=timeout)

    async def status(
        self, bucket: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN
    ) -> KeyValueStatus:
        """Return a bucket's figures (values, bytes, history, TTL, backing stream info).

        Raises:
            BucketNotFoundError: there is no such bucket.
        """
        return KeyValueStatus(bucket, await self._info(bucket, timeout=timeout))

    async def delete(self, bucket: str, /, *, timeout: Duration | NotGiven = NOT_GIVEN) -> None:
        """Delete a bucket with all its keys.

        Raises:
            BucketNotFoundError: there is no such bucket.
        """
        check_bucket_name(bucket)
        try:
            await streams_api.delete(self._js.api, kv_stream_name(bucket), timeout=timeout)
        except StreamNotFoundError as err:
            raise bucket_not_found(bucket, err) from err

    def names(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> Pager[str]:
        """Iterate the names of the buckets (``async for``); ``await`` gives the first page."""

        async def fetch(offset: int) -> Page[str]:
            reply = await self._js.api.request(
                "STREAM.NAMES",
                {"subject": _ALL_BUCKETS, "offset": offset},
                StreamNamesResponse,
                timeout=timeout,
                retry=True,
                context="bucket names",
            )
            names = [bucket_of_stream(name) for name in reply.streams or []]
            return Page(names, offset=offset, total=reply.total)

        return Pager(fetch)

    def list(self, *, timeout: Duration | NotGiven = NOT_GIVEN) -> Pager[KeyValueStatus]:
        """Iterate the status of every bucket (``async for``)."""

        async def fetch(offset: int) -> Page[KeyValueStatus]:
            reply = await self._js.api.request(
                "STREAM.LIST",
                {"subject": _ALL_BUCKETS, "offset": offset},
                StreamListResponse,
                timeout=timeout,
                retry=True,
                context="bucket list",
            )
            found = [
                KeyValueStatus(bucket_of_stream(info.config.name), info)
                for info in reply.streams or []
            ]
            return Page(found, offset=offset, total=reply.total)

        return Pager(fetch)

    async def _info(self, bucket: str, *, timeout: Duration | NotGiven) -> StreamInfo:
        check_bucket_name(bucket)
        try:
            info = await streams_api.fetch_info(
                self._js.api, kv_stream_name(bucket), timeout=timeout
            )
        except StreamNotFoundError as err:
            raise bucket_not_found(bucket, err) from err
        if info.config.max_msgs_per_subject < 1:
            raise BucketNotFoundError(
                404,
                10059,
                f"{bucket!r} is not a bucket",
                context=f"stream {info.config.name!r} keeps no history per key",
            )
        return info

    async def _existing(self, bucket: str, *, timeout: Duration | NotGiven) -> StreamConfig | None:
        """The configuration of an existing bucket, or ``None`` if it cannot be read."""
        try:
            info = await streams_api.fetch_info(
                self._js.api, kv_stream_name(bucket), timeout=timeout
            )
        except JsmError:
            return None
        return info.config
