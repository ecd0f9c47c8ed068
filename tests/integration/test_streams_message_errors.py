"""Deleting a message that is not there raises what ``Stream.delete_message`` documents."""

from __future__ import annotations

import inspect

import pytest

import jsm
from jsm import errors


def test_delete_message_documents_sequence_not_found() -> None:
    doc = inspect.getdoc(jsm.Stream.delete_message) or ""
    raises = doc.split("Raises:", 1)[1]
    assert "SequenceNotFoundError: no message has that sequence" in raises
    assert "past the end" in raises and "already deleted" in raises


@pytest.mark.parametrize("storage", [jsm.StorageType.FILE, jsm.StorageType.MEMORY])
async def test_deleting_a_missing_message_raises_sequence_not_found(
    js: jsm.Manager, unique_name: str, storage: jsm.StorageType
) -> None:
    stream = await js.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], storage=storage)
    )
    for _ in range(3):
        await js.publish(f"{unique_name}.a", b"x")
    await stream.delete_message(1)
    await stream.delete_message(2, erase=False)
    # past the end, then two deleted ones (now below the first sequence)
    for seq in (10, 1, 2):
        with pytest.raises(errors.SequenceNotFoundError) as caught:
            await stream.delete_message(seq)
        err = caught.value
        assert (err.code, err.err_code) == (400, 10043)
        assert err.description.startswith(f"sequence {seq} not found"), err.description
        assert f"stream {unique_name!r} message {seq}" in str(err)
    await stream.purge()
    with pytest.raises(errors.SequenceNotFoundError):
        await stream.delete_message(3)  # purged
    assert (await stream.info()).state.messages == 0


async def test_other_delete_failures_keep_their_class(js: jsm.Manager, unique_name: str) -> None:
    stream = await js.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], deny_delete=True)
    )
    await js.publish(f"{unique_name}.a", b"x")
    with pytest.raises(errors.StreamMsgDeleteFailedError) as caught:
        await stream.delete_message(1)
    assert not isinstance(caught.value, errors.SequenceNotFoundError)
    assert "not permitted" in caught.value.description
