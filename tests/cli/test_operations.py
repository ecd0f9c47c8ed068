"""``jsm micro``, ``account``, ``server check`` and ``server report``: output and exit codes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import anyio
import pytest

from tests.cli.conftest import Cli

if TYPE_CHECKING:
    import jsm
    from jsm.testing import NatsServer


async def test_micro_discovers_a_running_service(cli: Cli, js: jsm.Manager) -> None:
    svc = js.services.add("calc", "1.2.0", description="adds numbers")

    @svc.endpoint("add")
    async def add(data: bytes) -> bytes:
        return str(sum(json.loads(data))).encode()

    async with svc.run():
        listed = json.loads((await cli.ok("micro", "ls", "-j")).out)
        assert [(s["name"], s["version"]) for s in listed] == [("calc", "1.2.0")]
        assert "Endpoint add" in (await cli.ok("micro", "info", "calc")).out
        assert "5" in (await cli.ok("req", "add", "[2, 3]")).out
        stats = json.loads((await cli.ok("micro", "stats", "calc", "-j")).out)
        assert stats[0]["endpoints"][0]["num_requests"] == 1
        assert "1 replies" in (await cli.ok("micro", "ping", "calc")).out
    assert "no instance" in (await cli.fails("micro", "info", "calc")).err


async def test_account_info_shows_the_usage(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok("str", "add", "ACCT", "--subjects", "acct.>", "--defaults")
    shown = json.loads((await cli.ok("account", "info", "-j")).out)
    assert shown["streams"] == (await js.account_info()).streams == 1
    assert "JetStream Account Information" in (await cli.ok("account", "info")).out


@pytest.mark.parametrize(
    ("args", "code", "status"),
    [
        ([], 0, "OK"),
        (["--msgs-critical", "5"], 2, "CRITICAL"),
        (["--msgs-warn", "5", "--msgs-critical", "0"], 1, "WARNING"),
    ],
    ids=["ok", "critical", "warning"],
)
async def test_server_check_stream_exits_with_the_nagios_code(
    cli: Cli, js: jsm.Manager, args: list[str], code: int, status: str
) -> None:
    await cli.ok("str", "add", "CHECKED", "--subjects", "checked.>", "--defaults")
    await js.publish("checked.one", b"1")  # fewer than 5 is bad, fewer than 0 never
    result = await cli("server", "check", "stream", "--stream", "CHECKED", *args)
    assert result.code == code
    assert result.out.startswith(f"{status} STREAM CHECKED")


async def test_server_check_formats(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok("str", "add", "FMT", "--subjects", "fmt.>", "--defaults")
    await cli.ok("con", "add", "FMT", "C", "--pull", "--defaults")
    prom = await cli.ok(
        "server",
        "check",
        "consumer",
        "--stream",
        "FMT",
        "--consumer",
        "C",
        "--format",
        "prometheus",
    )
    assert "# TYPE" in prom.out
    as_json = json.loads((await cli.ok("server", "check", "jetstream", "--format", "json")).out)
    assert as_json["kind"] == "account"
    missing = await cli("server", "check", "kv", "--bucket", "NOPE")
    assert missing.code == 2 and missing.out.startswith("CRITICAL")
    assert (await cli.fails("server", "check", "jetstream", "--format", "xml")).code == 1


async def test_server_check_connection_judges_the_times(cli: Cli) -> None:
    fine = await cli("server", "check", "connection")
    assert (fine.code, fine.out.split()[:2]) == (0, ["OK", "CONNECTION"])
    assert "connect_time=" in fine.out and "rtt=" in fine.out
    strict = await cli(
        "server", "check", "connection", "--rtt-warning", "1us", "--rtt-critical", "1h"
    )
    assert (strict.code, strict.out.split()[0]) == (1, "WARNING")
    assert (
        "--rtt-warning"
        in (await cli.fails("server", "check", "connection", "--rtt-warning", "1q")).err
    )


async def test_server_checks_of_the_system_account(nats_server_fresh: NatsServer) -> None:
    # A server of its own: the shared one's health also reflects other tests' stream churn.
    nats_server = nats_server_fresh
    system = Cli("-s", nats_server.system_url)
    health = await system("server", "check", "server", "--expect", "1")
    assert (health.code, health.out.split()[0]) == (0, "OK")
    app = await Cli("-s", nats_server.client_url)("server", "check", "meta")
    assert app.code == 3  # UNKNOWN: only the system account can ask
    report = await system.ok("server", "report", "jetstream")
    assert nats_server.name in report.out


async def test_events_prints_advisories_as_json(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok("str", "add", "EVT", "--subjects", "evt.>", "--defaults")
    handle = await js.streams.get("EVT")
    async with anyio.create_task_group() as group:
        seen: list[str] = []

        async def watch() -> None:
            seen.append((await cli.ok("events", "-j", "--count", "1")).out)

        group.start_soon(watch)
        made = 0
        with anyio.fail_after(60):
            while not seen:
                made += 1
                await handle.consumers.delete((await handle.consumers.add(_config(made))).name)
                await anyio.sleep(0.3)
    event = json.loads(seen[0])
    assert event["type"].startswith("io.nats.jetstream.advisory.v1.")


def _config(number: int) -> jsm.ConsumerConfig:
    import jsm as lib

    return lib.ConsumerConfig(durable_name=f"E{number}")
