"""Prometheus metrics: health checks and stream/consumer state (the ``metrics`` extra).

:class:`JetStreamCollector` is a collector to register in an application's own
prometheus-client registry: it exports ``js.monitor`` check results and the state of
streams and consumers. :class:`Exporter` (and :func:`serve`) serve ``/metrics`` for a
checks config in natscli's ``server check exporter`` format (:class:`ExporterConfig`),
running the checks at every scrape. Check metrics are named as natscli names them
(``nats_server_check_<kind>_status_code{item,status}``), so its dashboards apply.
``import jsm.metrics`` does not import prometheus-client; making a collector or an
exporter needs it. See docs/observability.md.
"""

from __future__ import annotations

from jsm.metrics._collector import DEFAULT_NAMESPACE as DEFAULT_NAMESPACE
from jsm.metrics._collector import STATE_NAMESPACE as STATE_NAMESPACE
from jsm.metrics._collector import JetStreamCollector as JetStreamCollector
from jsm.metrics._config import Check as Check
from jsm.metrics._config import ExporterConfig as ExporterConfig
from jsm.metrics._exporter import DEFAULT_PORT as DEFAULT_PORT
from jsm.metrics._exporter import Exporter as Exporter
from jsm.metrics._exporter import serve as serve

__all__ = [
    "DEFAULT_NAMESPACE",
    "DEFAULT_PORT",
    "STATE_NAMESPACE",
    "Check",
    "Exporter",
    "ExporterConfig",
    "JetStreamCollector",
    "serve",
]
