"""Hypothesis strategies for stream configurations, shared by unit and integration tests.

``stream_configs()`` draws any configuration the schema allows (for JSON round trips);
``server_valid_configs()`` draws only ones a single nats-server accepts as they are, so
they can be created and read back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from jsm.models import (
    DiscardPolicy,
    ExternalStream,
    PersistMode,
    Placement,
    RePublish,
    RetentionPolicy,
    StorageType,
    StoreCompression,
    StreamConfig,
    StreamConsumerLimits,
    StreamConsumerSource,
    StreamSource,
    SubjectTransform,
)
from jsm.models.stream import WireDatetime

INT64 = 2**63 - 1
INT32 = 2**31 - 1
UINT64 = 2**64 - 1

_name_chars = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters=".*>/\\"
)
names = st.text(_name_chars, min_size=1, max_size=20)
tokens = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)
subjects = st.lists(tokens, min_size=1, max_size=4).map(".".join)
wildcard_subjects = st.builds(lambda s, tail: s + tail, subjects, st.sampled_from(["", ".*", ".>"]))
free_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
durations = st.integers(min_value=0, max_value=10**15).map(lambda us: timedelta(microseconds=us))
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
timestamps = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=offsets | st.just(UTC)
)
transforms = st.builds(SubjectTransform, src=wildcard_subjects, dest=wildcard_subjects)


def _with_nanos(when: datetime, nanos: int) -> datetime:
    precise = WireDatetime.combine(when.date(), when.timetz())
    precise.nanosecond = nanos
    return precise


precise_timestamps = timestamps | st.builds(_with_nanos, timestamps, st.integers(0, 999))


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


sources = st.builds(
    StreamSource,
    name=names,
    opt_start_seq=_opt(st.integers(0, UINT64)),
    opt_start_time=_opt(precise_timestamps),
    filter_subject=_opt(wildcard_subjects),
    subject_transforms=_opt(st.lists(transforms, max_size=3)),
    external=_opt(st.builds(ExternalStream, api=subjects, deliver=st.just("") | subjects)),
    consumer=_opt(st.builds(StreamConsumerSource, name=names, deliver_subject=subjects)),
)


@st.composite
def stream_configs(draw: st.DrawFn) -> StreamConfig:
    """Any configuration the schema accepts (not necessarily one a server accepts)."""
    o = _opt
    fields: dict[str, Any] = {
        "name": draw(names),
        "description": draw(o(free_text)),
        "subjects": draw(o(st.lists(wildcard_subjects, max_size=4))),
        "retention": draw(st.sampled_from(RetentionPolicy)),
        "max_consumers": draw(st.integers(-1, INT64)),
        "max_msgs": draw(st.integers(-1, INT64)),
        "max_bytes": draw(st.integers(-1, INT64)),
        "max_age": draw(durations),
        "max_msgs_per_subject": draw(st.integers(-1, INT64)),
        "max_msg_size": draw(o(st.integers(-1, INT32))),
        "discard": draw(st.sampled_from(DiscardPolicy)),
        "storage": draw(st.sampled_from(StorageType)),
        "num_replicas": draw(st.integers(0, 5)),
        "no_ack": draw(o(st.booleans())),
        "duplicate_window": draw(o(durations)),
        "placement": draw(o(st.builds(Placement, cluster=o(names), tags=o(st.lists(names))))),
        "mirror": draw(o(sources)),
        "sources": draw(o(st.lists(sources, max_size=3))),
        "compression": draw(st.sampled_from(StoreCompression)),
        "first_seq": draw(o(st.integers(0, UINT64))),
        "subject_transform": draw(o(transforms)),
        "republish": draw(o(st.builds(RePublish, src=o(subjects), dest=subjects))),
        "allow_direct": draw(st.booleans()),
        "mirror_direct": draw(st.booleans()),
        "discard_new_per_subject": draw(o(st.booleans())),
        "sealed": draw(st.booleans()),
        "deny_delete": draw(st.booleans()),
        "deny_purge": draw(st.booleans()),
        "allow_rollup_hdrs": draw(st.booleans()),
        "consumer_limits": draw(
            st.builds(
                StreamConsumerLimits,
                inactive_threshold=o(durations),
                max_ack_pending=o(st.integers(-(2**63), INT64)),
            )
        ),
        "allow_msg_ttl": draw(st.booleans()),
        "subject_delete_marker_ttl": draw(o(durations)),
        "allow_msg_counter": draw(o(st.booleans())),
        "allow_atomic": draw(o(st.booleans())),
        "allow_msg_schedules": draw(o(st.booleans())),
        "persist_mode": draw(o(st.sampled_from(PersistMode))),
        "allow_batched": draw(o(st.booleans())),
        "metadata": draw(o(st.dictionaries(free_text, free_text, max_size=3))),
    }
    return StreamConfig(**fields)


@st.composite
def server_valid_configs(draw: st.DrawFn, name: str, subject: str) -> StreamConfig:
    """A configuration one nats-server accepts unchanged (R1, own subject, sane limits)."""
    seconds = st.integers(1, 3600).map(lambda s: timedelta(seconds=s))
    max_age = draw(
        st.just(timedelta(0)) | st.integers(3601, 10**6).map(lambda s: timedelta(seconds=s))
    )
    fields: dict[str, Any] = {
        "name": name,
        "description": draw(_opt(free_text.filter(bool))),
        "subjects": [subject + ".>"],
        "retention": draw(st.sampled_from([RetentionPolicy.LIMITS, RetentionPolicy.INTEREST])),
        "max_consumers": draw(st.sampled_from([-1, 10])),
        "max_msgs": draw(st.sampled_from([-1, 1000])),
        "max_bytes": draw(st.sampled_from([-1, 10_000_000])),
        "max_age": max_age,
        "max_msgs_per_subject": draw(st.sampled_from([-1, 5])),
        "max_msg_size": draw(st.sampled_from([-1, 4096])),
        "storage": draw(st.sampled_from(StorageType)),
        "duplicate_window": draw(seconds),
        "compression": draw(st.sampled_from(StoreCompression)),
        "allow_direct": draw(st.booleans()),
        "deny_delete": draw(st.booleans()),
        "allow_rollup_hdrs": draw(st.booleans()),
        "allow_msg_ttl": draw(st.booleans()),
        "consumer_limits": StreamConsumerLimits(
            inactive_threshold=draw(_opt(seconds)), max_ack_pending=draw(_opt(st.integers(1, 1000)))
        ),
        "republish": draw(
            _opt(st.just(RePublish(src=subject + ".>", dest="rp." + subject + ".>")))
        ),
        "metadata": draw(_opt(st.dictionaries(tokens, free_text, min_size=1, max_size=3))),
    }
    return StreamConfig(**fields)
