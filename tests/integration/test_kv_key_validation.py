"""Property: jsm's key validator agrees with the server.

Keys it accepts are stored and read back as themselves. Keys it refuses for their shape
are refused by the server (empty tokens: nobody answers) or unusable there (wildcard
tokens: a read of the key returns whichever key matches the pattern last). Characters
outside ADR-8's alphabet are stored by the server but refused by other clients' KV
(see test_kv_interop.py), so jsm refuses them too.
"""

from __future__ import annotations

import asyncio
import string
import uuid
from typing import TYPE_CHECKING

import nats.errors
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jsm
from jsm import errors
from jsm.subjects import check_kv_key

if TYPE_CHECKING:
    from jsm.testing import NatsServer

TOKEN = st.text(alphabet=string.ascii_letters + string.digits + "-/_=", min_size=1, max_size=6)
KEYS = st.lists(TOKEN, min_size=1, max_size=4).map(".".join)
EMPTY_TOKEN_KEYS = st.one_of(
    st.tuples(KEYS, KEYS).map(lambda pair: f"{pair[0]}..{pair[1]}"),
    KEYS.map(lambda key: f".{key}"),
    KEYS.map(lambda key: f"{key}."),
)
WILDCARD_KEYS = st.one_of(
    st.tuples(KEYS, KEYS).map(lambda pair: f"{pair[0]}.*.{pair[1]}"),
    KEYS.map(lambda key: f"{key}.>"),
    st.just("*"),
    st.just(">"),
)

SETTINGS = settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def is_valid(key: str) -> bool:
    try:
        check_kv_key(key)
    except errors.InvalidNameError:
        return False
    return True


def concrete(pattern: str) -> str:
    """A key matching ``pattern``'s wildcards."""
    return ".".join("x" if t == "*" else "x.y" if t == ">" else t for t in pattern.split("."))


async def accepted_keys_round_trip(url: str, keys: list[str]) -> None:
    bucket = f"H_{uuid.uuid4().hex[:10]}"
    async with jsm.connect(url) as js:
        kv = await js.kv.create(jsm.KeyValueConfig(bucket=bucket))
        try:
            for index, key in enumerate(keys):
                assert is_valid(key), key
                value = f"value {index}".encode()
                revision = await kv.put(key, value)
                entry = await kv.get(key)
                assert (entry.key, entry.value, entry.revision) == (key, value, revision)
            assert set(await kv.keys()) == set(keys)
        finally:
            await js.kv.delete(bucket)


async def refused_keys_fail_on_the_server(url: str, empty: list[str], wild: list[str]) -> None:
    bucket = f"H_{uuid.uuid4().hex[:10]}"
    async with jsm.connect(url) as js:
        await js.kv.create(jsm.KeyValueConfig(bucket=bucket))
        try:
            for key in empty:
                assert not is_valid(key), key
                with pytest.raises(nats.errors.NoRespondersError):
                    await js.nc.request(f"$KV.{bucket}.{key}", b"v", timeout=2)
            for key in wild:
                assert not is_valid(key), key
                await js.nc.request(f"$KV.{bucket}.{key}", b"pattern", timeout=2)
                other = concrete(key)
                await js.nc.request(f"$KV.{bucket}.{other}", b"other", timeout=2)
                reply = await js.nc.request(
                    f"$JS.API.DIRECT.GET.KV_{bucket}.$KV.{bucket}.{key}", b"", timeout=2
                )
                headers = reply.headers or {}
                assert headers.get("Nats-Subject") == f"$KV.{bucket}.{other}", headers
        finally:
            await js.kv.delete(bucket)


@given(keys=st.lists(KEYS, min_size=1, max_size=8, unique=True))
@SETTINGS
def test_keys_the_validator_accepts_are_stored_and_read_back(
    nats_server: NatsServer, keys: list[str]
) -> None:
    asyncio.run(accepted_keys_round_trip(nats_server.client_url, keys))


@given(
    empty=st.lists(EMPTY_TOKEN_KEYS, min_size=1, max_size=3, unique=True),
    wild=st.lists(WILDCARD_KEYS, min_size=1, max_size=1),
)
@SETTINGS
def test_keys_the_validator_refuses_are_refused_or_unusable_on_the_server(
    nats_server: NatsServer, empty: list[str], wild: list[str]
) -> None:
    asyncio.run(refused_keys_fail_on_the_server(nats_server.client_url, empty, wild))
