"""Key-Value buckets (ADR-8): ``js.kv`` manages them, :class:`KeyValue` reads and writes keys."""

from __future__ import annotations

from jsm.kv.bucket import KeyValue as KeyValue
from jsm.kv.manager import KeyValueManager as KeyValueManager
from jsm.kv.watch import KeyLister as KeyLister
from jsm.kv.watch import KeyWatcher as KeyWatcher

__all__ = ["KeyLister", "KeyValue", "KeyValueManager", "KeyWatcher"]
