"""Demo section: the same workflow from a shell, with the ``jsm`` command (natscli's verbs)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from collections.abc import Callable

    import jsm

COMMANDS = [
    ["str", "add", "DEMO_CLI", "--subjects", "demo.cli.*", "--max-age", "1h", "--defaults"],
    ["pub", "demo.cli.orders", "order {{Count}}", "--count", "3", "--jetstream"],
    ["con", "add", "DEMO_CLI", "WORKER", "--pull", "--defaults"],
    ["con", "next", "DEMO_CLI", "WORKER", "--count", "2", "--raw"],
    ["server", "check", "stream", "--stream", "DEMO_CLI", "--msgs-critical", "1"],
    ["str", "state", "DEMO_CLI"],
    ["str", "rm", "DEMO_CLI", "-f"],
]
"""What the section runs, each as ``jsm <command>`` (long outputs are cut short)."""


async def cli_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Run a few ``jsm`` commands as separate processes against the demo's server."""
    url = js.nc.connected_url
    server = url.geturl() if url is not None else "nats://127.0.0.1:4222"
    for command in COMMANDS:
        shown = " ".join(f"'{arg}'" if " " in arg or "*" in arg else arg for arg in command)
        say(f"$ jsm {shown}")
        done = await anyio.run_process(
            [sys.executable, "-m", "jsm.cli", "-s", server, *command],
            check=False,
            # No natscli context of the machine's user leaks into the tour.
            env={"NO_COLOR": "1", "XDG_CONFIG_HOME": str(Path(tempfile.gettempdir()) / "jsm-demo")},
        )
        output = (done.stdout or done.stderr).decode().strip().splitlines()
        for text in output[:6]:
            say(f"  {text}")
        if len(output) > 6:
            say(f"  … ({len(output) - 6} more lines)")
        if done.returncode not in (0, 2):  # 2: the CRITICAL a check is asked to find
            raise RuntimeError(f"jsm {shown} exited with {done.returncode}")
