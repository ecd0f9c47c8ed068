"""Publishing with acknowledgements: dedupe, expectations, TTL, counters, batches, pipelines.

Run: python examples/publish.py [nats://127.0.0.1:4222]
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import timedelta

import jsm
from jsm import errors

NAMES = ("EXAMPLE_EVENTS", "EXAMPLE_COUNTERS")


async def main(url: str) -> None:
    async with jsm.connect(url) as js:
        await cleanup(js)
        try:
            await tour(js)
        finally:
            await cleanup(js)


async def tour(js: jsm.Manager) -> None:
    await js.streams.add(
        jsm.StreamConfig(
            name="EXAMPLE_EVENTS",
            subjects=["example.events.>"],
            duplicate_window=timedelta(minutes=2),
            allow_msg_ttl=True,
            allow_rollup_hdrs=True,
            allow_atomic=True,
        )
    )

    # One acknowledged publish; the same msg_id again is recognised, not stored twice.
    ack = await js.publish("example.events.signup", b'{"user": 1}', msg_id="signup-1")
    again = await js.publish("example.events.signup", b'{"user": 1}', msg_id="signup-1")
    print(f"stored as {ack.stream} #{ack.seq}; resent: duplicate={again.duplicate} #{again.seq}")

    # Optimistic concurrency: store only if nobody wrote to the subject since seq 1.
    ack = await js.publish(
        "example.events.signup", b'{"user": 1, "v": 2}', expect=jsm.Expect(last_subject_sequence=1)
    )
    try:
        await js.publish(
            "example.events.signup", b"stale", expect=jsm.Expect(last_subject_sequence=1)
        )
    except errors.StreamWrongLastSequenceError as err:
        print(f"stale write refused: {err.description}")

    # A message that removes itself after a minute; a rollup that replaces a subject.
    await js.publish("example.events.session", b"token", ttl=timedelta(minutes=1))
    await js.publish("example.events.signup", b"summary", rollup=jsm.Rollup.SUBJECT)

    # An atomic batch: all three are stored together, or none is.
    async with js.batch() as batch:
        for step in ("reserve", "charge", "ship"):
            await batch.add(f"example.events.order.{step}", step.encode())
    assert batch.ack is not None
    print(f"batch of {batch.ack.count} committed, last at #{batch.ack.seq}")

    # The pipeline: many acks in flight, at most max_pending at once; exit waits for all.
    async with js.publisher(max_pending=128) as pub:
        futures = [await pub.publish("example.events.tick", str(i).encode()) for i in range(1000)]
    seqs = [future.result().seq for future in futures]
    print(f"pipelined {len(seqs)} messages, sequences {seqs[0]}..{seqs[-1]}")

    # Counters (ADR-49): the server adds, the ack carries the total.
    await js.streams.add(
        jsm.StreamConfig(
            name="EXAMPLE_COUNTERS", subjects=["example.counters.>"], allow_msg_counter=True
        )
    )
    await js.increment("example.counters.visits", 5)
    print(f"visits now {await js.increment('example.counters.visits')}")


async def cleanup(js: jsm.Manager) -> None:
    for name in NAMES:
        with contextlib.suppress(errors.StreamNotFoundError):
            await js.streams.delete(name)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "nats://127.0.0.1:4222"))
