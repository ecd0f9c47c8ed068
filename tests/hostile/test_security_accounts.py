"""Accounts keep their streams to themselves: another account reaches them only through
the JetStream API its owner exports, and only as far as the export (and the subjects
imported with it) reach.

In ``nats_accounts``, account APP has JetStream and exports its whole API; account IMP
has none of its own and imports APP's API under ``JS.APP.API``, plus the subjects
``imp.>`` (to publish into APP's streams), ``$KV.>``, acknowledgements, and ``deliver.>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import ImportingAccounts


@pytest.fixture
async def app(nats_accounts: ImportingAccounts, unique_name: str) -> AsyncIterator[jsm.Manager]:
    """APP, with a stream on ``<name>.>`` holding one message and a bucket ``<name>``."""
    async with jsm.connect(nats_accounts.exporter_url) as js:
        await js.streams.add(
            jsm.StreamConfig(
                name=unique_name, subjects=[f"{unique_name}.>"], storage=jsm.StorageType.MEMORY
            )
        )
        await js.publish(f"{unique_name}.private", b"APP's own")
        kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
        await kv.put("key", b"APP's value")
        yield js
        await js.streams.delete(unique_name)
        await js.kv.delete(unique_name)


async def _messages(js: jsm.Manager, stream: str) -> int:
    return (await js.streams.info(stream)).state.messages


async def test_another_account_sees_and_touches_nothing_without_the_import(
    nats_accounts: ImportingAccounts, app: jsm.Manager, unique_name: str
) -> None:
    async with jsm.connect(nats_accounts.importer_url) as imp:
        for call in (
            imp.account_info(),
            imp.streams.names().collect(),
            imp.streams.info(unique_name),
            imp.streams.delete(unique_name),
            imp.kv.get(unique_name),
        ):
            with pytest.raises(errors.NotEnabledForAccountError):
                await call
        # Its subjects are its own: a publish to the stream's subject finds no stream...
        with pytest.raises(errors.NoStreamError):
            await imp.publish(f"{unique_name}.intruder", b"x")
        # ...and APP's messages never reach its subscriptions.
        sub = await imp.nc.subscribe(f"{unique_name}.>")
        await imp.nc.flush()
        await app.publish(f"{unique_name}.private", b"more")
        with anyio.move_on_after(0.5):
            await sub.next_msg(timeout=1)
            pytest.fail("a message of another account arrived")
        await sub.unsubscribe()
    assert await _messages(app, unique_name) == 2


async def test_the_imported_api_reaches_what_the_export_allows(
    nats_accounts: ImportingAccounts, app: jsm.Manager, unique_name: str
) -> None:
    async with jsm.connect(nats_accounts.importer_url, api_prefix=nats_accounts.api_prefix) as imp:
        assert unique_name in await imp.streams.names().collect()
        stream = await imp.streams.get(unique_name)
        assert (await stream.get_message(1)).data == b"APP's own"
        consumer = await stream.consumers.add(jsm.ConsumerConfig(durable_name="imp"))
        msg = await consumer.next(timeout=5)
        assert msg.data == b"APP's own"
        await msg.ack_sync()
        kv = await imp.kv.get(unique_name)
        assert (await kv.get("key")).value == b"APP's value"
        await kv.put("from_imp", b"x")
        await stream.consumers.delete("imp")
    assert (await (await app.kv.get(unique_name)).get("from_imp")).value == b"x"


async def test_publishes_reach_only_the_imported_subjects(
    nats_accounts: ImportingAccounts, app: jsm.Manager, unique_name: str
) -> None:
    imported = f"{nats_accounts.publish_prefix}.{unique_name}"
    await app.streams.add(jsm.StreamConfig(name=f"{unique_name}_IMP", subjects=[f"{imported}.>"]))
    async with jsm.connect(nats_accounts.importer_url, api_prefix=nats_accounts.api_prefix) as imp:
        assert (await imp.publish(f"{imported}.ok", b"x")).stream == f"{unique_name}_IMP"
        # The API sees APP's stream on <name>.>, but IMP's publishes stay in IMP's own
        # subjects: nobody answers (NoStreamAnsweredError, a JsmTimeoutError, once the
        # stream look-up has found APP's stream), and nothing is stored.
        with pytest.raises(errors.JsmTimeoutError):
            await imp.publish(f"{unique_name}.intruder", b"x", timeout=3)
    assert await _messages(app, unique_name) == 1
    await app.streams.delete(f"{unique_name}_IMP")


async def test_exporting_the_whole_api_hands_over_creating_and_deleting_streams(
    nats_accounts: ImportingAccounts, app: jsm.Manager, unique_name: str
) -> None:
    # Export only the subjects an importer needs (STREAM.INFO.<name>, CONSUMER.MSG.NEXT…)
    # to give less: an export of $JS.API.> lets the importer manage everything.
    name = f"{unique_name}_BY_IMP"
    async with jsm.connect(nats_accounts.importer_url, api_prefix=nats_accounts.api_prefix) as imp:
        await imp.streams.add(jsm.StreamConfig(name=name, subjects=[f"{name}.>"]))
        assert name in await app.streams.names().collect()
        await imp.streams.delete(name)
    assert name not in await app.streams.names().collect()
