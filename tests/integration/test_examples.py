"""Every script in examples/ and the README's usage example run against a real server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from jsm.testing import NatsServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
DEFAULT_URL = "nats://127.0.0.1:4222"


def _run(script: Path, *urls: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), *urls],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(script: Path, nats_server: NatsServer) -> None:
    # a second URL, for a system-account user, is there for examples that want one
    result = _run(script, nats_server.client_url, nats_server.system_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip(), "an example should show what it did"


def test_examples_exist() -> None:
    assert EXAMPLES, "examples/ must hold runnable scripts"


def test_readme_usage_runs(nats_server: NatsServer, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert blocks, "README.md should show a usage example"
    script = tmp_path / "readme_example.py"
    script.write_text(blocks[0].replace(DEFAULT_URL, nats_server.client_url))
    result = _run(script, nats_server.client_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "JetStream API level" in result.stdout
