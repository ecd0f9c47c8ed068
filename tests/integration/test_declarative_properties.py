"""Properties of plan and apply on a real server, for random valid states.

Applying a state A and then a state B leaves the server equal to B: a further plan of B
(pruning everything else under the test's prefix) is empty. Exporting what is on the
server, after any apply, plans empty too, and so does the export written to files and
loaded back.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jsm
from jsm.testing import run_server
from tests.integration.declarative_helpers import SAFE, converge, desired_states

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jsm.testing import NatsServer

_SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def property_server() -> Iterator[NatsServer]:
    """A server of this module's own: random replaces can leave directories behind."""
    with run_server() as server:
        yield server


async def _export_plans_empty(js: jsm.Manager, prefix: str) -> None:
    select = [f"{prefix}*"]
    exported = await js.export_state(select=select)
    plan = await js.plan(exported, prune=True, select=select)
    assert not plan.has_drift, plan.to_text()
    with tempfile.TemporaryDirectory() as directory:
        exported.write(directory, format="yaml")
        loaded = jsm.DesiredState.load(directory)
    assert len(loaded) == len(exported)
    plan = await js.plan(loaded, prune=True, select=select)
    assert not plan.has_drift, plan.to_text()


async def _a_then_b(
    url: str, prefix: str, first: jsm.DesiredState, second: jsm.DesiredState
) -> None:
    async with jsm.connect(url) as js:
        try:
            await converge(js, first, prefix=prefix, **SAFE)
            await _export_plans_empty(js, prefix)
            await converge(js, second, prefix=prefix, **SAFE)
            await _export_plans_empty(js, prefix)
        finally:
            await converge(js, jsm.DesiredState(), prefix=prefix, **SAFE)


@given(data=st.data())
@_SETTINGS
def test_applying_a_then_b_leaves_the_server_equal_to_b(
    property_server: NatsServer, data: st.DataObject
) -> None:
    prefix = f"H{uuid.uuid4().hex[:6]}"
    first = data.draw(desired_states(prefix), label="A")
    second = data.draw(desired_states(prefix), label="B")
    asyncio.run(_a_then_b(property_server.client_url, prefix, first, second))
