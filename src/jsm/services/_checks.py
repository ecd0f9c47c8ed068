"""Checks of service names, versions, subjects and metadata (ADR-32), before the wire."""

from __future__ import annotations

import re
from collections.abc import Mapping

from jsm._errors_base import InvalidNameError, InvalidOptionError
from jsm.subjects import check_subject

__all__ = [
    "SEMVER",
    "check_group_prefix",
    "check_metadata",
    "check_queue_group",
    "check_service_name",
    "check_version",
]

_NAME = re.compile(r"[A-Za-z0-9_-]+")

SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
"""The strict semantic-version pattern of ADR-32 (semver.org's), matched in full."""


def check_service_name(name: str, *, kind: str = "service") -> str:
    """Check a service or endpoint name: letters, digits, ``_`` and ``-`` only.

    Raises:
        InvalidNameError: empty or holding another character.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidNameError(
            f"invalid {kind} name {name!r}: use only letters, digits, '_' and '-' "
            "(e.g. 'calc' or 'order-api')"
        )
    return name


def check_version(version: str) -> str:
    """Check a service version: strict semantic versioning (``1.0.0``, ``2.1.0-rc.1+build.5``).

    Raises:
        InvalidOptionError: not a semantic version.
    """
    if not isinstance(version, str) or not SEMVER.fullmatch(version):
        raise InvalidOptionError(
            f"invalid service version {version!r}: it must be a semantic version "
            "MAJOR.MINOR.PATCH[-prerelease][+build], e.g. '1.0.0' (no leading 'v' or zeros)"
        )
    return version


def check_queue_group(queue_group: str) -> str:
    """Check a queue group name: one or more subject-like tokens without wildcards.

    Raises:
        InvalidNameError: empty, whitespace or wildcards.
    """
    return check_subject(queue_group, allow_wildcards=False, what="queue group")


def check_group_prefix(prefix: str) -> str:
    """Check a group's subject prefix: a subject that may hold ``*`` but not end in ``>``.

    Raises:
        InvalidNameError: not a valid subject, or it holds ``>``.
    """
    check_subject(prefix, what="service group")
    if ">" in prefix.split("."):
        raise InvalidNameError(
            f"invalid service group {prefix!r}: '>' would leave no room for endpoint subjects"
        )
    return prefix


def check_metadata(metadata: Mapping[str, str] | None, *, what: str) -> dict[str, str]:
    """Check metadata is string to string and return a copy (``{}`` for ``None``).

    Raises:
        InvalidOptionError: a key or value is not a string.
    """
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise InvalidOptionError(f"{what} metadata must be a dict of strings (got {metadata!r})")
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidOptionError(
                f"{what} metadata must map strings to strings (got {key!r}: {value!r})"
            )
    return dict(metadata)
