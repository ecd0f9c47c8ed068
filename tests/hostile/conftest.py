"""Fixtures of the hostile-input suite, and its ``hostile`` marker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.hostile.harness import Health, scale

if TYPE_CHECKING:
    import jsm

_HERE = Path(__file__).parent

THOROUGH_TIMEOUT = 3600
"""Seconds a property may take with ``JSM_HOSTILE_PROFILE=thorough`` (25 times the examples)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(_HERE):
            item.add_marker(pytest.mark.hostile)
            if scale() > 1 and item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(THOROUGH_TIMEOUT))


@pytest.fixture
async def health(js: jsm.Manager, unique_name: str) -> Health:
    """The shared connection's state before a property's examples (see ``Health``)."""
    return await Health.start(js, unique_name)
