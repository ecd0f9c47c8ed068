"""A slow consumer: it holds its messages unacknowledged until ``max_ack_pending`` is reached.

The server must then stop delivering (the consume loop waits, it does not fail), and
deliver again as soon as acknowledgements make room, until every message has come
exactly once.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING

import anyio

import jsm
from tests.faults.harness import SETTLE_WITHIN, Outcome, eventually, watched_connection

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ["PAUSE_CHECK", "slow_consumer"]

PAUSE_CHECK = 2.0
"""Seconds the held-up consumer waits to show that nothing more is delivered."""


async def slow_consumer(url: str, name: str, *, messages: int = 200, window: int = 20) -> Outcome:
    """Consume ``messages`` acknowledging only when ``window`` are held (``max_ack_pending``).

    ``notes["stalled deliveries"]`` counts messages that arrived while the window was
    full (must be 0); ``recovery`` is the longest wait from acknowledging a full
    window to the next delivery.
    """
    outcome = Outcome("slow consumer / max_ack_pending")
    async with watched_connection(url, [outcome]) as js:
        stream = await js.streams.add(
            jsm.StreamConfig(name=name, subjects=[f"{name}.>"], storage=jsm.StorageType.MEMORY)
        )
        async with js.publisher() as pub:
            for number in range(messages):
                await pub.publish(f"{name}.m", str(number).encode())
        consumer = await stream.consumers.add(
            jsm.ConsumerConfig(
                durable_name="slow", max_ack_pending=window, ack_wait=timedelta(minutes=5)
            )
        )
        received: list[int] = []
        held: list[jsm.Msg] = []
        stalled = 0
        resumes: list[float] = []
        released_at: float | None = None
        with anyio.fail_after(SETTLE_WITHIN):
            async with consumer.consume(max_messages=2 * window, expires=5) as stream_of:
                iterator = aiter(stream_of)
                while len(received) < messages:
                    msg = await anext(iterator)
                    if released_at is not None:
                        resumes.append(time.monotonic() - released_at)
                        released_at = None
                    received.append(msg.metadata.sequence.stream)
                    held.append(msg)
                    if len(held) < window:
                        continue
                    if len(received) == window:  # once: show that delivery has paused
                        stalled = await _deliveries_within(iterator, PAUSE_CHECK)
                        info = await consumer.info()
                        outcome.notes["ack pending at pause"] = info.num_ack_pending
                    for waiting in held:
                        await waiting.ack()
                    held.clear()
                    released_at = time.monotonic()

        async def all_acked() -> bool:
            info = await consumer.info()
            return info.num_ack_pending == 0 and info.ack_floor.stream_seq == messages

        await eventually(all_acked, what="every message acknowledged")
        await stream.delete()
    outcome.messages = messages
    outcome.lost = messages - len(set(received))
    outcome.duplicated = outcome.unexplained = len(received) - len(set(received))
    outcome.recovery = max(resumes) if resumes else None
    outcome.notes["stalled deliveries"] = stalled
    return outcome


async def _deliveries_within(iterator: AsyncIterator[jsm.Msg], seconds: float) -> int:
    """How many messages arrive within ``seconds`` (0 when delivery has paused)."""
    arrived = 0
    with anyio.move_on_after(seconds):
        await anext(iterator)
        arrived += 1
    return arrived
