"""From a :class:`KeyValueConfig` to the ``KV_<bucket>`` stream configuration (ADR-8, ADR-57).

Every rule ADR-8 sets for a bucket's stream lives here: its name and subjects, history
as ``max_msgs_per_subject``, discard new, rollups, deny delete, direct gets, the
duplicate window, and how mirrors and sources of other buckets are wired (mirror
direct; sources rewrite ``$KV.<origin>.>`` to ``$KV.<bucket>.>``).
"""

from __future__ import annotations

from jsm._constants import KV_MAX_DUPLICATE_WINDOW, KV_MAX_HISTORY
from jsm._errors_base import InvalidOptionError
from jsm.models import (
    DiscardPolicy,
    KeyValueConfig,
    StoreCompression,
    StreamConfig,
    StreamSource,
    SubjectTransform,
)
from jsm.streams._checks import MAX_REPLICAS
from jsm.subjects import check_bucket_name, kv_stream_name

__all__ = ["KV_STREAM_PREFIX", "bucket_of_stream", "kv_stream_config", "origin_stream_name"]

KV_STREAM_PREFIX = "KV_"


def bucket_of_stream(stream: str) -> str:
    """Return the bucket name behind a ``KV_<bucket>`` stream name."""
    return stream[len(KV_STREAM_PREFIX) :] if stream.startswith(KV_STREAM_PREFIX) else stream


def origin_stream_name(name: str) -> str:
    """Return the stream of a bucket named with or without its ``KV_`` prefix."""
    return name if name.startswith(KV_STREAM_PREFIX) else kv_stream_name(name)


def check_kv_config(config: KeyValueConfig) -> None:
    """Check what ADR-8 fixes for a bucket, before anything is sent.

    Raises:
        InvalidNameError: the bucket name is not ``[A-Za-z0-9_-]+``.
        InvalidOptionError: history, replicas or sizes out of range, or a mirror with sources.
    """
    if not isinstance(config, KeyValueConfig):
        raise InvalidOptionError(
            f"expected a jsm.KeyValueConfig, got {type(config).__name__}; "
            "build one with jsm.KeyValueConfig(bucket=...)"
        )
    check_bucket_name(config.bucket)
    if not 1 <= config.history <= KV_MAX_HISTORY:
        raise InvalidOptionError(
            f"history must be 1 to {KV_MAX_HISTORY} values per key (got {config.history})"
        )
    if not 1 <= config.replicas <= MAX_REPLICAS:
        raise InvalidOptionError(f"replicas must be 1 to {MAX_REPLICAS} (got {config.replicas})")
    if config.max_value_size == 0 or config.max_value_size < -1:
        raise InvalidOptionError(
            f"max_value_size must be positive or -1 for no limit (got {config.max_value_size})"
        )
    if config.max_bytes == 0 or config.max_bytes < -1:
        raise InvalidOptionError(
            f"max_bytes must be positive or -1 for no limit (got {config.max_bytes})"
        )
    if config.ttl.total_seconds() < 0:
        raise InvalidOptionError(f"ttl must not be negative (got {config.ttl})")
    if config.mirror is not None and config.sources:
        raise InvalidOptionError("a bucket is either a mirror or has sources, not both")


def kv_stream_config(config: KeyValueConfig) -> StreamConfig:
    """Return the stream configuration ADR-8 prescribes for ``config``.

    Raises:
        InvalidNameError: the bucket name is invalid.
        InvalidOptionError: a setting is out of range.
    """
    check_kv_config(config)
    window = KV_MAX_DUPLICATE_WINDOW
    if config.ttl and config.ttl < window:
        window = config.ttl
    fields: dict[str, object] = {
        "name": kv_stream_name(config.bucket),
        "description": config.description,
        "max_msgs_per_subject": config.history,
        "max_bytes": config.max_bytes,
        "max_age": config.ttl,
        "max_msg_size": config.max_value_size,
        "storage": config.storage,
        "num_replicas": config.replicas,
        "placement": config.placement,
        "allow_rollup_hdrs": True,
        "deny_delete": True,
        "duplicate_window": window,
        "max_msgs": -1,
        "max_consumers": -1,
        "allow_direct": True,
        "republish": config.republish,
        "compression": StoreCompression.S2 if config.compression else StoreCompression.NONE,
        "discard": DiscardPolicy.NEW,
        "metadata": config.metadata,
    }
    if config.limit_marker_ttl:
        fields |= {"allow_msg_ttl": True, "subject_delete_marker_ttl": config.limit_marker_ttl}
    subjects = [f"$KV.{config.bucket}.>"]
    if config.mirror is not None:
        mirror = config.mirror.model_dump(exclude_none=True)
        mirror["name"] = origin_stream_name(config.mirror.name)
        fields |= {"mirror": StreamSource.model_validate(mirror), "mirror_direct": True}
    elif config.sources:
        fields |= {"sources": [_source(s, config.bucket) for s in config.sources]}
        fields["subjects"] = subjects
    else:
        fields["subjects"] = subjects
    return StreamConfig.model_validate(fields)


def _source(source: StreamSource, bucket: str) -> StreamSource:
    if source.subject_transforms:
        return source  # full control: used as given (the name is the stream's)
    origin = bucket_of_stream(source.name)
    data = source.model_dump(exclude_none=True)
    data["name"] = origin_stream_name(source.name)
    # A source of the same bucket in another domain keeps its subjects; any other
    # bucket's keys are rewritten into this bucket's subjects (ADR-8 aggregates).
    if source.external is None or origin != bucket:
        data["subject_transforms"] = [
            SubjectTransform(src=f"$KV.{origin}.>", dest=f"$KV.{bucket}.>")
        ]
    return StreamSource.model_validate(data)
