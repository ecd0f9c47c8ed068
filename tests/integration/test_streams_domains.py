"""Streams through a JetStream domain (hub + leaf) and through an imported API prefix."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from jsm.testing import ImportingAccounts


async def _exercise_management(js: jsm.Manager, name: str) -> jsm.Stream:
    """Create, find, list, edit and read back a stream through ``js``'s mapping."""
    stream = await js.streams.add(
        jsm.StreamConfig(name=name, subjects=[f"{name}.>"], allow_direct=True)
    )
    assert (await js.streams.add(stream.config)).name == name  # idempotent via the mapping
    assert name in await js.streams.names().collect()
    assert name in [info.config.name async for info in js.streams.list(subject=f"{name}.>")]
    await stream.edit(description="via mapping")
    assert (await js.streams.get(name)).config.description == "via mapping"
    with pytest.raises(errors.StreamNotFoundError):
        await js.streams.get(f"{name}_MISSING")
    return stream


async def _wait_for(stream: jsm.Stream, count: int) -> None:
    with anyio.fail_after(10):
        while True:
            if (await stream.info()).state.messages >= count:
                return
            await anyio.sleep(0.05)


async def test_streams_work_through_a_domain(js_leaf: jsm.Manager, unique_name: str) -> None:
    assert (await js_leaf.account_info()).domain == "leaf"
    stream = await _exercise_management(js_leaf, unique_name)
    for index in range(4):
        reply = await js_leaf.nc.request(f"{unique_name}.{index % 2}", b"m%d" % index, timeout=5)
        assert b'"domain":"leaf"' in reply.data
    await _wait_for(stream, 4)
    assert (await stream.get_message(2, direct=False)).data == b"m1"
    assert (await stream.get_message(last_by_subject=f"{unique_name}.0")).seq == 3
    assert [m.seq for m in await stream.get_messages_batch(10)] == [1, 2, 3, 4]
    assert len(await stream.get_last_messages_for([f"{unique_name}.>"])) == 2
    await stream.delete_message(1)
    with pytest.raises(errors.NoMessageFoundError):
        await stream.get_message(1, direct=False)
    assert await stream.purge(subject=f"{unique_name}.1", keep=1) == 1
    info = await stream.info(subjects_filter=">")
    assert info.state.subjects == {f"{unique_name}.0": 1, f"{unique_name}.1": 1}


async def test_snapshot_and_restore_through_a_domain(
    js_leaf: jsm.Manager, unique_name: str
) -> None:
    stream = await js_leaf.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"])
    )
    for index in range(10):
        await js_leaf.nc.request(f"{unique_name}.{index}", b"x" * 1000, timeout=5)
    buffer = io.BytesIO()
    result = await stream.snapshot(buffer)
    assert result.state.messages == 10
    buffer.seek(0)
    restored = await js_leaf.streams.restore(
        buffer, name=f"{unique_name}_R", subjects=[f"{unique_name}_R.>"]
    )
    assert (await restored.info()).state.messages == 10


async def test_streams_work_through_an_api_prefix(
    js_imported: jsm.Manager, nats_accounts: ImportingAccounts, unique_name: str
) -> None:
    assert js_imported.api_prefix is not None
    stream = await _exercise_management(js_imported, unique_name)
    with pytest.raises(errors.NoMessageFoundError):
        await stream.get_message(1, direct=False)
    # The importer publishes on the exported subjects; reads come back through the prefix.
    data_subject = f"{nats_accounts.publish_prefix}.{unique_name}"
    await stream.edit(subjects=[f"{data_subject}.>"])
    for index in range(3):
        reply = await js_imported.nc.request(f"{data_subject}.{index}", b"i%d" % index, timeout=5)
        assert b'"seq"' in reply.data, reply.data
    await _wait_for(stream, 3)
    assert (await stream.get_message(2, direct=False)).data == b"i1"
    assert (await stream.get_message(3, direct=True)).data == b"i2"
    assert [m.seq for m in await stream.get_messages_batch(5)] == [1, 2, 3]
    assert await stream.purge(keep=1) == 2
    copy = await stream.copy(f"{unique_name}_C", subjects=[f"{data_subject}_C.>"])
    assert copy.config.description == "via mapping"
    await copy.delete()
    await stream.delete()
    assert unique_name not in await js_imported.streams.names().collect()


async def test_snapshots_through_a_prefix_need_their_data_subjects(
    js_imported: jsm.Manager, nats_accounts: ImportingAccounts, unique_name: str
) -> None:
    subject = f"{nats_accounts.publish_prefix}.{unique_name}"
    stream = await js_imported.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{subject}.>"])
    )
    await js_imported.nc.request(f"{subject}.a", b"x", timeout=5)
    with pytest.raises(errors.JsmTimeoutError, match="imported"):
        await stream.snapshot(io.BytesIO(), timeout=1)
    await stream.delete(timeout=30)  # the server may hold the stream until it gives up sending
