"""Connection fixtures over the jsm.testing servers, with leftover checks.

Server fixtures (sync, session-scoped) come from the jsm pytest plugin
(``jsm.testing.pytest_plugin``). Connection fixtures here are async and per test: each
hands out a ``jsm.Manager`` and, on teardown, checks that the test left no tasks or
subscriptions behind, then deletes the streams it made so tests stay independent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from typing import TYPE_CHECKING

import pytest

import jsm

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import HubAndLeaf, ImportingAccounts, NatsServer

_counter = itertools.count()


@pytest.fixture
def unique_name() -> str:
    """A stream/consumer/bucket name no other test uses."""
    return f"T{next(_counter)}_{uuid.uuid4().hex[:8]}"


async def _stream_names(js: jsm.Manager) -> list[str]:
    names: list[str] = []
    offset = 0
    while True:
        reply = await js.nc.request(
            js.api.subjects.api("STREAM.NAMES"), json.dumps({"offset": offset}).encode(), timeout=5
        )
        body = json.loads(reply.data)
        page = body.get("streams") or []
        names += page
        offset += len(page)
        if not page or offset >= body.get("total", 0):
            return names


async def _delete_all_streams(js: jsm.Manager) -> None:
    for name in await _stream_names(js):
        await js.nc.request(js.api.subjects.api(f"STREAM.DELETE.{name}"), b"", timeout=5)


async def _checked_manager(url: str, **options: object) -> AsyncIterator[jsm.Manager]:
    async with jsm.connect(url, **options) as manager:  # type: ignore[arg-type]  # test-only pass-through
        # The first request opens nats-py's reply subscription (and its task): open it now.
        await manager.nc.request(manager.api.subjects.api("INFO"), b"", timeout=5)
        tasks_before = {t for t in asyncio.all_tasks() if not t.done()}
        subs_before = len(manager.nc._subs)  # nats-py keeps its subscriptions here
        yield manager
        await asyncio.sleep(0)  # let finished tasks settle
        leaked_tasks = {t for t in asyncio.all_tasks() if not t.done()} - tasks_before
        current = asyncio.current_task()
        if current is not None:
            leaked_tasks.discard(current)
        assert not leaked_tasks, f"test left tasks running: {leaked_tasks}"
        assert len(manager.nc._subs) <= subs_before, "test left subscriptions open"
        await _delete_all_streams(manager)


@pytest.fixture
async def js(nats_server: NatsServer) -> AsyncIterator[jsm.Manager]:
    """A Manager connected to the shared single JetStream server."""
    async for manager in _checked_manager(nats_server.client_url):
        yield manager


@pytest.fixture
async def js_leaf(nats_hub_and_leaf: HubAndLeaf) -> AsyncIterator[jsm.Manager]:
    """A Manager connected to the hub that works in the leaf node's domain (``leaf``)."""
    async for manager in _checked_manager(
        nats_hub_and_leaf.hub.client_url, domain=nats_hub_and_leaf.leaf_domain
    ):
        yield manager


@pytest.fixture
async def js_imported(nats_accounts: ImportingAccounts) -> AsyncIterator[jsm.Manager]:
    """A Manager in account IMP using APP's JetStream through the API prefix.

    Publish on ``imp.>`` subjects (imported into APP) and deliver push consumers on
    ``deliver.>`` subjects (exported back).
    """
    async for manager in _checked_manager(
        nats_accounts.importer_url, api_prefix=nats_accounts.api_prefix
    ):
        yield manager
