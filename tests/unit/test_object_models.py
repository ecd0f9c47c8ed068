"""Object-store models and chunking: the ADR-20 JSON other clients write, and re-chunking."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta
from typing import TYPE_CHECKING

import anyio
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jsm
from jsm.errors import InvalidNameError, InvalidOptionError
from jsm.models.objects import DIGEST_PREFIX, ObjectInfo, digest_value
from jsm.objects._source import chunks_of
from jsm.objects._wire import check_object_name, new_nuid
from jsm.objects.manager import object_stream_config

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

GO_JSON = {
    "name": "object-name",
    "description": "object-desc",
    "metadata": {"owner": "infra"},
    "headers": {"key1": ["foo"], "key2": ["bar", "baz"]},
    "options": {
        "link": {"bucket": "link-to-bucket", "name": "link-to-name"},
        "max_chunk_size": 8196,
    },
    "bucket": "object-bucket",
    "nuid": "CkuyLEX4z2hbyjj1aWCfiH",
    "size": 344000,
    "mtime": "0001-01-01T00:00:00Z",
    "chunks": 42,
    "digest": "SHA-256=IdgP4UYMGt47rgecOqFoLrd24AXukHf5-SVzqQ5Psg8=",
    "deleted": True,
}


def test_object_info_reads_what_nats_go_writes() -> None:
    info = ObjectInfo.from_wire(json.dumps(GO_JSON))
    assert info.name == "object-name"
    assert info.headers == {"key1": ["foo"], "key2": ["bar", "baz"]}
    assert info.link == jsm.ObjectLink(bucket="link-to-bucket", name="link-to-name")
    assert info.is_link and info.chunk_size == 8196
    assert info.mtime is None  # Go's zero time: never stored (ADR-20)
    assert info.deleted
    assert info.sha256 is not None and len(info.sha256) == 32


def test_object_info_writes_what_nats_go_writes() -> None:
    info = ObjectInfo.from_wire(json.dumps(GO_JSON))
    assert info.to_wire() == GO_JSON
    live = ObjectInfo.from_wire(json.dumps(GO_JSON | {"deleted": False}))
    assert "deleted" not in live.to_wire()  # omitempty, as Go
    assert json.loads(live.to_wire_json()) == live.to_wire()


def test_object_info_reads_what_nats_py_writes() -> None:
    written = {
        "name": "n",
        "bucket": "b",
        "nuid": "x",
        "size": 0,
        "mtime": "2026-11-25T06:00:00.123456+00:00",
        "chunks": 0,
        "digest": "",
        "deleted": False,
        "headers": {"single": "value"},
        "options": {"max_chunk_size": 131072},
    }
    info = ObjectInfo.from_wire(json.dumps(written))
    assert info.digest is None and info.sha256 is None
    assert info.headers == {"single": ["value"]}
    assert info.mtime is not None and info.mtime.year == 2026
    assert not info.is_link


def test_object_info_keeps_unknown_fields() -> None:
    info = ObjectInfo.from_wire(json.dumps(GO_JSON | {"future": {"x": 1}}))
    assert info.to_wire()["future"] == {"x": 1}


def test_bucket_links_have_no_name() -> None:
    info = ObjectInfo.from_wire(
        json.dumps({"name": "l", "bucket": "b", "nuid": "n", "options": {"link": {"bucket": "o"}}})
    )
    assert info.link == jsm.ObjectLink(bucket="o")
    assert info.to_wire()["options"] == {"link": {"bucket": "o"}}


@given(st.binary(max_size=64))
def test_digest_value_round_trips_through_sha256(data: bytes) -> None:
    sha = hashlib.sha256(data).digest()
    info = ObjectInfo(name="n", bucket="b", nuid="x", digest=digest_value(sha))
    assert info.digest is not None and info.digest.startswith(DIGEST_PREFIX)
    assert info.sha256 == sha


def test_unreadable_digests_give_no_hash() -> None:
    for digest in ("MD5=abc", "SHA-256=***", "nonsense"):
        assert ObjectInfo(name="n", bucket="b", nuid="x", digest=digest).sha256 is None
    lower = ObjectInfo(name="n", bucket="b", nuid="x", digest="sha-256=" + "A" * 43 + "=")
    assert lower.sha256 is not None  # older clients wrote the tag in lower case


def test_stream_config_matches_adr_20() -> None:
    config = object_stream_config(
        jsm.ObjectStoreConfig(
            bucket="files",
            ttl=timedelta(days=1),
            max_bytes=100,
            compression=True,
            replicas=3,
            storage=jsm.StorageType.MEMORY,
            placement=jsm.Placement(cluster="c"),
        )
    )
    wire = config.to_wire()
    assert wire["name"] == "OBJ_files"
    assert wire["subjects"] == ["$O.files.C.>", "$O.files.M.>"]
    assert wire["discard"] == "new"
    assert wire["allow_rollup_hdrs"] is True and wire["allow_direct"] is True
    assert wire["max_age"] == 86_400 * 10**9
    assert wire["max_bytes"] == 100
    assert wire["compression"] == "s2"
    assert wire["num_replicas"] == 3 and wire["storage"] == "memory"
    assert wire["placement"] == {"cluster": "c"}


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"bucket": "a.b"}, InvalidNameError),
        ({"bucket": ""}, InvalidNameError),
        ({"bucket": "a b"}, InvalidNameError),
        ({"bucket": "ok", "replicas": 6}, InvalidOptionError),
        ({"bucket": "ok", "max_bytes": -5}, InvalidOptionError),
        ({"bucket": "ok", "ttl": timedelta(seconds=-1)}, InvalidOptionError),
    ],
    ids=["dot", "empty", "space", "replicas", "max_bytes", "ttl"],
)
def test_bad_bucket_configs_are_refused(fields: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        object_stream_config(jsm.ObjectStoreConfig.model_validate(fields))


def test_object_names_must_be_non_empty_strings() -> None:
    assert check_object_name("any name/with spaces.and dots") == "any name/with spaces.and dots"
    for bad in ("", None, b"x", "a\x00b"):
        with pytest.raises(InvalidNameError):
            check_object_name(bad)


def test_nuids_are_22_base62_characters_and_distinct() -> None:
    ids = {new_nuid() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 22 and i.isalnum() for i in ids)


async def _collect(source: object, chunk_size: int) -> list[bytes]:
    sha = hashlib.sha256()
    chunks = [chunk async for chunk in chunks_of(source, chunk_size, sha)]
    assert sha.digest() == hashlib.sha256(b"".join(chunks)).digest()  # hashed as produced
    return chunks


async def _aiter(pieces: list[bytes]) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


@settings(max_examples=60, deadline=None)
@given(
    pieces=st.lists(st.binary(max_size=50), max_size=20),
    chunk_size=st.integers(min_value=1, max_value=40),
)
def test_every_source_form_gives_the_same_chunks(pieces: list[bytes], chunk_size: int) -> None:
    data = b"".join(pieces)
    expected = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)]

    async def run() -> None:
        assert await _collect(data, chunk_size) == expected
        assert await _collect(memoryview(data), chunk_size) == expected
        assert await _collect(io.BytesIO(data), chunk_size) == expected
        assert await _collect(iter(pieces), chunk_size) == expected
        assert await _collect(_aiter(pieces), chunk_size) == expected

    anyio.run(run)


async def test_sources_put_cannot_read_are_refused() -> None:
    with pytest.raises(InvalidOptionError, match="encode it first"):
        chunks_of("text", 10, hashlib.sha256())
    with pytest.raises(InvalidOptionError, match="cannot read"):
        chunks_of(42, 10, hashlib.sha256())
    with pytest.raises(InvalidOptionError, match="must yield bytes"):
        await _collect(iter(["text"]), 10)
    with pytest.raises(InvalidOptionError, match="binary mode"):
        await _collect(io.StringIO("text"), 10)


# ADR-20's ObjectInfo as a JSON schema (there is none in the spec): Go's struct tags.
OBJECT_INFO_SCHEMA = {
    "type": "object",
    "required": ["name", "bucket", "nuid", "size", "mtime", "chunks"],
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "headers": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "options": {
            "type": "object",
            "properties": {
                "link": {
                    "type": "object",
                    "required": ["bucket"],
                    "properties": {"bucket": {"type": "string"}, "name": {"type": "string"}},
                    "additionalProperties": False,
                },
                "max_chunk_size": {"type": "integer", "minimum": 0, "maximum": 2**32 - 1},
            },
            "additionalProperties": False,
        },
        "bucket": {"type": "string"},
        "nuid": {"type": "string"},
        "size": {"type": "integer", "minimum": 0},
        "mtime": {"type": "string"},
        "chunks": {"type": "integer", "minimum": 0, "maximum": 2**32 - 1},
        "digest": {"type": "string", "pattern": "^SHA-256=[A-Za-z0-9_-]{43}=$"},
        "deleted": {"const": True},
    },
    "additionalProperties": False,
}

_text = st.text(min_size=1, max_size=20)
_infos = st.builds(
    ObjectInfo,
    name=_text,
    description=st.none() | st.text(max_size=20),
    headers=st.none() | st.dictionaries(_text, st.lists(st.text(max_size=10), max_size=3)),
    metadata=st.none() | st.dictionaries(_text, st.text(max_size=10)),
    options=st.none()
    | st.builds(
        jsm.ObjectMetaOptions,
        link=st.none() | st.builds(jsm.ObjectLink, bucket=_text, name=st.none() | _text),
        max_chunk_size=st.none() | st.integers(min_value=1, max_value=2**20),
    ),
    bucket=_text,
    nuid=_text,
    size=st.integers(min_value=0, max_value=2**40),
    chunks=st.integers(min_value=0, max_value=2**31),
    digest=st.none() | st.binary(min_size=32, max_size=32).map(digest_value),
    deleted=st.booleans(),
)


@settings(max_examples=80, deadline=None)
@given(_infos)
def test_object_infos_dump_to_the_adr_20_schema_and_round_trip(info: ObjectInfo) -> None:
    wire = info.to_wire()
    jsonschema.validate(wire, OBJECT_INFO_SCHEMA)
    again = ObjectInfo.from_wire(info.to_wire_json())
    assert again.to_wire() == wire
    assert again.model_dump(exclude={"mtime"}) == info.model_dump(exclude={"mtime"})


@pytest.mark.parametrize("chunk_size", [1000, 128 * 1024, 3 << 20], ids=["small", "default", "big"])
async def test_sources_spanning_several_read_blocks_chunk_and_hash_alike(chunk_size: int) -> None:
    data = hashlib.sha256(b"blocks").digest() * ((5 << 20) // 32 + 7)
    expected = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)]
    assert await _collect(data, chunk_size) == expected
    assert await _collect(io.BytesIO(data), chunk_size) == expected
    assert await _collect(iter([data[:12345], data[12345:]]), chunk_size) == expected
