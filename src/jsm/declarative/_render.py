"""Plans as text for people (like ``terraform plan``) and as JSON for tools.

Text shows durations the way Go prints them (``168h0m0s``) and lists only the steps that
change something, unless asked for all; JSON keeps the wire values (integer nanoseconds)
and every step.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from jsm.declarative.plan import Action

if TYPE_CHECKING:
    from jsm.declarative._diff import FieldChange
    from jsm.declarative.plan import Change, Plan

__all__ = ["go_duration", "render_json", "render_text"]

JSON_FORMAT_VERSION: Final = 1

_DURATIONS: Final = frozenset(
    {
        "max_age",
        "ttl",
        "duplicate_window",
        "subject_delete_marker_ttl",
        "limit_marker_ttl",
        "consumer_limits.inactive_threshold",
        "ack_wait",
        "backoff",
        "max_expires",
        "idle_heartbeat",
        "inactive_threshold",
        "priority_timeout",
    }
)
_SYMBOLS: Final = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.REPLACE: "-/+",
    Action.DELETE: "-",
    Action.UNCHANGED: " ",
}
_COLORS: Final = {
    Action.CREATE: "\x1b[32m",
    Action.UPDATE: "\x1b[33m",
    Action.REPLACE: "\x1b[35m",
    Action.DELETE: "\x1b[31m",
    Action.UNCHANGED: "",
}
_RESET: Final = "\x1b[0m"
_WORDS: Final = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in place",
    Action.REPLACE: "must be replaced (deleted and created again)",
    Action.DELETE: "will be deleted",
    Action.UNCHANGED: "is unchanged",
}


def render_text(plan: Plan, *, color: bool, show_unchanged: bool) -> str:
    """Render ``plan`` as terraform-like text."""
    shown = plan.changes if show_unchanged else plan.pending
    lines = [line for change in shown for line in _step(change, color)]
    if lines:
        lines.append("")
    counts = plan.summary()
    if not plan.pending:
        total = _count(len(plan.changes), "resource")
        lines.append(f"No changes: the server matches the desired state ({total}).")
    else:
        lines.append(
            f"Plan: {counts['create']} to create, {counts['update']} to update, "
            f"{counts['replace']} to replace, {counts['delete']} to delete; "
            f"{counts['unchanged']} unchanged."
        )
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _step(change: Change, color: bool) -> list[str]:
    start, end = (_COLORS[change.action], _RESET) if color and _COLORS[change.action] else ("", "")
    where = f" ({change.source})" if change.source else ""
    lines = [
        f"{start}{_SYMBOLS[change.action]} {change.address}{end} {_WORDS[change.action]}{where}"
    ]
    lines += [f"    {_field(field)}" for field in change.fields]
    lines += [f"    # {reason}" for reason in change.reasons]
    if change.loses_messages:
        lost = _count(change.messages, "message")
        lines.append(f"    ! its {lost} would be lost (needs allow_data_loss)")
    return lines


def _field(change: FieldChange) -> str:
    old, new = _value(change.field, change.old), _value(change.field, change.new)
    mark = "  # forces replacement" if change.forces_replace else ""
    if change.old is None:
        return f"+ {change.field}: {new}{mark}"
    if change.new is None:
        return f"- {change.field}: {old}{mark}"
    return f"~ {change.field}: {old} → {new}{mark}"


def _value(field: str, value: object) -> str:
    if field in _DURATIONS:
        if isinstance(value, int) and not isinstance(value, bool):
            return go_duration(value)
        if isinstance(value, list):
            return "[" + ", ".join(_value(field, item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def go_duration(nanoseconds: int) -> str:
    """Write a duration as Go's ``time.Duration.String`` does: ``1h30m0s``, ``500ms``, ``0s``."""
    if nanoseconds == 0:
        return "0s"
    sign, ns = ("-", -nanoseconds) if nanoseconds < 0 else ("", nanoseconds)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return sign + _decimal(ns, size) + unit
    hours, rest = divmod(ns, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    seconds = _decimal(rest, 1_000_000_000) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}"
    if minutes:
        return f"{sign}{minutes}m{seconds}"
    return sign + seconds


def _decimal(value: int, unit: int) -> str:
    whole, fraction = divmod(value, unit)
    if not fraction:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}.{fraction:0{digits}d}".rstrip("0")


def render_json(plan: Plan, *, indent: int | None) -> str:
    """Render ``plan`` as a JSON document (``format_version`` 1)."""
    document = {
        "format_version": JSON_FORMAT_VERSION,
        "prune": plan.prune,
        "drift": plan.has_drift,
        "summary": plan.summary(),
        "changes": [_change_json(change) for change in plan.changes],
    }
    return json.dumps(document, indent=indent, ensure_ascii=False)


def _change_json(change: Change) -> dict[str, object]:
    return {
        "address": change.address,
        "kind": change.kind.value,
        "name": change.name,
        "stream": change.stream,
        "action": change.action.value,
        "source": change.source,
        "messages": change.messages,
        "reasons": list(change.reasons),
        "fields": [
            {"field": f.field, "old": f.old, "new": f.new, "forces_replace": f.forces_replace}
            for f in change.fields
        ],
    }
