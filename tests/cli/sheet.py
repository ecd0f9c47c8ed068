"""The JetStream cheat-sheet, run line by line through ``jsm``, each effect checked.

:func:`run_sheet` runs every line after the first two (``str add ... --replicas 3`` and
``str info -j`` need a cluster and run in the test itself) against one topology,
checking each command's effect on the server through the library. A :class:`Names`
adapts the subjects for topologies that need other ones (an imported API serves only
``imp.>`` publishes and ``deliver.>`` deliveries).
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio

import jsm
from tests.cli.conftest import jsm_script, script_env

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path

    from tests.cli.conftest import Cli

ORDERS_JSON = (
    '{"name":"ORDERS","subjects":["ORDERS.*"],"retention":"limits","max_consumers":-1,'
    '"max_msgs":-1,"max_bytes":-1,"max_age":31536000000000000,"max_msg_size":-1,'
    '"storage":"file","discard":"old","num_replicas":1,"duplicate_window":120000000000}'
)
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Names:
    """Subjects of the sheet in one topology."""

    prefix: str = ""  # put before every ORDERS.* subject ("imp." through the import)
    deliver_prefix: str = ""  # put before the push consumer's target
    api: str = "$JS.API"  # where CONSUMER.MSG.NEXT is requested

    def subject(self, text: str) -> str:
        return self.prefix + text

    @property
    def target(self) -> str:
        return self.deliver_prefix + "monitor.ORDERS"


class Process:
    """A real ``jsm`` process whose output is collected as it comes."""

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen(
            [jsm_script(), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=script_env(),
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: object, into: list[str]) -> None:
        for text in stream:  # type: ignore[attr-defined]  # a text pipe
            into.append(text)

    @property
    def text(self) -> str:
        return "".join(self.out)

    async def interrupt(self) -> int:
        """Send SIGINT (Ctrl-C) and return the exit status."""
        self.proc.send_signal(signal.SIGINT)
        code = await anyio.to_thread.run_sync(lambda: self.proc.wait(timeout=60))
        for reader in self._readers:
            reader.join(timeout=10)
        return code

    def kill(self) -> None:
        """Make sure the process is gone and its pipes closed."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        for reader in self._readers:
            reader.join(timeout=10)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


async def until_output(
    process: Process, wanted: str, poke: Callable[[], Awaitable[object]] | None = None
) -> None:
    """Wait until ``wanted`` shows in the process's output, calling ``poke`` meanwhile."""
    with anyio.fail_after(60):
        while wanted not in process.text:
            assert process.proc.poll() is None, f"jsm exited: {''.join(process.err)}"
            if poke is not None:
                await poke()
            await anyio.sleep(0.2)


async def run_sheet(
    cli: Cli, js: jsm.Manager, tmp: Path, names: Names, *, real_process: list[str] | None
) -> None:
    """Run the cheat-sheet from ``str add ORDERS --config orders.json`` on, checking each line.

    ``real_process`` holds the connection flags for the two long-running lines (``sub``
    and ``event``), run as real processes stopped with Ctrl-C; ``None`` runs them
    in-process with ``--count 1``.
    """
    orders = tmp / "orders.json"
    orders.write_text(ORDERS_JSON.replace('"ORDERS.*"', json.dumps(names.subject("ORDERS.*"))))
    await _stream_lines(cli, js, orders, names)
    await cli.ok("str", "add", "ORDERS", "--config", str(orders))  # the sheet's rm removed it
    await _consumer_lines(cli, js, names)
    await _watch_lines(cli, js, names, real_process)
    await _report_lines(cli, js, tmp, names)


async def _stream_lines(cli: Cli, js: jsm.Manager, orders: Path, names: Names) -> None:
    await cli.ok("str", "add", "ORDERS", "--config", str(orders))
    config = (await js.streams.info("ORDERS")).config
    expected = jsm.StreamConfig.from_json(await anyio.Path(orders).read_text())
    for field in ("subjects", "retention", "max_age", "storage", "discard", "duplicate_window"):
        assert getattr(config, field) == getattr(expected, field), field
    assert "ORDERS" in (await cli.ok("str", "ls")).out
    assert "Information for Stream ORDERS" in (await cli.ok("str", "info", "ORDERS")).out

    await cli.ok(
        "str",
        "cp",
        "ORDERS",
        "ARCHIVE",
        "--subjects",
        names.subject("ORDERS_ARCVHIVE.*"),
        "--max-age",
        "2y",
    )
    archive = (await js.streams.info("ARCHIVE")).config
    assert archive.subjects == [names.subject("ORDERS_ARCVHIVE.*")]
    assert archive.max_age.total_seconds() == 2 * YEAR
    assert (archive.retention, archive.storage, archive.duplicate_window) == (
        config.retention, config.storage, config.duplicate_window
    )  # fmt: skip

    edited = await cli.ok("str", "edit", "ORDERS", "--subjects", names.subject("ORDERS.*"))
    assert "No difference in configuration" in edited.out
    assert "No difference" in (await cli.ok("str", "edit", "ORDERS", "--config", str(orders))).out
    assert (await js.streams.info("ORDERS")).config == config

    await cli.ok("pub", names.subject("ORDERS.scratch"), "hello")
    stored = await (await js.streams.get("ORDERS")).get_message(1)
    assert (stored.subject, stored.data) == (names.subject("ORDERS.scratch"), b"hello")
    ack = json.loads((await cli.ok("req", names.subject("ORDERS.scratch"), "hello")).lines[1])
    assert (ack["stream"], ack["seq"]) == ("ORDERS", 2)  # the PubAck (with "domain" in one)

    await cli.ok("str", "purge", "ORDERS", "-f")
    assert (await js.streams.info("ORDERS")).state.messages == 0
    # Message 1 went with the purge: rmm reports that in one line, as natscli does.
    gone = await cli.fails("str", "rmm", "ORDERS", "1", "-f")
    assert "not found" in gone.err and "message 1" in gone.err

    await cli.ok("str", "rm", "ORDERS", "-f")
    try:
        await js.streams.info("ORDERS")
    except jsm.errors.StreamNotFoundError:
        pass
    else:
        raise AssertionError("str rm left the stream")
    template = await cli.fails("str", "template", "add", "ORDERS_T")
    assert "removed" in template.err


async def _consumer_lines(cli: Cli, js: jsm.Manager, names: Names) -> None:
    assert "No Consumers" in (await cli.ok("con", "ls", "ORDERS")).out
    await cli.ok(
        "con", "add", "ORDERS", "DISPATCH", "--filter", names.subject("ORDERS.processed"),
        "--ack", "explicit", "--pull", "--deliver", "all", "--sample", "100",
        "--max-deliver", "20", "--replay", "instant", "--max-pending", "0",
    )  # fmt: skip
    consumers = (await js.streams.get("ORDERS")).consumers
    dispatch = (await consumers.info("DISPATCH")).config
    assert dispatch.filter_subject == names.subject("ORDERS.processed")
    assert (dispatch.ack_policy, dispatch.deliver_policy, dispatch.replay_policy) == (
        jsm.AckPolicy.EXPLICIT, jsm.DeliverPolicy.ALL, jsm.ReplayPolicy.INSTANT
    )  # fmt: skip
    assert (dispatch.sample_freq, dispatch.max_deliver, dispatch.deliver_subject) == (
        "100",
        20,
        None,
    )

    await cli.ok(
        "con", "add", "ORDERS", "NEW", "--filter", names.subject("ORDERS.received"),
        "--ack", "explicit", "--pull", "--deliver", "all", "--max-deliver=-1", "--sample", "100",
    )  # fmt: skip
    new = (await consumers.info("NEW")).config
    assert (new.filter_subject, new.max_deliver) == (names.subject("ORDERS.received"), -1)

    shown = json.loads((await cli.ok("con", "info", "ORDERS", "DISPATCH", "-j")).out)
    assert shown["name"] == "DISPATCH"
    assert shown["config"] == (await consumers.info("DISPATCH")).config.to_wire()

    await cli.ok(
        "con", "add", "ORDERS", "MONITOR", "--filter", "", "--ack", "none",
        "--target", names.target, "--deliver", "last", "--replay", "instant",
    )  # fmt: skip
    monitor = (await consumers.info("MONITOR")).config
    assert (monitor.deliver_subject, monitor.ack_policy, monitor.deliver_policy) == (
        names.target, jsm.AckPolicy.NONE, jsm.DeliverPolicy.LAST
    )  # fmt: skip
    assert not monitor.filter_subject
    assert (
        "Information for Consumer ORDERS > DISPATCH"
        in (await cli.ok("con", "info", "ORDERS", "DISPATCH")).out
    )

    await cli.ok("pub", names.subject("ORDERS.processed"), "order 1")
    assert "order 1" in (await cli.ok("con", "next", "ORDERS", "DISPATCH")).out
    after = await consumers.info("DISPATCH")
    assert (after.ack_floor.stream_seq, after.num_ack_pending) == (1, 0)

    await js.publish(names.subject("ORDERS.processed"), b"order 2")
    pulled = await cli.ok("req", f"{names.api}.CONSUMER.MSG.NEXT.ORDERS.DISPATCH", "")
    assert "order 2" in pulled.out
    assert (await consumers.info("DISPATCH")).num_ack_pending == 1
    assert (
        "Information for Consumer ORDERS > MONITOR"
        in (await cli.ok("con", "info", "ORDERS", "MONITOR")).out
    )


async def _watch_lines(cli: Cli, js: jsm.Manager, names: Names, real: list[str] | None) -> None:
    consumers = (await js.streams.get("ORDERS")).consumers
    made = 0

    async def advisory() -> None:  # any consumer change makes an advisory
        nonlocal made
        made += 1
        name = f"POKE{made}"
        await consumers.add(jsm.ConsumerConfig(durable_name=name))
        await consumers.delete(name)

    if real is None:
        assert "order" in (await cli.ok("sub", names.target, "--count", "1")).out
        async with anyio.create_task_group() as group:
            result: list[str] = []

            async def watch() -> None:
                result.append((await cli.ok("event", "--js-advisory", "--count", "1")).out)

            group.start_soon(watch)
            with anyio.fail_after(60):
                while not result:
                    await advisory()
                    await anyio.sleep(0.3)
        assert "consumer_action" in result[0] or "api_audit" in result[0]
        return
    sub = Process([*real, "sub", names.target])
    try:
        await until_output(sub, "order")
        assert await sub.interrupt() == 130  # Ctrl-C ends it cleanly
    finally:
        sub.kill()
    events = Process([*real, "event", "--js-advisory"])
    try:
        await until_output(events, "consumer_action", poke=advisory)
        assert await events.interrupt() == 130
        assert "Traceback" not in "".join(events.err)
    finally:
        events.kill()


async def _report_lines(cli: Cli, js: jsm.Manager, tmp: Path, names: Names) -> None:
    assert "ORDERS" in (await cli.ok("s", "report")).out
    replies = await cli.ok("req", names.subject("ORDERS.new"), "ORDER {{Count}}", "--count", "100")
    acks = [json.loads(text) for text in replies.lines if text.startswith("{")]
    assert len(acks) == 100 and all(a["stream"] == "ORDERS" for a in acks)
    handle = await js.streams.get("ORDERS")
    last = await handle.get_message(last_by_subject=names.subject("ORDERS.new"))
    assert last.data == b"ORDER 100"
    counts = (await handle.info(subjects_filter=names.subject("ORDERS.new"))).state.subjects
    assert counts == {names.subject("ORDERS.new"): 100}

    dot = tmp / "replication.dot"
    await cli.ok("s", "report", "--dot", str(dot))
    assert (await anyio.Path(dot).read_text()).lstrip().startswith("digraph")
