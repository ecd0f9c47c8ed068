"""The object store's wire steps: read and write an object's metadata, purge its chunks.

Each is one request on the ``OBJ_<bucket>`` stream, mapped for the manager's domain or
API prefix by the API client; the store and the reader compose them.
"""

from __future__ import annotations

import logging
import secrets
import string
from typing import TYPE_CHECKING, Final

import anyio
import pydantic

from jsm._errors_base import (
    InvalidNameError,
    InvalidOptionError,
    JetStreamUnavailableError,
    JsmError,
    NoStreamError,
    ObjectStoreNotFoundError,
    UnexpectedReplyError,
)
from jsm._generated_errors import NoMessageFoundError, StreamNotFoundError
from jsm._limits import check_encodable, header_block_size
from jsm._options import NOT_GIVEN, Duration, NotGiven
from jsm.models import StreamMsgGetRequest, StreamPurgeRequest, StreamPurgeResponse
from jsm.models._base import parse_reply
from jsm.models.objects import ObjectInfo, ObjectMeta, ObjectMetaOptions
from jsm.objects._errors import raise_if_gone
from jsm.publish import publish_once
from jsm.streams._api import fetch_info
from jsm.streams.messages import api_get, direct_get
from jsm.subjects import object_chunk_subject, object_meta_subject, object_stream_name

if TYPE_CHECKING:
    from jsm.api import ApiClient
    from jsm.streams.messages import StoredMessage

__all__ = [
    "ROLLUP_HEADERS",
    "check_meta_size",
    "check_object_name",
    "info_from_json",
    "info_from_stored",
    "new_nuid",
    "publish_meta",
    "purge_chunks",
    "purge_subject",
    "read_meta",
    "remove_orphan_chunks",
]

logger = logging.getLogger(__name__)

ROLLUP_HEADERS: Final = {"Nats-Rollup": "sub"}
"""Metadata messages replace the previous one on their subject (ADR-20)."""

_NUID_ALPHABET: Final = string.ascii_letters + string.digits
_NUID_LENGTH: Final = 22


def new_nuid() -> str:
    """Return a fresh object id: 22 random base-62 characters, like a NATS nuid."""
    return "".join(secrets.choice(_NUID_ALPHABET) for _ in range(_NUID_LENGTH))


def check_object_name(
    name: object, *, max_bytes: int | None = None, bucket: str | None = None
) -> str:
    """Check an object name: a non-empty string without NUL (ADR-20 encodes it in base64url).

    ``max_bytes`` is the longest name (UTF-8) whose metadata subject fits the server's
    protocol line limit in ``bucket`` (see ``ObjectStore.max_name_length``).

    Raises:
        InvalidNameError: the name is empty, not a string, holds NUL or a lone surrogate
            (not UTF-8 text), or is too long.
    """
    if not isinstance(name, str) or not name:
        raise InvalidNameError(f"object name must be a non-empty string (got {name!r})")
    if "\x00" in name:
        raise InvalidNameError(f"object name {name!r} contains a NUL character")
    check_encodable(name, what="object name")  # the name travels as UTF-8, base64url-encoded
    if max_bytes is not None and (size := len(name.encode())) > max_bytes:
        where = f" in bucket {bucket!r}" if bucket is not None else ""
        raise InvalidNameError(
            f"object name {name[:40]!r}… is {size} bytes; names{where} can be at most "
            f"{max_bytes} bytes (UTF-8): the name is base64url-encoded into the metadata "
            "subject '$O.<bucket>.M.<name>', which must fit the server's max_control_line "
            "with the reply inbox; use a shorter name (keep long titles in "
            "ObjectMeta.description or metadata)"
        )
    return name


def check_meta_size(
    name: str, bucket: str, meta: ObjectMeta, chunk_size: int, max_payload: int
) -> None:
    """Refuse a put whose metadata could not be stored: its JSON over ``max_payload``.

    Checked before any chunk is sent, with the size, chunk count and digest still to
    come counted at their longest.

    Raises:
        InvalidOptionError: the description, headers and metadata make it too large.
    """
    largest = ObjectInfo(
        name=name,
        description=meta.description,
        headers=meta.headers,
        metadata=meta.metadata,
        options=ObjectMetaOptions(max_chunk_size=chunk_size),
        bucket=bucket,
        nuid="n" * _NUID_LENGTH,
        size=2**63 - 1,
        chunks=2**63 - 1,
        digest="SHA-256=" + "=" * 44,
    )
    size = len(largest.to_wire_json()) + header_block_size(ROLLUP_HEADERS)
    if size > max_payload:
        raise InvalidOptionError(
            f"the metadata of object {name[:40]!r} in bucket {bucket!r} would be up to "
            f"{size} bytes, over the server's max_payload of {max_payload}; shorten its "
            "description, headers or metadata"
        )


async def read_meta(
    api: ApiClient,
    bucket: str,
    name: str,
    *,
    direct: bool,
    timeout: Duration | NotGiven = NOT_GIVEN,
) -> ObjectInfo | None:
    """Return the stored metadata of ``name`` (deleted ones too), or ``None`` if never stored.

    ``mtime`` is the time the server stored the metadata.

    Raises:
        UnexpectedReplyError: the stored metadata is not valid object info JSON.
        ObjectStoreNotFoundError: the bucket is missing.
    """
    stream = object_stream_name(bucket)
    subject = object_meta_subject(bucket, name)
    context = f"object {name!r} in object store {bucket!r}"
    try:
        if direct:
            stored = await direct_get(
                api, stream, None, last_by_subject=subject, timeout=timeout, context=context
            )
        else:
            request = StreamMsgGetRequest(last_by_subj=subject)
            stored = await api_get(api, stream, request, timeout=timeout, context=context)
    except NoMessageFoundError:
        return None
    except (StreamNotFoundError, JetStreamUnavailableError) as err:
        await raise_if_gone(api, bucket, err)
        raise
    return info_from_stored(stored)


def info_from_stored(stored: StoredMessage) -> ObjectInfo:
    """Parse a stored metadata message, taking ``mtime`` from when it was stored.

    Raises:
        UnexpectedReplyError: the payload is not object info JSON.
    """
    return info_from_json(stored.data, mtime=stored.time, subject=stored.subject)


def info_from_json(data: bytes, *, mtime: object, subject: str) -> ObjectInfo:
    """Parse object info JSON (as any client writes it) and set its ``mtime``.

    Raises:
        UnexpectedReplyError: the payload is not object info JSON.
    """
    try:
        info = parse_reply(ObjectInfo, data)
    except pydantic.ValidationError as err:
        raise UnexpectedReplyError(
            f"the object metadata on {subject!r} is not valid ObjectInfo JSON: "
            f"{err.errors()[0]['msg']}"
        ) from err
    return ObjectInfo.model_validate(info.model_dump() | {"mtime": mtime})


async def publish_meta(
    api: ApiClient, info: ObjectInfo, *, timeout: Duration | NotGiven = NOT_GIVEN
) -> None:
    """Store ``info`` on its metadata subject, replacing what was there (rollup).

    Raises:
        ApiError: the stream refused it (e.g. the bucket is sealed or full).
        ObjectStoreNotFoundError: the bucket is missing.
    """
    try:
        await publish_once(
            api,
            object_meta_subject(info.bucket, info.name),
            info.to_wire_json(),
            headers=ROLLUP_HEADERS,
            timeout=timeout,
            context=f"object {info.name!r} in object store {info.bucket!r}",
            resendable=False,
        )
    except (StreamNotFoundError, NoStreamError) as err:
        await raise_if_gone(api, info.bucket, err)
        raise


async def purge_subject(
    api: ApiClient, bucket: str, subject: str, *, timeout: Duration | NotGiven = NOT_GIVEN
) -> int:
    """Remove every message on ``subject`` from the bucket's stream; return how many.

    Raises:
        ObjectStoreNotFoundError: the bucket is missing.
    """
    stream = object_stream_name(bucket)
    try:
        reply = await api.request(
            f"STREAM.PURGE.{stream}",
            StreamPurgeRequest(filter=subject),
            StreamPurgeResponse,
            timeout=timeout,
            context=f"object store {bucket!r}",
        )
    except StreamNotFoundError as err:
        await raise_if_gone(api, bucket, err)
        raise
    return reply.purged


async def purge_chunks(
    api: ApiClient, bucket: str, nuid: str, *, timeout: Duration | NotGiven = NOT_GIVEN
) -> int:
    """Remove an object's chunks (``$O.<bucket>.C.<nuid>``); return how many went.

    Raises:
        ObjectStoreNotFoundError: the bucket is missing.
    """
    return await purge_subject(api, bucket, object_chunk_subject(bucket, nuid), timeout=timeout)


async def remove_orphan_chunks(api: ApiClient, bucket: str, nuid: str, *, within: float) -> None:
    """Purge the chunks of a failed put until none are left, within ``within`` seconds.

    Shielded from cancellation: it runs while a cancellation or failure propagates.
    Chunks still queued in the stream when the first purge lands are caught by a
    second look. Failures are logged, never raised (the put's own error wins).
    """
    subject = object_chunk_subject(bucket, nuid)
    stream = object_stream_name(bucket)
    with anyio.move_on_after(within, shield=True) as scope:
        for _ in range(5):
            try:
                await purge_subject(api, bucket, subject, timeout=max(0.5, within))
                info = await fetch_info(
                    api, stream, subjects_filter=subject, timeout=max(0.5, within)
                )
            except (StreamNotFoundError, ObjectStoreNotFoundError):
                return
            except JsmError as err:
                logger.warning("could not purge the chunks of a failed put on %s: %s", subject, err)
                return
            if not info.state.subjects:
                return
            await anyio.sleep(0.05)
    if scope.cancelled_caught:
        logger.warning("purging the chunks of a failed put on %s took too long", subject)
