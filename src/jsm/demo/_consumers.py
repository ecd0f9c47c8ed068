"""Demo section: pull with fetch and consume, acknowledge, push, and replay in order."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import jsm

if TYPE_CHECKING:
    from collections.abc import Callable


async def consumers_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Create a work stream, pull and ack its jobs, push them, then replay them in order."""
    jobs = await js.streams.add(jsm.StreamConfig(name="DEMO_JOBS", subjects=["demo.jobs.>"]))
    for index in range(20):
        await js.nc.request(f"demo.jobs.{index % 3}", b"job %d" % index)
    worker = await jobs.consumers.add(
        jsm.ConsumerConfig(durable_name="worker", ack_wait=timedelta(seconds=10))
    )
    say(f"durable pull consumer {worker.name!r}: {worker.cached_info.num_pending} jobs waiting")
    batch = await worker.fetch(5, max_wait=timedelta(seconds=1))
    for msg in batch:
        await msg.ack()
    say(f"fetched and acked {len(batch)}: {', '.join(m.data.decode() for m in batch)}")
    retry = await worker.next(timeout=10)
    await retry.nak()
    say(f"nak-ed {retry.data.decode()!r}: the server will deliver it again")
    done, redelivered = 0, []
    async with worker.consume(max_messages=8) as messages:
        async for msg in messages:
            if msg.metadata.num_delivered > 1:
                redelivered.append(msg.data.decode())
            await msg.ack()
            done += 1
            if done == 15:
                break
    say(f"consume() loop handled the other {done} (redelivered: {', '.join(redelivered)})")
    say(f"pending now: {(await worker.info()).num_pending}")
    pushed = await jobs.consumers.add(
        jsm.ConsumerConfig(
            name="audit",
            deliver_subject="demo.audit",
            ack_policy=jsm.AckPolicy.NONE,
            flow_control=True,
            idle_heartbeat=timedelta(seconds=1),
        )
    )
    async with pushed.push() as deliveries:
        first = await anext(deliveries)
    say(f"push consumer {pushed.name!r} delivered {first.data.decode()!r} to demo.audit")
    async with js.ordered_consumer("DEMO_JOBS", filter_subjects=["demo.jobs.0"]) as replay:
        seen = [(await anext(replay)).data.decode() for _ in range(7)]
    say(f"ordered replay of demo.jobs.0: {', '.join(seen)}")
    await js.streams.delete("DEMO_JOBS")
    say("cleaned up")
