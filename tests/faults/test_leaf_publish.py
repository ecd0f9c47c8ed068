"""Writes into a leaf node's JetStream domain wait for a cut leaf link to come back.

While the link is cut, a publish from the hub to a subject of a leaf-domain stream gets
"no responders", and so does the ``STREAM.NAMES`` look-up that would tell "no stream"
apart: JetStream is unreachable, not absent, so the write goes on until its deadline
(the publish timeout, 20 s) instead of failing with ``NoStreamError``. The link comes
back after a few seconds (the partition's length, not a synchronisation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm.testing import run_hub_and_leaf

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jsm.testing import HubAndLeaf

PARTITION = 3.0
"""Seconds the link stays cut: longer than the old retry budget, shorter than a publish's."""


@pytest.fixture(scope="module")
def linked() -> Iterator[HubAndLeaf]:
    """A hub and a leaf node whose link this module may cut."""
    with run_hub_and_leaf(cuttable_link=True) as setup:
        yield setup


async def test_writes_into_a_leaf_domain_wait_for_the_cut_link(
    linked: HubAndLeaf, unique_name: str
) -> None:
    async with jsm.connect(linked.hub.client_url, domain=linked.leaf_domain) as js:
        await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
        kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
        results: dict[str, object] = {}
        await anyio.to_thread.run_sync(linked.cut_link)
        try:
            async with anyio.create_task_group() as tg:

                async def publish() -> None:
                    results["publish"] = await js.publish(f"{unique_name}.a", b"x", msg_id="a")

                async def put() -> None:
                    results["put"] = await kv.put("k", b"v")

                async def pipelined() -> None:
                    async with js.publisher() as pub:
                        results["pipeline"] = await (await pub.publish(f"{unique_name}.b", b"y"))

                tg.start_soon(publish)
                tg.start_soon(put)
                tg.start_soon(pipelined)
                await anyio.sleep(PARTITION)
                await anyio.to_thread.run_sync(linked.restore_link)
        finally:
            if linked.link is not None and linked.link.is_cut:
                await anyio.to_thread.run_sync(linked.restore_link)
        assert set(results) == {"publish", "put", "pipeline"}
        assert (await (await js.streams.get(unique_name)).info()).state.messages == 2
        assert (await kv.get("k")).value == b"v"
        await js.kv.delete(unique_name)
        await js.streams.delete(unique_name)
