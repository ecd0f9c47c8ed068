"""Object stores (ADR-20): buckets of large objects stored in chunks, with metadata and links."""

from __future__ import annotations

from jsm.objects.manager import ObjectStoreManager as ObjectStoreManager
from jsm.objects.reader import ObjectReader as ObjectReader
from jsm.objects.store import ObjectStore as ObjectStore
from jsm.objects.watch import ObjectWatcher as ObjectWatcher

__all__ = ["ObjectReader", "ObjectStore", "ObjectStoreManager", "ObjectWatcher"]
