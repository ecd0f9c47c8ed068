"""Stored messages: get (API and direct, single, batch, multi-last), delete with erase, purge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from jsm.testing import NatsServer


async def put(
    js: jsm.Manager, subject: str, data: bytes = b"x", headers: dict[str, str] | None = None
) -> int:
    reply = await js.nc.request(subject, data, timeout=5, headers=headers)
    assert b'"seq"' in reply.data, reply.data
    seq = jsm.models.ReplyModel.model_validate_json(reply.data).model_extra or {}
    return int(seq["seq"])


async def filled(js: jsm.Manager, name: str, *, direct: bool) -> jsm.Stream:
    """A stream with 9 messages on <name>.0 .. <name>.2 (seq n on subject (n-1) % 3)."""
    stream = await js.streams.add(
        jsm.StreamConfig(name=name, subjects=[f"{name}.>"], allow_direct=direct)
    )
    for index in range(9):
        await put(js, f"{name}.{index % 3}", f"m{index + 1}".encode(), {"Idx": str(index + 1)})
    return stream


@pytest.mark.parametrize("direct", [False, True], ids=["api", "direct"])
async def test_get_by_sequence_last_and_next_by_subject(
    js: jsm.Manager, unique_name: str, direct: bool
) -> None:
    stream = await filled(js, unique_name, direct=direct)
    msg = await stream.get_message(4, direct=direct)
    assert (msg.seq, msg.subject, msg.data) == (4, f"{unique_name}.0", b"m4")
    assert msg.headers == {"Idx": "4"}
    assert msg.stream == unique_name
    assert abs(msg.time - datetime.now(UTC)) < timedelta(minutes=5)
    last = await stream.get_message(last_by_subject=f"{unique_name}.1", direct=direct)
    assert last.seq == 8
    following = await stream.get_message(5, next_by_subject=f"{unique_name}.2", direct=direct)
    assert following.seq == 6
    first_of = await stream.get_message(next_by_subject=f"{unique_name}.*", direct=direct)
    assert first_of.seq == 1
    with pytest.raises(errors.NoMessageFoundError):
        await stream.get_message(99, direct=direct)


async def test_api_and_direct_gets_agree(js: jsm.Manager, unique_name: str) -> None:
    stream = await filled(js, unique_name, direct=True)
    for seq in (1, 5, 9):
        assert await stream.get_message(seq, direct=True) == await stream.get_message(
            seq, direct=False
        )
    assert stream.config.allow_direct  # so direct=None picks the direct path
    assert (await stream.get_message(2)).data == b"m2"


async def test_direct_get_on_a_stream_without_it_says_what_to_do(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await filled(js, unique_name, direct=False)
    with pytest.raises(errors.JetStreamUnavailableError, match="allow_direct"):
        await stream.get_message(1, direct=True)
    with pytest.raises(errors.JetStreamUnavailableError, match="allow_direct"):
        await stream.get_messages_batch(3)


async def test_get_options_are_checked_locally(js: jsm.Manager, unique_name: str) -> None:
    stream = await filled(js, unique_name, direct=True)
    with pytest.raises(errors.InvalidOptionError, match="needs a seq"):
        await stream.get_message()
    with pytest.raises(errors.InvalidOptionError, match="cannot be combined"):
        await stream.get_message(1, last_by_subject="a")
    with pytest.raises(errors.InvalidOptionError, match="positive"):
        await stream.get_message(0)
    with pytest.raises(errors.InvalidOptionError, match="batch"):
        await stream.get_messages_batch(0)
    with pytest.raises(errors.InvalidOptionError, match="non-empty"):
        await stream.get_last_messages_for([])


async def test_batch_direct_get_reads_a_range(js: jsm.Manager, unique_name: str) -> None:
    stream = await filled(js, unique_name, direct=True)
    batch = await stream.get_messages_batch(4, start_seq=3)
    assert [m.seq for m in batch] == [3, 4, 5, 6]
    only = await stream.get_messages_batch(10, subject=f"{unique_name}.2")
    assert [m.seq for m in only] == [3, 6, 9]
    assert await stream.get_messages_batch(5, start_seq=50) == []
    since = (await stream.get_message(7)).time
    from_time = await stream.get_messages_batch(5, start_time=since)
    assert from_time and from_time[0].seq <= 7 and from_time[-1].seq == 9
    capped = await stream.get_messages_batch(9, max_bytes=1)
    assert len(capped) == 1  # the server always sends at least one message


async def test_multi_last_direct_get_returns_the_last_of_each_subject(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await filled(js, unique_name, direct=True)
    lasts = await stream.get_last_messages_for([f"{unique_name}.>"])
    assert sorted((m.subject, m.seq) for m in lasts) == [
        (f"{unique_name}.0", 7),
        (f"{unique_name}.1", 8),
        (f"{unique_name}.2", 9),
    ]
    earlier = await stream.get_last_messages_for(
        [f"{unique_name}.0", f"{unique_name}.1"], up_to_seq=4
    )
    assert sorted(m.seq for m in earlier) == [2, 4]
    assert await stream.get_last_messages_for(["nothing.here"]) == []


async def test_gdpr_erase_makes_the_message_unreadable(js: jsm.Manager, unique_name: str) -> None:
    stream = await filled(js, unique_name, direct=True)
    await stream.delete_message(5)  # erase=True: overwritten on disk
    await stream.delete_message(6, erase=False)
    for seq in (5, 6):
        with pytest.raises(errors.NoMessageFoundError):
            await stream.get_message(seq, direct=False)
        with pytest.raises(errors.NoMessageFoundError):
            await stream.get_message(seq, direct=True)
    info = await stream.info(deleted_details=True)
    assert info.state.deleted == [5, 6] and info.state.messages == 7
    with pytest.raises(errors.SequenceNotFoundError):
        await stream.delete_message(5)


async def test_deny_delete_refuses_message_deletes(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], deny_delete=True)
    )
    await put(js, f"{unique_name}.a")
    with pytest.raises(errors.ApiError, match="delete"):
        await stream.delete_message(1)
    assert (await stream.get_message(1)).data == b"x"


async def test_purge_everything(js: jsm.Manager, unique_name: str) -> None:
    stream = await filled(js, unique_name, direct=False)
    assert await stream.purge() == 9
    assert (await stream.info()).state.messages == 0


async def test_purge_by_subject_with_wildcards(js: jsm.Manager, unique_name: str) -> None:
    stream = await filled(js, unique_name, direct=False)
    assert await stream.purge(subject=f"{unique_name}.1") == 3
    assert await stream.purge(subject=f"{unique_name}.*") == 6


async def test_purge_keeping_the_newest(js: jsm.Manager, unique_name: str) -> None:
    stream = await filled(js, unique_name, direct=False)
    assert await stream.purge(keep=4) == 5
    assert (await stream.info()).state.first_seq == 6
    assert await stream.purge(subject=f"{unique_name}.0", keep=1) == 0  # only seq 7 left there


async def test_purge_up_to_a_sequence(js: jsm.Manager, unique_name: str) -> None:
    stream = await filled(js, unique_name, direct=False)
    assert await stream.purge(up_to_seq=4) == 3
    assert (await stream.info()).state.first_seq == 4
    assert await stream.purge(subject=f"{unique_name}.2", up_to_seq=9) == 1  # seq 6


async def test_purge_options_are_checked_locally(js: jsm.Manager, unique_name: str) -> None:
    stream = await filled(js, unique_name, direct=False)
    with pytest.raises(errors.InvalidOptionError, match="keep or up_to_seq"):
        await stream.purge(keep=1, up_to_seq=3)  # type: ignore[call-overload]  # the error under test
    with pytest.raises(errors.InvalidOptionError, match="keep"):
        await stream.purge(keep=0)
    with pytest.raises(errors.InvalidNameError):
        await stream.purge(subject="bad..subject")
    assert (await stream.info()).state.messages == 9


async def _store_dir(system_url: str) -> anyio.Path:
    async with jsm.connect(system_url) as system:
        reply = await system.nc.request("$SYS.REQ.SERVER.PING.VARZ", b"{}", timeout=5)
    return anyio.Path(json.loads(reply.data)["data"]["jetstream"]["config"]["store_dir"])


async def _on_disk(store: anyio.Path, stream: str, marker: bytes) -> bool:
    async for block in store.glob(f"*/streams/{stream}/msgs/*.blk"):
        if marker in await block.read_bytes():
            return True
    return False


async def _until(check: Callable[[], Awaitable[bool]]) -> None:
    with anyio.fail_after(10):
        while True:
            if await check():
                return
            await anyio.sleep(0.05)


async def test_gdpr_erase_overwrites_the_payload_on_disk(
    js: jsm.Manager, unique_name: str, nats_server: NatsServer
) -> None:
    store = await _store_dir(nats_server.system_url)
    stream = await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    secret, kept = b"SECRET-" + unique_name.encode(), b"KEPT-" + unique_name.encode()
    await put(js, f"{unique_name}.a", secret)
    await put(js, f"{unique_name}.b", kept)
    await _until(lambda: _on_disk(store, unique_name, secret))
    await stream.delete_message(1, erase=True)
    await _until(lambda: _not(_on_disk(store, unique_name, secret)))
    assert await _on_disk(store, unique_name, kept)  # the scan does see stored payloads
    with pytest.raises(errors.NoMessageFoundError):
        await stream.get_message(1)


async def _not(check: Awaitable[bool]) -> bool:
    return not await check


@pytest.mark.parametrize("value", ["3", 2.5, float("nan"), [1]], ids=repr)
async def test_counts_that_are_not_integers_are_refused(
    js: jsm.Manager, unique_name: str, value: object
) -> None:
    # Text or a list raised TypeError from the comparison with 1; NaN and 2.5 reached pydantic.
    stream = await filled(js, unique_name, direct=True)
    with pytest.raises(errors.InvalidOptionError, match="batch must be a positive integer"):
        await stream.get_messages_batch(None)  # type: ignore[arg-type]  # wrong on purpose
    with pytest.raises(errors.InvalidOptionError, match="batch must be a positive integer"):
        await stream.get_messages_batch(value)  # type: ignore[arg-type]  # wrong on purpose
    with pytest.raises(errors.InvalidOptionError, match="keep must be a positive integer"):
        await stream.purge(keep=value)  # type: ignore[call-overload]  # wrong on purpose
    with pytest.raises(errors.InvalidOptionError, match="up_to_seq must be a positive integer"):
        await stream.purge(up_to_seq=value)  # type: ignore[call-overload]  # wrong on purpose
    assert (await stream.info()).state.messages == 9


async def test_direct_get_numbers_outside_the_servers_types_are_refused_locally(
    js: jsm.Manager, unique_name: str
) -> None:
    # The server answered these with a bare "408 Empty/Malformed Request"
    # (UnexpectedReplyError): sequences are uint64 there, sizes int64.
    stream = await filled(js, unique_name, direct=True)
    with pytest.raises(errors.InvalidOptionError, match="start_seq must be a positive integer"):
        await stream.get_messages_batch(2, start_seq=0)
    with pytest.raises(errors.InvalidOptionError, match="up_to_seq"):
        await stream.get_last_messages_for([f"{unique_name}.>"], up_to_seq=-1)
    with pytest.raises(errors.InvalidOptionError, match="batch"):
        await stream.get_last_messages_for([f"{unique_name}.>"], batch=2**63)
    with pytest.raises(errors.InvalidOptionError, match="seq"):
        await stream.get_message(2**64)
    assert len(await stream.get_messages_batch(2, start_seq=1)) == 2


@pytest.mark.parametrize("subjects", ["a.>", 7, None, b"a.>"], ids=repr)
async def test_multi_last_subjects_must_be_a_list(
    js: jsm.Manager, unique_name: str, subjects: object
) -> None:
    # A number or None raised TypeError from iterating it.
    stream = await filled(js, unique_name, direct=True)
    with pytest.raises(errors.InvalidOptionError, match="non-empty list of subjects"):
        await stream.get_last_messages_for(subjects)  # type: ignore[arg-type]  # wrong on purpose
