"""Health checks (``js.monitor``) like jsm.go's ``monitor`` package and ``nats server check``.

``result = await js.monitor.stream("ORDERS", msgs_critical=0)`` gives a
:class:`CheckResult` with an OK/WARNING/CRITICAL/UNKNOWN :class:`CheckStatus`, messages
and :class:`PerfData`; render it with ``to_nagios()``, ``to_prometheus()`` or
``to_json()``. :func:`prometheus_text` renders several results at once.
"""

from __future__ import annotations

from jsm.monitor._render import prometheus as prometheus_text
from jsm.monitor._result import CheckKind as CheckKind
from jsm.monitor._result import CheckResult as CheckResult
from jsm.monitor._result import CheckStatus as CheckStatus
from jsm.monitor._result import PerfData as PerfData
from jsm.monitor._thresholds import parse_duration as parse_duration
from jsm.monitor.manager import MonitorManager as MonitorManager

__all__ = [
    "CheckKind",
    "CheckResult",
    "CheckStatus",
    "MonitorManager",
    "PerfData",
    "parse_duration",
    "prometheus_text",
]
