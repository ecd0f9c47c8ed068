"""The code in docs/consumers.md: complete scripts run against a real server, fragments parse."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsm.testing import NatsServer

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "consumers.md"
DEFAULT_URL = "nats://127.0.0.1:4222"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.DOTALL)


def test_every_block_is_a_script_or_a_marked_fragment() -> None:
    blocks = _blocks()
    assert blocks
    for block in blocks:
        assert block.startswith(("import ", "# fragment")), block[:80]
        compile(block, str(PAGE), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def test_complete_scripts_run(nats_server: NatsServer, tmp_path: Path) -> None:
    scripts = [block for block in _blocks() if block.startswith("import ")]
    assert scripts, "docs/consumers.md should show a complete example"
    for index, block in enumerate(scripts):
        script = tmp_path / f"consumers_{index}.py"
        script.write_text(block.replace(DEFAULT_URL, nats_server.client_url))
        result = subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=ROOT,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        # Whether a released job counts as a second delivery depends on whether worker A
        # had received it or the server took it back undelivered; either way B gets it now.
        assert "worker B received: 9" in result.stdout
        assert "still pending: 0" in result.stdout
