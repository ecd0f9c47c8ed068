"""Rules that span several fields of a stream configuration, checked before anything is sent.

They follow the server's own checks (``checkStreamCfg`` in nats-server's ``stream.go``),
so a contradictory configuration fails here with a message that says what to change,
and nothing is created. The server stays the authority: what is not checked here is
still refused there.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from jsm._errors_base import InvalidNameError, InvalidOptionError
from jsm.models import DiscardPolicy, PersistMode, RetentionPolicy, StorageType
from jsm.subjects import check_name, check_subject

if TYPE_CHECKING:
    from jsm.models import StreamConfig, StreamSource

__all__ = ["check_stream_config", "required_api_level"]

MAX_REPLICAS = 5
MAX_DESCRIPTION = 4096
MAX_METADATA_BYTES = 128 * 1024
MIN_AGE = timedelta(milliseconds=100)
MIN_MARKER_TTL = timedelta(seconds=1)
INT32_MAX = 2**31 - 1


def check_stream_config(config: StreamConfig, *, strict: bool = False) -> None:
    """Check a configuration before it is sent to the server.

    Raises:
        InvalidNameError: the stream name or a subject breaks the naming rules.
        InvalidOptionError: settings contradict each other or are out of range.
    """
    check_name(config.name, kind="stream", strict=strict)
    _check_ranges(config)
    _check_subjects(config)
    _check_combinations(config)
    _check_features(config)
    if config.mirror is not None:
        _check_mirror(config, config.mirror)
    _check_sources(config)


def required_api_level(config: StreamConfig) -> int:
    """Return the JetStream API level the configuration's features need (ADR-44)."""
    level = 0
    if config.allow_msg_ttl or config.subject_delete_marker_ttl:
        level = 1
    if (
        config.allow_msg_counter
        or config.allow_atomic
        or config.allow_msg_schedules
        or config.persist_mode == PersistMode.ASYNC
    ):
        level = 2
    if config.allow_batched:
        level = 4
    return level


def _fail(message: str) -> InvalidOptionError:
    return InvalidOptionError(f"stream {message}")


def _check_ranges(config: StreamConfig) -> None:
    if not 0 <= config.num_replicas <= MAX_REPLICAS:
        raise _fail(f"num_replicas must be 1 to {MAX_REPLICAS} (got {config.num_replicas})")
    if config.description is not None and len(config.description) > MAX_DESCRIPTION:
        raise _fail(f"description is {len(config.description)} characters; the limit is 4096")
    if config.metadata and sum(len(k) + len(v) for k, v in config.metadata.items()) > (
        MAX_METADATA_BYTES
    ):
        raise _fail("metadata exceeds 128 KiB")
    for field in ("max_consumers", "max_msgs", "max_bytes", "max_msgs_per_subject"):
        if getattr(config, field) < -1:
            raise _fail(f"{field} must be -1 (unlimited) or positive")
    if config.max_msg_size is not None and not -1 <= config.max_msg_size <= INT32_MAX:
        raise _fail("max_msg_size must be -1 (unlimited) or fit in 32 bits")
    if config.max_age < timedelta(0) or timedelta(0) < config.max_age < MIN_AGE:
        raise _fail(f"max_age must be 0 (unlimited) or at least 100ms (got {config.max_age})")
    window = config.duplicate_window
    if window is not None and (window < timedelta(0) or timedelta(0) < window < MIN_AGE):
        raise _fail(f"duplicate_window must be at least 100ms (got {window})")
    if window and config.max_age and window > config.max_age:
        raise _fail(
            f"duplicate_window ({window}) may not be longer than max_age ({config.max_age})"
        )


def _check_subjects(config: StreamConfig) -> None:
    seen: set[str] = set()
    for subject in config.subjects or []:
        check_subject(subject, what="stream subject")
        if subject in seen:
            raise _fail(f"subjects list {subject!r} twice")
        seen.add(subject)
    if config.subject_transform is not None and config.subject_transform.src:
        check_subject(config.subject_transform.src, what="subject_transform.src")
    if config.republish is not None:
        check_subject(config.republish.dest, what="republish.dest")


def _check_combinations(config: StreamConfig) -> None:
    if config.deny_purge and config.allow_rollup_hdrs:
        raise _fail("allow_rollup_hdrs needs purging: it cannot be combined with deny_purge")
    if config.discard_new_per_subject:
        if config.discard != DiscardPolicy.NEW:
            raise _fail("discard_new_per_subject needs discard=DiscardPolicy.NEW")
        if config.max_msgs_per_subject <= 0:
            raise _fail("discard_new_per_subject needs max_msgs_per_subject > 0")
    marker = config.subject_delete_marker_ttl
    if marker is not None and (marker < timedelta(0) or timedelta(0) < marker < MIN_MARKER_TTL):
        raise _fail(f"subject_delete_marker_ttl must be at least 1s (got {marker})")
    if config.mirror_direct and config.mirror is None:
        raise _fail("mirror_direct is only for mirrors: set mirror, or leave mirror_direct off")
    if config.placement is not None and config.placement.preferred:
        raise _fail("placement.preferred is only for leader step-down, not for the config")


def _check_features(config: StreamConfig) -> None:
    if config.allow_msg_counter:
        if config.discard == DiscardPolicy.NEW:
            raise _fail("with allow_msg_counter cannot use discard=new")
        if config.allow_msg_ttl:
            raise _fail("with allow_msg_counter cannot use allow_msg_ttl")
        if config.allow_msg_schedules:
            raise _fail("with allow_msg_counter cannot use allow_msg_schedules")
        if config.retention != RetentionPolicy.LIMITS:
            raise _fail("with allow_msg_counter needs retention=limits")
    if config.allow_msg_schedules:
        if config.discard == DiscardPolicy.NEW:
            raise _fail("with allow_msg_schedules cannot use discard=new")
        if config.sources:
            raise _fail("with allow_msg_schedules cannot have sources")
    if config.persist_mode == PersistMode.ASYNC:
        if config.storage != StorageType.FILE:
            raise _fail("persist_mode=async needs file storage")
        if config.num_replicas > 1:
            raise _fail("persist_mode=async works only with one replica")
        if config.allow_atomic:
            raise _fail("persist_mode=async cannot be combined with allow_atomic")


def _check_mirror(config: StreamConfig, mirror: StreamSource) -> None:
    conflicts = [
        ("subjects", bool(config.subjects)),
        ("sources", bool(config.sources)),
        ("first_seq", bool(config.first_seq)),
        ("allow_msg_counter", bool(config.allow_msg_counter)),
        ("allow_atomic", bool(config.allow_atomic)),
        ("allow_batched", bool(config.allow_batched)),
        ("allow_msg_schedules", bool(config.allow_msg_schedules)),
        ("subject_delete_marker_ttl", bool(config.subject_delete_marker_ttl)),
    ]
    for field, is_set in conflicts:
        if is_set:
            raise _fail(
                f"is a mirror of {mirror.name!r}, so it cannot have {field}; "
                "a mirror copies its origin exactly (use sources to combine streams)"
            )
    _check_source(mirror, what="mirror")


def _check_sources(config: StreamConfig) -> None:
    seen: set[tuple[str, str | None]] = set()
    for index, source in enumerate(config.sources or []):
        key = (source.name, source.external.api if source.external else None)
        if key in seen:
            raise _fail(f"sources list {source.name!r} twice (from the same API)")
        seen.add(key)
        _check_source(source, what=f"sources[{index}]")


def _check_source(source: StreamSource, *, what: str) -> None:
    try:
        check_name(source.name, kind=f"{what} stream")
    except InvalidNameError as err:
        raise _fail(str(err)) from None
    if source.opt_start_seq and source.opt_start_time is not None:
        raise _fail(f"{what} may set opt_start_seq or opt_start_time, not both")
    if source.filter_subject and source.subject_transforms:
        raise _fail(
            f"{what} may set filter_subject or subject_transforms, not both "
            "(a transform's src is its filter)"
        )
    srcs = [t.src for t in source.subject_transforms or []]
    if len(set(srcs)) != len(srcs):
        raise _fail(f"{what} has two subject_transforms with the same src")
    if source.consumer is not None and (
        source.opt_start_seq or source.opt_start_time or source.filter_subject
    ):
        raise _fail(f"{what} with a durable consumer cannot set a start point or filter_subject")
    if source.external is not None:
        check_subject(source.external.api, allow_wildcards=False, what=f"{what}.external.api")
