"""Bad input gets one clear line on stderr and exit status 1, and leaves nothing half-made."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from jsm.testing import NatsServer, run_server
from tests.cli.conftest import Cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import jsm
    from tests.cli.conftest import Result

PERMISSIONS_CONFIG = """
accounts {
  APP: {
    jetstream: enabled
    users: [
      {user: app, password: app}
      {user: ro, password: ro, permissions: {publish: {deny: ["$JS.API.STREAM.CREATE.>"]}}}
    ]
  }
  SYS: { users: [{user: sys, password: sys}] }
}
system_account: SYS
no_auth_user: app
jetstream { store_dir: "{store_dir}" }
"""


async def _names(js: jsm.Manager) -> list[str]:
    return await js.streams.names().collect()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--bogus"], "No such option: --bogus"),
        (["--max-age=1q"], "--max-age: invalid duration '1q'"),
        (["--max-bytes=10XB"], "--max-bytes"),
        (["--max-msg-size", "3GB"], "too big"),
        (["--retention", "forever"], "--retention"),
        (["--replicas", "0"], "--replicas"),
        (["--republish-source", "x.>"], "go together"),
        (["--metadata", "novalue"], "key=value"),
        (["--config", "/nonexistent/orders.json"], "cannot read"),
    ],
    ids=["unknown-flag", "bad-duration", "bad-size", "oversized", "bad-choice", "replicas",
         "half-pair", "metadata", "missing-file"],
)  # fmt: skip
async def test_bad_stream_flags_fail_in_one_line_and_create_nothing(
    cli: Cli, js: jsm.Manager, args: list[str], says: str
) -> None:
    result = await cli.fails("str", "add", "BAD", "--subjects", "bad.>", *args)
    assert says in result.err
    assert "BAD" not in await _names(js)


async def test_bad_consumer_flags_create_nothing(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok("str", "add", "ORDERS", "--subjects", "ORDERS.*", "--defaults")
    for args, says in (
        (["--deliver", "1q"], "--deliver"),
        (["--ack", "sometimes"], "--ack"),
        (["--sample", "101"], "--sample"),
        (["--pull", "--target", "x"], "contradict"),
        (["--pull", "--heartbeat", "5s"], "heartbeat"),
    ):
        assert says in (await cli.fails("con", "add", "ORDERS", "C", *args)).err
    assert await (await js.streams.get("ORDERS")).consumers.names().collect() == []


async def test_a_missing_stream_is_one_line_with_the_server_error_code(cli: Cli) -> None:
    for args in (
        ["str", "info", "MISSING"],
        ["con", "ls", "MISSING"],
        ["str", "rm", "MISSING", "-f"],
    ):
        result = await cli.fails(*args)
        assert "stream not found (err_code 10059)" in result.err
        assert "MISSING" in result.err


async def test_backup_of_a_missing_stream_makes_no_directory(cli: Cli, tmp_path: Path) -> None:
    await cli.fails("str", "backup", "MISSING", str(tmp_path / "backup"))
    assert not (tmp_path / "backup").exists()


async def test_a_wrong_server_is_one_line() -> None:
    result = await Cli("-s", "nats://127.0.0.1:1").fails("str", "ls")
    assert "could not connect" in result.err


@pytest.fixture
def server_without_jetstream() -> Iterator[NatsServer]:
    with run_server(jetstream=False, name="NOJS") as server:
        yield server


async def test_a_server_without_jetstream_is_one_line(server_without_jetstream: NatsServer) -> None:
    result = await Cli("-s", server_without_jetstream.client_url, "--timeout", "1s").fails(
        "str", "ls"
    )
    assert "JetStream" in result.err


@pytest.fixture
def server_with_permissions() -> Iterator[NatsServer]:
    with NatsServer("PERMS", PERMISSIONS_CONFIG) as server:
        yield server


async def test_a_denied_permission_is_one_line_and_creates_nothing(
    server_with_permissions: NatsServer,
) -> None:
    port = server_with_permissions.client_port
    limited = Cli("-s", f"nats://ro:ro@127.0.0.1:{port}", "--timeout", "1s")
    result = await limited.fails("str", "add", "DENIED", "--subjects", "denied.>", "--defaults")
    assert "permission denied" in result.err and "stream.create" in result.err.lower()
    assert "DENIED" not in (await limited.ok("str", "ls", "-n")).out


async def test_an_unknown_context_is_one_line(config_home: Path) -> None:
    result = await Cli("--context", "nope").fails("str", "ls")
    assert "unknown context 'nope'" in result.err


async def test_confirmation_is_required_off_a_terminal(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok("str", "add", "KEEP", "--subjects", "keep.>", "--defaults")
    result: Result = await cli.fails("str", "rm", "KEEP")
    assert "-f/--force" in result.err
    assert "KEEP" in await _names(js)


async def test_unknown_commands_and_missing_arguments_exit_1(cli: Cli) -> None:
    assert "No such command" in (await cli.fails("strem", "ls")).err
    assert "Missing argument" in (await cli.fails("str", "info")).err
    assert "No such command" in (await cli.fails("str", "frobnicate")).err
