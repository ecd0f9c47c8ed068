"""Demo section: advisories, the stream report with its graph, and the servers' own view."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

import jsm
from jsm import events as ev

if TYPE_CHECKING:
    from collections.abc import Callable

ORIGIN = "DEMO_OPS"
MIRROR = "DEMO_OPS_COPY"


async def operations_section(
    js: jsm.Manager, system: jsm.Manager, say: Callable[[str], None]
) -> None:
    """Watch advisories while a stream and its mirror are made, report them, ask the servers."""
    async with js.events.advisories(kinds=[ev.StreamActionAdvisory]) as events:
        memory = jsm.StorageType.MEMORY
        await js.streams.add(jsm.StreamConfig(name=ORIGIN, subjects=["demo.ops.>"], storage=memory))
        await js.streams.add(
            jsm.StreamConfig(name=MIRROR, mirror=jsm.StreamSource(name=ORIGIN), storage=memory)
        )
        for _ in range(2):
            event = await events.next(timeout=30)
            if isinstance(event, ev.StreamActionAdvisory):
                say(f"advisory {event.type.rsplit('.', 1)[-1]}: {event.action} {event.stream}")
    for n in range(3):
        await js.publish(f"demo.ops.{n}", b"tick")
    report = await js.report.streams(names=[ORIGIN, MIRROR])
    with anyio.move_on_after(15):
        while any(row.lag or row.active is None for row in report.replication):
            await anyio.sleep(0.1)
            report = await js.report.streams(names=[ORIGIN, MIRROR])
    for row in report.streams:
        say(f"report: {row.name} holds {row.messages} messages ({row.bytes} bytes)")
    for rep in report.replication:
        say(f"report: {rep.stream} mirrors {rep.upstream}, {rep.lag} behind")
    say(f"report: dot graph of {len(report.to_dot().splitlines())} lines (render with dot -Tsvg)")
    check = await js.monitor.stream(MIRROR, lag_critical=10)
    say(f"check: {check.to_nagios().splitlines()[0]}")
    for health in await system.admin.healthz():
        say(
            f"server {health.server.name} (nats-server {health.server.version}): {health.data.status}"
        )
    for jsz in await system.admin.jsz():
        say(f"server {jsz.server.name}: {jsz.data.streams} streams, {jsz.data.messages} messages")
    for name in (MIRROR, ORIGIN):
        await js.streams.delete(name)
