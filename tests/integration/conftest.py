"""Fixtures shared by the integration tests on the 3-node cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.integration.report_helpers import cluster_manager

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import jsm
    from jsm.testing import Cluster


@pytest.fixture
async def cjs(nats_cluster: Cluster) -> AsyncIterator[jsm.Manager]:
    """A manager on the cluster's first node that deletes the streams its test made."""
    async for js in cluster_manager(nats_cluster.urls):
        yield js
