"""Prometheus metric families from check results and from stream and consumer state.

Checks are exported as natscli's exporter exports them: ``<namespace>_<kind>_status_code``
with ``item`` and ``status`` labels (the Nagios code as value) and one gauge per perf
data figure, ``<namespace>_<kind>_<figure>{item}``, plus jsm's ``_warning`` /
``_critical`` threshold gauges. State is ``jsm_stream_*{stream}`` and
``jsm_consumer_*{stream,consumer}``. Imports prometheus-client, so it is loaded only
when metrics are collected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from prometheus_client.core import GaugeMetricFamily

from jsm.monitor import CheckKind
from jsm.monitor._render import metric_name

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from prometheus_client.core import Metric

    from jsm.models import ConsumerInfo, StreamInfo
    from jsm.monitor import CheckResult

__all__ = ["Outcome", "check_families", "state_families"]

Outcome = tuple[str, str, "CheckResult"]
"""One check's (item, natscli kind, result)."""

NATSCLI_KIND: Final = {kind: kind.value for kind in CheckKind} | {CheckKind.ACCOUNT: "jetstream"}
"""natscli's name of each check kind (the metric's subsystem)."""


class _Families:
    def __init__(self) -> None:
        self.families: dict[str, GaugeMetricFamily] = {}

    def add(
        self, name: str, help_text: str, labels: Sequence[str], values: Sequence[str], value: float
    ) -> None:
        family = self.families.get(name)
        if family is None:
            family = self.families[name] = GaugeMetricFamily(name, help_text, labels=list(labels))
        family.add_metric(list(values), value)


def check_families(outcomes: Iterable[Outcome], namespace: str) -> list[Metric]:
    """Gauges of each check's status and perf data."""
    out = _Families()
    for item, kind, result in outcomes:
        out.add(
            metric_name(namespace, kind, "status_code"),
            f"Nagios compatible status code for {kind} checks: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
            ("item", "status"),
            (item, result.status.name),
            result.exit_code,
        )
        for figure in result.perf_data:
            base = metric_name(namespace, kind, figure.name)
            out.add(
                base, figure.help or f"{kind} check {figure.name}", ("item",), (item,), figure.value
            )
            if figure.warn is not None:
                out.add(
                    f"{base}_warning",
                    f"warning threshold of {base}",
                    ("item",),
                    (item,),
                    figure.warn,
                )
            if figure.crit is not None:
                out.add(
                    f"{base}_critical",
                    f"critical threshold of {base}",
                    ("item",),
                    (item,),
                    figure.crit,
                )
    return list(out.families.values())


_STREAM_FIGURES: Final = (
    ("messages", "Messages stored"),
    ("bytes", "Bytes stored"),
    ("first_seq", "Sequence of the first message stored"),
    ("last_seq", "Sequence of the last message stored"),
    ("consumers", "Consumers of the stream"),
    ("subjects", "Distinct subjects stored"),
    ("deleted", "Messages deleted inside the stored range"),
    ("replicas", "Configured replicas"),
    ("current_replicas", "Replicas current with the leader, the leader included"),
)
_CONSUMER_FIGURES: Final = (
    ("num_pending", "Messages the consumer has yet to deliver"),
    ("num_ack_pending", "Messages delivered and not yet acknowledged"),
    ("num_redelivered", "Messages delivered more than once, not yet acknowledged"),
    ("num_waiting", "Pull requests waiting"),
    ("delivered_stream_seq", "Stream sequence of the last message delivered"),
    ("ack_floor_stream_seq", "Stream sequence below which every message is acknowledged"),
    ("paused", "1 while the consumer is paused"),
)


def _stream_values(info: StreamInfo) -> tuple[float, ...]:
    state = info.state
    cluster = info.cluster
    current = 0
    if cluster is not None and cluster.leader:
        current = 1 + sum(1 for peer in cluster.replicas or [] if peer.current and not peer.offline)
    elif cluster is None:
        current = 1
    return (
        state.messages,
        state.bytes,
        state.first_seq,
        state.last_seq,
        state.consumer_count,
        state.num_subjects or 0,
        state.num_deleted or 0,
        info.config.num_replicas or 1,
        current,
    )


def _consumer_values(info: ConsumerInfo) -> tuple[float, ...]:
    return (
        info.num_pending,
        info.num_ack_pending,
        info.num_redelivered,
        info.num_waiting,
        info.delivered.stream_seq,
        info.ack_floor.stream_seq,
        1 if info.is_paused else 0,
    )


def state_families(
    streams: Iterable[StreamInfo], consumers: Iterable[ConsumerInfo], namespace: str
) -> list[Metric]:
    """Gauges of each stream's and consumer's state."""
    out = _Families()
    for info in streams:
        for (figure, help_text), value in zip(_STREAM_FIGURES, _stream_values(info), strict=True):
            out.add(
                metric_name(namespace, "stream", figure),
                help_text,
                ("stream",),
                (info.config.name,),
                value,
            )
    for consumer in consumers:
        labels = (consumer.stream_name, consumer.name)
        for (figure, help_text), value in zip(
            _CONSUMER_FIGURES, _consumer_values(consumer), strict=True
        ):
            out.add(
                metric_name(namespace, "consumer", figure),
                help_text,
                ("stream", "consumer"),
                labels,
                value,
            )
    return list(out.families.values())
