"""The errors of Key-Value buckets and object stores: a missing bucket, key or object, a clash."""

from __future__ import annotations

from typing import Any

from jsm._errors_core import JsmError, NotFoundError

__all__ = [
    "BucketNotFoundError",
    "DigestMismatchError",
    "KeyDeletedError",
    "KeyExistsError",
    "KeyNotFoundError",
    "ObjectExistsError",
    "ObjectLinkError",
    "ObjectNotFoundError",
    "ObjectStoreNotFoundError",
]


# ---- kv


class BucketNotFoundError(NotFoundError):
    """The Key-Value bucket does not exist (its ``KV_<bucket>`` stream is missing)."""


class KeyNotFoundError(JsmError):
    """A Key-Value key has no value: never written, deleted or purged.

    Attributes:
        bucket: the bucket.
        key: the key.
    """

    def __init__(self, bucket: str, key: str, message: str | None = None) -> None:
        self.bucket = bucket
        self.key = key
        super().__init__(message or f"key {key!r} not found in bucket {bucket!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.bucket, self.key, self.message))


class KeyDeletedError(KeyNotFoundError):
    """The key's latest entry is a delete or purge marker (at ``revision``)."""

    def __init__(self, bucket: str, key: str, revision: int, operation: str = "DEL") -> None:
        self.revision = revision
        self.operation = operation
        super().__init__(
            bucket,
            key,
            f"key {key!r} in bucket {bucket!r} was deleted ({operation} at revision {revision})",
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.bucket, self.key, self.revision, self.operation))


class KeyExistsError(JsmError):
    """``create`` found a value for the key; use ``update`` with its revision instead.

    Attributes:
        bucket: the bucket.
        key: the key.
        revision: the revision of the value found (0 when unknown).
    """

    def __init__(self, bucket: str, key: str, revision: int = 0) -> None:
        self.bucket = bucket
        self.key = key
        self.revision = revision
        at = f" at revision {revision}" if revision else ""
        super().__init__(
            f"key {key!r} already exists in bucket {bucket!r}{at}; "
            "use update(key, value, revision) to change it"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.bucket, self.key, self.revision))


# ---- objects


class ObjectStoreNotFoundError(NotFoundError):
    """The object-store bucket does not exist (its ``OBJ_<bucket>`` stream is missing)."""


class ObjectNotFoundError(JsmError):
    """The object does not exist in the bucket, or it was deleted.

    Attributes:
        bucket: the bucket.
        name: the object's name.
    """

    def __init__(self, bucket: str, name: str, message: str | None = None) -> None:
        self.bucket = bucket
        self.name = name
        super().__init__(message or f"object {name!r} not found in bucket {bucket!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.bucket, self.name, self.message))


class ObjectExistsError(JsmError):
    """A rename or a link would replace a live object; delete that object first.

    Attributes:
        bucket: the bucket.
        name: the name already taken.
    """

    def __init__(self, bucket: str, name: str, message: str | None = None) -> None:
        self.bucket = bucket
        self.name = name
        super().__init__(
            message
            or f"object {name!r} already exists in bucket {bucket!r}; delete it or pick another name"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.bucket, self.name, self.message))


class ObjectLinkError(JsmError):
    """A link cannot be made (to a link or a deleted object) or followed (a bucket link)."""


class DigestMismatchError(JsmError):
    """The data read does not hash to the object's digest: what was received is not the object.

    Attributes:
        bucket: the bucket.
        name: the object's name.
        expected: the digest stored with the object.
        actual: the digest of the data received.
        received: how many bytes were received (and handed out, flagged incomplete).
    """

    def __init__(self, bucket: str, name: str, expected: str, actual: str, received: int) -> None:
        self.bucket = bucket
        self.name = name
        self.expected = expected
        self.actual = actual
        self.received = received
        super().__init__(
            f"object {name!r} in bucket {bucket!r} failed its digest check after {received} "
            f"bytes (stored {expected}, received {actual}); discard the data read"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.bucket, self.name, self.expected, self.actual, self.received),
        )
