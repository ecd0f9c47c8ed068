"""Field-by-field differences between two views, and which of them the server cannot make in place.

The rules that force a replacement are nats-server's update checks (2.15):
``configUpdateCheck`` in ``server/stream.go`` for streams (and so for KV and object-store
buckets) and ``checkNewConsumerConfig`` in ``server/consumer.go`` for consumers. Each is
tested against a real server in ``tests/integration/test_declarative_replace.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from jsm.declarative._views import View

__all__ = ["FieldChange", "consumer_replace_reasons", "field_changes", "stream_replace_reasons"]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs: its path, the live value and the desired one (wire JSON).

    ``None`` stands for "not set". Durations are integer nanoseconds, as in the files.

    Attributes:
        field: the field's path, e.g. ``max_age``, ``metadata.team``, ``consumer_limits.max_ack_pending``.
        old: the value on the server.
        new: the desired value.
        forces_replace: whether the server cannot make this change in place.
    """

    field: str
    old: object
    new: object
    forces_replace: bool = False


# Objects compared key by key; anything else (lists included) is compared whole.
_NESTED: Final = frozenset(
    {"metadata", "consumer_limits", "placement", "republish", "subject_transform"}
)


def field_changes(old: View, new: View, prefix: str = "") -> list[FieldChange]:
    """The fields that differ between ``old`` and ``new``, in a stable order."""
    changes = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        path = f"{prefix}{key}"
        if key in _NESTED and isinstance(before or {}, dict) and isinstance(after or {}, dict):
            changes += field_changes(_as_view(before), _as_view(after), f"{path}.")
        else:
            changes.append(FieldChange(path, before, after))
    return changes


def _as_view(value: object) -> View:
    return dict(value) if isinstance(value, dict) else {}


Rule = Callable[[object, object], str | None]


def _changed(what: str) -> Rule:
    return lambda old, new: what if old != new else None


def _not_undone(what: str) -> Rule:
    return lambda old, new: what if old and not new else None


def _retention(old: object, new: object) -> str | None:
    if old != new and "workqueue" in (old or "limits", new or "limits"):
        return "retention cannot change to or from workqueue"
    return None


def _mirror(old: object, new: object) -> str | None:
    # Removing a mirror promotes it to a normal stream in place; anything else is refused.
    if new is None or old == new:
        return None
    return "a mirror's origin cannot change" if old else "a stream cannot become a mirror"


_STREAM_RULES: Final[dict[str, Rule]] = {
    "storage": _changed("storage cannot change in place"),
    "retention": _retention,
    "mirror": _mirror,
    "sealed": _not_undone("a sealed stream cannot be unsealed"),
    "deny_delete": _not_undone("deny_delete cannot be turned off"),
    "deny_purge": _not_undone("deny_purge cannot be turned off"),
    "allow_msg_ttl": _not_undone("allow_msg_ttl cannot be turned off"),
    "allow_msg_schedules": _not_undone("allow_msg_schedules cannot be turned off"),
    "allow_msg_counter": _changed("allow_msg_counter is fixed when the stream is created"),
    "persist_mode": _changed("persist_mode is fixed when the stream is created"),
    # The server takes a new first_seq in place but it has no effect once the stream exists.
    "first_seq": _changed("first_seq only takes effect when the stream is created"),
}


def _push_or_pull(old: object, new: object) -> str | None:
    if bool(old) != bool(new):
        return "a pull consumer cannot become a push consumer, nor the reverse"
    return None


_CONSUMER_RULES: Final[dict[str, Rule]] = {
    "deliver_policy": _changed("deliver_policy cannot change"),
    "opt_start_seq": _changed("opt_start_seq cannot change"),
    "opt_start_time": _changed("opt_start_time cannot change"),
    "ack_policy": _changed("ack_policy cannot change"),
    "replay_policy": _changed("replay_policy cannot change"),
    "mem_storage": _changed("mem_storage cannot change"),
    "idle_heartbeat": _changed("idle_heartbeat cannot change"),
    "flow_control": _changed("flow_control cannot change"),
    "max_waiting": _changed("max_waiting cannot change"),
    "direct": _changed("direct cannot change"),
    "sourcing": _changed("sourcing cannot change"),
    "deliver_subject": _push_or_pull,
}


def stream_replace_reasons(old: View, new: View) -> dict[str, str]:
    """The fields of a stream that force a replacement, each with the reason."""
    return _reasons(old, new, _STREAM_RULES)


def consumer_replace_reasons(old: View, new: View) -> dict[str, str]:
    """The fields of a consumer that force a replacement, each with the reason."""
    return _reasons(old, new, _CONSUMER_RULES)


def _reasons(old: View, new: View, rules: dict[str, Rule]) -> dict[str, str]:
    found = {}
    for field, rule in rules.items():
        reason = rule(old.get(field), new.get(field))
        if reason is not None:
            found[field] = reason
    return found
