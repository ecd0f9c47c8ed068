"""What a bench process holds: its RSS and peak RSS from ``/proc`` (Linux), and file digests
to check that what came back is what went in."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["file_digest", "reset_peak", "status"]

_BLOCK = 1024 * 1024


def status() -> dict[str, int]:
    """VmRSS and VmHWM (the peak) of this process, in bytes."""
    values: dict[str, int] = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024
    return values


def reset_peak() -> bool:
    """Make VmHWM start again from the current RSS (Linux ≥ 4.0); ``False`` if it cannot,
    and the peak then counts from the process's start."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read a MiB at a time."""
    sha = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(_BLOCK):
            sha.update(block)
    return sha.hexdigest()
