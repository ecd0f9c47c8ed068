"""Publishing through a JetStream domain (a leaf-domain stream fed from the hub) and through
an API prefix imported from another account (stream subjects under the imported ``imp.>``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

import jsm
from jsm import errors


async def exercise(js: jsm.Manager, name: str, subject: str, *, domain: str | None) -> None:
    stream = await js.streams.add(
        jsm.StreamConfig(
            name=name,
            subjects=[f"{subject}.>"],
            storage=jsm.StorageType.MEMORY,
            duplicate_window=timedelta(seconds=30),
            allow_msg_ttl=True,
            allow_atomic=True,
        )
    )
    ack = await js.publish(f"{subject}.a", b"1", msg_id="one", ttl="never")
    assert (ack.stream, ack.seq, ack.domain) == (name, 1, domain)
    assert (await js.publish(f"{subject}.a", b"1", msg_id="one")).duplicate
    with pytest.raises(errors.StreamWrongLastSequenceError):
        await js.publish(f"{subject}.a", b"x", expect=jsm.Expect(last_subject_sequence=0))
    async with js.batch() as batch:
        for index in range(3):
            await batch.add(f"{subject}.b", str(index).encode())
    assert batch.ack is not None and batch.ack.count == 3 and batch.ack.seq == 4
    async with js.publisher(max_pending=16) as pub:
        futures = [await pub.publish(f"{subject}.c", b"p") for _ in range(200)]
    assert [f.result().seq for f in futures] == list(range(5, 205))
    assert {f.result().domain for f in futures} == {domain}
    assert (await stream.info()).state.messages == 204


async def test_publish_into_the_leaf_domain_from_the_hub(
    js_leaf: jsm.Manager, unique_name: str
) -> None:
    await exercise(js_leaf, unique_name, f"leafpub.{unique_name}", domain="leaf")


async def test_publish_through_an_imported_api_prefix(
    js_imported: jsm.Manager, unique_name: str
) -> None:
    await exercise(js_imported, unique_name, f"imp.{unique_name}", domain=None)


async def test_counter_through_an_imported_api_prefix(
    js_imported: jsm.Manager, unique_name: str
) -> None:
    await js_imported.streams.add(
        jsm.StreamConfig(
            name=unique_name,
            subjects=[f"imp.{unique_name}.>"],
            storage=jsm.StorageType.MEMORY,
            allow_msg_counter=True,
        )
    )
    assert await js_imported.increment(f"imp.{unique_name}.n", 3) == 3
    assert await js_imported.increment(f"imp.{unique_name}.n", 3, msg_id="d") == 6
    assert await js_imported.increment(f"imp.{unique_name}.n", 3, msg_id="d") == 6
