"""The exporter's checks, in natscli's ``server check exporter`` configuration format.

A config has an optional ``context`` and a list of ``checks``, each with a ``name`` (the
``item`` label of its metrics), a ``kind`` (``stream``, ``consumer``, ``kv``,
``jetstream``, ``meta``), an optional ``context`` of its own, and ``properties``: the
thresholds under natscli's (jsm.go's) names, mapped here onto :attr:`jsm.Manager.monitor`'s
arguments. As in natscli, a threshold of ``0`` (or left out) is unset, except
``-1`` meaning unset where ``0`` is a real threshold (KV values, account percentages);
durations are seconds, or natscli's text (``"5m"``). Everything is checked when the
config is read, so a typo fails at start-up rather than on the first scrape.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from jsm._errors_base import InvalidOptionError
from jsm._options import NOT_GIVEN
from jsm.units import parse_duration

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Mapping

    from jsm.manager import Manager
    from jsm.monitor import CheckResult

__all__ = ["KINDS", "Check", "ExporterConfig"]

_LEAVE: Final = object()
"""A property value that leaves its argument to js.monitor (and to the metadata)."""


def _count(value: object, where: str) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidOptionError(f"{where} must be a non-negative integer (got {value!r})")
    return _LEAVE if value == 0 else value


def _count_or_off(value: object, where: str) -> object:
    if value == -1:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidOptionError(f"{where} must be a non-negative integer or -1 (got {value!r})")
    return value


def _percent_or_off(value: object, where: str) -> object:
    if value == -1:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise InvalidOptionError(
            f"{where} must be a percentage from 0 to 100, or -1 (got {value!r})"
        )
    return float(value)


def _seconds(value: object, where: str) -> object:
    if isinstance(value, str):
        try:
            span = parse_duration(value)
        except InvalidOptionError as err:
            raise InvalidOptionError(f"{where}: {err}") from None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        span = timedelta(seconds=value)
    else:
        raise InvalidOptionError(f"{where} must be seconds or a duration like '5m' (got {value!r})")
    if span < timedelta(0):
        raise InvalidOptionError(f"{where} must not be negative (got {value!r})")
    return span if span else _LEAVE


def _flag(value: object, where: str) -> object:
    if not isinstance(value, bool):
        raise InvalidOptionError(f"{where} must be true or false (got {value!r})")
    return value


def _name(value: object, where: str) -> object:
    if not isinstance(value, str) or not value:
        raise InvalidOptionError(f"{where} must be a non-empty string (got {value!r})")
    return value


class _Kind(NamedTuple):
    call: Callable[[Manager, dict[str, Any]], Any]
    required: tuple[str, ...]
    properties: Mapping[str, tuple[str, Callable[[object, str], object]]]
    absent: Mapping[str, object]  # arguments for properties left out (natscli's defaults)
    refused: Mapping[str, str]  # natscli properties jsm cannot honour, and why


def _no_zero(arguments: dict[str, Any]) -> dict[str, Any]:
    # js.monitor.meta takes None, not NOT_GIVEN, for "no threshold".
    return {k: (None if v is NOT_GIVEN else v) for k, v in arguments.items()}


KINDS: Final[dict[str, _Kind]] = {
    "stream": _Kind(
        lambda js, a: js.monitor.stream(a.pop("stream_name"), **a),
        ("stream_name",),
        {
            "stream_name": ("stream_name", _name),
            "sources_lag_critical": ("lag_critical", _count),
            "sources_seen_critical": ("seen_critical", _seconds),
            "min_sources": ("min_sources", _count),
            "max_sources": ("max_sources", _count),
            "cluster_expected_peers": ("peer_expect", _count),
            "cluster_lag_critical": ("peer_lag_critical", _count),
            "cluster_seen_critical": ("peer_seen_critical", _seconds),
            "messages_warn": ("msgs_warn", _count),
            "messages_critical": ("msgs_critical", _count),
            "subjects_warn": ("subjects_warn", _count),
            "subjects_critical": ("subjects_critical", _count),
            "msg_age_warn": ("msg_age_warn", _seconds),
            "msg_age_critical": ("msg_age_critical", _seconds),
        },
        {},
        {},
    ),
    "consumer": _Kind(
        lambda js, a: js.monitor.consumer(a.pop("stream_name"), a.pop("consumer_name"), **a),
        ("stream_name", "consumer_name"),
        {
            "stream_name": ("stream_name", _name),
            "consumer_name": ("consumer_name", _name),
            "ack_outstanding_critical": ("outstanding_ack_critical", _count),
            "waiting_critical": ("waiting_critical", _count),
            "unprocessed_critical": ("unprocessed_critical", _count),
            "redelivery_critical": ("redelivery_critical", _count),
            "last_delivery_critical": ("last_delivery_critical", _seconds),
            "last_ack_critical": ("last_ack_critical", _seconds),
            "pinned": ("pinned_expected", _flag),
            "paused_critical": ("paused_critical", _flag),
        },
        {},
        {},
    ),
    "kv": _Kind(
        lambda js, a: js.monitor.kv(a.pop("bucket"), **a),
        ("bucket",),
        {
            "bucket": ("bucket", _name),
            "key": ("key", _name),
            "values_warning": ("values_warn", _count_or_off),
            "values_critical": ("values_critical", _count_or_off),
        },
        {},
        {},
    ),
    "jetstream": _Kind(
        lambda js, a: js.monitor.account(**a),
        (),
        {
            "memory_warning": ("memory_warn", _percent_or_off),
            "memory_critical": ("memory_critical", _percent_or_off),
            "file_warning": ("storage_warn", _percent_or_off),
            "file_critical": ("storage_critical", _percent_or_off),
            "stream_warning": ("streams_warn", _percent_or_off),
            "stream_critical": ("streams_critical", _percent_or_off),
            "consumers_warning": ("consumers_warn", _percent_or_off),
            "consumers_critical": ("consumers_critical", _percent_or_off),
        },
        dict.fromkeys(
            (
                "memory_warn",
                "memory_critical",
                "storage_warn",
                "storage_critical",
                "streams_warn",
                "streams_critical",
                "consumers_warn",
                "consumers_critical",
            )
        ),
        dict.fromkeys(
            ("check_replicas", "replica_seen_critical", "replica_lag_critical"),
            "replicas are judged per stream by jsm: add a 'stream' check instead",
        ),
    ),
    "meta": _Kind(
        lambda js, a: js.monitor.meta(**_no_zero(a)),
        (),
        {
            "expect_servers": ("expect", _count),
            "lag_critical": ("lag_critical", _count),
            "seen_critical": ("seen_critical", _seconds),
        },
        {},
        {},
    ),
}
"""Check kinds jsm's exporter runs: natscli's name → how to run it and read its properties."""

_NATSCLI_ONLY = ("connection", "message", "server", "credential", "request")


class Check:
    """One health check of an exporter config: a named ``js.monitor`` call.

    ``Check("orders", "stream", properties={"stream_name": "ORDERS", "messages_critical": 1})``
    — properties use natscli's names (see the module); ``context`` names the natscli
    context to connect with (the exporter's ``connect`` opens it).

    Raises:
        InvalidOptionError: an unknown kind or property, a missing or malformed one.
    """

    __slots__ = ("_arguments", "context", "kind", "name", "properties")

    def __init__(
        self,
        name: str,
        kind: str,
        *,
        properties: Mapping[str, object] | None = None,
        context: str | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise InvalidOptionError(f"a check needs a non-empty name (got {name!r})")
        where = f"check {name!r}"
        if kind not in KINDS:
            extra = " (a natscli check jsm does not run)" if kind in _NATSCLI_ONLY else ""
            raise InvalidOptionError(
                f"{where}: unknown kind {kind!r}{extra}; jsm runs {', '.join(KINDS)}"
            )
        if context is not None and (not isinstance(context, str) or not context):
            raise InvalidOptionError(f"{where}: context must be a non-empty string")
        self.name = name
        """The check's name: the ``item`` label of its metrics."""
        self.kind = kind
        """natscli's kind: stream, consumer, kv, jetstream or meta."""
        self.context = context
        """The natscli context to connect with (``None``: the config's, or the default)."""
        self.properties = dict(properties or {})
        """The properties as given (natscli's names)."""
        self._arguments = _arguments(KINDS[kind], self.properties, f"{where} ({kind})")

    async def run(self, js: Manager) -> CheckResult:
        """Run the check with ``js``; like every ``js.monitor`` check, it never raises for
        what it finds.

        Raises:
            InvalidOptionError: a threshold js.monitor refuses (e.g. warn above critical).
        """
        result: CheckResult = await KINDS[self.kind].call(js, dict(self._arguments))
        return result

    def __repr__(self) -> str:
        return f"<jsm.metrics.Check {self.name!r} kind={self.kind}>"


def _arguments(kind: _Kind, properties: Mapping[str, object], where: str) -> dict[str, Any]:
    if not isinstance(properties, dict):
        raise InvalidOptionError(f"{where}: properties must be a mapping")
    arguments: dict[str, Any] = dict(kind.absent)
    for key, value in properties.items():
        if key in kind.refused:
            raise InvalidOptionError(
                f"{where}: property {key!r} is not supported: {kind.refused[key]}"
            )
        if key not in kind.properties:
            known = ", ".join(kind.properties) or "none"
            raise InvalidOptionError(f"{where}: unknown property {key!r}; known: {known}")
        keyword, parse = kind.properties[key]
        parsed = parse(value, f"{where}: {key}")
        if parsed is _LEAVE:
            arguments.pop(keyword, None)
        else:
            arguments[keyword] = parsed
    missing = [key for key in kind.required if kind.properties[key][0] not in arguments]
    if missing:
        raise InvalidOptionError(f"{where}: property {', '.join(missing)} is required")
    return arguments


class ExporterConfig:
    """An exporter's checks: :meth:`load` reads natscli's YAML (or JSON) file.

    Raises:
        InvalidOptionError: no checks, two checks of one kind with one name, or a bad check.
    """

    __slots__ = ("checks", "context")

    def __init__(self, checks: list[Check], *, context: str | None = None) -> None:
        if not checks:
            raise InvalidOptionError("an exporter config needs at least one check")
        seen: set[tuple[str, str]] = set()
        for check in checks:
            if (check.kind, check.name) in seen:
                raise InvalidOptionError(
                    f"two {check.kind} checks are named {check.name!r}: their metrics would "
                    "clash; give each a name of its own"
                )
            seen.add((check.kind, check.name))
        self.checks = tuple(checks)
        """The checks, in the order they are run and exported."""
        self.context = context
        """The natscli context of checks that name none (``None``: the exporter's default)."""

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ExporterConfig:
        """Read a config file: YAML (needs pyyaml, in the ``metrics`` extra) or JSON.

        Raises:
            InvalidOptionError: the file cannot be read or parsed, or holds a bad check.
        """
        source = Path(path)
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as err:
            raise InvalidOptionError(f"cannot read exporter config {str(source)!r}: {err}") from err
        return cls.parse(text, source=str(source))

    @classmethod
    def parse(cls, text: str, *, source: str = "exporter config") -> ExporterConfig:
        """Read a config from YAML or JSON text.

        Raises:
            InvalidOptionError: the text does not parse, or holds a bad check.
        """
        data = _parse_document(text, source)
        if not isinstance(data, dict):
            raise InvalidOptionError(f"{source}: expected a mapping with 'checks'")
        unknown = set(data) - {"context", "checks"}
        if unknown:
            raise InvalidOptionError(f"{source}: unknown key {', '.join(sorted(unknown))}")
        raw_checks = data.get("checks")
        if not isinstance(raw_checks, list):
            raise InvalidOptionError(f"{source}: 'checks' must be a list of checks")
        context = data.get("context") or None
        if context is not None and not isinstance(context, str):
            raise InvalidOptionError(f"{source}: 'context' must be a string")
        try:
            return cls(
                [_check_of(item, index) for index, item in enumerate(raw_checks)], context=context
            )
        except InvalidOptionError as err:
            raise InvalidOptionError(f"{source}: {err}") from None


def _check_of(item: object, index: int) -> Check:
    if not isinstance(item, dict):
        raise InvalidOptionError(f"check #{index + 1} must be a mapping")
    unknown = set(item) - {"name", "kind", "context", "reuse_connection", "properties"}
    if unknown:
        raise InvalidOptionError(f"check #{index + 1}: unknown key {', '.join(sorted(unknown))}")
    reuse = item.get("reuse_connection", False)
    if not isinstance(reuse, bool):
        raise InvalidOptionError(f"check #{index + 1}: reuse_connection must be true or false")
    return Check(
        item.get("name"),  # type: ignore[arg-type]  # checked by Check
        item.get("kind"),  # type: ignore[arg-type]  # checked by Check
        properties=item.get("properties") or {},
        context=item.get("context") or None,
    )


def _parse_document(text: str, source: str) -> object:
    try:
        import yaml
    except ImportError:
        try:
            return json.loads(text)
        except ValueError as err:
            raise InvalidOptionError(
                f"{source} is not JSON ({err}); YAML needs pyyaml: pip install 'jsm[metrics]'"
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InvalidOptionError(f"{source} is not valid YAML: {err}") from None
