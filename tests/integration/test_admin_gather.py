"""System queries that stop gathering once the servers fell quiet (``quiet=``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm

if TYPE_CHECKING:
    from jsm.testing import Cluster


async def test_quiet_period_collects_every_server_without_waiting_the_timeout(
    nats_cluster: Cluster,
) -> None:
    names = sorted(s.name for s in nats_cluster.servers)
    async with jsm.connect(nats_cluster.system_urls[1]) as sys:
        # a timeout of minutes: only the quiet period can end these gathers in the bound
        with anyio.fail_after(60):
            varz = await sys.admin.varz(quiet=2, timeout=300)
            jsz = await sys.admin.jsz(quiet=2, timeout=300)
            healthz = await sys.admin.healthz(js_server_only=True, quiet=2, timeout=300)
            servers = await sys.admin.servers(quiet=2, timeout=300)
    assert [r.server.name for r in varz] == names
    assert [r.server.name for r in jsz] == names
    assert [r.server.name for r in healthz] == names and all(r.data.ok for r in healthz)
    assert [s.name for s in servers] == names


async def test_bad_quiet_periods_are_refused_before_the_wire(nats_cluster: Cluster) -> None:
    async with jsm.connect(nats_cluster.urls[0]) as js:  # not the system account
        for bad in (0, -1, float("nan"), "1"):
            with pytest.raises(jsm.errors.InvalidOptionError, match="quiet"):
                await js.admin.jsz(quiet=bad)  # type: ignore[arg-type]
