"""Render :class:`CheckResult` as Nagios plugin output and Prometheus exposition text."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jsm.monitor._result import CheckResult, PerfData

__all__ = [
    "escape_help",
    "escape_label_value",
    "metric_name",
    "nagios",
    "nagios_label",
    "nagios_number",
    "prometheus",
]

METRIC_PREFIX = "jsm_monitor"
_NOT_METRIC = re.compile(r"[^a-zA-Z0-9_:]")
_NAGIOS_PLAIN = re.compile(r"^[A-Za-z0-9_.:/-]+$")


def nagios_number(value: float) -> str:
    """A perf data number as Nagios wants it: plain decimal, no exponent."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def nagios_label(name: str) -> str:
    """A perf data label, single-quoted (quotes doubled) unless it is plain."""
    if _NAGIOS_PLAIN.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def _nagios_item(item: PerfData) -> str:
    def opt(v: float | None) -> str:
        return "" if v is None else nagios_number(v)

    return (
        f"{nagios_label(item.name)}={nagios_number(item.value)}{item.unit};"
        f"{opt(item.warn)};{opt(item.crit)}"
    )


def _one_line(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def nagios(result: CheckResult) -> str:
    """``STATUS KIND name: message, message | label=value[unit];warn;crit ...``."""
    messages = ", ".join(_one_line(m) for m in result.messages) or "no checks configured"
    line = f"{result.status.name} {result.kind.value.upper()} {_one_line(result.name)}: {messages}"
    if result.perf_data:
        line += " | " + " ".join(_nagios_item(p) for p in result.perf_data)
    return line


def metric_name(*parts: str) -> str:
    """A valid Prometheus metric name from ``parts`` (invalid characters become ``_``)."""
    name = _NOT_METRIC.sub("_", "_".join(p for p in parts if p))
    return "_" + name if name[:1].isdigit() else name


def escape_label_value(value: str) -> str:
    """Escape a label value for the text format (backslash, double quote, newline)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text: str) -> str:
    """Escape HELP text for the text format (backslash, newline)."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _value(value: float) -> str:
    return repr(float(value))


def prometheus(results: Iterable[CheckResult]) -> str:
    """Gauges for each result's status and perf data (with warn/crit thresholds).

    Families are ``jsm_monitor_<kind>_status_code`` and ``jsm_monitor_<kind>_<perf>``
    (plus ``_warning`` / ``_critical`` thresholds); each sample is labelled with the
    checked ``item``.
    """
    families: dict[str, tuple[str, list[str]]] = {}

    def add(name: str, help_text: str, item: str, value: float) -> None:
        _, samples = families.setdefault(name, (help_text, []))
        samples.append(f'{name}{{item="{escape_label_value(item)}"}} {_value(value)}')

    for result in results:
        kind = result.kind.value
        add(
            metric_name(METRIC_PREFIX, kind, "status_code"),
            f"{kind} check status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
            result.name,
            result.exit_code,
        )
        for item in result.perf_data:
            base = metric_name(METRIC_PREFIX, kind, item.name)
            add(base, item.help or f"{kind} check {item.name}", result.name, item.value)
            if item.warn is not None:
                add(f"{base}_warning", f"warning threshold of {base}", result.name, item.warn)
            if item.crit is not None:
                add(f"{base}_critical", f"critical threshold of {base}", result.name, item.crit)
    lines: list[str] = []
    for name, (help_text, samples) in families.items():
        lines.append(f"# HELP {name} {escape_help(help_text)}")
        lines.append(f"# TYPE {name} gauge")
        lines.extend(samples)
    return "\n".join(lines) + "\n" if lines else ""
