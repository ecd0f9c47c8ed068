"""``make demo`` (python -m jsm.demo) tours jsm on an embedded server and stops it."""

from __future__ import annotations

import re
import subprocess
import sys


def test_demo_runs_every_section_and_stops_its_server() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jsm.demo"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "== Account ==" in result.stdout
    assert "JetStream API level" in result.stdout
    assert "== Operations ==" in result.stdout and "mirrors DEMO_OPS, 0 behind" in result.stdout
    assert "== Command line ==" in result.stdout and "$ jsm con next DEMO_CLI" in result.stdout
    assert "order 1" in result.stdout  # the consumer printed what jsm pub stored
    assert "== Observability ==" in result.stdout
    assert re.search(
        r"span (\w+) 'publish DEMO_OBS'.*'process DEMO_OBS' \(consumer\), child of \1 \[ack\]",
        result.stdout,
        flags=re.DOTALL,
    )
    assert 'nats_server_check_stream_status_code{item="obs",status="OK"} 0.0' in result.stdout
    assert result.stdout.rstrip().endswith("tour complete")
