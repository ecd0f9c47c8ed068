"""Running a documentation page's complete scripts as a reader would: each its own process.

tests/docs runs every block of every page in the test's process; the tests that read
what a script prints, or that need a fresh interpreter, use these instead.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "nats://127.0.0.1:4222"
"""The server address the pages show; a test replaces it with its own server's."""


def python_blocks(page: Path) -> list[str]:
    """The page's Python code blocks, in order."""
    return re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.DOTALL)


def run_script(block: str, url: str, script: Path) -> str:
    """Write ``block`` (talking to ``url``) to ``script``, run it and return what it printed."""
    script.write_text(block.replace(DEFAULT_URL, url))
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
