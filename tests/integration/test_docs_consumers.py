"""The code in docs/consumers.md: complete scripts run against a real server, fragments parse."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from tests.integration.docs_helpers import ROOT, python_blocks, run_script

if TYPE_CHECKING:
    from pathlib import Path

    from jsm.testing import NatsServer

PAGE = ROOT / "docs" / "consumers.md"


def _blocks() -> list[str]:
    return python_blocks(PAGE)


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
        stdout = run_script(block, nats_server.client_url, tmp_path / f"consumers_{index}.py")
        # Whether a released job counts as a second delivery depends on whether worker A
        # had received it or the server took it back undelivered; either way B gets it now.
        assert "worker B received: 9" in stdout
        assert "still pending: 0" in stdout
