"""max_ack_pending reached: delivery pauses, resumes after acks, and nothing is lost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.faults.slow_consumer import slow_consumer

if TYPE_CHECKING:
    from jsm.testing import NatsServer


async def test_slow_consumer_pauses_at_max_ack_pending_and_resumes_after_acks(
    nats_server: NatsServer, unique_name: str
) -> None:
    outcome = await slow_consumer(nats_server.client_url, unique_name, messages=200, window=20)
    assert outcome.problems() == [], outcome
    assert outcome.notes["stalled deliveries"] == 0, "a message came past max_ack_pending"
    assert outcome.notes["ack pending at pause"] == 20
    assert outcome.recovery is not None, "delivery never resumed after the acks"
