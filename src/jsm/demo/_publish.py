"""Demo section: acknowledged publishing, dedupe, counters, an atomic batch and the pipeline."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import jsm

if TYPE_CHECKING:
    from collections.abc import Callable


async def publish_section(js: jsm.Manager, say: Callable[[str], None]) -> None:
    """Publish with acks: a duplicate, a counter, an atomic batch and 2,000 pipelined messages."""
    await js.streams.add(
        jsm.StreamConfig(
            name="DEMO_PUBLISH",
            subjects=["demo.publish.>"],
            storage=jsm.StorageType.MEMORY,
            duplicate_window=timedelta(minutes=1),
            allow_atomic=True,
        )
    )
    ack = await js.publish("demo.publish.order", b"#1", msg_id="order-1")
    again = await js.publish("demo.publish.order", b"#1", msg_id="order-1")
    say(f"published order-1 as seq {ack.seq}; sent again: duplicate={again.duplicate}")
    async with js.batch() as batch:
        for step in ("reserve", "charge", "ship"):
            await batch.add(f"demo.publish.{step}", step.encode())
    if batch.ack is not None:
        say(f"atomic batch of {batch.ack.count} stored together, up to seq {batch.ack.seq}")
    async with js.publisher(max_pending=256) as pub:
        futures = [await pub.publish("demo.publish.tick", b"t") for _ in range(2000)]
    say(f"pipelined {len(futures)} publishes, last acked at seq {futures[-1].result().seq}")
    await js.streams.add(
        jsm.StreamConfig(
            name="DEMO_COUNTERS",
            subjects=["demo.counters.>"],
            storage=jsm.StorageType.MEMORY,
            allow_msg_counter=True,
        )
    )
    await js.increment("demo.counters.visits", 41)
    say(f"counter demo.counters.visits = {await js.increment('demo.counters.visits')}")
    for name in ("DEMO_PUBLISH", "DEMO_COUNTERS"):
        await js.streams.delete(name)
