"""Fixtures of the docs tests: the type errors of every page, and servers of a page's own.

Each page runs on a server (or 3-node cluster) started for it alone — a fraction of a
second each — in a temporary working directory. Pages reuse names such as ``ORDERS`` and
delete what they made, and nats-server 2.15 can leave a file stream's directory behind
when the stream is deleted soon after it was deleted and created again; on a server of
its own a page never meets another page's leftovers, and the servers the rest of the
suite shares never see the docs' churn. Files a page writes stay in its directory.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

import jsm
from jsm.testing import run_cluster, run_server
from tests.docs.blocks import all_pages
from tests.docs.typecheck import type_errors

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from jsm.testing import Cluster, NatsServer


async def _leak_checked(url: str, **options: object) -> AsyncIterator[jsm.Manager]:
    """A manager the page may use; afterwards, no task or subscription may be left over.

    The page's server is thrown away after it, so nothing on it is cleaned up.
    """
    async with jsm.connect(url, **options) as manager:  # type: ignore[arg-type]  # test-only pass-through
        # The first request opens nats-py's reply subscription (and its task): open it now.
        await manager.account_info()
        tasks_before = {task for task in asyncio.all_tasks() if not task.done()}
        subs_before = len(manager.nc._subs)  # nats-py keeps its subscriptions here
        yield manager
        await asyncio.sleep(0)  # let finished tasks settle
        leaked = {task for task in asyncio.all_tasks() if not task.done()} - tasks_before
        leaked.discard(asyncio.current_task())
        assert not leaked, f"the page left tasks running: {leaked}"
        assert len(manager.nc._subs) <= subs_before, "the page left subscriptions open"


@pytest.fixture(scope="session")
def docs_type_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """mypy's complaints about each page's blocks (one mypy run for all pages)."""
    return type_errors(all_pages(), tmp_path_factory.mktemp("docs_types"))


@pytest.fixture
def page_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory a page runs in (its relative paths land here)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def page_server() -> Iterator[NatsServer]:
    """A JetStream server for one page."""
    with run_server(name="DOCS") as server:
        yield server


@pytest.fixture
async def page_js(page_server: NatsServer) -> AsyncIterator[jsm.Manager]:
    """A manager on the page's server, checked for leaked tasks and subscriptions."""
    async for manager in _leak_checked(page_server.client_url):
        yield manager


@pytest.fixture
def page_cluster() -> Iterator[Cluster]:
    """A 3-node JetStream cluster (nodes ``C1-n1`` … ``C1-n3``) for one page."""
    with run_cluster(3) as cluster:
        yield cluster


@pytest.fixture
async def page_cluster_js(page_cluster: Cluster) -> AsyncIterator[jsm.Manager]:
    """A manager on the first node of the page's cluster, checked for leaks."""
    async for manager in _leak_checked(page_cluster.urls[0], timeout=10):
        yield manager
