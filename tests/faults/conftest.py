"""The fault suite: real servers killed, restarted, stepped down and cut off while jsm works.

Every test under tests/faults/ carries the ``faults`` marker, so the suite runs alone
with ``pytest -m faults`` (and with everything else in ``make test``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).parent


FAULT_TEST_TIMEOUT = 300
"""Seconds a fault test may take: crashes, elections and catch-up on two loaded cores."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(_HERE):
            item.add_marker(pytest.mark.faults)
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(FAULT_TEST_TIMEOUT))
