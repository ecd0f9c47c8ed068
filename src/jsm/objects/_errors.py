"""Object-store errors in bucket and object terms (ADR-20).

An object store is the stream ``OBJ_<bucket>`` underneath; its callers think of an
object store and its objects. A missing stream is :class:`ObjectStoreNotFoundError`,
other stream errors keep their class and speak of ``object store 'files'``, and a bucket
re-created with other settings lists them with :class:`ObjectStoreConfig` names (the
shared wording is :class:`jsm._bucket_errors.Wording`).
"""

from __future__ import annotations

from typing import Final

from jsm._bucket_errors import Setting, Wording, user_metadata
from jsm._errors_base import ObjectStoreNotFoundError
from jsm.subjects import object_stream_name

__all__ = [
    "OBJECT_SETTINGS",
    "raise_if_gone",
    "store_context",
    "store_exists",
    "store_not_found",
]

OBJECT_SETTINGS: Final[tuple[Setting, ...]] = (
    ("ttl", lambda c: c.max_age),
    ("max_bytes", lambda c: c.max_bytes),
    ("storage", lambda c: c.storage),
    ("replicas", lambda c: c.num_replicas),
    ("compression", lambda c: c.compression),
    ("description", lambda c: c.description),
    ("placement", lambda c: c.placement),
    ("metadata", user_metadata),
)
"""The bucket settings a re-creation compares, by their :class:`ObjectStoreConfig` names."""


_OBJECTS: Final = Wording(
    noun="object store",
    not_found_class=ObjectStoreNotFoundError,
    manager="js.objects",
    config="ObjectStoreConfig",
    stream_name=object_stream_name,
    settings=OBJECT_SETTINGS,
)

store_context = _OBJECTS.context
store_not_found = _OBJECTS.not_found
raise_if_gone = _OBJECTS.raise_if_gone
store_exists = _OBJECTS.exists
