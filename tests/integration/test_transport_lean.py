"""The transport's lean request (KV hot path): replies, no responders, timeouts, cleanup."""

from __future__ import annotations

import pytest

import jsm
from jsm._transport import NatsMsg, NoRespondersError, unsubscribe


async def test_lean_request_gets_the_reply(js: jsm.Manager, unique_name: str) -> None:
    transport = js.api.transport

    async def echo(msg: NatsMsg) -> None:
        await transport.publish(msg.reply, b"re: " + msg.data, headers={"X": "1"})

    sub = await transport.subscribe(f"lean.{unique_name}", callback=echo)
    try:
        reply = await transport.request_lean(f"lean.{unique_name}", b"hi", timeout=5)
        assert reply.data == b"re: hi" and reply.headers == {"X": "1"}
    finally:
        await unsubscribe(sub)
    assert not js.nc._resp_map  # nats-py's reply map holds nothing left over


async def test_lean_request_errors(js: jsm.Manager, unique_name: str) -> None:
    transport = js.api.transport
    with pytest.raises(NoRespondersError):
        await transport.request_lean(f"nobody.{unique_name}", b"", timeout=5)
    sub = await transport.subscribe(f"silent.{unique_name}")
    try:
        with pytest.raises(jsm.errors.JsmTimeoutError, match=r"within 0\.2s"):
            await transport.request_lean(f"silent.{unique_name}", b"", timeout=0.2)
    finally:
        await unsubscribe(sub)
    assert not js.nc._resp_map
