"""Stream reports (``js.report``): streams, replicas, mirrors and sources, Graphviz dot.

``report = await js.report.streams()`` gives a :class:`StreamReport` like
``nats stream report``: one :class:`StreamRow` per stream and one
:class:`ReplicationRow` per mirror or source; sort it, filter it, dump it as JSON and
draw its replication graph with ``report.to_dot()``.
"""

from __future__ import annotations

from jsm.report._build import domain_of_prefix as domain_of_prefix
from jsm.report._dot import dot_quote as dot_quote
from jsm.report._rows import ReplicaRow as ReplicaRow
from jsm.report._rows import ReplicaState as ReplicaState
from jsm.report._rows import ReplicationKind as ReplicationKind
from jsm.report._rows import ReplicationRow as ReplicationRow
from jsm.report._rows import StreamRow as StreamRow
from jsm.report._select import SORT_KEYS as SORT_KEYS
from jsm.report._select import SortKey as SortKey
from jsm.report._select import subjects_overlap as subjects_overlap
from jsm.report.manager import ReportManager as ReportManager
from jsm.report.report import StreamReport as StreamReport

__all__ = [
    "SORT_KEYS",
    "ReplicaRow",
    "ReplicaState",
    "ReplicationKind",
    "ReplicationRow",
    "ReportManager",
    "SortKey",
    "StreamReport",
    "StreamRow",
    "domain_of_prefix",
    "dot_quote",
    "subjects_overlap",
]
