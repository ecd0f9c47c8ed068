"""The fault suite's marker selects exactly the tests under tests/faults/."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest


def test_fault_tests_carry_the_marker(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("faults") is not None
