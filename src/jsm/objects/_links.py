"""Object links (ADR-20): following them to the object behind, and storing new ones.

A link is an object whose metadata names another object (``bucket`` and ``name``) or a
whole bucket (``bucket`` only); it has no chunks. Links to links are not made here, but
another client may store them, so following is bounded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from jsm._errors_base import (
    InvalidNameError,
    InvalidOptionError,
    ObjectExistsError,
    ObjectLinkError,
    ObjectNotFoundError,
)
from jsm.models.objects import ObjectInfo, ObjectLink, ObjectMetaOptions
from jsm.objects import _wire

if TYPE_CHECKING:
    from jsm._options import Duration, NotGiven
    from jsm.objects.store import ObjectStore

__all__ = ["object_link", "put_link", "resolve"]

_MAX_LINK_HOPS = 8


async def resolve(store: ObjectStore, name: str) -> ObjectInfo:
    """The info of the object behind ``name`` in ``store``, following object links."""
    at: ObjectStore = store
    current = name
    for _ in range(_MAX_LINK_HOPS):
        info = await at.info(current)
        link = info.link
        if link is None:
            return info
        if not link.name:
            raise ObjectLinkError(
                f"{current!r} in bucket {at.bucket!r} links to the whole bucket "
                f"{link.bucket!r}; open that bucket with js.objects.get({link.bucket!r})"
            )
        if link.bucket != at.bucket:
            try:
                at = await store._js.objects.get(link.bucket)
            except InvalidNameError as err:  # metadata another client wrote
                raise ObjectLinkError(
                    f"{current!r} in bucket {at.bucket!r} links to {link.bucket!r}, "
                    "which is not a bucket name"
                ) from err
        try:
            target = await at.info(link.name)
        except ObjectNotFoundError as err:
            raise ObjectNotFoundError(
                link.bucket,
                link.name,
                f"link {current!r} in bucket {store.bucket!r} points to object "
                f"{link.name!r} in bucket {link.bucket!r}, which does not exist",
            ) from err
        if target.link is None:
            return target
        current = link.name
    raise ObjectLinkError(f"{name!r} in bucket {store.bucket!r}: too many links in a row")


async def object_link(
    store: ObjectStore, target: ObjectInfo | str, *, timeout: Duration | NotGiven
) -> ObjectLink:
    """A link to ``target`` (an object's info, or a name in ``store``), looked up afresh.

    Raises:
        ObjectNotFoundError: the target does not exist (or was deleted).
        ObjectLinkError: the target is itself a link.
    """
    if isinstance(target, str):
        target_bucket, target_name = store.bucket, store._check_name(target)
    elif isinstance(target, ObjectInfo):
        target_bucket, target_name = target.bucket, target.name
    else:
        raise InvalidOptionError(
            f"a link's target is an object's name or its ObjectInfo (got {target!r})"
        )
    at = store if target_bucket == store.bucket else await store._js.objects.get(target_bucket)
    current = await at.info(target_name, timeout=timeout)
    if current.is_link:
        raise ObjectLinkError(
            f"{target_name!r} in bucket {target_bucket!r} is a link; link to what it points to"
        )
    return ObjectLink(bucket=target_bucket, name=target_name)


async def put_link(
    store: ObjectStore, name: str, link: ObjectLink, *, timeout: Duration | NotGiven
) -> ObjectInfo:
    """Store ``name`` as ``link``: it may replace a link or a deleted object, not a live one."""
    existing = await store._read_meta(name, timeout=timeout)
    if existing is not None and not existing.deleted and not existing.is_link:
        raise ObjectExistsError(
            store.bucket,
            name,
            f"{name!r} is an object in bucket {store.bucket!r}; "
            "a link may replace only a link or a deleted object",
        )
    info = ObjectInfo(
        name=name,
        options=ObjectMetaOptions(link=link),
        bucket=store.bucket,
        nuid=_wire.new_nuid(),
    )
    await store._publish_meta(info, timeout=timeout)
    return ObjectInfo.model_validate(info.model_dump() | {"mtime": datetime.now(UTC)})
