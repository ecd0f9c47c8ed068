"""Fixtures shared by the integration tests: the 3-node cluster's manager, recorded spans."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.integration.report_helpers import cluster_manager

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    import jsm
    from jsm.testing import Cluster
    from tests.integration.tracing_helpers import Spans


@pytest.fixture
async def cjs(nats_cluster: Cluster) -> AsyncIterator[jsm.Manager]:
    """A manager on the cluster's first node that deletes the streams its test made."""
    async for js in cluster_manager(nats_cluster.urls):
        yield js


@pytest.fixture
def spans() -> Iterator[Spans]:
    """An OpenTelemetry SDK provider of the test's own, recording spans in memory."""
    # Imported here: the SDK is needed by the tracing tests only.
    from tests.integration.tracing_helpers import Spans

    recorded = Spans()
    yield recorded
    recorded.shutdown()
