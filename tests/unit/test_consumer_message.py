"""Msg without a server: lazy metadata, and ack errors raised before anything is sent."""

from __future__ import annotations

import pytest
from nats.aio.client import Client as NatsClient

from jsm import errors
from jsm._transport import Transport
from jsm.consumers import Msg

ACK = "$JS.ACK.ORDERS.worker.2.41.7.1795577706139217540.3"


def _msg(reply: str = ACK, *, ack_none: bool = False) -> Msg:
    # The transport's connection is never opened: every path here fails before I/O.
    return Msg(Transport(NatsClient()), "orders.eu", b"x", None, reply, ack_none=ack_none)


def test_metadata_is_parsed_once_from_the_ack_subject() -> None:
    msg = _msg()
    meta = msg.metadata
    assert (meta.stream, meta.consumer, meta.num_delivered) == ("ORDERS", "worker", 2)
    assert (meta.sequence.stream, meta.sequence.consumer, meta.num_pending) == (41, 7, 3)
    assert msg.metadata is meta
    assert "orders.eu" in repr(msg)


def test_metadata_of_a_plain_message_is_an_error() -> None:
    with pytest.raises(errors.InvalidAckSubjectError):
        _ = _msg("_INBOX.x").metadata


@pytest.mark.parametrize("verb", ["ack", "nak", "in_progress", "term", "ack_sync", "next"])
async def test_ack_policy_none_refuses_every_verb(verb: str) -> None:
    msg = _msg(ack_none=True)
    with pytest.raises(errors.AckError, match=r"message 41 of stream 'ORDERS'.*ack_policy 'none'"):
        await getattr(msg, verb)()
    assert not msg.is_acked


async def test_a_message_without_ack_subject_cannot_be_acked() -> None:
    with pytest.raises(errors.AckError, match="no ack subject"):
        await _msg("").ack()


async def test_bad_nak_delay_is_refused_and_leaves_the_message_unacked() -> None:
    msg = _msg()
    with pytest.raises(errors.InvalidOptionError, match="delay"):
        await msg.nak(delay=0)
    assert not msg.is_acked


async def test_an_ack_that_cannot_be_sent_leaves_the_message_unacked() -> None:
    msg = _msg()
    with pytest.raises(errors.JsmConnectionError):
        await msg.ack()  # the connection was never opened: nothing can be sent
    assert not msg.is_acked
