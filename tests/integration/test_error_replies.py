"""An ``"error"`` in an API reply is either the server's error object or a reply jsm cannot read.

A reply such as ``{"error":"boom"}`` to a call that expects only ``{"success":…}`` used to
parse as ``success=False``, and calls that do not look at ``success`` (deleting a
consumer, a step-down) then reported nothing at all. The server is real; the responder
on a private API prefix is a plain nats-py subscription answering with a chosen body,
the way a broken proxy or a misconfigured import would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import jsm
from jsm.consumers.manager import ConsumerManager
from tests.integration.api_helpers import FakeApi, private_api

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import NatsServer

NOT_AN_OBJECT = [
    b'{"error":"boom"}',
    b'{"error":["boom"],"success":true}',
    b'{"error":503}',
    b'{"error":true,"success":true}',
]


@pytest.fixture
async def fake(nats_server: NatsServer) -> AsyncIterator[tuple[jsm.Manager, FakeApi]]:
    async with private_api(nats_server, FakeApi) as pair:
        yield pair


@pytest.mark.parametrize("body", NOT_AN_OBJECT, ids=["text", "list", "number", "true"])
async def test_an_error_that_is_not_an_object_is_an_unexpected_reply(
    fake: tuple[jsm.Manager, FakeApi], body: bytes
) -> None:
    js, api = fake
    api.body = body
    consumers = ConsumerManager(js, "S")
    with pytest.raises(jsm.errors.UnexpectedReplyError, match=r"CONSUMER\.DELETE\.S\.C") as caught:
        await consumers.delete("C")
    assert "error" in str(caught.value)
    with pytest.raises(jsm.errors.UnexpectedReplyError, match=r"LEADER\.STEPDOWN"):
        await consumers.leader_stepdown("C")


async def test_an_error_object_keeps_its_class_and_a_null_error_is_none(
    fake: tuple[jsm.Manager, FakeApi],
) -> None:
    js, api = fake
    consumers = ConsumerManager(js, "S")
    api.body = b'{"error":{"code":404,"err_code":10014,"description":"consumer not found"}}'
    with pytest.raises(jsm.errors.ConsumerNotFoundError):
        await consumers.delete("C")
    api.body = b'{"error":null,"success":true}'
    await consumers.delete("C")
