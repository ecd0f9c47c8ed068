"""Consumer configuration: :class:`ConsumerConfig` and its enums.

Fields are declared in the order nats-server writes them (``server/consumer.go``), so a
configuration read from the server and written back with :meth:`ConsumerConfig.to_json`
is the same JSON. Fields the server leaves out when empty (``omitempty``) are
``Optional`` with ``None`` meaning "not sent; the server decides"; the four it always
writes (``deliver_policy``, ``ack_policy``, ``replay_policy``, ``num_replicas``) carry
defaults. Rules that span fields (a start sequence with ``by_start_sequence``, …) are
checked by :mod:`jsm.consumers` before anything is sent. Info and API replies live in
:mod:`jsm.models.consumer_info`.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Self

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, ValidationInfo

from jsm._errors_base import InvalidOptionError
from jsm.models._base import (
    Int64,
    Model,
    NonNegativeNanos,
    PositiveNanos,
    UInt64,
    WireEnum,
)
from jsm.models.stream import WireTime, go_json_escape

__all__ = [
    "AckPolicy",
    "ConsumerConfig",
    "DeliverPolicy",
    "PriorityPolicy",
    "ReplayPolicy",
]


class DeliverPolicy(WireEnum):
    """Where in the stream a new consumer starts."""

    ALL = "all"
    LAST = "last"
    NEW = "new"
    BY_START_SEQUENCE = "by_start_sequence"
    BY_START_TIME = "by_start_time"
    LAST_PER_SUBJECT = "last_per_subject"


class AckPolicy(WireEnum):
    """Which acknowledgements the consumer expects."""

    NONE = "none"
    ALL = "all"
    EXPLICIT = "explicit"
    FLOW_CONTROL = "flow_control"


class ReplayPolicy(WireEnum):
    """Deliver stored messages as fast as possible, or at the pace they were stored."""

    INSTANT = "instant"
    ORIGINAL = "original"


class PriorityPolicy(WireEnum):
    """How pulls of a priority group share the messages (ADR-42)."""

    NONE = "none"
    OVERFLOW = "overflow"
    PINNED_CLIENT = "pinned_client"
    PRIORITIZED = "prioritized"


_SAMPLE = re.compile(r"([0-9]+)%?")
_SAMPLE_HINT = "sample_freq is a percentage from 0 to 100, as an int (50) or text ('50%' or '50')"


def _sample_percent(value: object) -> object:
    # jsm.go writes "50%", the nats CLI "50"; the server reads both (strconv.Atoi after
    # trimming "%"). An int becomes "50%", so the server hands back what the model holds.
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= 100:
            raise ValueError(f"{_SAMPLE_HINT} (got {value})")
        return f"{value}%"
    return value


def _sample_text(value: str, info: ValidationInfo) -> str:
    match = _SAMPLE.fullmatch(value)
    # JSON keeps what the server accepts (it treats more than 100 as 100), so a consumer
    # another client made still reads; Python callers are held to 0-100.
    too_high = match is not None and info.mode == "python" and int(match.group(1)) > 100
    if match is None or too_high:
        raise ValueError(f"{_SAMPLE_HINT} (got {value!r})")
    return value


SampleFrequency = Annotated[str, BeforeValidator(_sample_percent), AfterValidator(_sample_text)]
"""The share of acks sampled as advisories: ``"50%"`` (from an int or text)."""

_NonEmpty = Annotated[str, Field(min_length=1)]


class ConsumerConfig(Model):
    """The configuration of a consumer: all 35 fields the server knows.

    ``ConsumerConfig(durable_name="worker", ack_policy=AckPolicy.EXPLICIT)`` makes a
    durable pull consumer; leave both names out for an ephemeral one, and set
    ``deliver_subject`` for a push consumer. Durations are ``timedelta``.
    """

    model_config = ConfigDict(use_attribute_docstrings=True)

    durable_name: str | None = None
    """Name of a durable consumer (kept when idle); prefer ``name`` with no inactive threshold."""
    name: str | None = None
    """The consumer's name; the server makes one up when neither name is given."""
    description: str | None = None
    """What the consumer is for (up to 4096 characters)."""
    deliver_policy: DeliverPolicy = DeliverPolicy.ALL
    """Where to start: all, last, new, a start sequence or time, or last per subject."""
    opt_start_seq: UInt64 | None = None
    """The first stream sequence, with ``deliver_policy=by_start_sequence``."""
    opt_start_time: WireTime | None = None
    """The first message time, with ``deliver_policy=by_start_time``."""
    ack_policy: AckPolicy = AckPolicy.EXPLICIT
    """Acknowledge each message (explicit), all up to one (all), or none."""
    ack_wait: PositiveNanos | None = None
    """How long a delivered message may stay unacknowledged before redelivery (default 30 s)."""
    max_deliver: Int64 | None = None
    """How many times a message is delivered at most (-1: unlimited)."""
    backoff: list[NonNegativeNanos] | None = None
    """Redelivery delays, one per attempt (the last repeats); needs max_deliver above its length."""
    filter_subject: str | None = None
    """Deliver only messages on this subject (wildcards allowed)."""
    filter_subjects: list[str] | None = None
    """Deliver only messages on these subjects (several filters, ADR-34)."""
    replay_policy: ReplayPolicy = ReplayPolicy.INSTANT
    """Deliver as fast as possible, or at the pace the messages were stored."""
    rate_limit_bps: UInt64 | None = None
    """Push only: cap delivery at this many bits per second."""
    sample_freq: SampleFrequency | None = None
    """Percentage of acks sampled as advisories: ``100`` or ``"100%"`` (an int is written ``"100%"``)."""
    max_waiting: Int64 | None = Field(default=None, ge=0)
    """Pull only: most pull requests waiting at once (default 512)."""
    max_ack_pending: Int64 | None = None
    """Most messages delivered and not yet acknowledged (-1: unlimited; default 1000)."""
    flow_control: bool | None = None
    """Push only: the server asks the client to confirm it keeps up (needs idle_heartbeat)."""
    headers_only: bool | None = None
    """Deliver headers only (and ``Nats-Msg-Size``), not the payloads."""
    max_batch: Int64 | None = Field(default=None, ge=0)
    """Pull only: the largest batch a pull request may ask for."""
    max_expires: NonNegativeNanos | None = None
    """Pull only: the longest expiry a pull request may ask for."""
    max_bytes: Int64 | None = Field(default=None, ge=0)
    """Pull only: the most bytes a pull request may ask for."""
    deliver_subject: _NonEmpty | None = None
    """Push only: the subject messages are delivered to (makes this a push consumer)."""
    deliver_group: _NonEmpty | None = None
    """Push only: the queue group the delivery subscriptions must use."""
    idle_heartbeat: NonNegativeNanos | None = None
    """Push only: send a heartbeat after this long without messages."""
    inactive_threshold: NonNegativeNanos | None = None
    """Delete the consumer after this long without activity (ephemerals default to 5 s)."""
    num_replicas: int = Field(default=0, ge=0, le=5)
    """Replicas of the consumer's state (0: as many as the stream)."""
    mem_storage: bool | None = None
    """Keep the consumer's state in memory even on a file stream."""
    direct: bool | None = None
    """Internal to the server (mirrors and sources); not for applications."""
    sourcing: bool | None = None
    """Internal to the server (stream sourcing); not for applications."""
    metadata: dict[str, str] | None = None
    """Free-form labels (the server adds ``_nats.*`` keys of its own)."""
    pause_until: WireTime | None = None
    """Deliver nothing until this time (see ``consumers.pause``)."""
    priority_groups: list[_NonEmpty] | None = None
    """Pull only: the priority groups pull requests must name (exactly one for now)."""
    priority_policy: PriorityPolicy | None = None
    """Pull only: overflow, pinned client or prioritized (ADR-42)."""
    priority_timeout: NonNegativeNanos | None = None
    """With ``pinned_client``: how long a pinned client may be silent before another is pinned."""

    @property
    def is_push(self) -> bool:
        """Whether this configures a push consumer (it has a ``deliver_subject``)."""
        return bool(self.deliver_subject)

    @property
    def consumer_name(self) -> str | None:
        """The name the consumer will have: ``name``, else ``durable_name`` (None: ephemeral)."""
        return self.name or self.durable_name

    @classmethod
    def from_json(cls, data: bytes | str, *, allow_unknown: bool = False) -> Self:
        """Read a ``consumer.json`` file's contents (durations in nanoseconds).

        A field the server does not know is reported (a typo would be sent and ignored);
        pass ``allow_unknown=True`` to keep such fields instead.

        Raises:
            ConfigValidationError: the text is not JSON, or a value has the wrong type.
            InvalidOptionError: a field is unknown.
        """
        config = cls.model_validate_json(data)
        unknown = sorted(config.model_extra or {})
        if unknown and not allow_unknown:
            raise InvalidOptionError(
                f"unknown field(s) in consumer configuration: {', '.join(unknown)}; "
                "check the spelling against the ConsumerConfig fields"
            )
        return config

    def to_json(self, *, indent: int | None = None) -> str:
        """Write the configuration as ``consumer.json`` text (nanosecond durations)."""
        text = self.model_dump_json(by_alias=True, exclude_none=True)
        if indent is not None:
            text = json.dumps(json.loads(text), indent=indent, ensure_ascii=False)
        return go_json_escape(text)

    def with_changes(self, **changes: object) -> Self:
        """Return a validated copy with ``changes`` applied (the original is unchanged).

        Raises:
            InvalidOptionError: an unknown field.
            ConfigValidationError: a changed value of the wrong type.
        """
        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise InvalidOptionError(
                f"unknown consumer configuration field(s): {', '.join(unknown)}; "
                "see jsm.ConsumerConfig for the fields"
            )
        return type(self).model_validate(self.model_dump(exclude_none=True) | changes)
