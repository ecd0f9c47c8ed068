"""The stream commands beyond the cheat-sheet, each effect checked through the library."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import anyio

from jsm import errors as jsm_errors
from tests.cli.conftest import Cli

if TYPE_CHECKING:
    from pathlib import Path

    import jsm
    from jsm.testing import Cluster


async def _orders(cli: Cli, js: jsm.Manager, messages: int = 0) -> jsm.Stream:
    await cli.ok("str", "add", "ORDERS", "--subjects", "ORDERS.*", "--defaults")
    for number in range(1, messages + 1):
        await js.publish(f"ORDERS.{'eu' if number % 2 else 'us'}", f"order {number}".encode())
    return await js.streams.get("ORDERS")


async def test_listing_and_state(cli: Cli, js: jsm.Manager) -> None:
    await _orders(cli, js, messages=4)
    await cli.ok("str", "add", "OTHER", "--subjects", "other.>", "--defaults")
    assert (await cli.ok("str", "ls", "-n")).lines == ["ORDERS", "OTHER"]
    assert json.loads((await cli.ok("str", "ls", "-j", "--subject", "other.x")).out) == ["OTHER"]
    assert "ORDERS" in (await cli.ok("str", "ls")).out
    state = json.loads((await cli.ok("str", "info", "ORDERS", "--state", "-j")).out)
    assert (state["messages"], state["last_seq"]) == (4, 4)
    assert "Messages: 4" in (await cli.ok("str", "state", "ORDERS")).out
    subjects = json.loads((await cli.ok("str", "subjects", "ORDERS", "-j")).out)
    assert subjects == {"ORDERS.eu": 2, "ORDERS.us": 2}
    assert (await cli.ok("str", "subjects", "ORDERS", "ORDERS.eu", "--names")).lines == [
        "ORDERS.eu"
    ]


async def test_get_and_view_messages(cli: Cli, js: jsm.Manager) -> None:
    await _orders(cli, js, messages=12)
    got = json.loads((await cli.ok("str", "get", "ORDERS", "3", "-j")).out)
    assert (got["seq"], got["data"], got["subject"]) == (3, "order 3", "ORDERS.eu")
    last = await cli.ok("str", "get", "ORDERS", "--last-for", "ORDERS.us")
    assert "ORDERS#12" in last.out and "order 12" in last.out
    await cli.fails("str", "get", "ORDERS")
    page = await cli.ok("str", "view", "ORDERS", "5", "--raw")
    assert page.lines == [f"order {n}" for n in range(1, 6)]  # one page off a terminal
    since = await cli.ok("str", "view", "ORDERS", "3", "--id", "10", "--subject", "ORDERS.us")
    assert "order 10" in since.out and "order 12" in since.out and "order 11" not in since.out


async def test_purge_variants_and_plain_delete(cli: Cli, js: jsm.Manager) -> None:
    orders = await _orders(cli, js, messages=10)
    assert (
        "Purged 4"
        in (
            await cli.ok("str", "purge", "ORDERS", "-f", "--subject", "ORDERS.eu", "--keep", "1")
        ).out
    )
    await cli.ok("str", "purge", "ORDERS", "-f", "--seq", "6")
    state = (await orders.info()).state
    assert state.first_seq >= 6
    await cli.ok("str", "rmm", "ORDERS", str(state.last_seq), "-f", "--no-erase")
    assert (await orders.info()).state.last_seq == state.last_seq  # deleted, sequence kept
    assert (await orders.info()).state.messages == state.messages - 1


async def test_edit_shows_the_difference_and_changes_only_with_force(
    cli: Cli, js: jsm.Manager
) -> None:
    orders = await _orders(cli, js)
    dry = await cli("str", "edit", "ORDERS", "--max-age", "1h", "--dry-run")
    assert dry.code == 1 and "+max_age: 3600000000000" in dry.out
    await cli.fails("str", "edit", "ORDERS", "--max-age", "1h")  # asks; nobody can answer
    assert (await orders.info()).config.max_age.total_seconds() == 0
    await cli.ok("str", "edit", "ORDERS", "--max-age", "1h", "--description", "edited", "-f")
    config = (await orders.info()).config
    assert (config.max_age.total_seconds(), config.description) == (3600, "edited")


async def test_seal_refuses_further_writes(cli: Cli, js: jsm.Manager) -> None:
    orders = await _orders(cli, js, messages=1)
    await cli.ok("str", "seal", "ORDERS", "-f")
    assert (await orders.info()).config.sealed
    await cli.fails("str", "rmm", "ORDERS", "1", "-f")


async def test_backup_and_restore(cli: Cli, js: jsm.Manager, tmp_path: Path) -> None:
    await _orders(cli, js, messages=20)
    await cli.ok("con", "add", "ORDERS", "KEPT", "--pull", "--defaults")
    backup = tmp_path / "backup"
    done = await cli.ok("str", "backup", "ORDERS", str(backup))
    assert "Received" in done.out
    await cli.ok("str", "rm", "ORDERS", "-f")
    await cli.ok("str", "restore", str(backup))
    restored = await js.streams.get("ORDERS")
    assert (await restored.info()).state.messages == 20
    assert await restored.consumers.names().collect() == ["KEPT"]
    assert "already" in (await cli.fails("str", "restore", str(backup))).err
    assert "no backup" in (await cli.fails("str", "restore", str(tmp_path / "nothing"))).err


async def test_copy_keeps_the_configuration_and_takes_new_flags(cli: Cli, js: jsm.Manager) -> None:
    await cli.ok(
        "str", "add", "SRC", "--subjects", "src.>", "--max-msgs", "50", "--storage", "memory"
    )
    await cli.ok("str", "cp", "SRC", "DST", "--subjects", "dst.>", "--max-msgs", "70")
    copied = (await js.streams.info("DST")).config
    assert (copied.subjects, copied.max_msgs, str(copied.storage)) == (["dst.>"], 70, "memory")
    await cli.fails("str", "cp", "SRC", "SRC")


async def test_cluster_step_down_and_peer_remove(cjs: jsm.Manager, nats_cluster: Cluster) -> None:
    cli = Cli("-s", ",".join(nats_cluster.urls), "--timeout", "10s")
    # Two replicas on three servers: a removed peer's replica has somewhere to go.
    await cli.ok(
        "str", "add", "CLUSTERED", "--subjects", "clustered.>", "--replicas", "2", "--defaults"
    )
    before = (await cjs.streams.info("CLUSTERED")).cluster
    assert before is not None and before.leader
    await cli.ok("str", "cluster", "step-down", "CLUSTERED")
    with anyio.fail_after(60):
        while True:
            try:  # during the election the stream may not answer for a while
                now = (await cjs.streams.info("CLUSTERED", timeout=2)).cluster
            except jsm_errors.JsmTimeoutError:
                continue
            if now is not None and now.leader and now.leader != before.leader:
                break
            await anyio.sleep(0.2)
    peer = (now.replicas or [])[0].name
    await cli.ok("str", "c", "peer-remove", "CLUSTERED", peer, "-f")
    with anyio.fail_after(60):
        while True:
            info = (await cjs.streams.info("CLUSTERED")).cluster
            names = {info.leader, *(r.name for r in info.replicas or [])} if info else set()
            if peer not in names:
                break
            await anyio.sleep(0.2)
