"""Operations: typed advisories, admin queries, health checks and the stream report.

Run: python examples/operations.py [nats://127.0.0.1:4222 [nats://sys:sys@127.0.0.1:4222]]

The second URL is a system-account user's; without it the server-wide parts are skipped
with a note (they need the system account).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

import jsm
from jsm import errors
from jsm import events as ev

STREAMS = ("EXAMPLE_OPS_ORDERS", "EXAMPLE_OPS_SHIPMENTS", "EXAMPLE_OPS_ARCHIVE", "EXAMPLE_OPS_ALL")


async def main(url: str, system_url: str | None) -> None:
    async with jsm.connect(url) as js:
        await cleanup(js)
        try:
            await watch_advisories(js)
            await stream_report(js)
            await health_checks(js)
            if system_url is None:
                print("server-wide views skipped: pass a system-account URL as well")
            else:
                await server_views(system_url)
        finally:
            await cleanup(js)


async def watch_advisories(js: jsm.Manager) -> None:
    """Listen to this account's advisories while a stream and a consumer come and go."""
    async with js.events.advisories(kinds=["stream_action", "consumer_action", "nak"]) as events:
        orders = await js.streams.add(jsm.StreamConfig(name=STREAMS[0], subjects=["ops.orders.>"]))
        worker = await orders.consumers.add(jsm.ConsumerConfig(durable_name="worker"))
        await js.publish("ops.orders.1", b"one")
        (msg,) = await worker.fetch(1, max_wait=2)
        await msg.nak()
        for _ in range(3):
            match await events.next(timeout=30):
                case ev.StreamActionAdvisory(stream=stream, action=action):
                    print(f"advisory: stream {stream} {action}")
                case ev.ConsumerActionAdvisory(stream=stream, consumer=consumer, action=action):
                    print(f"advisory: consumer {stream} > {consumer} {action}")
                case ev.NakAdvisory(stream=stream, stream_seq=seq, deliveries=deliveries):
                    print(f"advisory: {stream} message {seq} nak'd after {deliveries} delivery")
                case other:
                    print(f"advisory: {other.type}")


async def stream_report(js: jsm.Manager) -> None:
    """Report streams and their replication: a mirror, and a stream sourcing two others."""
    orders, shipments, archive, everything = STREAMS
    await js.streams.add(jsm.StreamConfig(name=shipments, subjects=["ops.shipments.>"]))
    await js.streams.add(jsm.StreamConfig(name=archive, mirror=jsm.StreamSource(name=orders)))
    await js.streams.add(
        jsm.StreamConfig(
            name=everything,
            sources=[jsm.StreamSource(name=orders), jsm.StreamSource(name=shipments)],
        )
    )
    for n in range(2, 6):
        await js.publish(f"ops.orders.{n}", b"order")
        await js.publish(f"ops.shipments.{n}", b"shipment")
    report = await js.report.streams(names=list(STREAMS))
    # mirrors and sources copy asynchronously: wait until nothing is left to copy
    for _ in range(50):
        if all(row.lag == 0 and row.active is not None for row in report.replication):
            break
        await asyncio.sleep(0.1)
        report = await js.report.streams(names=list(STREAMS))
    for row in report.sorted("messages", reverse=True).streams:
        print(f"report: {row.name:<22} {row.messages:>3} messages {row.bytes:>5} bytes")
    for rep in report.replication:
        print(f"report: {rep.stream} <- {rep.upstream} ({rep.kind}, lag {rep.lag})")
    edges = [line.strip() for line in report.to_dot().splitlines() if "->" in line]
    print(f"report: the dot graph has {len(edges)} edges")


async def health_checks(js: jsm.Manager) -> None:
    """Nagios-style checks: a healthy stream, and a consumer with too many unacknowledged."""
    healthy = await js.monitor.stream(STREAMS[0], msgs_warn=1, msgs_critical=0)
    print(f"check: {healthy.to_nagios().splitlines()[0]}")
    worker = await js.monitor.consumer(STREAMS[0], "worker", outstanding_ack_critical=0)
    print(f"check: exit code {worker.exit_code}: {worker.to_nagios().splitlines()[0]}")
    print(f"check: as Prometheus, {len(worker.to_prometheus().splitlines())} lines")


async def server_views(system_url: str) -> None:
    """What the system account sees: each server's health and JetStream usage."""
    async with jsm.connect(system_url) as system:
        for health in await system.admin.healthz():
            print(f"server {health.server.name}: health {health.data.status}")
        meta = await system.monitor.server()
        print(f"check: {meta.to_nagios().splitlines()[0]}")
        for jsz in await system.admin.jsz(accounts=True):
            usage = jsz.data
            print(
                f"server {jsz.server.name}: {usage.streams} streams, {usage.consumers} "
                f"consumers, {usage.messages} messages in {usage.accounts} account(s)"
            )


async def cleanup(js: jsm.Manager) -> None:
    for name in STREAMS:
        with contextlib.suppress(errors.StreamNotFoundError):
            await js.streams.delete(name)


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(
        main(args[0] if args else "nats://127.0.0.1:4222", args[1] if len(args) > 1 else None)
    )
