"""Fixtures of the docs tests: the type errors of every page, and a manager on the cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import jsm
from tests.docs.blocks import all_pages
from tests.docs.typecheck import type_errors
from tests.integration.consumer_helpers import eventually
from tests.integration.report_helpers import cluster_manager

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import Cluster


@pytest.fixture(scope="session")
def docs_type_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """mypy's complaints about each page's blocks (one mypy run for all pages)."""
    return type_errors(all_pages(), tmp_path_factory.mktemp("docs_types"))


@pytest.fixture
async def docs_cluster_js(nats_cluster: Cluster) -> AsyncIterator[jsm.Manager]:
    """A manager on the shared cluster that deletes the streams its page made.

    A page may step the meta leader down (the admin guide does): the cluster is left
    with every node agreeing on one leader, as the next test expects it.
    """
    async for js in cluster_manager(nats_cluster.urls):
        yield js
    async with jsm.connect(nats_cluster.system_urls) as sys:

        async def settled() -> bool:
            replies = await sys.admin.jsz(expect=len(nats_cluster.urls), timeout=2)
            leaders = {reply.data.meta.leader if reply.data.meta else None for reply in replies}
            return (
                len(replies) == len(nats_cluster.urls) and len(leaders) == 1 and None not in leaders
            )

        await eventually(settled)
