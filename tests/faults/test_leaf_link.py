"""The leaf node's link to the hub cut and restored under cross-domain KV and publishing.

A client on the hub works in the leaf's JetStream domain (``domain="leaf"``), so every
request, write and delivery crosses the leaf link. The link runs through a relay this
module cuts while both servers keep running: a network partition, not a crash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import jsm
from jsm.errors import JetStreamUnavailableError
from jsm.testing import run_hub_and_leaf
from tests.faults.harness import run_scenario
from tests.faults.injectors import LinkCut
from tests.faults.workloads import PipelineWorkload, WatchWorkload, Workload

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jsm.testing import HubAndLeaf


@pytest.fixture(scope="module")
def linked() -> Iterator[HubAndLeaf]:
    """A hub and a leaf node whose link this module may cut."""
    with run_hub_and_leaf(cuttable_link=True) as setup:
        yield setup


async def test_a_cut_link_makes_the_leaf_domain_unreachable_until_restored(
    linked: HubAndLeaf,
) -> None:
    async with jsm.connect(linked.hub.client_url, domain=linked.leaf_domain, timeout=2) as js:
        await js.account_info()
        linked.cut_link()
        try:
            assert linked.link is not None and linked.link.is_cut
            with pytest.raises(JetStreamUnavailableError):
                await js.account_info()
        finally:
            linked.restore_link()
        assert (await js.account_info()).api.errors >= 0


async def _across_cut(linked: HubAndLeaf, workload: Workload) -> None:
    (outcome,) = await run_scenario(
        linked.hub.client_url, LinkCut(linked), [workload], domain=linked.leaf_domain
    )
    assert outcome.problems() == [], outcome
    assert outcome.recovery is not None, "the workload never moved after the link came back"


async def test_kv_watch_and_writes_across_domains_survive_a_cut_leaf_link(
    linked: HubAndLeaf, unique_name: str
) -> None:
    await _across_cut(linked, WatchWorkload(unique_name))


async def test_publisher_across_domains_survives_a_cut_leaf_link(
    linked: HubAndLeaf, unique_name: str
) -> None:
    await _across_cut(linked, PipelineWorkload(unique_name))
