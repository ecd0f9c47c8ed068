"""The account check on a server whose account has JetStream limits."""

from __future__ import annotations

import jsm
from jsm import CheckStatus
from jsm.testing import NatsServer

LIMITED_CONFIG = """
accounts {
  LIM: {
    jetstream: { max_mem: 1M, max_file: 10M, max_streams: 4, max_consumers: 8 }
    users: [{user: lim, password: lim}]
  }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
no_auth_user: lim
jetstream { store_dir: "{store_dir}" }
"""


async def test_account_limits_warn_then_critical() -> None:
    with NatsServer("MONACC", LIMITED_CONFIG) as server:
        async with jsm.connect(server.client_url) as js:
            empty = await js.monitor.account()
            assert empty.status is CheckStatus.OK, empty.to_nagios()
            perf = {p.name: p for p in empty.perf_data}
            assert perf["streams_used_percent"].value == 0
            assert perf["streams_used_percent"].unit == "%"
            assert (perf["streams_used_percent"].warn, perf["streams_used_percent"].crit) == (
                75,
                90,
            )
            for i in range(3):
                await js.streams.add(jsm.StreamConfig(name=f"S{i}", subjects=[f"s{i}.>"]))
            warned = await js.monitor.account()
            assert warned.status is CheckStatus.WARNING
            assert "streams 75.0% of 4 used" in warned.warnings
            await js.streams.add(jsm.StreamConfig(name="S3", subjects=["s3.>"]))
            full = await js.monitor.account()
            assert full.status is CheckStatus.CRITICAL
            assert "streams 100.0% of 4 used" in full.criticals
            unjudged = await js.monitor.account(streams_warn=None, streams_critical=None)
            assert unjudged.status is CheckStatus.OK, unjudged.to_nagios()
            relaxed = await js.monitor.account(streams_warn=100, streams_critical=100)
            assert relaxed.status is CheckStatus.CRITICAL  # at or above the threshold
            assert 'item="account"' in full.to_prometheus()
