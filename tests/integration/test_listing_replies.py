"""Listings refuse replies they cannot read, as every other call does.

The server is real; only the responder on a private API prefix is test code: a plain
nats-py subscription that answers every ``<prefix>.>`` request with a chosen body, the
way a broken proxy or a misconfigured import would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import jsm
from jsm.consumers.manager import ConsumerManager
from tests.integration.api_helpers import FakeApi, private_api

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from jsm.testing import NatsServer

BAD_BODIES = [
    b"{}",
    b'{"error":"boom"}',
    b'{"error":["boom"],"total":0,"offset":0,"limit":1024}',
    b"not json",
    b"[]",
    b'{"total":1,"offset":0,"limit":1024,"streams":"S","consumers":"C"}',
    b'{"total":"1","offset":0,"limit":1024,"streams":[],"consumers":[]}',
    b'{"offset":0,"limit":1024,"streams":["S"],"consumers":["C"]}',
    b'{"total":1,"offset":0,"limit":1024}',
]
BAD_IDS = [
    "empty-object",
    "error-string",
    "error-list",
    "not-json",
    "json-array",
    "list-is-a-string",
    "total-is-a-string",
    "no-total",
    "no-list",
]


async def _collect(pager: AsyncIterator[object]) -> list[object]:
    return [item async for item in pager]


LISTINGS: dict[str, Callable[[jsm.Manager], Awaitable[object]]] = {
    "stream-names-first-page": lambda js: js.streams.names(),  # awaiting a pager: page one
    "stream-names": lambda js: js.streams.names().collect(),
    "stream-list": lambda js: js.streams.list().collect(),
    "consumer-names": lambda js: ConsumerManager(js, "S").names().collect(),
    "consumer-list": lambda js: ConsumerManager(js, "S").list().collect(),
    "bucket-names": lambda js: js.kv.names().collect(),
    "bucket-list": lambda js: js.kv.list().collect(),
    "object-store-names": lambda js: _collect(js.objects.names()),
    "object-store-list": lambda js: _collect(js.objects.list()),
}


@pytest.fixture
async def fake(nats_server: NatsServer) -> AsyncIterator[tuple[jsm.Manager, FakeApi]]:
    async with private_api(nats_server, FakeApi) as pair:
        yield pair


@pytest.mark.parametrize("body", BAD_BODIES, ids=BAD_IDS)
@pytest.mark.parametrize("listing", list(LISTINGS), ids=list(LISTINGS))
async def test_a_listing_reply_that_does_not_parse_raises(
    fake: tuple[jsm.Manager, FakeApi], listing: str, body: bytes
) -> None:
    js, api = fake
    api.body = body
    with pytest.raises(jsm.errors.UnexpectedReplyError, match=api.prefix):
        await LISTINGS[listing](js)
    assert api.requests >= 1


@pytest.mark.parametrize("listing", list(LISTINGS), ids=list(LISTINGS))
async def test_an_empty_listing_is_still_empty(
    fake: tuple[jsm.Manager, FakeApi], listing: str
) -> None:
    js, api = fake
    # What nats-server sends when there is nothing to list (Go's nil slice is null).
    api.body = b'{"total":0,"offset":0,"limit":1024,"streams":null,"consumers":null}'
    assert await LISTINGS[listing](js) == []


async def test_an_error_object_in_a_listing_reply_keeps_its_class(
    fake: tuple[jsm.Manager, FakeApi],
) -> None:
    js, api = fake
    api.body = b'{"error":{"code":503,"err_code":10039,"description":"jetstream not enabled"}}'
    with pytest.raises(jsm.errors.ApiError, match="jetstream not enabled"):
        await js.streams.names().collect()


async def test_a_reply_the_server_got_wrong_is_not_a_validation_error(
    fake: tuple[jsm.Manager, FakeApi],
) -> None:
    # A bad reply is the server's fault (UnexpectedReplyError); bad input is the caller's
    # (ConfigValidationError). The same model tells them apart by where the data came from.
    js, api = fake
    api.body = b'{"config":{"name":5},"created":"2026-01-01T00:00:00Z","state":{}}'
    with pytest.raises(jsm.errors.UnexpectedReplyError, match=r"config\.name") as caught:
        await js.streams.info("S")
    assert not isinstance(caught.value, jsm.errors.ConfigValidationError)
