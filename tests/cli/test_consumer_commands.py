"""Consumer, pub and sub commands beyond the cheat-sheet, checked through the library."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

import anyio

from jsm import errors as jsm_errors
from tests.cli.conftest import Cli
from tests.integration.consumer_helpers import eventually

if TYPE_CHECKING:
    import jsm
    from jsm.testing import Cluster


async def _stream(cli: Cli, messages: int = 0) -> None:
    await cli.ok("str", "add", "ORDERS", "--subjects", "ORDERS.*", "--defaults")
    if messages:
        await cli.ok(
            "pub", "ORDERS.new", "order {{Count}}", "--count", str(messages), "--jetstream"
        )


async def test_next_acks_counts_and_leaves_unacked_with_no_ack(cli: Cli, js: jsm.Manager) -> None:
    await _stream(cli, messages=5)
    await cli.ok("con", "add", "ORDERS", "W", "--pull", "--defaults")
    consumers = (await js.streams.get("ORDERS")).consumers
    got = await cli.ok("con", "next", "ORDERS", "W", "--count", "3", "--raw")
    assert got.lines == ["order 1", "order 2", "order 3"]
    assert (await consumers.info("W")).ack_floor.stream_seq == 3
    await cli.ok("con", "next", "ORDERS", "W", "--no-ack")
    assert (await consumers.info("W")).num_ack_pending == 1
    await cli.ok("con", "next", "ORDERS", "W")
    empty = await cli.fails("con", "next", "ORDERS", "W", "--wait", "1s")
    assert "no message" in empty.err


async def test_edit_rm_cp_ls_and_report(cli: Cli, js: jsm.Manager) -> None:
    await _stream(cli)
    await cli.ok("con", "add", "ORDERS", "A", "--pull", "--defaults", "--description", "first")
    consumers = (await js.streams.get("ORDERS")).consumers
    await cli.ok(
        "con", "edit", "ORDERS", "A", "--max-deliver", "7", "--description", "edited", "-f"
    )
    config = (await consumers.info("A")).config
    assert (config.max_deliver, config.description) == (7, "edited")
    assert "No difference" in (await cli.ok("con", "edit", "ORDERS", "A", "--max-deliver", "7")).out
    await cli.ok("con", "cp", "ORDERS", "A", "B")
    assert (await consumers.info("B")).config.max_deliver == 7
    assert json.loads((await cli.ok("con", "ls", "ORDERS", "-j")).out) == ["A", "B"]
    assert (
        "Consumer report for ORDERS with 2 consumers"
        in (await cli.ok("con", "report", "ORDERS")).out
    )
    assert "Unprocessed Messages" in (await cli.ok("con", "state", "ORDERS", "B")).out
    await cli.ok("con", "rm", "ORDERS", "B", "-f")
    assert await consumers.names().collect() == ["A"]
    assert "consumer not found" in (await cli.fails("con", "rm", "ORDERS", "B", "-f")).err


async def test_pause_resume_and_unpin(cli: Cli, js: jsm.Manager) -> None:
    await _stream(cli, messages=1)
    await cli.ok(
        "con",
        "add",
        "ORDERS",
        "P",
        "--pull",
        "--defaults",
        "--pinned-groups",
        "g1",
        "--pinned-ttl",
        "1m",
    )
    consumers = (await js.streams.get("ORDERS")).consumers
    assert str((await consumers.info("P")).config.priority_policy) == "pinned_client"
    await cli.ok("con", "pause", "ORDERS", "P", "1h", "-f")
    assert (await consumers.info("P")).paused
    await cli.ok("con", "resume", "ORDERS", "P")
    assert not (await consumers.info("P")).paused
    pinned = await consumers.get("P")
    assert await pinned.fetch(1, max_wait=timedelta(seconds=5), group="g1")
    assert pinned.pin_id
    await cli.ok("con", "unpin", "ORDERS", "P", "g1", "-f")
    groups = (await consumers.info("P")).priority_groups or []
    assert not any(g.pinned_client_id for g in groups)


async def test_sub_on_a_consumer_and_push_delivery(cli: Cli, js: jsm.Manager) -> None:
    await _stream(cli, messages=3)
    await cli.ok("con", "add", "ORDERS", "PULLED", "--pull", "--defaults")
    assert (await cli.ok("con", "sub", "ORDERS", "PULLED", "--count", "3", "--raw")).lines == [
        "order 1", "order 2", "order 3"
    ]  # fmt: skip
    await cli.ok(
        "con",
        "add",
        "ORDERS",
        "PUSHED",
        "--target",
        "pushed.orders",
        "--defaults",
        "--ack",
        "explicit",
    )
    assert (await cli.ok("con", "sub", "ORDERS", "PUSHED", "--count", "2", "--raw")).lines == [
        "order 1", "order 2"
    ]  # fmt: skip


async def test_pub_headers_templates_and_many_messages(cli: Cli, js: jsm.Manager) -> None:
    await _stream(cli)
    orders = await js.streams.get("ORDERS")
    one = await cli.ok("pub", "ORDERS.h", "hi", "-H", "Trace:abc", "--jetstream")
    assert one.out.strip() == "Stored in Stream: ORDERS Sequence: 1"
    assert (await orders.get_message(1)).headers == {"Trace": "abc"}
    await cli.ok("pub", "ORDERS.many", "n={{Count}}", "--count", "250", "--jetstream")
    assert (await orders.get_message(last_by_subject="ORDERS.many")).data == b"n=250"
    await cli.ok("pub", "ORDERS.core", "plain {{Count}}", "--count", "3", "--sleep", "10ms")

    async def stored() -> bool:
        return (await orders.info()).state.messages == 254

    await eventually(stored)
    await cli.ok("pub", "ORDERS.raw", "{{Count}}", "--no-templates", "--jetstream")
    assert (await orders.get_message(last_by_subject="ORDERS.raw")).data == b"{{Count}}"
    assert "no stream" in (await cli.fails("pub", "NOWHERE.x", "y", "--jetstream")).err.lower()


async def test_sub_prints_headers_only_and_raw(cli: Cli, js: jsm.Manager) -> None:
    async with anyio.create_task_group() as group:
        out: list[str] = []

        async def watch() -> None:
            out.append((await cli.ok("sub", "plain.>", "--count", "1", "--headers-only")).out)

        group.start_soon(watch)
        with anyio.fail_after(60):
            while not out:
                await js.nc.publish("plain.x", b"secret body", headers={"K": "v"})
                await anyio.sleep(0.2)
    assert "K: v" in out[0] and "secret body" not in out[0]


async def test_consumer_step_down_on_a_cluster(cjs: jsm.Manager, nats_cluster: Cluster) -> None:
    cli = Cli("-s", ",".join(nats_cluster.urls), "--timeout", "10s")
    await cli.ok(
        "str", "add", "CONS_R3", "--subjects", "cons_r3.>", "--replicas", "3", "--defaults"
    )
    await cli.ok("con", "add", "CONS_R3", "D", "--pull", "--defaults")
    consumers = (await cjs.streams.get("CONS_R3")).consumers
    before = (await consumers.info("D")).cluster
    assert before is not None and before.leader
    await cli.ok("con", "cluster", "step-down", "CONS_R3", "D")
    with anyio.fail_after(60):
        while True:
            try:  # during the election the consumer may not answer for a while
                now = (await consumers.info("D", timeout=2)).cluster
            except jsm_errors.JsmTimeoutError:
                continue
            if now is not None and now.leader and now.leader != before.leader:
                break
            await anyio.sleep(0.2)
