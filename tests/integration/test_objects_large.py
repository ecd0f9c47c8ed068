"""A 1 GiB object through a file-storage bucket with this process's memory growth bounded.

The bound is measured, not timed: the peak resident set (``VmHWM``, reset through
``/proc/self/clear_refs`` before the work) minus the resident set before it. Where
the peak cannot be reset, a background thread samples ``VmRSS`` instead.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

import jsm

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

GIB = 1 << 30
CHUNK = 128 * 1024
BOUND = 64 << 20
BLOCKS = [hashlib.sha256(str(i).encode()).digest() * (CHUNK // 32) for i in range(7)]


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"{field} missing from /proc/self/status")


class PeakGrowth:
    """Measure how far the resident set grows above its level at ``start()``."""

    def __init__(self) -> None:
        self._baseline = 0
        self._sampled = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._baseline = _status("VmRSS")
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")  # reset VmHWM to the current RSS
        except OSError:
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self._sampled = max(self._sampled, _status("VmRSS"))

    def growth(self) -> int:
        """The largest growth since ``start()`` so far."""
        if self._thread is None:
            return _status("VmHWM") - self._baseline
        return max(self._sampled, _status("VmRSS")) - self._baseline

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


async def gib_source() -> AsyncIterator[bytes]:
    for index in range(GIB // CHUNK):
        yield BLOCKS[index % len(BLOCKS)]


async def test_a_1_gib_object_round_trips_within_64_mib_of_memory(
    js: jsm.Manager, unique_name: str
) -> None:
    store = await js.objects.create(
        jsm.ObjectStoreConfig(bucket=unique_name, storage=jsm.StorageType.FILE)
    )
    peak = PeakGrowth()
    peak.start()
    try:
        info = await store.put("big", gib_source())
        put_growth = peak.growth()
        assert info.size == GIB and info.chunks == GIB // CHUNK
        mismatches = 0
        async with store.get("big") as reader:
            index = 0
            async for chunk in reader:
                mismatches += chunk != BLOCKS[index % len(BLOCKS)]
                index += 1
        round_trip_growth = peak.growth()
    finally:
        peak.stop()
    assert reader.verified and reader.received == GIB and mismatches == 0
    assert put_growth <= BOUND, f"put grew the resident set by {put_growth >> 20} MiB"
    assert round_trip_growth <= BOUND, (
        f"put and get grew the resident set by {round_trip_growth >> 20} MiB"
    )
    await js.objects.delete(unique_name)
