"""Compare a desired state with the server and order the steps: ``await js.plan(state)``.

Only read requests are sent (stream list, consumer lists, account info). The steps come
out in the order they are applied: consumer deletions, stream and bucket deletions
(copies before their origins), then streams and buckets (origins before mirrors and
sourcing streams), then consumers (after their streams).
"""

from __future__ import annotations

import fnmatch
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from jsm._errors_base import InvalidOptionError, JetStreamUnavailableError
from jsm.consumers import ConsumerManager
from jsm.declarative._diff import (
    FieldChange,
    consumer_replace_reasons,
    field_changes,
    stream_replace_reasons,
)
from jsm.declarative._errors import Problem, StateError
from jsm.declarative._views import Defaults, consumer_view, stream_view
from jsm.declarative.plan import Action, Change, Plan
from jsm.declarative.state import ResourceKind, copied_streams
from jsm.models import ConsumerConfig

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jsm.declarative.state import Declaration, DesiredState
    from jsm.manager import Manager
    from jsm.models import ConsumerInfo, StreamConfig, StreamInfo

__all__ = ["bucket_kind", "is_managed_consumer", "make_plan", "selected"]

_BUCKET_PREFIXES: Final = (("KV_", ResourceKind.KEY_VALUE), ("OBJ_", ResourceKind.OBJECT_STORE))
_BUCKET_FIELDS: Final = {
    ResourceKind.KEY_VALUE: {
        "max_msgs_per_subject": "history",
        "max_age": "ttl",
        "max_msg_size": "max_value_size",
        "num_replicas": "replicas",
        "subject_delete_marker_ttl": "limit_marker_ttl",
    },
    ResourceKind.OBJECT_STORE: {"max_age": "ttl", "num_replicas": "replicas"},
}


def bucket_kind(stream: str) -> tuple[ResourceKind, str]:
    """What a live stream is by its name (``KV_x`` a bucket, ``OBJ_x`` an object store), and its name."""
    for prefix, kind in _BUCKET_PREFIXES:
        if stream.startswith(prefix) and len(stream) > len(prefix):
            return kind, stream[len(prefix) :]
    return ResourceKind.STREAM, stream


def selected(stream: str, patterns: Sequence[str] | None) -> bool:
    """Whether a live stream is in the selection (glob patterns on stream or bucket names)."""
    if patterns is None:
        return True
    names = {stream, bucket_kind(stream)[1]}
    return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in patterns)


def is_managed_consumer(config: ConsumerConfig) -> bool:
    """Whether a live consumer is one a desired state can own.

    Ephemeral consumers (no durable name) belong to running applications, and those the
    server makes for mirrors and sources (``direct``/``sourcing``) to the server.
    """
    return bool(config.durable_name) and not (config.direct or config.sourcing)


async def make_plan(
    js: Manager, state: DesiredState, *, prune: bool, select: Sequence[str] | None
) -> Plan:
    """Compare ``state`` with the server and return the ordered plan.

    Raises:
        StateError: the state does not hold together, or a consumer's stream is neither
            declared nor on the server.
        JetStreamUnavailableError: a stream the plan needs did not answer.
    """
    state.check()
    live = await _live_streams(js, state)
    declared = {d.stream_name: d for d in state if d.kind is not ResourceKind.CONSUMER}
    _check_consumer_streams(state, declared, live)
    account = await js.account_info()
    defaults = Defaults(max_ack_pending=account.limits.max_ack_pending or 0)
    consumers = await _live_consumers(js, state, live)
    streams = {name: _stream_change(d, live.get(name)) for name, d in declared.items()}
    deletions = _pruned_streams(state, declared, live, select) if prune else []
    steps = _consumer_steps(state, declared, streams, live, consumers, defaults, prune=prune)
    streams = {
        name: _note_lost_consumers(c, consumers.get(name, []), state) for name, c in streams.items()
    }
    ordered = _ordered(steps, deletions, streams, declared, live)
    return Plan(js, tuple(ordered), prune=prune)


def _ordered(
    steps: list[Change],
    deletions: list[Change],
    streams: dict[str, Change],
    declared: dict[str, Declaration],
    live: dict[str, StreamInfo],
) -> list[Change]:
    """Consumer deletions, stream deletions, streams (origins first), then consumers."""
    ordered = [c for c in steps if c.action is Action.DELETE]
    ordered += _reverse_order(deletions, live)
    order = _stream_order(declared)
    ordered += [streams[name] for name in order]
    rank = {name: index for index, name in enumerate(order)}
    rest = [c for c in steps if c.action is not Action.DELETE]
    return ordered + sorted(rest, key=lambda c: (rank.get(c.stream, -1), c.stream, c.name))


async def _live_streams(js: Manager, state: DesiredState) -> dict[str, StreamInfo]:
    pager = js.streams.list()
    live = {info.config.name: info async for info in pager}
    needed = {d.stream_name for d in state}
    silent = sorted(set(pager.missing) & needed)
    if silent:
        raise JetStreamUnavailableError(
            f"stream(s) {', '.join(silent)} did not answer the stream list (no leader?); "
            "plan again in a moment"
        )
    return live


def _check_consumer_streams(
    state: DesiredState, declared: dict[str, Declaration], live: dict[str, StreamInfo]
) -> None:
    problems = [
        Problem(
            d.source,
            d.address,
            "stream_name",
            f"stream {d.stream_name!r} is neither declared nor on the server; "
            "declare it, or fix the consumer's stream_name",
        )
        for d in state.of_kind(ResourceKind.CONSUMER)
        if d.stream_name not in declared and d.stream_name not in live
    ]
    if problems:
        raise StateError(problems)


async def _live_consumers(
    js: Manager, state: DesiredState, live: dict[str, StreamInfo]
) -> dict[str, list[ConsumerInfo]]:
    wanted = sorted({d.stream_name for d in state} & live.keys())
    found = {}
    for name in wanted:
        found[name] = [info async for info in ConsumerManager(js, name).list()]
    return found


def _stream_change(declaration: Declaration, info: StreamInfo | None) -> Change:
    kind, name = declaration.kind, declaration.name
    base = Change(
        kind,
        name,
        Action.CREATE,
        declaration.stream_name,
        desired=declaration.config,
        source=declaration.source,
    )
    if info is None:
        return base
    old, new = stream_view(info.config), stream_view(declaration.stream_config())
    reasons = stream_replace_reasons(old, new)
    fields = _named(kind, field_changes(old, new), reasons)
    action = Action.REPLACE if reasons else Action.UPDATE if fields else Action.UNCHANGED
    return replace(
        base,
        action=action,
        fields=fields,
        reasons=tuple(reasons.values()),
        messages=info.state.messages,
    )


def _named(
    kind: ResourceKind, changes: list[FieldChange], reasons: dict[str, str]
) -> tuple[FieldChange, ...]:
    names = _BUCKET_FIELDS.get(kind, {})
    named = []
    for change in changes:
        top, dot, rest = change.field.partition(".")
        field = names.get(top, top) + dot + rest
        named.append(replace(change, field=field, forces_replace=top in reasons))
    return tuple(named)


def _pruned_streams(
    state: DesiredState,
    declared: dict[str, Declaration],
    live: dict[str, StreamInfo],
    select: Sequence[str] | None,
) -> list[Change]:
    # A stream the state refers to (a consumer's, or the origin of a declared copy) stays.
    referred = {d.stream_name for d in state.of_kind(ResourceKind.CONSUMER)}
    for declaration in declared.values():
        referred |= {origin for origin, _ in copied_streams(declaration.stream_config())}
    deletions = []
    for name, info in sorted(live.items()):
        if name in declared or name in referred or not selected(name, select):
            continue
        kind, own = bucket_kind(name)
        deletions.append(Change(kind, own, Action.DELETE, name, messages=info.state.messages))
    return deletions


def _consumer_steps(
    state: DesiredState,
    declared: dict[str, Declaration],
    streams: dict[str, Change],
    live: dict[str, StreamInfo],
    consumers: dict[str, list[ConsumerInfo]],
    defaults: Defaults,
    *,
    prune: bool,
) -> list[Change]:
    steps = []
    declared_names = set()
    for declaration in state.of_kind(ResourceKind.CONSUMER):
        stream = streams.get(declaration.stream_name)
        on_server = {c.name: c for c in consumers.get(declaration.stream_name, [])}
        declared_names.add((declaration.stream_name, declaration.name))
        origin = declared.get(declaration.stream_name)
        found = live.get(declaration.stream_name)
        stream_config = (
            origin.stream_config() if origin else found.config if found is not None else None
        )
        steps.append(
            _consumer_change(
                declaration, stream, on_server.get(declaration.name), stream_config, defaults
            )
        )
    if prune:
        for name, infos in sorted(consumers.items()):
            stream = streams.get(name)
            if stream is not None and stream.action is Action.REPLACE:
                continue  # they go with the stream
            for info in infos:
                if (name, info.name) not in declared_names and is_managed_consumer(info.config):
                    steps.append(Change(ResourceKind.CONSUMER, info.name, Action.DELETE, name))
    return steps


def _consumer_change(
    declaration: Declaration,
    stream: Change | None,
    info: ConsumerInfo | None,
    stream_config: StreamConfig | None,
    defaults: Defaults,
) -> Change:
    base = Change(
        ResourceKind.CONSUMER,
        declaration.name,
        Action.CREATE,
        declaration.stream_name,
        desired=declaration.config,
        source=declaration.source,
    )
    if stream is not None and stream.action is Action.REPLACE:
        return replace(base, reasons=(f"re-created with stream {stream.stream!r}",))
    if info is None:
        return base
    desired = declaration.config
    if not isinstance(desired, ConsumerConfig):
        raise InvalidOptionError(f"{declaration.address} has no consumer configuration")
    old = consumer_view(info.config, stream_config, defaults)
    new = consumer_view(desired, stream_config, defaults)
    reasons = consumer_replace_reasons(old, new)
    fields = _named(ResourceKind.CONSUMER, field_changes(old, new), reasons)
    action = Action.REPLACE if reasons else Action.UPDATE if fields else Action.UNCHANGED
    return replace(base, action=action, fields=fields, reasons=tuple(reasons.values()))


def _note_lost_consumers(change: Change, infos: list[ConsumerInfo], state: DesiredState) -> Change:
    """Say which undeclared consumers a replaced stream takes with it."""
    if change.action is not Action.REPLACE:
        return change
    declared = {
        d.name for d in state.of_kind(ResourceKind.CONSUMER) if d.stream_name == change.stream
    }
    lost = sorted(c.name for c in infos if c.name not in declared and is_managed_consumer(c.config))
    if not lost:
        return change
    note = f"its undeclared consumers {', '.join(lost)} are deleted with it"
    return replace(change, reasons=(*change.reasons, note))


def _stream_order(declared: dict[str, Declaration]) -> list[str]:
    """Declared streams, origins before the streams that copy them (stable by name)."""
    deps = {}
    for name, declaration in declared.items():
        origins = {o for o, _ in copied_streams(declaration.stream_config())}
        deps[name] = (origins & declared.keys()) - {name}
    return _topological(deps)


def _reverse_order(deletions: list[Change], live: dict[str, StreamInfo]) -> list[Change]:
    """Deletions, copies before their origins."""
    by_stream = {c.stream: c for c in deletions}
    deps = {
        name: {o for o, _ in copied_streams(live[name].config)} & by_stream.keys() - {name}
        for name in by_stream
    }
    return [by_stream[name] for name in reversed(_topological(deps))]


def _topological(deps: dict[str, set[str]]) -> list[str]:
    """Kahn's order; what remains in a cycle (only sources can form one) goes by name."""
    order: list[str] = []
    pending = {name: set(origins) for name, origins in deps.items()}
    while pending:
        ready = sorted(name for name, origins in pending.items() if not origins)
        if not ready:
            ready = [min(pending)]
        for name in ready:
            del pending[name]
            order.append(name)
        for origins in pending.values():
            origins.difference_update(ready)
    return order
