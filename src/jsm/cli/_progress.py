"""Progress bars for long transfers, shown only on a terminal."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from jsm.cli import _output as out

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


@contextlib.contextmanager
def bar(
    description: str, *, total: int | None, enabled: bool = True
) -> Iterator[Callable[[int], None]]:
    """Yield ``advance_to(done)``; draws a rich progress bar when stdout is a terminal."""
    if not (enabled and out.is_tty()):
        yield lambda done: None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=out.console(),
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda done: progress.update(task, completed=done)
