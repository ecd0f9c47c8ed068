"""The connection check: connect time, round trip and API request time against thresholds."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

import jsm
from jsm import CheckKind, CheckStatus
from jsm.testing import run_server

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jsm.testing import NatsServer


async def test_connection_is_ok_within_the_default_thresholds(js: jsm.Manager) -> None:
    result = await js.monitor.connection(connect_time=timedelta(milliseconds=5))
    assert result.status is CheckStatus.OK, result.to_nagios()
    assert result.kind is CheckKind.CONNECTION
    assert {p.name for p in result.perf_data} == {"connect_time", "rtt", "request_time"}
    assert result.to_nagios().startswith("OK CONNECTION connection: ")


async def test_a_slow_connect_is_critical_and_a_slowish_one_a_warning(js: jsm.Manager) -> None:
    slow = await js.monitor.connection(connect_time=2.0)
    assert slow.status is CheckStatus.CRITICAL
    assert "connecting took 2.000s (critical at 1s)" in slow.criticals
    slowish = await js.monitor.connection(connect_time=0.7)
    assert slowish.status is CheckStatus.WARNING


async def test_round_trip_thresholds_judge_the_measured_time(js: jsm.Manager) -> None:
    result = await js.monitor.connection(rtt_warn=timedelta(microseconds=1), rtt_critical=None)
    assert result.status is CheckStatus.WARNING
    assert any(w.startswith("round trip took") for w in result.warnings)
    rtt = next(p for p in result.perf_data if p.name == "rtt")
    assert rtt.warn == 1e-06 and rtt.crit is None and rtt.unit == "s"


async def test_bad_thresholds_raise(js: jsm.Manager) -> None:
    with pytest.raises(jsm.errors.InvalidOptionError):
        await js.monitor.connection(rtt_warn="soon")  # type: ignore[arg-type]  # the point


@pytest.fixture
def server_without_jetstream() -> Iterator[NatsServer]:
    with run_server(jetstream=False, name="NOJS_CONN") as server:
        yield server


async def test_no_jetstream_makes_the_request_unknown(server_without_jetstream: NatsServer) -> None:
    async with jsm.connect(server_without_jetstream.client_url, timeout=1) as js:
        result = await js.monitor.connection()
    assert result.status is CheckStatus.UNKNOWN
    assert any("JetStream API request" in u for u in result.unknowns)
    assert any(p.name == "rtt" for p in result.perf_data)  # the round trip was still measured
