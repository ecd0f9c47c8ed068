"""Streams: ``js.streams`` (:class:`StreamManager`) and the :class:`Stream` handle.

Creating, listing, deleting and restoring streams go through the manager; everything
done to one stream (info, edits, purges, message reads and deletes, cluster moves,
snapshots) goes through its handle. Consumers live in :mod:`jsm.consumers`.
"""

from __future__ import annotations

from jsm.streams.manager import StreamManager as StreamManager
from jsm.streams.messages import StoredMessage as StoredMessage
from jsm.streams.snapshot import SnapshotProgress as SnapshotProgress
from jsm.streams.snapshot import SnapshotResult as SnapshotResult
from jsm.streams.stream import Stream as Stream

__all__ = ["SnapshotProgress", "SnapshotResult", "StoredMessage", "Stream", "StreamManager"]
