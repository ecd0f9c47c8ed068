"""Local checks of a :class:`~jsm.ConsumerConfig` before anything is sent.

Each rule mirrors one the server enforces (``server/consumer.go``), so a bad
configuration fails here with a message naming the fields, rather than as a round trip.
Rules that need the stream (does the filter fall inside its subjects?) are the server's.
"""

from __future__ import annotations

from jsm._errors_base import InvalidOptionError
from jsm.models import ConsumerConfig, DeliverPolicy, PriorityPolicy
from jsm.subjects import check_name, check_subject

__all__ = [
    "check_consumer_config",
    "check_filters_in_stream",
    "create_subject",
    "single_filter",
    "subjects_overlap",
]

_PULL_ONLY = ("max_waiting", "max_batch", "max_expires", "max_bytes", "priority_groups")
_PUSH_ONLY = ("flow_control", "idle_heartbeat", "rate_limit_bps", "deliver_group")


def check_consumer_config(config: ConsumerConfig, *, strict: bool = False) -> None:
    """Raise if ``config`` breaks a rule that can be checked without the server.

    Raises:
        InvalidNameError: a name with forbidden characters.
        InvalidOptionError: contradictory or incomplete options.
    """
    if not isinstance(config, ConsumerConfig):
        raise InvalidOptionError(
            f"expected a jsm.ConsumerConfig, got {type(config).__name__}; "
            "build one with jsm.ConsumerConfig(durable_name=..., ...)"
        )
    _check_names(config, strict=strict)
    _check_start(config)
    _check_filters(config)
    _check_kind(config)
    _check_priority(config)
    if (
        config.backoff
        and config.max_deliver is not None
        and 0 < config.max_deliver <= len(config.backoff)
    ):
        raise InvalidOptionError(
            f"max_deliver ({config.max_deliver}) must be greater than the number of backoff "
            f"delays ({len(config.backoff)})"
        )


def _check_names(config: ConsumerConfig, *, strict: bool) -> None:
    for value in (config.name, config.durable_name):
        if value is not None:
            check_name(value, kind="consumer", strict=strict)
    if config.name and config.durable_name and config.name != config.durable_name:
        raise InvalidOptionError(
            f"name ({config.name!r}) and durable_name ({config.durable_name!r}) differ; "
            "give one of them, or the same value for both"
        )


def _check_start(config: ConsumerConfig) -> None:
    policy = config.deliver_policy
    if policy == DeliverPolicy.BY_START_SEQUENCE and not config.opt_start_seq:
        raise InvalidOptionError("deliver_policy by_start_sequence needs opt_start_seq (≥ 1)")
    if policy == DeliverPolicy.BY_START_TIME and config.opt_start_time is None:
        raise InvalidOptionError("deliver_policy by_start_time needs opt_start_time")
    if policy == DeliverPolicy.LAST_PER_SUBJECT and not (
        config.filter_subject or config.filter_subjects
    ):
        raise InvalidOptionError(
            "deliver_policy last_per_subject needs filter_subject or filter_subjects "
            "(use '>' for every subject)"
        )
    if config.opt_start_seq is not None and policy != DeliverPolicy.BY_START_SEQUENCE:
        raise InvalidOptionError(
            f"opt_start_seq needs deliver_policy by_start_sequence (got {policy.value!r})"
        )
    if config.opt_start_time is not None and policy != DeliverPolicy.BY_START_TIME:
        raise InvalidOptionError(
            f"opt_start_time needs deliver_policy by_start_time (got {policy.value!r})"
        )


def _check_filters(config: ConsumerConfig) -> None:
    if config.filter_subject and config.filter_subjects:
        raise InvalidOptionError("give filter_subject or filter_subjects, not both")
    filters = config.filter_subjects or ([config.filter_subject] if config.filter_subject else [])
    for subject in filters:
        check_subject(subject, what="filter subject")
    if len(set(filters)) != len(filters):
        raise InvalidOptionError(f"filter_subjects lists a subject twice: {filters}")
    if config.deliver_subject:
        check_subject(config.deliver_subject, allow_wildcards=False, what="deliver_subject")


def _check_kind(config: ConsumerConfig) -> None:
    if config.deliver_subject:
        wrong = [field for field in _PULL_ONLY if getattr(config, field) is not None]
        if wrong:
            raise InvalidOptionError(
                f"{', '.join(wrong)} only apply to pull consumers; drop them or drop deliver_subject"
            )
    else:
        wrong = [field for field in _PUSH_ONLY if getattr(config, field) not in (None, False)]
        if wrong:
            raise InvalidOptionError(
                f"{', '.join(wrong)} only apply to push consumers; set deliver_subject to make one"
            )
    if config.flow_control and not config.idle_heartbeat:
        raise InvalidOptionError("flow_control needs idle_heartbeat too")


def _check_priority(config: ConsumerConfig) -> None:
    policy = config.priority_policy
    active = policy is not None and policy != PriorityPolicy.NONE
    if policy is not None and active and not config.priority_groups:
        raise InvalidOptionError(f"priority_policy {policy.value!r} needs priority_groups")
    if config.priority_groups and not active:
        raise InvalidOptionError(
            "priority_groups need a priority_policy (overflow, pinned_client or prioritized)"
        )
    if config.priority_timeout is not None and policy != PriorityPolicy.PINNED_CLIENT:
        raise InvalidOptionError("priority_timeout only applies to priority_policy pinned_client")


def single_filter(config: ConsumerConfig) -> str | None:
    """The filter for the extended create subject: ``filter_subject`` only.

    The server refuses the extended subject for ``filter_subjects``, even with a single
    entry (err 10137), so that form goes to the plain subject.
    """
    return config.filter_subject or None


def create_subject(stream: str, config: ConsumerConfig, *, max_length: int | None = None) -> str:
    """The ``CONSUMER.CREATE`` subject (after ``$JS.API.``) for ``config`` on ``stream``.

    Named consumers with exactly one filter use the extended form
    ``CONSUMER.CREATE.<stream>.<name>.<filter>`` so permissions can be scoped by filter,
    unless it is longer than ``max_length`` (the server closes the connection on a
    protocol line over its ``max_control_line``): the filter then travels in the body only.
    """
    name = config.consumer_name
    if name is None:
        return f"CONSUMER.CREATE.{stream}"
    subject = single_filter(config)
    plain = f"CONSUMER.CREATE.{stream}.{name}"
    if subject is None:
        return plain
    extended = f"{plain}.{subject}"
    if max_length is not None and len(extended.encode()) > max_length:
        return plain
    return extended


def subjects_overlap(first: str, second: str) -> bool:
    """Whether some subject matches both patterns (``*`` and ``>`` wildcards allowed)."""
    a, b = first.split("."), second.split(".")
    for index in range(max(len(a), len(b))):
        x = a[index] if index < len(a) else None
        y = b[index] if index < len(b) else None
        if x == ">" or y == ">":
            return x is not None and y is not None
        if x is None or y is None:
            return False
        if x != y and x != "*" and y != "*":
            return False
    return True


def check_filters_in_stream(
    config: ConsumerConfig, stream: str, stream_subjects: list[str] | None
) -> None:
    """Refuse filters no subject of the stream can match (the server accepts them, silently).

    Raises:
        InvalidOptionError: a filter overlaps none of ``stream_subjects``.
    """
    if not stream_subjects:
        return
    filters = config.filter_subjects or ([config.filter_subject] if config.filter_subject else [])
    for subject in filters:
        if not any(subjects_overlap(subject, own) for own in stream_subjects):
            raise InvalidOptionError(
                f"filter subject {subject!r} matches none of the subjects of stream "
                f"{stream!r} ({', '.join(stream_subjects)}); the consumer would never "
                "receive a message"
            )
