"""The pytest plugin's fixtures stop every server they start."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

INNER_TESTS = """
import pathlib

def test_single(nats_server):
    pathlib.Path("pids.txt").open("a").write(f"{nats_server.pid}\\n")

def test_fresh(nats_server_fresh):
    pathlib.Path("pids.txt").open("a").write(f"{nats_server_fresh.pid}\\n")

def test_cluster(nats_cluster):
    for server in nats_cluster.servers:
        pathlib.Path("pids.txt").open("a").write(f"{server.pid}\\n")
"""


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_no_server_outlives_its_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=INNER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    pids = [int(line) for line in (pytester.path / "pids.txt").read_text().split()]
    assert len(pids) == 5
    assert not [pid for pid in pids if _is_alive(pid)], "a fixture left its server running"
