"""js.publish on a real server: PubAck, dedupe, expectations, TTL, rollup and counters."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import eventually, make_stream


async def test_publish_returns_the_pub_ack(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    first = await js.publish(f"{unique_name}.a", b"one")
    second = await js.publish(f"{unique_name}.b", b"two", headers={"X-Kind": "demo"})
    assert (first.stream, first.seq, first.duplicate) == (unique_name, 1, False)
    assert second.seq == 2 and second.domain is None
    stored = await stream.get_message(2)
    assert stored.data == b"two" and stored.headers is not None
    assert stored.headers["X-Kind"] == "demo"


async def test_publish_accepts_an_empty_payload_and_bytearray(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name)
    await js.publish(f"{unique_name}.a")
    await js.publish(f"{unique_name}.a", bytearray(b"xy"))  # type: ignore[arg-type]  # accepted at run time too
    assert [(await stream.get_message(s)).data for s in (1, 2)] == [b"", b"xy"]


async def test_duplicate_msg_id_within_the_window_is_not_stored(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name, duplicate_window=timedelta(seconds=30))
    first = await js.publish(f"{unique_name}.a", b"1", msg_id="order-1")
    again = await js.publish(f"{unique_name}.a", b"1 again", msg_id="order-1")
    other = await js.publish(f"{unique_name}.a", b"2", msg_id="order-2")
    assert not first.duplicate and again.duplicate and not other.duplicate
    assert again.seq == first.seq == 1 and other.seq == 2
    assert (await stream.info()).state.messages == 2
    assert (await stream.get_message(1)).data == b"1"


async def test_msg_id_is_stored_again_once_the_window_has_passed(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(js, unique_name, duplicate_window=timedelta(milliseconds=100))
    await js.publish(f"{unique_name}.a", b"1", msg_id="x")

    async def stored_again() -> bool:
        ack = await js.publish(f"{unique_name}.a", b"1", msg_id="x")
        return not ack.duplicate

    await eventually(stored_again, within=10)
    assert (await stream.info()).state.messages == 2


async def test_expectations_store_only_when_they_hold(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name)
    subject = f"{unique_name}.k"
    ack = await js.publish(subject, b"1", expect=jsm.Expect(stream=unique_name, last_sequence=0))
    assert ack.seq == 1
    with pytest.raises(errors.StreamWrongLastSequenceError):
        await js.publish(subject, b"x", expect=jsm.Expect(last_sequence=0))
    with pytest.raises(errors.StreamNotMatchError):
        await js.publish(subject, b"x", expect=jsm.Expect(stream="OTHER"))
    assert (await js.publish(subject, b"2", expect=jsm.Expect(last_subject_sequence=1))).seq == 2
    with pytest.raises(errors.StreamWrongLastSequenceError):
        await js.publish(subject, b"x", expect=jsm.Expect(last_subject_sequence=1))
    await js.publish(f"{unique_name}.other", b"3", msg_id="m-3")
    assert (await js.publish(subject, b"4", expect=jsm.Expect(last_msg_id="m-3"))).seq == 4
    with pytest.raises(errors.StreamWrongLastMsgIDError):
        await js.publish(subject, b"x", expect=jsm.Expect(last_msg_id="m-3"))
    # The subject sequence can be checked on a wildcard other than the published subject.
    wild = jsm.Expect(last_subject_sequence=4, last_subject=f"{unique_name}.*")
    assert (await js.publish(subject, b"5", expect=wild)).seq == 5
    with pytest.raises(errors.StreamWrongLastSequenceError):
        await js.publish(subject, b"x", expect=wild)
    stream = await js.streams.get(unique_name)
    assert (await stream.info()).state.messages == 5


async def test_ttl_expires_a_message_and_leaves_a_delete_marker(
    js: jsm.Manager, unique_name: str
) -> None:
    stream = await make_stream(
        js,
        unique_name,
        allow_msg_ttl=True,
        subject_delete_marker_ttl=timedelta(seconds=1),
    )
    await js.publish(f"{unique_name}.keep", b"k", ttl="never")
    ack = await js.publish(f"{unique_name}.short", b"s", ttl=timedelta(seconds=1))
    stored = await stream.get_message(ack.seq)
    assert stored.headers is not None and stored.headers["Nats-TTL"] == "1s"

    async def marker_written() -> bool:
        try:
            marker = await stream.get_message(last_by_subject=f"{unique_name}.short")
        except errors.NoMessageFoundError:
            return False
        return marker.seq > ack.seq

    await eventually(marker_written, within=20)
    marker = await stream.get_message(last_by_subject=f"{unique_name}.short")
    assert marker.headers is not None and marker.headers["Nats-Marker-Reason"] == "MaxAge"
    assert marker.data == b""
    assert (await stream.get_message(1)).data == b"k"


async def test_ttl_on_a_stream_without_ttls_is_refused(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name)
    with pytest.raises(errors.MessageTTLDisabledError, match="per-message TTL is disabled"):
        await js.publish(f"{unique_name}.a", b"x", ttl=5)
    assert (await stream.info()).state.messages == 0


async def test_rollup_keeps_only_the_newest_message(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name, allow_rollup_hdrs=True)
    for index in range(3):
        await js.publish(f"{unique_name}.a", str(index).encode())
        await js.publish(f"{unique_name}.b", str(index).encode())
    await js.publish(f"{unique_name}.a", b"a-sum", rollup="sub")
    state = (await stream.info()).state
    assert state.messages == 4  # three on .b, one on .a
    await js.publish(f"{unique_name}.c", b"all", rollup=jsm.Rollup.ALL)
    state = (await stream.info()).state
    assert state.messages == 1 and state.last_seq == 8


async def test_rollup_without_permission_is_refused(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name)
    with pytest.raises(errors.StreamRollupFailedError):
        await js.publish(f"{unique_name}.a", b"x", rollup="all")


async def test_counters_add_and_return_the_total(js: jsm.Manager, unique_name: str) -> None:
    stream = await make_stream(js, unique_name, allow_msg_counter=True)
    assert await js.increment(f"{unique_name}.hits") == 1
    assert await js.increment(f"{unique_name}.hits", 10) == 11
    assert await js.increment(f"{unique_name}.hits", -3) == 8
    assert await js.increment(f"{unique_name}.other", 0) == 0
    # Counters are arbitrary precision on the server.
    assert await js.increment(f"{unique_name}.big", 2**70) == 2**70
    assert await js.increment(f"{unique_name}.big", 2**70) == 2**71
    assert (await stream.info()).state.num_subjects == 3


async def test_counter_increment_with_msg_id_counts_once(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name, allow_msg_counter=True)
    assert await js.increment(f"{unique_name}.c", 5, msg_id="i-1") == 5
    assert await js.increment(f"{unique_name}.c", 5, msg_id="i-1") == 5
    assert await js.increment(f"{unique_name}.c", 1) == 6


async def test_increment_needs_a_counter_stream(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name)
    with pytest.raises(errors.MessageIncrDisabledError):
        await js.increment(f"{unique_name}.c")


async def test_plain_publish_to_a_counter_stream_is_refused(
    js: jsm.Manager, unique_name: str
) -> None:
    await make_stream(js, unique_name, allow_msg_counter=True)
    with pytest.raises(errors.ApiError) as caught:
        await js.publish(f"{unique_name}.c", b"7")
    assert caught.value.err_code == 10169  # message counter increment is missing


async def test_publish_without_a_stream_raises_no_stream(js: jsm.Manager, unique_name: str) -> None:
    with anyio.fail_after(30), pytest.raises(jsm.errors.NoStreamError, match=unique_name):
        await js.publish(f"{unique_name}.nowhere", b"x", timeout=1)


async def test_publish_beyond_the_stream_message_size_is_refused(
    js: jsm.Manager, unique_name: str
) -> None:
    await make_stream(js, unique_name, max_msg_size=16)
    await js.publish(f"{unique_name}.a", b"x" * 16)
    with pytest.raises(errors.StreamMessageExceedsMaximumError):
        await js.publish(f"{unique_name}.a", b"x" * 17)
